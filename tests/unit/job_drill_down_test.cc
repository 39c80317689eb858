#include "job/drill_down.h"

#include <gtest/gtest.h>

#include <regex>

#include "fake_runtime.h"
#include "options/syscall_groups.h"

namespace hb::job {
namespace {

using hb::testing::FakeRuntime;
using hb::testing::FakeTrial;
job::SilentStatus silent;

trial::TrialPlan plan() {
  trial::TrialPlan p;
  p.image = "img";
  p.service.unit = "demo.service";
  p.workload.command = "true";
  return p;
}

FakeTrial failing() {
  FakeTrial t;
  t.workload_rc = 1;
  return t;
}

std::string line_of(const std::string& dropin, const std::string& key) {
  std::smatch m;
  return std::regex_search(dropin, m, std::regex(key + "=([^\n]*)")) ? m[1].str() : std::string("<absent>");
}

// sed needs fchown: any allowed group that contains it fixes the service;
// the smallest such group is the one to add.
TEST(JobDrillDown, AllowListAddsTheSmallestGroupThatFixesIt) {
  FakeRuntime fake;
  fake.rule = [](const std::string& dropin) {
    std::string allowed = " " + line_of(dropin, "SystemCallFilter") + " ";
    for (const auto& group : options::syscall_group_names()) {
      auto members = options::expand_syscall_group(group);
      if (members && std::find(members->begin(), members->end(), "fchown") != members->end() &&
          allowed.find(" " + group + " ") != std::string::npos)
        return FakeTrial{};
    }
    return failing();
  };
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
  fake.rule = [](const std::string& dropin) {
    return line_of(dropin, "InaccessiblePaths").find("/var/lib/app") != std::string::npos ? failing() : FakeTrial{};
  };
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
