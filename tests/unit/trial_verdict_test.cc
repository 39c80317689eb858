#include <gtest/gtest.h>

#include "trial/verdict.h"

namespace hb::trial {
namespace {

Evidence running_evidence() {
  Evidence e;
  e.boot_state = "running";
  e.complete = true;
  e.start_rc = 0;
  e.workload_rc = 0;
  e.properties = {{"LoadState", "loaded"}, {"ActiveState", "active"}, {"SubState", "running"},
                  {"Result", "success"},   {"NRestarts", "0"},        {"ExecMainStatus", "0"}};
  return e;
}

Judgement judge_default(const Evidence& e, scenario::Expectations expect = {}) {
  scenario::Workload workload;
  workload.timeout = std::chrono::seconds(5);
  return judge(e, expect, workload, scenario::Timeouts{}, "demo.service");
}

TEST(TrialVerdict, PassWhenEverythingHolds) {
  Judgement j = judge_default(running_evidence());
  EXPECT_EQ(j.verdict, Verdict::Pass);
  EXPECT_EQ(j.cause, Cause::None);
}

// A unit with Restart= is starting again when the evidence is taken: show
// says Result=success and status 0; the journal keeps the last exit of its
// own main process (not another unit's).
TEST(TrialVerdict, TheLastMainExitComesFromTheJournalWhenARestartResetIt) {
  Evidence e = running_evidence();
  e.start_rc = 1;
  e.properties["Id"] = "demo.service";
  e.properties["ActiveState"] = "activating";
  e.sections["journal"] =
      "[ 1.0] c systemd[1]: demo.service: Main process exited, code=exited, status=217/USER\n"
      "[ 1.1] c systemd[1]: other.service: Main process exited, code=exited, status=1/FAILURE\n"
      "[ 1.2] c systemd[1]: Starting demo.service - Demo...";
  std::optional<MainExit> exit = last_main_exit(e);
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->code, "exited");
  EXPECT_EQ(exit->status, "217");
  Judgement j = judge_default(e);
  EXPECT_EQ(j.verdict, Verdict::Fail);
  EXPECT_EQ(
      j.reason,
      "unit failed to start (Result=success, status=217/USER (from the journal: the unit is restarting))");

  e.properties["ExecMainStatus"] = "226";  // show's own status wins
  e.properties["ExecMainCode"] = "1";
  EXPECT_EQ(last_main_exit(e)->status, "226");
  e.properties["ExecMainStatus"] = "0";
  e.sections["journal"] = "[ 1.0] c systemd[1]: Starting demo.service - Demo...";
  EXPECT_EQ(last_main_exit(e)->status, "0");  // nothing exited: show's 0 stands
}

TEST(TrialVerdict, NamespaceFailureIsNamed) {
  Evidence e = running_evidence();
  e.start_rc = 1;
  e.workload_rc.reset();
  e.properties["ActiveState"] = "failed";
  e.properties["Result"] = "exit-code";
  e.properties["ExecMainCode"] = "exited";
  e.properties["ExecMainStatus"] = "226";
  Judgement j = judge_default(e);
  EXPECT_EQ(j.verdict, Verdict::Fail);
  EXPECT_NE(j.reason.find("226/NAMESPACE"), std::string::npos) << j.reason;
}

TEST(TrialVerdict, SeccompKillIsACrashWithTheSignalName) {
  Evidence e = running_evidence();
  e.properties["ActiveState"] = "failed";
  e.properties["Result"] = "signal";
  e.properties["ExecMainCode"] = "killed";
  e.properties["ExecMainStatus"] = "31";
  Judgement j = judge_default(e);
  EXPECT_EQ(j.verdict, Verdict::Fail);
  EXPECT_NE(j.reason.find("31/SIGSYS"), std::string::npos) << j.reason;
}

TEST(TrialVerdict, WorkloadTimeoutAndExitCode) {
  Evidence e = running_evidence();
  e.workload_rc = 124;
  e.workload_timed_out = true;
  EXPECT_NE(judge_default(e).reason.find("workload timed out after 5"), std::string::npos);
  e.workload_timed_out = false;
  e.workload_rc = 7;
  e.sections["workload_output"] = "curl: (7) Failed to connect\n";
  Judgement j = judge_default(e);
  EXPECT_EQ(j.verdict, Verdict::Fail);
  EXPECT_NE(j.reason.find("workload exited 7 (expected 0): curl: (7) Failed to connect"), std::string::npos)
      << j.reason;
  scenario::Expectations expect;
  expect.workload_exit = 7;
  EXPECT_EQ(judge_default(e, expect).verdict, Verdict::Pass);
}

TEST(TrialVerdict, RestartsCountAsCrashes) {
  Evidence e = running_evidence();
  e.properties["NRestarts"] = "2";
  EXPECT_EQ(judge_default(e).verdict, Verdict::Fail);
  scenario::Expectations lenient;
  lenient.no_crash = false;
  EXPECT_EQ(judge_default(e, lenient).verdict, Verdict::Pass);
}

TEST(TrialVerdict, JournalPatterns) {
  Evidence e = running_evidence();
  e.sections["journal"] = "demo[1]: warning: cache corrupted\n";
  scenario::Expectations expect;
  expect.journal_absent = {"corrupt(ed)?"};
  EXPECT_EQ(judge_default(e, expect).verdict, Verdict::Fail);
  expect.journal_absent.clear();
  expect.journal_present = {"ready to serve"};
  EXPECT_EQ(judge_default(e, expect).verdict, Verdict::Fail);
}

TEST(TrialVerdict, InfrastructureIsNeverTheServicesFault) {
  Evidence e = running_evidence();
  e.boot_state = "starting";
  EXPECT_EQ(judge_default(e).cause, Cause::Boot);
  e = running_evidence();
  e.properties["LoadState"] = "not-found";
  EXPECT_EQ(judge_default(e).cause, Cause::UnitNotFound);
  e = running_evidence();
  // A line systemd ignores is a finding (trial/findings.h), not a reason
  // to leave the trial undecided: a real host ignores it too.
  e.sections["pid1_dropin"] =
      "/etc/systemd/system/demo.service.d/50-hardbisect.conf:3: Failed to parse protect system value";
  Judgement j = judge_default(e);
  EXPECT_EQ(j.verdict, Verdict::Pass);
  EXPECT_TRUE(j.notes.empty());
  e = running_evidence();
  e.complete = false;
  EXPECT_EQ(judge_default(e).verdict, Verdict::Unresolved);
}

// Evidence that is not the driver's decides nothing: UNRESOLVED, a cause of
// its own, counted as the harness's trouble (exit 4), never PASS or FAIL.
TEST(TrialVerdict, TamperedEvidenceIsNeverPassNorFail) {
  Evidence e = running_evidence();
  e.tampered = "the MAC does not match (written without the trial's key)";
  Judgement j = judge_default(e);
  EXPECT_EQ(j.verdict, Verdict::Unresolved);
  EXPECT_EQ(j.cause, Cause::Tampered);
  EXPECT_EQ(j.reason, "evidence tampered: the MAC does not match (written without the trial's key)");
  EXPECT_STREQ(cause_name(Cause::Tampered), "tampered");
  EXPECT_TRUE(harness_trouble(Cause::Tampered));
  EXPECT_FALSE(harness_trouble(Cause::Service));
  EXPECT_FALSE(harness_trouble(Cause::NotEnforced));
}

// A packaged service enabled at boot whose start hangs under an option: the
// boot waits on it alone (driver: "unit-starting"), and its start bound
// judges the service, not the harness.
TEST(TrialVerdict, AStartHangingTheBootIsTheServicesFailure) {
  Evidence e = running_evidence();
  e.boot_state = "unit-starting";
  e.start_rc = 124;
  e.workload_rc.reset();
  e.properties["ActiveState"] = "activating";
  e.properties["SubState"] = "start";
  e.properties["Result"] = "success";
  const Judgement j = judge_default(e);
  EXPECT_EQ(j.verdict, Verdict::Fail) << j.reason;
  e.boot_state = "starting";  // something else still booting: the container's fault
  EXPECT_EQ(judge_default(e).verdict, Verdict::Unresolved);
}

TEST(TrialVerdict, DescribeExit) {
  EXPECT_EQ(describe_exit("exited", "203"), "203/EXEC");
  EXPECT_EQ(describe_exit("killed", "9"), "9/SIGKILL");
  EXPECT_EQ(describe_exit("exited", "3"), "3");
}

}  // namespace
}  // namespace hb::trial

namespace hb::trial {
namespace {

TEST(TrialVerdict, DeprecationWarningIsANoteNotARejection) {
  Evidence e;
  e.boot_state = "running";
  e.complete = true;
  e.start_rc = 0;
  e.workload_rc = 0;
  e.properties = {
      {"LoadState", "loaded"}, {"ActiveState", "active"}, {"Result", "success"}, {"NRestarts", "0"}};
  e.sections["pid1_dropin"] =
      "/etc/systemd/system/x.service.d/50-hardbisect.conf:8: Unit uses MemoryLimit=; please use MemoryMax= "
      "instead.";
  Judgement j = judge(e, {}, {}, {}, "x.service");
  EXPECT_EQ(j.verdict, Verdict::Pass);
  ASSERT_EQ(j.notes.size(), 1u);
  EXPECT_NE(j.notes[0].find("MemoryMax"), std::string::npos);
  e.sections["pid1_dropin"] =
      "/etc/systemd/system/x.service.d/50-hardbisect.conf:3: Failed to parse system call, ignoring: ~bpf";
  EXPECT_EQ(judge(e, {}, {}, {}, "x.service").verdict, Verdict::Pass);
}

}  // namespace
}  // namespace hb::trial
