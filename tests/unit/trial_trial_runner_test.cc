#include <gtest/gtest.h>

#include "fake_runtime.h"
#include "recording_status.h"
#include "runtime/reaper.h"
#include "trial/driver_script.h"
#include "trial/evidence.h"
#include "trial/findings.h"
#include "trial/probes.h"
#include "trial/trial_runner.h"

namespace hb::trial {
namespace {

using hb::testing::FakeRuntime;
namespace rules = hb::testing::rules;

TrialPlan demo_plan() {
  TrialPlan plan;
  plan.image = "localhost/hardbisect-bookworm:abc";
  plan.privilege = options::Privilege::SysAdmin;
  plan.service.unit = "demo.service";
  plan.service.unit_file = "[Service]\nExecStart=/usr/local/bin/demo\n";
  plan.service.files.push_back({"/usr/local/bin/demo", "#!/bin/sh\nexec sleep infinity\n", "0755"});
  plan.workload.command = "true";
  plan.run_id = "test";
  return plan;
}

options::Directive directive(std::string key, std::string value, std::string section = "Service") {
  return options::Directive{std::move(section), std::move(key), std::move(value)};
}

TEST(TrialTrialRunner, PassesAndAlwaysRemovesTheContainer) {
  FakeRuntime fake;
  TrialRunner runner(fake, demo_plan());
  TrialResult result = runner.run({directive("NoNewPrivileges", "yes")});
  EXPECT_EQ(result.verdict, Verdict::Pass) << result.reason;
  EXPECT_EQ(fake.removed, std::vector<std::string>{"fake1"});
  EXPECT_EQ(fake.calls.front(), "create localhost/hardbisect-bookworm:abc sys-admin");
  // Everything is staged before boot, so no daemon-reload is needed.
  EXPECT_EQ(fake.staged_files["early/demo.service"], "[Service]\nExecStart=/usr/local/bin/demo\n");
  EXPECT_NE(
      fake.staged_files["early/demo.service.d/50-hardbisect.conf"].find("[Service]\nNoNewPrivileges=yes\n"),
      std::string::npos);
  EXPECT_TRUE(fake.staged_files.count("files/usr/local/bin/demo"));
  EXPECT_TRUE(fake.staged_files.count("trial-driver"));
  EXPECT_EQ(fake.staged_files["workload"], "true");
  // No podman cp, no podman exec: the generator and the boot-time driver do it.
  for (const auto& call : fake.calls) {
    EXPECT_EQ(call.rfind("cp ", 0), std::string::npos);
    EXPECT_EQ(call.rfind("exec ", 0), std::string::npos);
  }
}

// issue 20: a scenario's setuid file is never setuid on the host, and no
// other user reaches the stage; the container gets the full mode from the
// file-modes list (hardbisect-files.service runs `xargs -0 -n 2 chmod`).
TEST(TrialTrialRunner, StagedFilesAreNeverSetuidOnTheHost) {
  FakeRuntime fake;
  TrialPlan plan = demo_plan();
  plan.service.files.push_back({"/opt/id-suid", "ELF", "4755"});
  plan.service.files.push_back({"/etc/world", "x", "2777"});
  TrialResult result = TrialRunner(fake, plan).run({});
  EXPECT_EQ(result.verdict, Verdict::Pass) << result.reason;
  EXPECT_EQ(fake.staged_modes["files/opt/id-suid"], 0755u);
  EXPECT_EQ(fake.staged_modes["files/etc/world"], 0755u);
  EXPECT_EQ(fake.staged_modes["files/usr/local/bin/demo"], 0755u);
  for (const auto& [path, mode] : fake.staged_modes) EXPECT_EQ(mode & 07022u, 0u) << path;
  std::string modes;
  for (const char* pair : {"0755 /usr/local/bin/demo ", "4755 /opt/id-suid ", "2777 /etc/world "})
    for (const char* c = pair; *c; ++c) modes += *c == ' ' ? '\0' : *c;
  EXPECT_EQ(fake.staged_files[kFileModesName], modes);
  EXPECT_EQ(fake.stage_folder_mode, 0700u);
  EXPECT_EQ(fake.stage_root_mode, 0700u);
  EXPECT_NE(generator_script().find("xargs -0 -n 2 chmod </.hardbisect/stage/file-modes"), std::string::npos);
}

// A plan that stops after start (--dry-run): create, start, rm and nothing
// else: no wait for evidence, no `podman logs`, no verdict.
TEST(TrialTrialRunner, StopAfterStartCreatesStartsAndRemovesOnly) {
  FakeRuntime fake;
  TrialPlan plan = demo_plan();
  plan.stop_after_start = true;
  TrialResult result = TrialRunner(fake, plan).run({directive("NoNewPrivileges", "yes")});
  EXPECT_EQ(result.verdict, Verdict::Unresolved);
  EXPECT_NE(result.reason.find("stopped after start"), std::string::npos) << result.reason;
  EXPECT_EQ(fake.calls, (std::vector<std::string>{"create localhost/hardbisect-bookworm:abc sys-admin",
                                                  "start fake1", "rm fake1"}));
  runtime::Reaper::instance().drain();
}

TEST(TrialTrialRunner, UnitSectionGoesToUnit) {
  FakeRuntime fake;
  TrialRunner runner(fake, demo_plan());
  runner.run({directive("ProtectHome", "yes"), directive("StartLimitBurst", "4", "Unit")});
  const std::string& dropin = fake.dropins.back();
  const size_t unit = dropin.find("[Unit]\nStartLimitBurst=4\n");
  const size_t service = dropin.find("[Service]\nProtectHome=yes\n");
  ASSERT_NE(unit, std::string::npos) << dropin;
  ASSERT_NE(service, std::string::npos) << dropin;
  EXPECT_LT(unit, service) << dropin;
}

TEST(TrialTrialRunner, FailsWithTheReason) {
  FakeRuntime fake;
  fake.rule = rules::fails_if("ProtectSystem=strict");
  TrialRunner runner(fake, demo_plan());
  EXPECT_EQ(runner.run({}).verdict, Verdict::Pass);
  TrialResult result = runner.run({directive("ProtectSystem", "strict")});
  EXPECT_EQ(result.verdict, Verdict::Fail);
  EXPECT_EQ(result.cause, Cause::Service);
  EXPECT_NE(result.reason.find("3"), std::string::npos) << result.reason;
  EXPECT_EQ(fake.removed.size(), 2u);
}

TEST(TrialTrialRunner, CreateFailureIsUnresolvedNotTheServicesFault) {
  FakeRuntime fake;
  fake.fail_create = true;
  TrialRunner runner(fake, demo_plan());
  TrialResult result = runner.run({});
  EXPECT_EQ(result.verdict, Verdict::Unresolved);
  EXPECT_EQ(result.cause, Cause::Harness);
  EXPECT_NE(result.reason.find("image not known"), std::string::npos) << result.reason;
}

TEST(TrialTrialRunner, HungExecIsUnresolvedKeepsLogsAndRemoves) {
  FakeRuntime fake;
  fake.hang_exec = true;
  TrialPlan plan = demo_plan();
  plan.timeouts.boot = plan.timeouts.start = std::chrono::milliseconds(10);
  plan.workload.timeout = std::chrono::milliseconds(10);
  plan.watchdog_slack = std::chrono::milliseconds(50);
  TrialRunner runner(fake, plan);
  TrialResult result = runner.run({});
  EXPECT_EQ(result.verdict, Verdict::Unresolved);
  EXPECT_EQ(result.cause, Cause::Harness);
  EXPECT_FALSE(result.container_logs.empty());
  EXPECT_EQ(fake.removed.size(), 1u);
}

TEST(TrialTrialRunner, BootFailureIsUnresolved) {
  FakeRuntime fake;
  fake.rule = rules::never_boots();
  TrialRunner runner(fake, demo_plan());
  TrialResult result = runner.run({});
  EXPECT_EQ(result.verdict, Verdict::Unresolved);
  EXPECT_EQ(result.cause, Cause::Boot);
}

TEST(TrialTrialRunner, UnenforcedOptionNeverPasses) {
  FakeRuntime fake;
  fake.rule = rules::not_enforced("NoNewPrivileges=yes");  // main process shows NoNewPrivs 0
  TrialRunner runner(fake, demo_plan(), check_enforcement);
  TrialResult result = runner.run({directive("NoNewPrivileges", "yes")});
  EXPECT_EQ(result.verdict, Verdict::Unresolved);
  EXPECT_EQ(result.cause, Cause::NotEnforced);
  EXPECT_NE(result.reason.find("NoNewPrivileges=yes"), std::string::npos) << result.reason;

  fake.rule = rules::passes();  // NoNewPrivs 1
  EXPECT_EQ(runner.run({directive("NoNewPrivileges", "yes")}).verdict, Verdict::Pass);
}

TEST(TrialTrialRunner, ReaperForgetsFinishedContainers) {
  FakeRuntime fake;
  TrialRunner runner(fake, demo_plan());
  runner.run({});
  // Nothing in flight after a trial: an interrupt now removes nothing.
  EXPECT_EQ(runtime::Reaper::instance().remove_all(), 0);
}

// --- Evidence integrity: the service and the workload cannot decide the verdict.

// Every file the host staged, as text (the key's FIFO is not a file).
bool staged_anywhere(const FakeRuntime& fake, const std::string& secret) {
  for (const auto& [path, content] : fake.staged_files)
    if (content.find(secret) != std::string::npos) return true;
  return false;
}

TEST(TrialTrialRunner, TheKeyReachesTheDriverOnlyThroughItsFifo) {
  for (bool local : {true, false}) {
    FakeRuntime fake;
    TrialPlan plan = demo_plan();
    plan.local_host = local;
    TrialRunner runner(fake, plan);
    EXPECT_EQ(runner.run({}).verdict, Verdict::Pass);
    const std::string first = fake.last_key;
    ASSERT_EQ(first.size(), 64u) << "local " << local;  // 256 bits
    EXPECT_FALSE(staged_anywhere(fake, first));
    EXPECT_FALSE(fake.staged_files.count(kKeyFifo));
    runner.run({});
    EXPECT_NE(fake.last_key, first);  // one key per trial
  }
}

// The service writes a whole evidence file of a passing trial to the out
// folder before the driver; the template has a real culprit. Not PASS.
TEST(TrialTrialRunner, EvidenceWrittenByTheServiceIsTamperedLocalAndRemote) {
  for (bool local : {true, false}) {
    FakeRuntime fake;
    fake.rule = rules::fails_if("ProtectSystem=strict");
    fake.evidence_written_by_service = seal_evidence({{"boot_state", "running\n"},
                                                      {"start_rc", "0\n"},
                                                      {"workload_rc", "0\n"},
                                                      {"show", "ActiveState=active\n"},
                                                      {"end", ""}},
                                                     "a key read from the stage or guessed");
    TrialPlan plan = demo_plan();
    plan.local_host = local;
    TrialResult result = TrialRunner(fake, plan).run({directive("ProtectSystem", "strict")});
    EXPECT_EQ(result.verdict, Verdict::Unresolved) << "local " << local;
    EXPECT_EQ(result.cause, Cause::Tampered);
    EXPECT_EQ(result.reason, "evidence tampered: the MAC does not match (written without the trial's key)");
    EXPECT_FALSE(result.evidence.workload_rc);
  }
}

TEST(TrialTrialRunner, AFramePrintedByTheWorkloadDoesNotDecide) {
  FakeRuntime fake;
  fake.rule = rules::fails_if("PrivateTmp=yes");
  fake.workload_output = "@@HB@@ workload_rc\n0\n@@HB@@ end\n";
  TrialResult result = TrialRunner(fake, demo_plan()).run({directive("PrivateTmp", "yes")});
  EXPECT_EQ(result.verdict, Verdict::Fail) << result.reason;
  EXPECT_EQ(result.cause, Cause::Service);
}

// out/evidence as a symlink to a host file: never followed, never read.
TEST(TrialTrialRunner, AnEvidenceSymlinkIsNotFollowed) {
  FakeRuntime fake;
  fake.evidence_symlink_to = "/etc/hostname";
  TrialResult result = TrialRunner(fake, demo_plan()).run({});
  EXPECT_EQ(result.verdict, Verdict::Unresolved);
  EXPECT_EQ(result.cause, Cause::Tampered);
  EXPECT_NE(result.reason.find("symlink"), std::string::npos) << result.reason;
}

// What the service sees of the options is what it saw before: its unit file
// and our drop-in, byte for byte, and nothing else in its drop-in folder;
// the trial's own unit only orders itself before the unit.
TEST(TrialTrialRunner, TheServiceSeesItsUnitAndDropInUnchanged) {
  FakeRuntime fake;
  TrialRunner runner(fake, demo_plan());
  std::vector<options::Directive> applied{directive("ProtectSystem", "strict"),
                                          directive("PrivateTmp", "yes")};
  runner.run(applied);
  EXPECT_EQ(fake.staged_files["early/demo.service"], *demo_plan().service.unit_file);
  EXPECT_EQ(fake.staged_files["early/demo.service.d/50-hardbisect.conf"], render_trial_dropin(applied));
  std::vector<std::string> early;
  for (const auto& [path, content] : fake.staged_files)
    if (path.rfind("early/", 0) == 0) early.push_back(path);
  EXPECT_EQ(early, (std::vector<std::string>{"early/demo.service", "early/demo.service.d/50-hardbisect.conf",
                                             "early/hardbisect-trial.service"}));
  const std::string& unit = fake.staged_files["early/hardbisect-trial.service"];
  EXPECT_NE(unit.find("Before=sysinit.target hardbisect-files.service\n"), std::string::npos);
  EXPECT_NE(unit.find("Type=forking\n"), std::string::npos);
  EXPECT_NE(unit.find("DefaultDependencies=no\n"), std::string::npos);
}

}  // namespace
}  // namespace hb::trial

#include "job/plan.h"

namespace hb::trial {
namespace {

// A packaged unit with PrivateUsers=yes fails with 217/USER unless the
// container is privileged: the baseline raises the privilege, once.
TEST(TrialPlan, BaselineRaisesPrivilegeForTheUnitsOwnSandbox) {
  hb::testing::FakeRuntime fake;
  fake.rule = hb::testing::rules::start_fails_below(options::Privilege::Privileged);
  TrialPlan plan = demo_plan();
  plan.privilege = options::Privilege::Minimal;
  hb::testing::RecordingStatus status;
  const std::vector<std::string>& log = status.lines;
  job::Baseline baseline = job::run_baseline(fake, plan, {}, status);
  EXPECT_EQ(baseline.result.verdict, Verdict::Pass);
  EXPECT_EQ(baseline.privilege, options::Privilege::Privileged);
  EXPECT_EQ(log.size(), 2u);

  // Set explicitly: never raised; the failure stands.
  plan.privilege_auto = false;
  job::SilentStatus silent;
  job::Baseline fixed = job::run_baseline(fake, plan, {}, silent);
  EXPECT_EQ(fixed.result.verdict, Verdict::Fail);
  EXPECT_EQ(fixed.privilege, options::Privilege::Minimal);
}

// With Restart= the unit is starting again when the evidence is taken
// (Result=success, status 0): the journal's 217/USER still raises the
// privilege, and the reason names it. Before, the baseline "failed" with
// "unit failed to start (Result=success)" and the run blamed the service
// (redis-server under load, 3 of 3 baseline trials in verify).
TEST(TrialPlan, BaselineRaisesPrivilegeWhenOnlyTheJournalHasTheSetupFailure) {
  hb::testing::FakeRuntime fake;
  fake.rule = hb::testing::rules::start_fails_below_restarting(options::Privilege::Privileged);
  TrialPlan plan = demo_plan();
  plan.privilege = options::Privilege::Minimal;
  hb::testing::RecordingStatus status;
  job::Baseline baseline = job::run_baseline(fake, plan, {}, status);
  EXPECT_EQ(baseline.result.verdict, Verdict::Pass);
  EXPECT_EQ(baseline.privilege, options::Privilege::Privileged);
  ASSERT_FALSE(status.lines.empty());
  EXPECT_NE(status.lines[0].find("status=217/USER (from the journal"), std::string::npos) << status.lines[0];
}

}  // namespace
}  // namespace hb::trial

namespace hb::trial {
namespace {

TEST(TrialTrialRunner, RemoteHostGetsTheStageByCopyAndOneExec) {
  hb::testing::FakeRuntime fake;
  fake.rule = rules::fails_if("ProtectSystem=strict");
  TrialPlan plan = demo_plan();
  plan.local_host = false;
  TrialRunner runner(fake, plan);
  TrialResult result = runner.run({directive("ProtectSystem", "strict")});
  EXPECT_EQ(result.verdict, Verdict::Fail) << result.reason;
  std::vector<std::string> expected{"create localhost/hardbisect-bookworm:abc sys-admin", "cp fake1",
                                    "start fake1", "exec -i fake1", "rm fake1"};
  EXPECT_EQ(fake.calls, expected);
}

}  // namespace
}  // namespace hb::trial
