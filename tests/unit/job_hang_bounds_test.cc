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

TEST(JobHangBounds, TheSearchsTrialsUseTheLearnedBound) {
  testing::FakeRuntime fake;
  fake.rule = testing::rules::passes();
  trial::TrialPlan plan;
  plan.image = "localhost/hardbisect-bookworm:abc";
  plan.privilege = options::Privilege::SysAdmin;
  plan.privilege_auto = false;
  plan.service.unit = "demo.service";
  plan.service.unit_file = "[Service]\nExecStart=/bin/sleep infinity\n";
  plan.workload.command = "true";
  plan.run_id = "test";
  trial::TrialRunner runner(fake, plan);
  std::vector<scenario::OptionItem> items{
      {"NoNewPrivileges=yes", {{"Service", "NoNewPrivileges", "yes"}}, {}}};
  testing::RecordingStatus status;
  TrialOracle oracle(runner, items, status);

  oracle.test({});  // the baseline: its args carry the configured 30 s
  EXPECT_NE(fake.staged_files["args"].find(" 30 30.000"), std::string::npos) << fake.staged_files["args"];
  oracle.test({0});  // a search trial: the learned 5 s
  runtime::Reaper::instance().drain();
  EXPECT_NE(fake.staged_files["args"].find(" 5 5.000"), std::string::npos) << fake.staged_files["args"];
  ASSERT_FALSE(status.messages.empty());
  EXPECT_NE(status.messages.back().text.find("hang bounds from the baseline"), std::string::npos);
}

}  // namespace
}  // namespace hb::job
