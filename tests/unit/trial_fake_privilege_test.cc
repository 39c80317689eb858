// The shared fake acts through the catalogue: an option above the container's
// privilege silently does nothing, and the real probes see that.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "fake_runtime.h"
#include "trial/probes.h"
#include "trial/trial_runner.h"

namespace hb::trial {
namespace {

using hb::testing::FakeRuntime;
namespace rules = hb::testing::rules;

TrialPlan plan_at(options::Privilege privilege) {
  TrialPlan plan;
  plan.image = "localhost/hardbisect-bookworm:abc";
  plan.privilege = privilege;
  plan.privilege_auto = false;
  plan.service.unit = "demo.service";
  plan.service.unit_file = "[Service]\nExecStart=/usr/local/bin/demo\n";
  plan.workload.command = "true";
  plan.run_id = "test";
  return plan;
}

options::Directive directive(std::string key, std::string value) {
  return options::Directive{"Service", std::move(key), std::move(value)};
}

TEST(TrialFakePrivilege, ProtectSystemIsNotEnforcedAtMinimal) {
  FakeRuntime fake;
  fake.rule = rules::fails_if("ProtectSystem=strict");
  TrialRunner runner(fake, plan_at(options::Privilege::Minimal), check_enforcement);
  TrialResult result = runner.run({directive("ProtectSystem", "strict")});
  // systemd skipped it: the service worked, and the probe sees /usr writable.
  EXPECT_EQ(result.verdict, Verdict::Unresolved) << result.reason;
  EXPECT_EQ(result.cause, Cause::NotEnforced);
  EXPECT_NE(result.reason.find("not enforced: ProtectSystem=strict: /usr is writable"), std::string::npos)
      << result.reason;
  EXPECT_EQ(fake.last_privilege, options::Privilege::Minimal);
}

TEST(TrialFakePrivilege, ProtectSystemIsEnforcedAtSysAdmin) {
  FakeRuntime fake;
  fake.rule = rules::fails_if("ProtectSystem=strict");
  TrialRunner runner(fake, plan_at(options::Privilege::SysAdmin), check_enforcement);
  TrialResult failed = runner.run({directive("ProtectSystem", "strict")});
  EXPECT_EQ(failed.verdict, Verdict::Fail) << failed.reason;
  EXPECT_EQ(failed.cause, Cause::Service);

  // In effect and harmless: the probe finds /usr, /etc and /var read-only.
  fake.rule = rules::passes();
  TrialResult passed = runner.run({directive("ProtectSystem", "strict")});
  EXPECT_EQ(passed.verdict, Verdict::Pass) << passed.reason;
}

TEST(TrialFakePrivilege, CgroupLimitsNeedPrivilegedAndCgroupV1LacksV2OnlyOnes) {
  FakeRuntime fake;
  TrialRunner sys_admin(fake, plan_at(options::Privilege::SysAdmin), check_enforcement);
  TrialResult below = sys_admin.run({directive("MemoryMax", "100M")});
  EXPECT_EQ(below.cause, Cause::NotEnforced) << below.reason;

  TrialRunner privileged(fake, plan_at(options::Privilege::Privileged), check_enforcement);
  EXPECT_EQ(privileged.run({directive("MemoryMax", "100M")}).verdict, Verdict::Pass);
  // MemoryHigh= is cgroup v2 only: a no-op on this host at any privilege.
  TrialResult v2 = privileged.run({directive("MemoryHigh", "100M")});
  EXPECT_EQ(v2.cause, Cause::NotEnforced) << v2.reason;
}

TEST(TrialFakePrivilege, FailsOnlyWithAllTogether) {
  FakeRuntime fake;
  fake.rule = rules::fails_if_all({"PrivateNetwork=yes", "PrivateTmp=yes"});
  TrialRunner runner(fake, plan_at(options::Privilege::SysAdmin), check_enforcement);
  // Each alone is in effect (own network namespace, private /tmp) and harmless.
  EXPECT_EQ(runner.run({directive("PrivateNetwork", "yes")}).verdict, Verdict::Pass);
  EXPECT_EQ(runner.run({directive("PrivateTmp", "yes")}).verdict, Verdict::Pass);
  EXPECT_EQ(runner.run({directive("PrivateNetwork", "yes"), directive("PrivateTmp", "yes")}).verdict,
            Verdict::Fail);
}

TEST(TrialFakePrivilege, SigsysKillIsExplainedFromTheKernelLog) {
  FakeRuntime fake;
  fake.rule = rules::killed_by_sigsys_unless_allowed("fchown");
  TrialRunner runner(fake, plan_at(options::Privilege::Minimal), check_enforcement);
  EXPECT_EQ(runner.run({directive("SystemCallFilter", "@system-service")}).verdict, Verdict::Pass);
  TrialResult result = runner.run({directive("SystemCallFilter", "@basic-io")});
  EXPECT_EQ(result.verdict, Verdict::Fail) << result.reason;
  EXPECT_NE(result.explanation.find("SIGSYS"), std::string::npos) << result.explanation;
  EXPECT_NE(result.explanation.find("fchown"), std::string::npos) << result.explanation;
}

TEST(TrialFakePrivilege, FlakyRuleTossesOnlyWhileInEffect) {
  FakeRuntime fake;
  fake.rule = rules::fails_with_probability(1.0, "PrivateTmp=yes", 3);
  TrialRunner minimal(fake, plan_at(options::Privilege::Minimal));
  EXPECT_EQ(minimal.run({directive("PrivateTmp", "yes")}).verdict, Verdict::Pass);
  TrialRunner sys_admin(fake, plan_at(options::Privilege::SysAdmin));
  EXPECT_EQ(sys_admin.run({directive("PrivateTmp", "yes")}).verdict, Verdict::Fail);
}

TEST(TrialFakePrivilege, UnknownDirectiveFailsLoudly) {
  FakeRuntime fake;
  TrialRunner runner(fake, plan_at(options::Privilege::SysAdmin));
  TrialResult result;
  EXPECT_NONFATAL_FAILURE(result = runner.run({directive("NotADirective", "yes")}),
                          "the catalogue does not know NotADirective");
  EXPECT_EQ(result.verdict, Verdict::Unresolved);
  EXPECT_EQ(result.cause, Cause::Harness);
  EXPECT_NONFATAL_FAILURE(rules::fails_if("ProtectSytem=strict"), "the catalogue does not know ProtectSytem");
  EXPECT_NONFATAL_FAILURE(rules::fails_if("ProtectSystem"), "is not Key=Value");
}

TEST(TrialFakePrivilege, UnreadableDropInLineFailsLoudly) {
  EXPECT_NONFATAL_FAILURE(hb::testing::parse_dropin("[Service]\nProtectSystem strict\n"), "cannot read it");
  EXPECT_NONFATAL_FAILURE(hb::testing::parse_dropin("ProtectSystem=strict\n"), "no [Unit] or [Service]");
  auto parsed =
      hb::testing::parse_dropin("# by hardbisect\n[Unit]\nStartLimitBurst=4\n\n[Service]\nPrivateTmp=yes\n");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->size(), 2u);
}

}  // namespace
}  // namespace hb::trial
