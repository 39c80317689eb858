#include "job/drill_down.h"

#include <gtest/gtest.h>

#include "fake_runtime.h"
#include "options/syscall_groups.h"

namespace hb::job {
namespace {

using hb::testing::FakeRuntime;
namespace rules = hb::testing::rules;
job::SilentStatus silent;

trial::TrialPlan plan() {
  trial::TrialPlan p;
  p.image = "img";
  p.privilege = options::Privilege::SysAdmin;  // InaccessiblePaths= needs it to take effect
  p.service.unit = "demo.service";
  p.workload.command = "true";
  return p;
}

// sed needs fchown: any allowed group that contains it fixes the service;
// the smallest such group is the one to add.
TEST(JobDrillDown, AllowListAddsTheSmallestGroupThatFixesIt) {
  FakeRuntime fake;
  fake.rule = rules::killed_by_sigsys_unless_allowed("fchown");
  trial::TrialRunner runner(fake, plan());
  options::Directive culprit{"Service", "SystemCallFilter", "@default @basic-io @file-system"};
  ASSERT_TRUE(can_drill_down(culprit));
  auto result = drill_down(runner, {{"Service", "NoNewPrivileges", "yes"}}, culprit, {}, silent);
  ASSERT_TRUE(result);
  ASSERT_EQ(result->search.status, search::SearchStatus::Found) << result->search.message;
  EXPECT_TRUE(result->allow_list);
  EXPECT_EQ(result->changed, std::vector<std::string>{"@chown"});
  EXPECT_EQ(result->relaxed.value, "@default @basic-io @file-system @chown");
  // The rest of the safe template stayed applied in every trial.
  for (const auto& dropin : fake.dropins) EXPECT_NE(dropin.find("NoNewPrivileges=yes"), std::string::npos);
}

TEST(JobDrillDown, DenyListDropsTheElementThatBreaks) {
  FakeRuntime fake;
  fake.rule = rules::fails_if_element("InaccessiblePaths", "/var/lib/app");
  trial::TrialRunner runner(fake, plan());
  options::Directive culprit{"Service", "InaccessiblePaths", "/home /var/lib/app /srv /opt"};
  auto result = drill_down(runner, {}, culprit, {}, silent);
  ASSERT_TRUE(result);
  ASSERT_EQ(result->search.status, search::SearchStatus::Found) << result->search.message;
  EXPECT_FALSE(result->allow_list);
  EXPECT_EQ(result->changed, std::vector<std::string>{"/var/lib/app"});
  EXPECT_EQ(result->relaxed.value, "/home /srv /opt");
}

TEST(JobDrillDown, OnlyListsAreDrilled) {
  EXPECT_FALSE(can_drill_down({"Service", "ProtectSystem", "strict"}));
  EXPECT_TRUE(can_drill_down({"Service", "CapabilityBoundingSet", ""}));
  EXPECT_FALSE(can_drill_down({"Service", "ReadWritePaths", "/only/one"}));
}

}  // namespace
}  // namespace hb::job
