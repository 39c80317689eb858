#include <gtest/gtest.h>

#include "search/fake_oracle.h"
#include "search/set_tester.h"

namespace hb::search {
namespace {

TEST(SearchSetTester, AnswersFromMemoryByMonotonicity) {
  FakeOracle oracle(parse_fake_rules("2"));
  SearchConfig config;
  SetTester tester(oracle, 8, config);
  EXPECT_EQ(tester.test({1, 2}, Phase::Search), Verdict::Fail);
  EXPECT_EQ(tester.test({0, 1, 2, 5}, Phase::Search), Verdict::Fail);  // superset: no run
  EXPECT_EQ(tester.test({0, 1, 3, 4}, Phase::Search), Verdict::Pass);
  EXPECT_EQ(tester.test({0, 3}, Phase::Search), Verdict::Pass);  // subset: no run
  EXPECT_EQ(oracle.calls().size(), 2u);
  EXPECT_EQ(tester.known({1, 3}), Verdict::Pass);
  EXPECT_EQ(tester.known({2}), std::nullopt);
  EXPECT_EQ(tester.log()[0].phase, Phase::Search);
}

// Two jobs: a speculative run goes beside the question, ends before the
// next question (the log never depends on timing), is reported when it ends
// (progress in trial order) and counts only once it is asked for.
TEST(SearchSetTester, ASpeculativeRunCountsOnlyOnceAskedFor) {
  FakeOracle oracle(parse_fake_rules("0"));
  oracle.set_jobs(2);
  oracle.set_rounds_of([](const OptionSet& set) { return set == OptionSet{1} ? 3 : 1; });
  SearchConfig config;
  config.jobs = 2;
  std::vector<TrialRecord> reported;
  config.on_trial = [&](const TrialRecord& record) { reported.push_back(record); };
  SetTester tester(oracle, 4, config);
  EXPECT_EQ(tester.test_speculating({0}, {{1}}, Phase::Search), Verdict::Fail);
  EXPECT_EQ(oracle.rounds(), 3) << "the speculative run ends before the next question";
  EXPECT_EQ(tester.run_count(), 2);
  ASSERT_EQ(reported.size(), 2u);
  EXPECT_EQ(reported[0].index, 0);
  EXPECT_EQ(reported[1].index, 1);
  EXPECT_TRUE(reported[1].speculative);
  EXPECT_EQ(tester.known({1}), std::nullopt);
  EXPECT_EQ(tester.log().at(1).outcome.verdict, Verdict::Pass);
  EXPECT_EQ(tester.test_speculating({2}, {{3}}, Phase::Search), Verdict::Pass);  // {3} beside it
  EXPECT_EQ(oracle.rounds(), 4);
  EXPECT_EQ(tester.run_count(), 4);
  EXPECT_EQ(tester.test({1}, Phase::Confirm), Verdict::Pass);  // the speculative run's answer
  EXPECT_EQ(oracle.rounds(), 4);
  EXPECT_EQ(tester.run_count(), 4);
  ASSERT_EQ(reported.size(), 4u) << "asked for later: not reported again";
  for (size_t i = 0; i < reported.size(); ++i) EXPECT_EQ(reported[i].index, static_cast<int>(i));
  EXPECT_EQ(tester.log().at(1).phase, Phase::Confirm) << "logged under the phase that asked for it";
  EXPECT_FALSE(tester.log().at(1).unasked);
}

TEST(SearchSetTester, SpeculativeRunsNeverAskedAreMarkedWhenTheSearchSettles) {
  FakeOracle oracle(parse_fake_rules("0"));
  oracle.set_jobs(2);
  SearchConfig config;
  config.jobs = 2;
  std::vector<TrialRecord> reported;
  config.on_trial = [&](const TrialRecord& record) { reported.push_back(record); };
  SetTester tester(oracle, 4, config);
  tester.test_speculating({0}, {{1}}, Phase::Search);
  ASSERT_EQ(reported.size(), 2u);
  EXPECT_EQ(reported[1].options, OptionSet{1});
  EXPECT_EQ(reported[1].phase, Phase::Search);
  EXPECT_TRUE(reported[1].speculative);
  tester.settle();
  ASSERT_EQ(reported.size(), 2u) << "reported once, when it ended";
  EXPECT_TRUE(tester.log().at(1).unasked);
  EXPECT_FALSE(tester.log().at(0).unasked);
  EXPECT_EQ(tester.log().at(1).outcome.verdict, Verdict::Pass);
  EXPECT_EQ(tester.known({1}), std::nullopt) << "never asked: it answers nothing";
}

// test_exact and run_once take the questions that may come next along, as
// test_speculating does; `exact` skips only the sets their own runs decide
// ({0} fails unless 1 is applied: {0,2} failing says nothing about {0,1,2}).
TEST(SearchSetTester, ExactAndRawRunsTakeTheNextQuestionsAlong) {
  FakeOracle oracle(parse_fake_rules("0!1"));
  oracle.set_jobs(2);
  SearchConfig config;
  config.jobs = 2;
  SetTester tester(oracle, 4, config);
  EXPECT_EQ(tester.test_exact({0, 1}, Phase::Context, {{0, 2}}), Verdict::Pass);
  EXPECT_EQ(tester.run_count(), 2) << "{0,2} ran beside it";
  EXPECT_EQ(tester.test_exact({0, 2}, Phase::Context), Verdict::Fail);  // the speculative run's answer
  EXPECT_EQ(tester.run_count(), 2);
  EXPECT_EQ(tester.run_once({3}, Phase::Search, {{0, 1, 2}}).verdict, Verdict::Pass);
  EXPECT_EQ(tester.run_count(), 3) << "{0,1,2} is inferred to fail: nothing runs beside";
  EXPECT_EQ(tester.run_once({3}, Phase::Context, {{0, 1, 2}}, true).verdict, Verdict::Pass);
  EXPECT_EQ(tester.run_count(), 5) << "exact: only its own runs decide {0,1,2}";
  EXPECT_EQ(tester.log().at(4).options, (OptionSet{0, 1, 2}));
  EXPECT_EQ(tester.run_once({3}, Phase::Search).verdict, Verdict::Pass);
  EXPECT_EQ(tester.run_count(), 6) << "no next: one run, nothing beside";
}

TEST(SearchSetTester, RepeatsAPassAndStopsAtTheFirstFailure) {
  FakeOracle oracle(parse_fake_rules("2@0.5"), 3);
  SearchConfig config;
  SetTester tester(oracle, 8, config);
  tester.set_repeats(6);
  EXPECT_EQ(tester.test({0, 1}, Phase::Search), Verdict::Pass);
  EXPECT_EQ(tester.stats({0, 1}).passes, 6);
  EXPECT_EQ(tester.test({2}, Phase::Search), Verdict::Fail);
  const SetStats s = tester.stats({2});
  EXPECT_EQ(s.fails, 1);
  EXPECT_LT(s.passes, 6);
  EXPECT_EQ(static_cast<int>(oracle.calls().size()), 6 + s.passes + 1);
}

TEST(SearchSetTester, FailureInsideATrustedPassIsAContradiction) {
  SearchConfig config;
  // Passes every two-option set, fails the rest: not monotone, so a pass of
  // {1,2} (trusted: deterministic mode) is contradicted by {2} failing.
  class Scripted : public Oracle {
   public:
    Outcome test(const OptionSet& s) override {
      return s.size() == 2 ? Outcome{Verdict::Pass, {}} : Outcome{Verdict::Fail, "x"};
    }
  } scripted;
  SetTester r2(scripted, 8, config);
  EXPECT_EQ(r2.test({1, 2}, Phase::Search), Verdict::Pass);
  try {
    // Memory alone would say {2} passes; a fresh run says otherwise.
    EXPECT_EQ(r2.known({2}), Verdict::Pass);
    r2.retest({2}, Phase::Search, 1);
    FAIL() << "no contradiction";
  } catch (const Contradiction& c) {
    EXPECT_EQ(c.failing, (OptionSet{2}));
    EXPECT_EQ(c.passed, (OptionSet{1, 2}));
  }
  EXPECT_EQ(r2.known({1, 2}), Verdict::Fail);  // the failure wins
}

TEST(SearchSetTester, BudgetAndUnresolvedRetries) {
  FakeOracle oracle(parse_fake_rules("?3"));
  SearchConfig config;
  config.max_trials = 3;
  SetTester tester(oracle, 8, config);
  EXPECT_EQ(tester.test({3}, Phase::Search), Verdict::Unresolved);  // run + 1 retry
  EXPECT_EQ(tester.run_count(), 2);
  EXPECT_EQ(tester.test({3}, Phase::Search), Verdict::Unresolved);  // remembered
  EXPECT_EQ(tester.run_count(), 2);
  EXPECT_EQ(tester.test({1}, Phase::Search), Verdict::Pass);
  EXPECT_THROW(tester.test({2}, Phase::Search), BudgetExhausted);
}

}  // namespace
}  // namespace hb::search
