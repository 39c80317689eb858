#include <gtest/gtest.h>

#include "fake_runtime.h"
#include "job/drill_down.h"
#include "options/syscall_groups.h"
#include "recording_status.h"

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

// A drill-down that found `call` to let through: two fix lines (the culprit
// kept, then `SystemCallFilter=call`), verified by a passing trial.
void expect_verified_reallow(const DrillDownResult& result, const std::string& call) {
  ASSERT_EQ(result.search.status, search::SearchStatus::Found) << result.search.message;
  EXPECT_EQ(result.changed, std::vector<std::string>{call});
  ASSERT_EQ(result.fix.size(), 2u);
  EXPECT_EQ(result.fix[1].line(), "SystemCallFilter=" + call);
  ASSERT_GE(result.verified_trial, 0);
  EXPECT_EQ(result.trials.at(static_cast<size_t>(result.verified_trial)).verdict, trial::Verdict::Pass);
}

// sed needs fchown: the fewest calls to add is fchown itself, not a group
// that holds it, found from the SIGSYS and verified by a passing trial.
TEST(JobDrillDown, AllowListAddsTheSyscallTheSigsysNames) {
  FakeRuntime fake;
  fake.rule = rules::killed_by_sigsys_unless_allowed("fchown");
  trial::TrialRunner runner(fake, plan());
  options::Directive culprit{"Service", "SystemCallFilter", "@default @basic-io @file-system"};
  ASSERT_TRUE(can_drill_down(culprit));
  auto result = drill_down(runner, {{"Service", "NoNewPrivileges", "yes"}}, culprit, {}, silent);
  ASSERT_TRUE(result);
  ASSERT_EQ(result->search.status, search::SearchStatus::Found) << result->search.message;
  EXPECT_TRUE(result->allow_list);
  EXPECT_EQ(result->changed, std::vector<std::string>{"fchown"});
  EXPECT_EQ(result->relaxed.value, "@default @basic-io @file-system fchown");
  ASSERT_EQ(result->fix.size(), 1u);
  EXPECT_EQ(result->fix[0].line(), "SystemCallFilter=@default @basic-io @file-system fchown");
  // The original failed on fchown, the fix passed: two trials.
  ASSERT_EQ(result->trials.size(), 2u);
  EXPECT_EQ(result->verified_trial, 1);
  EXPECT_EQ(result->trials[1].verdict, trial::Verdict::Pass);
  // The rest of the safe template stayed applied in every trial.
  for (const auto& dropin : fake.dropins) EXPECT_NE(dropin.find("NoNewPrivileges=yes"), std::string::npos);
}

// The case: fchown is in both @chown and @privileged; the smallest
// fix keeps the deny list and re-allows one call with a later line.
TEST(JobDrillDown, DenyListReallowsOneSyscallWithALaterLine) {
  FakeRuntime fake;
  fake.rule = rules::killed_by_sigsys_unless_allowed("fchown");
  trial::TrialRunner runner(fake, plan());
  options::Directive culprit{"Service", "SystemCallFilter", "~@chown @privileged"};
  auto result = drill_down(runner, {}, culprit, {}, silent);
  ASSERT_TRUE(result);
  ASSERT_EQ(result->search.status, search::SearchStatus::Found) << result->search.message;
  EXPECT_TRUE(result->reallow);
  EXPECT_EQ(result->changed, std::vector<std::string>{"fchown"});
  ASSERT_EQ(result->fix.size(), 2u);
  EXPECT_EQ(result->fix[0].line(), "SystemCallFilter=~@chown @privileged");
  EXPECT_EQ(result->fix[1].line(), "SystemCallFilter=fchown");
  EXPECT_EQ(result->relaxed.line(), "SystemCallFilter=fchown");
  ASSERT_GE(result->verified_trial, 0);
  EXPECT_EQ(result->trials.at(static_cast<size_t>(result->verified_trial)).verdict, trial::Verdict::Pass);
  EXPECT_EQ(result->summary(),
            "SystemCallFilter=~@chown @privileged -> re-allow fchown (verified): "
            "SystemCallFilter=~@chown @privileged + SystemCallFilter=fchown");
}

TEST(JobDrillDown, DenyListWithoutASigsysSearchesSingleSyscalls) {
  // The service fails (no kill record) while fchown is denied.
  FakeRuntime fake;
  fake.rule =
      hb::testing::Rule([](const hb::testing::FakeContainer& c) -> std::optional<hb::testing::FakeTrial> {
        std::vector<std::string> values;
        for (const auto* d : c.in_effect_with_key("SystemCallFilter")) values.push_back(d->value);
        if (!options::syscall_filter_lines_allow(values, "fchown"))
          return rules::outcome::service_fails("EPERM");
        return std::nullopt;
      });
  trial::TrialRunner runner(fake, plan());
  options::Directive culprit{"Service", "SystemCallFilter", "~@chown"};
  auto result = drill_down(runner, {}, culprit, {}, silent);
  ASSERT_TRUE(result);
  expect_verified_reallow(*result, "fchown");
  // No record to start from: every call of @chown is searched; every trial counts.
  EXPECT_GT(result->trials.size(), 3u);
  EXPECT_EQ(result->search.trial_count, static_cast<int>(result->trials.size()));
}

// An errno filter (SystemCallErrorNumber=EPERM): no SIGSYS, nothing logged.
// One diagnostic trial with SystemCallLog= for the calls the culprit denies
// names fchown; the drill-down starts there: re-allowing it passes at once,
// instead of a search over the 50-odd calls of @chown @privileged.
TEST(JobDrillDown, ErrnoDenialsAreNamedByADiagnosticSystemCallLogTrial) {
  FakeRuntime fake;
  fake.rule = rules::denied_with_errno_unless_allowed("fchown");
  trial::TrialRunner runner(fake, plan());
  options::Directive culprit{"Service", "SystemCallFilter", "~@chown @privileged"};
  hb::testing::RecordingStatus status;
  auto result = drill_down(runner, {{"Service", "SystemCallErrorNumber", "EPERM"}}, culprit, {}, status);
  ASSERT_TRUE(result);
  expect_verified_reallow(*result, "fchown");
  // The culprit as is (fails), the diagnostic (logs fchown), fchown re-allowed (passes).
  ASSERT_EQ(result->trials.size(), 3u);
  ASSERT_EQ(fake.dropins.size(), 3u);
  EXPECT_NE(fake.dropins[1].find("SystemCallLog="), std::string::npos);
  EXPECT_EQ(fake.dropins[1].find("SystemCallFilter="), std::string::npos);  // without the culprit
  EXPECT_NE(fake.dropins[1].find("SystemCallErrorNumber=EPERM"), std::string::npos);
  bool named = false;
  for (const auto& m : status.messages) named |= m.text.find("names fchown (@chown") != std::string::npos;
  EXPECT_TRUE(named);
}

TEST(JobDrillDown, SyscallFilterLinesMergeAsSystemdDoes) {
  EXPECT_FALSE(options::syscall_filter_lines_allow({"~@chown @privileged"}, "fchown"));
  EXPECT_TRUE(options::syscall_filter_lines_allow({"~@chown @privileged", "fchown"}, "fchown"));
  EXPECT_FALSE(options::syscall_filter_lines_allow({"~@chown @privileged", "fchown"}, "chown"));
  EXPECT_FALSE(options::syscall_filter_lines_allow({"@basic-io"}, "fchown"));
  EXPECT_TRUE(options::syscall_filter_lines_allow({"@basic-io", "fchown"}, "fchown"));
  EXPECT_FALSE(options::syscall_filter_lines_allow({"@basic-io @chown", "~fchown"}, "fchown"));
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
