#include <gtest/gtest.h>

#include <sstream>

#include "fake_rules.h"
#include "fake_runtime.h"
#include "image/image_builder.h"
#include "job/bisect_job.h"
#include "job/trial_oracle.h"
#include "runtime/process.h"
#include "runtime/reaper.h"

namespace hb::job {
namespace {

std::vector<scenario::OptionItem> three_options() {
  std::vector<scenario::OptionItem> items;
  for (auto [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"NoNewPrivileges", "yes"}, {"ProtectSystem", "strict"}, {"LockPersonality", "yes"}}) {
    options::Directive d{"Service", key, value};
    items.push_back({d.line(), {d}, {}});
  }
  return items;
}

trial::TrialPlan demo_plan() {
  trial::TrialPlan plan;
  plan.image = "localhost/hardbisect-test:1";
  plan.privilege = options::Privilege::SysAdmin;
  plan.service.unit = "demo.service";
  plan.service.unit_file = "[Service]\nExecStart=/bin/sleep infinity\n";
  plan.workload.command = "true";
  plan.run_id = "test";
  return plan;
}

// Trials side by side, taken in another order than they started: each
// outcome leads to its own trial, and the search's records (in any order,
// whatever their index says) get theirs.
TEST(JobTrialOracle, EachOutcomeLeadsToItsOwnTrialWhenTrialsEndOutOfOrder) {
  hb::testing::FakeRuntime fake;
  fake.rule = hb::testing::rules::fails_if("ProtectSystem=strict");
  trial::TrialRunner runner(fake, demo_plan());
  std::vector<scenario::OptionItem> items = three_options();
  SilentStatus silent;
  TrialOracle oracle(runner, items, silent);
  oracle.set_jobs(3);
  const std::vector<search::OptionSet> sets{{0, 1}, {2}, {0}, {}};
  std::vector<search::Ticket> tickets;
  for (const auto& set : sets) tickets.push_back(oracle.start(set));
  std::vector<search::TrialRecord> log;
  for (size_t i = sets.size(); i-- > 0;) {
    search::Outcome outcome = oracle.wait(tickets[i]);
    const TrialEntry* entry = oracle.trial(outcome);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(entry->result.applied, oracle.directives_of(sets[i]));
    EXPECT_EQ(outcome.verdict, i == 0 ? search::Verdict::Fail : search::Verdict::Pass);
    EXPECT_EQ(entry->result.verdict, outcome.verdict);
    // An index that is not the start order: the record still finds its trial.
    log.push_back(search::TrialRecord{0, search::Phase::Search, sets[i], outcome, 1});
  }
  runtime::Reaper::instance().drain();
  std::vector<TrialEntry> trials = oracle.take_trials(log);
  ASSERT_EQ(trials.size(), sets.size());
  for (size_t i = 0; i < trials.size(); ++i) {
    EXPECT_EQ(trials[i].record.options, log[i].options);
    EXPECT_EQ(trials[i].result.applied, oracle.directives_of(log[i].options));
  }
  EXPECT_EQ(trials.front().result.applied,
            std::vector<options::Directive>{});  // the last started, first in the log
}

// The whole job with parallel and speculative trials: every trial the job
// keeps applied exactly the options of the search's record beside it.
TEST(JobTrialOracle, EveryTrialOfAParallelJobIsTheOneItsRecordRan) {
  hb::testing::FakeRuntime fake;
  fake.rule = hb::testing::rules::fails_if("ProtectSystem=strict");
  std::ostringstream dry;
  runtime::DryRunProcessRunner process(dry);
  image::ImageBuilder images(fake, process, image::default_images_dir(), [](const std::string&) {});
  scenario::Scenario s;
  s.name = "demo";
  s.image.name = "localhost/hardbisect-test:1";
  s.service.unit = "demo.service";
  s.service.unit_file = "[Service]\nExecStart=/bin/sleep infinity\n";
  s.workload.command = "true";
  s.privilege = options::Privilege::SysAdmin;
  s.options = three_options();
  search::SearchConfig config;
  config.jobs = 3;
  SilentStatus silent;
  BisectJob job = run_bisect_job(fake, images, s, config, silent, nullptr, false);
  ASSERT_EQ(job.result.status, search::SearchStatus::Found) << job.result.message;
  EXPECT_EQ(job.result.culprits, (std::vector<search::OptionSet>{{1}}));
  ASSERT_EQ(job.trials.size(), job.result.trials.size());
  for (size_t i = 0; i < job.trials.size(); ++i) {
    const TrialEntry& t = job.trials[i];
    EXPECT_EQ(t.record.index, job.result.trials[i].index);
    std::vector<options::Directive> expected;
    for (int o : t.record.options) expected.push_back(s.options[static_cast<size_t>(o)].directives.front());
    EXPECT_EQ(t.result.applied, expected) << "trial " << i;
    EXPECT_EQ(t.result.verdict, t.record.outcome.verdict) << "trial " << i;
  }
}

// A job's findings are its trials' own, as their runner found them (and a
// cached trial's as stored): never read again from the evidence, which here
// holds no journal at all.
TEST(JobTrialOracle, AJobsFindingsAreItsTrialsOwn) {
  TrialEntry entry;
  entry.result.applied = {{"Service", "PrivateUsers", "bogus"}};
  entry.result.findings.push_back(
      trial::Finding{"PrivateUsers=bogus", {}, "cannot parse", {}, "fix it", {}, 252});
  TrialEntry again = entry;  // the same line in a second trial: merged
  std::vector<trial::Finding> findings = job_findings({entry, again});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0], entry.result.findings[0]);
}

}  // namespace
}  // namespace hb::job
