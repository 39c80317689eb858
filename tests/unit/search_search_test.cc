#include "search/search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>

#include "search/fake_oracle.h"

namespace hb::search {
namespace {

int log2_ceil(int n) { return static_cast<int>(std::ceil(std::log2(n))); }

SearchResult run(const std::string& rules, int n, const std::string& strategy = "bisect",
                 SearchConfig config = {}, std::uint64_t seed = 1) {
  FakeOracle oracle(parse_fake_rules(rules), seed);
  config.strategy = strategy;
  SearchResult result = run_search(oracle, n, config);
  EXPECT_EQ(static_cast<std::size_t>(result.trial_count), oracle.calls().size());
  return result;
}

OptionSet all_but(int n, const OptionSet& removed) {
  OptionSet out;
  for (int i = 0; i < n; ++i) {
    if (std::find(removed.begin(), removed.end(), i) == removed.end()) out.push_back(i);
  }
  return out;
}

// An oracle from a function, for behaviours the rule table cannot express.
class FunctionOracle : public Oracle {
 public:
  explicit FunctionOracle(std::function<Outcome(const OptionSet&)> f) : m_f(std::move(f)) {}
  Outcome test(const OptionSet& options) override {
    ++calls;
    return m_f(options);
  }
  std::vector<Outcome> test_many(const std::vector<OptionSet>& sets) override {
    batch_sizes.push_back(sets.size());
    return Oracle::test_many(sets);
  }
  int calls = 0;
  std::vector<std::size_t> batch_sizes;

 private:
  std::function<Outcome(const OptionSet&)> m_f;
};

bool has(const OptionSet& s, int o) { return std::find(s.begin(), s.end(), o) != s.end(); }

// ---- bisect -------------------------------------------------------------

TEST(SearchBisect, SingleCulpritWithinBudget) {
  for (int n : {2, 8, 16, 33, 64}) {
    for (int culprit = 0; culprit < n; culprit += std::max(1, n / 7)) {
      const SearchResult r = run(std::to_string(culprit), n);
      ASSERT_EQ(r.status, SearchStatus::Found) << r.message;
      EXPECT_EQ(r.culprits, (std::vector<OptionSet>{{culprit}})) << "n=" << n;
      EXPECT_EQ(r.removal, (OptionSet{culprit}));
      EXPECT_EQ(r.safe_set, all_but(n, {culprit}));
      EXPECT_TRUE(r.complete);
      EXPECT_FALSE(r.flaky);
      // baseline, full twice, the bisection, the culprit alone and its
      // confirmation, safe set.
      EXPECT_LE(r.trial_count, log2_ceil(n) + 6) << "n=" << n << " culprit=" << culprit;
      ASSERT_EQ(r.removals.size(), 1u);
      EXPECT_TRUE(r.removals[0].fails_alone);
      EXPECT_TRUE(r.removals[0].together_with.empty());
    }
  }
}

TEST(SearchBisect, LogHasPhasesAndTheSafeTrialPassed) {
  const SearchResult r = run("5", 16);
  ASSERT_GE(r.trial_count, 5);
  EXPECT_EQ(r.trials[0].phase, Phase::Baseline);
  EXPECT_TRUE(r.trials[0].options.empty());
  EXPECT_EQ(r.trials[1].phase, Phase::Full);
  EXPECT_NE(r.trials[2].phase, Phase::Full);  // one failure of the full set: deterministic until contradicted
  EXPECT_EQ(r.trials[1].options, all_but(16, {}));
  ASSERT_GE(r.safe_trial, 0);
  const TrialRecord& safe = r.trials[r.safe_trial];
  EXPECT_EQ(safe.phase, Phase::Safe);
  EXPECT_EQ(safe.options, r.safe_set);
  EXPECT_EQ(safe.outcome.verdict, Verdict::Pass);
  // The culprit was seen failing by itself.
  bool confirmed = false;
  for (const auto& t : r.trials) {
    confirmed |= t.options == OptionSet{5} && t.outcome.verdict == Verdict::Fail;
  }
  EXPECT_TRUE(confirmed);
  for (int i = 0; i < r.trial_count; ++i) EXPECT_EQ(r.trials[i].index, i);
  EXPECT_EQ(std::string(phase_name(Phase::Confirm)), "confirm");
}

TEST(SearchBisect, SingleOrPairGivesBothAndRemovesTheCheaperOfThePair) {
  SearchResult r = run("3|7,12", 16);
  ASSERT_EQ(r.status, SearchStatus::Found) << r.message;
  EXPECT_EQ(r.culprits, (std::vector<OptionSet>{{3}, {7, 12}}));
  EXPECT_EQ(r.removal, (OptionSet{3, 7}));
  EXPECT_EQ(r.safe_set, all_but(16, {3, 7}));
  ASSERT_EQ(r.removals.size(), 2u);
  EXPECT_TRUE(r.removals[0].fails_alone);
  EXPECT_FALSE(r.removals[1].fails_alone);
  EXPECT_EQ(r.removals[1].together_with, (std::vector<OptionSet>{{12}}));

  SearchConfig config;
  config.weights.assign(16, 1.0);
  config.weights[7] = 3.0;  // 7 is the more valuable hardening: keep it
  r = run("3|7,12", 16, "bisect", config);
  EXPECT_EQ(r.removal, (OptionSet{3, 12}));
  EXPECT_EQ(r.removals[1].together_with, (std::vector<OptionSet>{{7}}));
}

TEST(SearchBisect, OverlappingPairsShareOneRemoval) {
  const SearchResult r = run("1,2|2,3", 10);
  ASSERT_EQ(r.status, SearchStatus::Found) << r.message;
  EXPECT_EQ(r.culprits, (std::vector<OptionSet>{{1, 2}, {2, 3}}));
  EXPECT_EQ(r.removal, (OptionSet{2}));
  ASSERT_EQ(r.removals.size(), 1u);
  EXPECT_EQ(r.removals[0].together_with, (std::vector<OptionSet>{{1}, {3}}));
}

TEST(SearchBisect, FindsCulpritSetsTheRemovalAlreadyDefuses) {
  // {0,1} and {0,2}: removing 0 is enough, but both sets are reported.
  const SearchResult r = run("0,1|0,2", 6);
  EXPECT_EQ(r.culprits, (std::vector<OptionSet>{{0, 1}, {0, 2}}));
  EXPECT_EQ(r.removal, (OptionSet{0}));
  EXPECT_TRUE(r.complete);
}

TEST(SearchBisect, IndependentCulprits) {
  const SearchResult r = run("2|9|13", 16);
  ASSERT_EQ(r.status, SearchStatus::Found) << r.message;
  EXPECT_EQ(r.culprits, (std::vector<OptionSet>{{2}, {9}, {13}}));
  EXPECT_EQ(r.removal, (OptionSet{2, 9, 13}));
  // Plus the context step (search.h, step 2): adding back each of the 3
  // removed lines, a trial unless the search already ran that set (here one
  // had); the price of proving the safe set 1-maximal instead of inferring it.
  EXPECT_LE(r.context_trials, 3);
  EXPECT_LE(r.trial_count, 3 * (log2_ceil(16) + 2) + 3 + r.context_trials);
  EXPECT_TRUE(r.maximal);
}

TEST(SearchBisect, ThreeWayInteraction) {
  const SearchResult r = run("1,6,11", 16);
  ASSERT_EQ(r.status, SearchStatus::Found) << r.message;
  EXPECT_EQ(r.culprits, (std::vector<OptionSet>{{1, 6, 11}}));
  EXPECT_EQ(r.removal.size(), 1u);
  EXPECT_EQ(r.removals[0].together_with.size(), 1u);
  EXPECT_EQ(r.removals[0].together_with[0].size(), 2u);
}

TEST(SearchBisect, UnresolvedSplitPointIsAvoided) {
  // The natural first split (the first 8 of 16 options) cannot be decided.
  FunctionOracle oracle([](const OptionSet& s) -> Outcome {
    if (s.size() == 8 && s.front() == 0 && s.back() == 7) return {Verdict::Unresolved, "probe failed"};
    return has(s, 6) ? Outcome{Verdict::Fail, "6"} : Outcome{Verdict::Pass, {}};
  });
  const SearchResult r = run_search(oracle, 16, {});
  ASSERT_EQ(r.status, SearchStatus::Found) << r.message;
  EXPECT_EQ(r.culprits, (std::vector<OptionSet>{{6}}));
  ASSERT_EQ(r.unresolved.size(), 2u);  // the run and its retry
  EXPECT_EQ(r.unresolved[0].reason, "probe failed");
  EXPECT_EQ(r.unresolved[0].options.size(), 8u);
  EXPECT_EQ(r.trials[r.unresolved[0].trial].outcome.verdict, Verdict::Unresolved);
}

TEST(SearchBisect, TransientUnresolvedIsRetried) {
  std::set<OptionSet> seen;
  FunctionOracle oracle([&](const OptionSet& s) -> Outcome {
    if (seen.insert(s).second) return {Verdict::Unresolved, "container did not start"};
    return has(s, 3) ? Outcome{Verdict::Fail, "3"} : Outcome{Verdict::Pass, {}};
  });
  const SearchResult r = run_search(oracle, 8, {});
  ASSERT_EQ(r.status, SearchStatus::Found) << r.message;
  EXPECT_EQ(r.culprits, (std::vector<OptionSet>{{3}}));
  EXPECT_FALSE(r.unresolved.empty());
}

TEST(SearchBisect, OptionThatCannotBeDecidedIsSetAside) {
  const SearchResult r = run("3|?7", 12);
  EXPECT_EQ(r.status, SearchStatus::Unresolved);
  EXPECT_EQ(r.undecided, (OptionSet{7}));
  EXPECT_EQ(r.culprits, (std::vector<OptionSet>{{3}}));
  EXPECT_EQ(r.safe_set, all_but(12, {3, 7}));
  ASSERT_GE(r.safe_trial, 0);
  EXPECT_FALSE(r.unresolved.empty());
  EXPECT_NE(r.unresolved[0].reason.find("probe failed"), std::string::npos);
  EXPECT_NE(r.message.find("{7}"), std::string::npos) << r.message;
}

TEST(SearchBisect, OnlyUndecidableOptionsAndNothingElseBreaks) {
  const SearchResult r = run("?4", 8);
  EXPECT_EQ(r.status, SearchStatus::Unresolved);
  EXPECT_EQ(r.undecided, (OptionSet{4}));
  EXPECT_TRUE(r.culprits.empty());
}

// ---- preconditions ------------------------------------------------------

TEST(SearchPreconditions, BaselineFails) {
  const SearchResult r = run("|3", 8);
  EXPECT_EQ(r.status, SearchStatus::BaselineFails);
  EXPECT_NE(r.message.find("not a hardening problem"), std::string::npos);
  EXPECT_TRUE(r.culprits.empty());
  EXPECT_TRUE(r.removal.empty());
  EXPECT_EQ(r.trial_count, 3);
  for (const auto& t : r.trials) EXPECT_EQ(t.phase, Phase::Baseline);
}

TEST(SearchPreconditions, FlakyBaselineIsNotBlamedOnAnOption) {
  // The baseline fails half of the time. Once it has been seen failing, no
  // option may be blamed; with a flaky culprit the baseline is rechecked as
  // often as any passing set, so it is caught in most runs.
  int flaky_baseline = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const SearchResult r = run("@0.5|3@0.5", 8, "bisect", {}, seed);
    bool baseline_failed = false;
    for (const auto& t : r.trials) {
      baseline_failed |= t.options.empty() && t.outcome.verdict == Verdict::Fail;
    }
    if (baseline_failed) {
      EXPECT_TRUE(r.status == SearchStatus::FlakyBaseline || r.status == SearchStatus::BaselineFails)
          << "seed " << seed << ": " << r.message;
      EXPECT_TRUE(r.culprits.empty());
      EXPECT_TRUE(r.removal.empty());
    }
    if (r.status == SearchStatus::FlakyBaseline) {
      ++flaky_baseline;
      EXPECT_NE(r.message.find("only sometimes"), std::string::npos);
    }
  }
  EXPECT_GE(flaky_baseline, 14);
}

TEST(SearchPreconditions, NothingBreaks) {
  const SearchResult r = run("", 0);  // no options at all
  EXPECT_EQ(r.status, SearchStatus::NothingBreaks);
  const SearchResult s = run("20", 8);  // a rule on an option not in the template
  EXPECT_EQ(s.status, SearchStatus::NothingBreaks);
  EXPECT_TRUE(s.culprits.empty());
  // The full set is rerun until a 30% failure rate would have shown.
  EXPECT_EQ(s.full_runs, 9);
  EXPECT_EQ(s.trial_count, 10);
}

TEST(SearchPreconditions, FullSetFailingRarelyIsStillFound) {
  // First full run passes, a later one fails: flaky mode, not NothingBreaks.
  int found = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const SearchResult r = run("5@0.6", 10, "bisect", {}, seed);
    if (r.status == SearchStatus::Found && r.culprits == std::vector<OptionSet>{{5}}) ++found;
  }
  EXPECT_GE(found, 9);
}

// ---- the user has seen it fail (issue 23) -------------------------------

// One culprit among 16 failing 30% of runs: with --expect-failure the full
// set runs until it fails (never nothing-breaks at the 1 in 8 a 30% failure
// passes 9 runs), the rate is estimated from those runs, and the culprit is
// found in each of 20 seeded runs.
TEST(SearchExpectFailure, FindsARareCulpritInEachSeed) {
  SearchConfig config;
  config.expect_failure = true;
  int total = 0;
  std::string trials;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const SearchResult r = run("11@0.3", 16, "bisect", config, seed);
    EXPECT_EQ(r.status, SearchStatus::Found) << "seed " << seed << ": " << r.message;
    EXPECT_EQ(r.culprits, std::vector<OptionSet>{{11}}) << "seed " << seed << ": " << r.message;
    EXPECT_NE(r.status, SearchStatus::NothingBreaks);
    total += r.trial_count;
    trials += " " + std::to_string(r.trial_count);
  }
  std::printf("expect-failure, 16 options, 11@0.3, trials per seed 1..20:%s (mean %.1f)\n", trials.c_str(),
              total / 20.0);
}

// Without the flag, the same template ends nothing-breaks for some seeds
// (the reason for the flag): the test above would fail without it.
TEST(SearchExpectFailure, WithoutItARareCulpritSometimesEndsNothingBreaks) {
  int nothing = 0;  // 0.7^9 = 4% of seeds; none among 1..20, 1 or more among 200
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    if (run("11@0.3", 16, "bisect", {}, seed).status != SearchStatus::NothingBreaks) continue;
    ++nothing;
    // The same seed with the flag: found.
    SearchConfig config;
    config.expect_failure = true;
    const SearchResult r = run("11@0.3", 16, "bisect", config, seed);
    EXPECT_EQ(r.culprits, std::vector<OptionSet>{{11}}) << "seed " << seed << ": " << r.message;
    std::printf("seed %d: nothing-breaks without --expect-failure, found with it in %d trials\n",
                static_cast<int>(seed), r.trial_count);
  }
  EXPECT_GE(nothing, 1);
}

// A full set that never fails: unresolved, never nothing-breaks, with the
// failure rate its runs rule out (59 runs: above 1/20 at 0.95).
TEST(SearchExpectFailure, NeverFailingEndsUnresolvedWithTheRateRuledOut) {
  SearchConfig config;
  config.expect_failure = true;
  EXPECT_EQ(expect_failure_cap(config), 59);
  const SearchResult r = run("20", 8, "bisect", config);
  EXPECT_EQ(r.status, SearchStatus::Unresolved) << r.message;
  EXPECT_NE(r.message.find("did not fail in 59 runs: a failure rate above 0.050 would have shown with "
                           "confidence 0.95"),
            std::string::npos)
      << r.message;
  EXPECT_EQ(r.full_runs, 59);
  ASSERT_TRUE(r.ruled_out.has_value());
  EXPECT_EQ(r.ruled_out->runs, 59);
  EXPECT_NEAR(r.ruled_out->failure_rate, 1.0 - std::pow(0.05, 1.0 / 59), 1e-12);
  EXPECT_LT(r.ruled_out->failure_rate, 0.05);
  EXPECT_DOUBLE_EQ(r.ruled_out->confidence, 0.95);
  // Bounded by --max-trials too: still unresolved, with what its runs rule out.
  config.max_trials = 20;
  const SearchResult b = run("20", 8, "bisect", config);
  EXPECT_EQ(b.status, SearchStatus::Unresolved) << b.message;
  ASSERT_TRUE(b.ruled_out.has_value());
  EXPECT_EQ(b.ruled_out->runs, 19);  // the baseline took one
  // A lower --min-failure-rate raises the cap.
  config.max_trials = 0;
  config.min_failure_rate = 0.01;
  EXPECT_EQ(expect_failure_cap(config), 299);
}

// A failure of the whole template that never comes back: without the flag
// nothing-breaks (issue 26); with it, unresolved.
TEST(SearchExpectFailure, AFailureThatDoesNotReproduceIsUnresolved) {
  SearchConfig config;
  config.expect_failure = true;
  const SearchResult r = run("0,1,2,3#1", 4, "bisect", config);
  EXPECT_EQ(r.status, SearchStatus::Unresolved) << r.message;
  EXPECT_TRUE(r.culprits.empty());
  EXPECT_NE(r.message.find("did not fail in 17 runs"), std::string::npos) << r.message;
}

// Nothing-breaks states the failure rate it rules out, at the default and a
// chosen --min-failure-rate.
TEST(SearchExpectFailure, NothingBreaksStatesTheRateRuledOut) {
  const SearchResult r = run("20", 8);
  EXPECT_EQ(r.status, SearchStatus::NothingBreaks);
  ASSERT_TRUE(r.ruled_out.has_value());
  EXPECT_EQ(r.ruled_out->runs, 9);
  EXPECT_NEAR(r.ruled_out->failure_rate, 1.0 - std::pow(0.05, 1.0 / 9), 1e-12);  // 0.283 < 0.3
  EXPECT_LT(r.ruled_out->failure_rate, 0.3);
  SearchConfig config;
  config.min_failure_rate = 0.1;
  const SearchResult s = run("20", 8, "bisect", config);
  EXPECT_EQ(s.status, SearchStatus::NothingBreaks);
  ASSERT_TRUE(s.ruled_out.has_value());
  EXPECT_EQ(s.ruled_out->runs, 29);
  EXPECT_LT(s.ruled_out->failure_rate, 0.1);
  // A deterministic answer states none.
  EXPECT_FALSE(run("3", 8).ruled_out.has_value());
}

TEST(SearchPreconditions, UnknownStrategyAndBadWeights) {
  FakeOracle oracle(parse_fake_rules("1"));
  SearchConfig config;
  config.strategy = "bisekt";
  EXPECT_THROW(run_search(oracle, 4, config), std::invalid_argument);
  config.strategy = "bisect";
  config.weights = {1.0, 2.0};
  EXPECT_THROW(run_search(oracle, 4, config), std::invalid_argument);
  const auto names = strategy_names();
  EXPECT_EQ(names.front(), "bisect");
  EXPECT_EQ(names.size(), 4u);
}

// ---- flaky ---------------------------------------------------------------

TEST(SearchFlaky, ThirtyPercentCulpritFoundWithConfidence) {
  int correct = 0;
  int flaky = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const SearchResult r = run("11@0.3", 16, "bisect", {}, seed);
    // A first failure of the full set (30%) looks deterministic until a
    // contradiction; the posterior then finds the culprit with confidence.
    flaky += r.flaky;
    if (r.flaky && r.status == SearchStatus::Found) {
      EXPECT_GE(r.posterior, 0.95) << "seed " << seed;
      EXPECT_LT(r.posterior, 1.0) << "seed " << seed;
      EXPECT_GT(r.failure_rate, 0.0);
      EXPECT_LT(r.failure_rate, 0.8);
      // The posterior needs no estimate up front: the full set runs until its
      // failure shows (9 runs show a 30% rate with 95%), and, when a pass
      // came first, until that failure reproduced (17 at most), no more.
      EXPECT_LE(r.full_runs, 9 + 17) << "seed " << seed;
    }
    if (r.status == SearchStatus::Found && r.culprits == std::vector<OptionSet>{{11}} &&
        r.removal == OptionSet{11}) {
      ++correct;
    }
    // A set stops at its first failure; a pass needs `repeats` runs.
    if (r.safe_trial >= 0) {
      int safe_passes = 0;
      for (const auto& t : r.trials) {
        safe_passes += t.options == r.safe_set && t.outcome.verdict == Verdict::Pass;
      }
      EXPECT_GE(safe_passes, r.repeats);
    }
  }
  EXPECT_GE(flaky, 17);
  EXPECT_GE(correct, 17);
}

TEST(SearchFlaky, NoPassEverClearsAnOptionBeforeEnoughRuns) {
  // Strategies that judge each set by itself (bisect weighs every run in its
  // posterior instead: SearchPosterior.*).
  int checked = 0;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    const SearchResult r = run("6@0.3", 12, "ddmin", {}, seed);
    // The repeat count only grows after a contradiction; check runs where
    // it stayed put, so every pass was needed at the final count.
    if (!r.flaky || !r.notes.empty()) continue;
    ++checked;
    std::map<OptionSet, std::pair<int, int>> runs;  // passes, fails
    for (const auto& t : r.trials) {
      auto& [p, f] = runs[t.options];
      (t.outcome.verdict == Verdict::Pass ? p : f) += 1;
    }
    // A set either failed (a run stops at its first failure) or passed
    // `repeats` times: never a lone pass.
    for (const auto& [set, pf] : runs) {
      if (pf.second == 0) {
        EXPECT_GE(pf.first, r.repeats) << "seed " << seed;
      } else if (set != all_but(12, {})) {
        EXPECT_LE(pf.second, 1) << "seed " << seed;
      }
    }
  }
  EXPECT_GE(checked, 10);
}

TEST(SearchFlaky, ContradictionSwitchesToFlakyMode) {
  // Find seeds where the full set failed its first run (looks
  // deterministic): the engine must notice and still find the culprit.
  int switched = 0;
  int correct = 0;
  for (std::uint64_t seed = 1; seed <= 200 && switched < 5; ++seed) {
    const SearchResult r = run("9@0.5", 16, "bisect", {}, seed);
    if (r.trials.size() < 2 || r.trials[1].outcome.verdict != Verdict::Fail) continue;
    if (!r.flaky) continue;  // no contradiction showed up: nothing to check here
    ++switched;
    EXPECT_FALSE(r.notes.empty());
    correct += r.status == SearchStatus::Found && r.culprits == std::vector<OptionSet>{{9}};
  }
  EXPECT_GE(switched, 3);
  EXPECT_GE(correct, switched - 1);
}

// The signature of issue 26: the whole template failed once (a failure that
// does not belong to it: a host's hiccup, a flake) and every subset passed.
// That set is reported as a deterministic culprit only when its failure
// reproduces; here it does not, so the run turns flaky-aware and blames no
// option: the template passes.
TEST(SearchFlaky, AWholeSetThatFailedOnceIsNoDeterministicCulprit) {
  for (int jobs : {1, 2}) {
    SearchConfig config;
    config.jobs = jobs;
    const SearchResult r = run("0,1,2,3#1", 4, "bisect", config);
    EXPECT_TRUE(r.flaky) << "jobs " << jobs;
    EXPECT_TRUE(r.culprits.empty()) << "jobs " << jobs << ": " << r.message;
    EXPECT_EQ(r.status, SearchStatus::NothingBreaks) << "jobs " << jobs << ": " << r.message;
    EXPECT_FALSE(r.notes.empty());
    EXPECT_LT(r.confidence, 1.0);  // a stated confidence, not a certainty
  }
}

// The same failure, seen when the full set passed its first run and failed
// a later one (issue 26's matrix cell ran the full set ten times): it is
// blamed on the options only if it reproduces. Here it never does.
TEST(SearchFlaky, AFullSetFailingOnceAmongPassesIsNoCulprit) {
  for (int failing_run : {2, 5, 9}) {
    int full_runs = 0;
    FunctionOracle oracle([&](const OptionSet& s) -> Outcome {
      if (s.size() == 4 && ++full_runs == failing_run) return {Verdict::Fail, "workload timed out after 5s"};
      return {Verdict::Pass, {}};
    });
    const SearchResult r = run_search(oracle, 4, SearchConfig{});
    EXPECT_EQ(r.status, SearchStatus::NothingBreaks) << "run " << failing_run << ": " << r.message;
    EXPECT_TRUE(r.culprits.empty());
    EXPECT_TRUE(r.flaky);
    EXPECT_EQ(r.full_failures, 1);
    // After it, 17 passes: a 30% rate would have shown twice over (0.7^17 < 0.05^2).
    EXPECT_EQ(r.full_runs, failing_run + 17);
    EXPECT_LE(r.trial_count, r.full_runs + 1);  // the baseline and the full set: not the 165 to 550
                                                // trials of a flaky search that blamed the whole set
    EXPECT_LT(r.confidence, 1.0);               // a stated confidence
  }
}

// One failure, and its rerun stays unresolved (the host that would show it
// again is in trouble): nothing reproduced it, so it is no deterministic
// culprit either, and the answer says why.
TEST(SearchFlaky, ACulpritWhoseRerunStaysUnresolvedIsNotReported) {
  int full_runs = 0;
  FunctionOracle oracle([&](const OptionSet& s) -> Outcome {
    if (s.size() < 4) return {Verdict::Pass, {}};
    return ++full_runs == 1 ? Outcome{Verdict::Fail, "workload exited 1"}
                            : Outcome{Verdict::Unresolved, "podman exec failed: connection reset"};
  });
  const SearchResult r = run_search(oracle, 4, SearchConfig{});
  EXPECT_TRUE(r.culprits.empty()) << r.message;
  EXPECT_EQ(r.status, SearchStatus::Unresolved) << r.message;
  EXPECT_NE(r.message.find("its rerun was unresolved (podman exec failed"), std::string::npos) << r.message;
}

// A real combination of all four still comes out, deterministic, at the
// price of its one rerun.
TEST(SearchBisect, AWholeSetThatAlwaysFailsIsACulprit) {
  const SearchResult r = run("0,1,2,3", 4);
  ASSERT_EQ(r.status, SearchStatus::Found) << r.message;
  EXPECT_EQ(r.culprits, (std::vector<OptionSet>{{0, 1, 2, 3}}));
  EXPECT_FALSE(r.flaky);
}

// ---- ddmin ----------------------------------------------------------------

TEST(SearchDdmin, SingleAndPair) {
  SearchResult r = run("13", 16, "ddmin");
  ASSERT_EQ(r.status, SearchStatus::Found) << r.message;
  EXPECT_EQ(r.culprits, (std::vector<OptionSet>{{13}}));
  r = run("4,10", 16, "ddmin");
  ASSERT_EQ(r.status, SearchStatus::Found) << r.message;
  EXPECT_EQ(r.culprits, (std::vector<OptionSet>{{4, 10}}));
  EXPECT_EQ(r.removal.size(), 1u);
}

TEST(SearchDdmin, RepeatsUntilTheTemplatePasses) {
  const SearchResult r = run("3|7,12", 16, "ddmin");
  ASSERT_EQ(r.status, SearchStatus::Found) << r.message;
  EXPECT_EQ(r.culprits, (std::vector<OptionSet>{{3}, {7, 12}}));
  EXPECT_EQ(r.removal, (OptionSet{3, 7}));
  EXPECT_FALSE(r.complete);  // only bisect proves it found every culprit set
}

TEST(SearchDdmin, UnresolvedTestsAreNeitherPassNorFail) {
  // Every half-sized subset is unresolved: ddmin must go finer.
  FunctionOracle oracle([](const OptionSet& s) -> Outcome {
    if (s.size() == 4) return {Verdict::Unresolved, "cannot judge"};
    return has(s, 6) ? Outcome{Verdict::Fail, "6"} : Outcome{Verdict::Pass, {}};
  });
  SearchConfig config;
  config.strategy = "ddmin";
  const SearchResult r = run_search(oracle, 8, config);
  ASSERT_EQ(r.status, SearchStatus::Found) << r.message;
  EXPECT_EQ(r.culprits, (std::vector<OptionSet>{{6}}));
  EXPECT_GE(r.unresolved.size(), 2u);
}

// ---- progressive ---------------------------------------------------------------

TEST(SearchProgressive, AddsOptionsInOrderUntilItBreaks) {
  const SearchResult r = run("5", 10, "progressive");
  ASSERT_EQ(r.status, SearchStatus::Found) << r.message;
  EXPECT_EQ(r.culprits, (std::vector<OptionSet>{{5}}));
  // {0}, {0,1}, ..., {0..5}, then {5} alone: the prefixes grow one by one.
  std::vector<OptionSet> search;
  for (const auto& t : r.trials) {
    if (t.phase == Phase::Search) search.push_back(t.options);
  }
  ASSERT_EQ(search.size(), 6u);
  for (std::size_t i = 0; i < search.size(); ++i) EXPECT_EQ(search[i].size(), i + 1);
}

TEST(SearchProgressive, FindsPartnersOfTheOptionThatBrokeIt) {
  const SearchResult r = run("2,7|9", 12, "progressive");
  ASSERT_EQ(r.status, SearchStatus::Found) << r.message;
  EXPECT_EQ(r.culprits, (std::vector<OptionSet>{{2, 7}, {9}}));
  EXPECT_EQ(r.removal, (OptionSet{2, 9}));
  EXPECT_EQ(r.removals[0].together_with, (std::vector<OptionSet>{{7}}));
}

// ---- linear ---------------------------------------------------------------

TEST(SearchLinear, EachOptionAloneInOneBatch) {
  FunctionOracle oracle([](const OptionSet& s) -> Outcome {
    return has(s, 3) || has(s, 9) ? Outcome{Verdict::Fail, "x"} : Outcome{Verdict::Pass, {}};
  });
  SearchConfig config;
  config.strategy = "linear";
  const SearchResult r = run_search(oracle, 12, config);
  ASSERT_EQ(r.status, SearchStatus::Found) << r.message;
  EXPECT_EQ(r.culprits, (std::vector<OptionSet>{{3}, {9}}));
  // baseline, full, 12 singles, the second culprit confirmed again, safe,
  // and the context step: each removed line added back to the safe set (2)
  EXPECT_EQ(r.trial_count, 12 + 2 + 1 + 1 + 2);
  EXPECT_EQ(r.context_trials, 2);
  EXPECT_EQ(oracle.batch_sizes, (std::vector<std::size_t>{12}));
}

TEST(SearchLinear, CannotExplainCombinations) {
  const SearchResult r = run("4,10", 12, "linear");
  EXPECT_EQ(r.status, SearchStatus::Unresolved);
  EXPECT_NE(r.message.find("bisect"), std::string::npos) << r.message;
}

// ---- engine plumbing ---------------------------------------------------------

TEST(SearchEngine, ProgressCallbackSeesEveryTrial) {
  std::vector<int> seen;
  SearchConfig config;
  config.on_trial = [&](const TrialRecord& t) { seen.push_back(t.index); };
  const SearchResult r = run("3|6,7", 10, "bisect", config);
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(r.trial_count));
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], static_cast<int>(i));
}

// With speculative runs (--jobs 2) too, progress comes in trial order: each
// run announced when it starts and reported when it ends, every one once,
// with an estimate of the total that is never below the runs so far.
TEST(SearchEngine, ProgressComesInTrialOrderWithSpeculativeRuns) {
  FakeOracle oracle(parse_fake_rules("3|6,7"));
  oracle.set_jobs(2);
  SearchConfig config;
  config.jobs = 2;
  std::vector<int> started;
  std::vector<int> ended;
  config.on_start = [&](const TrialRecord& t) {
    EXPECT_EQ(t.index, static_cast<int>(started.size()));
    EXPECT_GE(t.estimate, t.index + 1);
    started.push_back(t.index);
  };
  config.on_trial = [&](const TrialRecord& t) {
    EXPECT_LT(t.index, static_cast<int>(started.size())) << "ended before it started";
    EXPECT_GE(t.estimate, t.index + 1);
    ended.push_back(t.index);
  };
  const SearchResult r = run_search(oracle, 10, config);
  ASSERT_EQ(r.status, SearchStatus::Found) << r.message;
  ASSERT_TRUE(
      std::any_of(r.trials.begin(), r.trials.end(), [](const TrialRecord& t) { return t.speculative; }));
  ASSERT_EQ(ended.size(), static_cast<std::size_t>(r.trial_count));
  ASSERT_EQ(started.size(), ended.size());
  for (std::size_t i = 0; i < ended.size(); ++i) EXPECT_EQ(ended[i], static_cast<int>(i));
}

TEST(SearchEngine, BudgetStopsTheSearch) {
  SearchConfig config;
  config.max_trials = 5;
  const SearchResult r = run("3|6,7", 64, "bisect", config);
  EXPECT_EQ(r.status, SearchStatus::Unresolved);
  EXPECT_LE(r.trial_count, 5);
  EXPECT_NE(r.message.find("budget"), std::string::npos);
}

}  // namespace
}  // namespace hb::search
