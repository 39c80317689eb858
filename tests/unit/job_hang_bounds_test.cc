#include <gtest/gtest.h>

#include "fake_rules.h"
#include "fake_runtime.h"
#include "job/plan.h"
#include "job/trial_oracle.h"
#include "recording_status.h"
#include "runtime/reaper.h"

namespace hb::job {
namespace {

using namespace std::chrono_literals;

trial::TrialResult baseline(long start_ms, long workload_ms, trial::Verdict verdict = trial::Verdict::Pass) {
  trial::TrialResult r;
  r.verdict = verdict;
  r.evidence.start_ms = start_ms;
  r.evidence.workload_ms = workload_ms;
  return r;
}

TEST(JobHangBounds, LearnedFromTheBaselineWithAFloorAndNeverAboveTheConfigured) {
  trial::TrialPlan plan;  // defaults: start 30 s, workload 30 s
  HangBounds fast = learn_hang_bounds(plan, baseline(120, 14));
  EXPECT_EQ(fast.start, 5s);     // 10 x 120 ms = 1.2 s, below the 5 s floor
  EXPECT_EQ(fast.workload, 5s);  // 10 x 14 ms
  EXPECT_NE(fast.note.find("workload 5 s (it took 14 ms)"), std::string::npos) << fast.note;

  HangBounds slow = learn_hang_bounds(plan, baseline(700, 2300));
  EXPECT_EQ(slow.start, 7s);
  EXPECT_EQ(slow.workload, 23s);
  EXPECT_EQ(learn_hang_bounds(plan, baseline(100, 9000)).workload, 30s);  // capped at the configured bound

  plan.workload.timeout = 60s;
  plan.workload.timeout_explicit = true;  // the user's bound stands
  EXPECT_EQ(learn_hang_bounds(plan, baseline(100, 14)).workload, 60s);

  // Nothing learned from a baseline that failed or did not measure.
  trial::TrialPlan fresh;
  EXPECT_TRUE(learn_hang_bounds(fresh, baseline(100, 14, trial::Verdict::Fail)).note.empty());
  EXPECT_EQ(learn_hang_bounds(fresh, baseline(-1, -1)).workload, 30s);
}

// The calibration is a value: the plan built from it once is the plan of
// every trial after the baseline (the search's, and a later run of the empty
// set), with the privilege the baseline had to raise and the learned bounds.
TEST(JobHangBounds, EveryLaterTrialGetsThePlanBuiltFromTheCalibration) {
  testing::FakeRuntime fake;
  fake.rule = testing::rules::start_fails_below(options::Privilege::SysAdmin);
  PreparedScenario prepared;
  trial::TrialPlan& plan = prepared.plan;
  plan.image = "localhost/hardbisect-bookworm:abc";
  plan.privilege = options::Privilege::Minimal;  // chosen automatically: may be raised
  plan.service.unit = "demo.service";
  plan.service.unit_file = "[Service]\nExecStart=/bin/sleep infinity\n";
  plan.workload.command = "true";
  plan.run_id = "test";
  testing::RecordingStatus status;

  Calibrated calibration = calibrate(fake, plan, {}, status);
  // The baseline ran with the configured 30 s bounds, at minimal then sys-admin.
  EXPECT_EQ(fake.calls[0], "create localhost/hardbisect-bookworm:abc minimal");
  EXPECT_NE(fake.staged_files["args"].find(" 30 30.000"), std::string::npos) << fake.staged_files["args"];
  EXPECT_EQ(calibration.calibration.privilege, options::Privilege::SysAdmin);
  EXPECT_EQ(calibration.calibration.bounds.workload, 5s);
  ASSERT_FALSE(status.messages.empty());
  EXPECT_NE(status.messages.back().text.find("hang bounds from the baseline"), std::string::npos);
  EXPECT_EQ(calibration.baseline.result.verdict, trial::Verdict::Pass);

  const PreparedScenario after = calibrated(prepared, calibration.calibration);
  EXPECT_EQ(after.privilege.why, "raised for the unit's own sandboxing");
  trial::TrialRunner runner(fake, after.plan);
  std::vector<scenario::OptionItem> items{
      {"NoNewPrivileges=yes", {{"Service", "NoNewPrivileges", "yes"}}, {}}};
  TrialOracle oracle(runner, items, status, calibration.baseline);

  const size_t creates = fake.calls.size();
  EXPECT_EQ(oracle.test({}).verdict, search::Verdict::Pass);  // the calibration's trial, served
  EXPECT_EQ(fake.calls.size(), creates) << "the baseline ran again";
  for (const search::OptionSet& set : {search::OptionSet{0}, search::OptionSet{}}) {
    fake.staged_files.clear();
    EXPECT_EQ(oracle.test(set).verdict, search::Verdict::Pass);
    runtime::Reaper::instance().drain();
    EXPECT_EQ(fake.last_privilege, options::Privilege::SysAdmin);
    EXPECT_NE(fake.staged_files["args"].find(" 5 5.000"), std::string::npos) << fake.staged_files["args"];
  }
}

}  // namespace
}  // namespace hb::job
