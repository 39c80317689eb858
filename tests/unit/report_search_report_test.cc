#include "report/search_report.h"

#include <gtest/gtest.h>

namespace hb::report {
namespace {

TEST(ReportSearchReport, SetsTextBracesEachSet) {
  EXPECT_EQ(sets_text({{"A", "B"}, {"C"}}), "{A, B} {C}");
  EXPECT_EQ(sets_text({}), "");
  auto star = [](const std::string& name) { return "*" + name + "*"; };
  EXPECT_EQ(sets_text({{"A", "B"}, {"C"}}, {.open = "", .close = "", .within = " + ", .between = "; ", .name = star}),
            "*A* + *B*; *C*");
}

}  // namespace
}  // namespace hb::report
