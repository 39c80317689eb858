#include <gtest/gtest.h>

#include "job/bisect_job.h"

namespace hb::job {
namespace {

scenario::OptionItem line(const std::string& key, const std::string& value) {
  options::Directive d{"Service", key, value};
  return {d.line(), {d}, {}};
}

trial::Evidence rated(double overall, std::vector<trial::ExposureRow> rows) {
  trial::Evidence e;
  e.exposure = overall;
  e.exposure_rows = std::move(rows);
  return e;
}

// Each line weighs 1 + 10 * what its rows lower the exposure by; lines
// without a row of their own keep 1; two lines of one key share its rows.
TEST(JobBisectJob, ExposureWeightsFromTheRowsEachLineLowers) {
  scenario::Scenario s;
  s.options = {line("PrivateTmp", "yes"), line("IPAddressAllow", "127.0.0.0/8"),
               line("SystemCallFilter", "~@mount"), line("SystemCallFilter", "~@clock"),
               line("DynamicUser", "yes")};
  const trial::Evidence baseline = rated(9.6, {{"PrivateTmp=", "", 0.5, false},
                                               {"SystemCallFilter=~@mount", "", 0.2, false},
                                               {"SystemCallFilter=~@clock", "", 0.2, false},
                                               {"User=/DynamicUser=", "", 0.4, false},
                                               {"PrivateNetwork=", "", 0.5, false}});
  const trial::Evidence full = rated(7.0, {{"PrivateTmp=", "", std::nullopt, true},
                                           {"SystemCallFilter=~@mount", "", std::nullopt, true},
                                           {"SystemCallFilter=~@clock", "", std::nullopt, true},
                                           {"User=/DynamicUser=", "", 0.1, false},
                                           {"PrivateNetwork=", "", 0.5, false}});
  const std::vector<double> w = exposure_weights(s, baseline, full);
  ASSERT_EQ(w.size(), 5u);
  EXPECT_DOUBLE_EQ(w[0], 6.0);  // 1 + 10 * 0.5
  EXPECT_DOUBLE_EQ(w[1], 1.0);  // a relaxation: no row of its own
  EXPECT_DOUBLE_EQ(w[2], 3.0);  // (0.2 + 0.2) shared by the two SystemCallFilter= lines
  EXPECT_DOUBLE_EQ(w[3], 3.0);
  EXPECT_NEAR(w[4], 4.0, 1e-9);  // 1 + 10 * (0.4 - 0.1)
}

TEST(JobBisectJob, NoRatingNoWeights) {
  scenario::Scenario s;
  s.options = {line("PrivateTmp", "yes")};
  EXPECT_TRUE(exposure_weights(s, trial::Evidence{}, rated(5.0, {})).empty());
}

}  // namespace
}  // namespace hb::job
