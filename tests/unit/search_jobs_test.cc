#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "search/fake_oracle.h"
#include "search/option_set.h"
#include "search/search.h"

namespace hb::search {
namespace {

// Counts the batches that reach the oracle.
class BatchCountingOracle : public FakeOracle {
 public:
  using FakeOracle::FakeOracle;
  std::vector<Outcome> test_many(const std::vector<OptionSet>& sets) override {
    largest_batch = std::max(largest_batch, sets.size());
    return FakeOracle::test_many(sets);
  }
  size_t largest_batch = 0;
};

TEST(SearchJobs, ParallelRepeatsFindTheSameFlakyCulprit) {
  for (std::uint64_t seed : {1, 2, 3, 4, 5}) {
    SearchConfig serial;
    serial.deterministic_after = 0;  // always measure the failure rate
    SearchConfig parallel = serial;
    parallel.jobs = 4;
    BatchCountingOracle one(parse_fake_rules("3@0.5"), seed);
    BatchCountingOracle many(parse_fake_rules("3@0.5"), seed);
    SearchResult a = run_search(one, 8, serial);
    SearchResult b = run_search(many, 8, parallel);
    EXPECT_EQ(a.culprits, b.culprits) << "seed " << seed;
    EXPECT_EQ(b.culprits, (std::vector<OptionSet>{{3}})) << "seed " << seed;
    EXPECT_TRUE(b.flaky);
    EXPECT_GT(many.largest_batch, 1u) << "repeats went to the oracle one at a time";
    EXPECT_LE(many.largest_batch, 4u);
  }
}

// A random deterministic case: n up to 64, 1-3 culprit sets of 1-3 options
// (pairs and triples only fail together), later sets often sharing an option.
std::vector<FakeRule> random_rules(std::mt19937_64& rng, int& n) {
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  n = uniform(2, 64);
  std::vector<FakeRule> rules;
  const int k = uniform(1, 3);
  for (int i = 0; i < k; ++i) {
    FakeRule rule;
    const int size = uniform(1, std::min(3, n));
    if (i > 0 && uniform(0, 1) == 1) rule.options.push_back(rules[uniform(0, i - 1)].options.front());
    while (static_cast<int>(rule.options.size()) < size) {
      rule.options.push_back(uniform(0, n - 1));
      rule.options = normalized(rule.options);
    }
    rules.push_back(rule);
  }
  return rules;
}

// Two searches of the same template gave the same answer: status, culprit
// sets, removal, safe set, lines kept in context, and what each kept culprit
// passes with.
void expect_same_answer(const SearchResult& a, const SearchResult& b, const std::string& where) {
  EXPECT_EQ(b.status, a.status) << where << ": " << b.message;
  EXPECT_EQ(b.culprits, a.culprits) << where;
  EXPECT_EQ(b.removal, a.removal) << where;
  EXPECT_EQ(b.safe_set, a.safe_set) << where;
  EXPECT_EQ(b.restored, a.restored) << where;
  ASSERT_EQ(b.kept.size(), a.kept.size()) << where;
  for (std::size_t i = 0; i < a.kept.size(); ++i) {
    EXPECT_EQ(b.kept[i].culprit, a.kept[i].culprit) << where;
    EXPECT_EQ(b.kept[i].passes_with, a.kept[i].passes_with) << where;
  }
}

TEST(SearchJobs, ParallelBisectionGivesTheSameAnswerInFewerRounds) {
  int rounds_serial = 0;
  int rounds_parallel = 0;
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    std::mt19937_64 rng(seed);
    int n = 0;
    const std::vector<FakeRule> rules = random_rules(rng, n);
    std::vector<double> weights;
    for (int i = 0; i < n; ++i) weights.push_back(std::uniform_int_distribution<int>(1, 4)(rng));
    SearchConfig serial;
    serial.weights = weights;
    SearchConfig parallel = serial;
    parallel.jobs = 2;
    FakeOracle one(rules, seed);
    FakeOracle two(rules, seed);
    two.set_jobs(2);
    const SearchResult a = run_search(one, n, serial);
    const SearchResult b = run_search(two, n, parallel);
    const std::string where =
        "seed " + std::to_string(seed) + " n=" + std::to_string(n) + " rules " + format_fake_rules(rules);
    ASSERT_EQ(a.status, SearchStatus::Found) << where << ": " << a.message;
    expect_same_answer(a, b, where);
    EXPECT_EQ(b.complete, a.complete) << where;
    EXPECT_EQ(b.maximal, a.maximal) << where;
    EXPECT_EQ(b.flaky, a.flaky) << where;
    ASSERT_EQ(b.removals.size(), a.removals.size()) << where;
    for (std::size_t i = 0; i < a.removals.size(); ++i) {
      EXPECT_EQ(b.removals[i].option, a.removals[i].option) << where;
      EXPECT_EQ(b.removals[i].fails_alone, a.removals[i].fails_alone) << where;
      EXPECT_EQ(b.removals[i].together_with, a.removals[i].together_with) << where;
    }
    ASSERT_GE(b.safe_trial, 0) << where;
    EXPECT_EQ(b.trials[b.safe_trial].outcome.verdict, Verdict::Pass) << where;
    EXPECT_EQ(one.rounds(), a.trial_count) << where;  // one at a time: a round per trial
    rounds_serial += one.rounds();
    rounds_parallel += two.rounds();
  }
  // Wall time ~ rounds: two jobs must shorten the search clearly.
  EXPECT_LT(rounds_parallel, rounds_serial * 85 / 100) << rounds_parallel << " vs " << rounds_serial;
}

TEST(SearchJobs, NonMonotoneTemplatesGiveTheSameAnswerToo) {
  // Lines that fail unless a relaxation is applied (IPAddressDeny= beside
  // IPAddressAllow=): which culprit sets a search meets depends on the sets
  // it asks about; speculative runs count only when asked for, so two jobs
  // ask what one job asks.
  for (std::uint64_t seed = 1; seed <= 150; ++seed) {
    std::mt19937_64 rng(seed * 31);
    auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    const int n = uniform(4, 20);
    std::vector<FakeRule> rules;
    for (int i = uniform(0, 2); i > 0; --i) rules.push_back({{uniform(0, n - 1)}, 1.0, false, {}});
    for (int i = uniform(1, 2); i > 0; --i) {
      const int a = uniform(0, n - 1);
      const int b = (a + uniform(1, n - 1)) % n;
      rules.push_back({{a}, 1.0, false, {b}});
    }
    FakeOracle one(rules, seed);
    FakeOracle two(rules, seed);
    two.set_jobs(2);
    SearchConfig parallel;
    parallel.jobs = 2;
    const SearchResult a = run_search(one, n, SearchConfig{});
    const SearchResult b = run_search(two, n, parallel);
    const std::string where =
        "seed " + std::to_string(seed) + " n=" + std::to_string(n) + " rules " + format_fake_rules(rules);
    expect_same_answer(a, b, where);
  }
}

// Every run one job makes, two jobs make too, logged under the same phase
// (a speculative run takes the phase of the question that uses it).
void expect_same_runs(const SearchResult& one, const SearchResult& two) {
  for (const auto& t : one.trials) {
    const bool found = std::any_of(two.trials.begin(), two.trials.end(), [&](const TrialRecord& u) {
      return u.options == t.options && u.phase == t.phase && u.outcome.verdict == t.outcome.verdict;
    });
    EXPECT_TRUE(found) << phase_name(t.phase) << " " << format_set(t.options);
  }
}

TEST(SearchJobs, TheNginxTemplateTakesTwoThirdsOfTheRounds) {
  // nginx-seed004 as measured (scenarios/nginx-seed004.yaml): ProtectSystem=
  // and CapabilityBoundingSet= fail alone, ReadWritePaths= fails unless
  // StateDirectory= and LogsDirectory= are applied; the context step adds
  // ReadWritePaths= back and the explain step finds what it passes with.
  // Two jobs speculate in every step: the culprit's rerun beside the next
  // safe set, the safe set beside the bisection's first question, each
  // add-back beside the next one, the explain bisection one step ahead.
  const auto rules = parse_fake_rules("2|7|4!5|4!6");
  FakeOracle one(rules);
  FakeOracle two(rules);
  two.set_jobs(2);
  SearchConfig parallel;
  parallel.jobs = 2;
  const SearchResult a = run_search(one, 16, SearchConfig{});
  const SearchResult b = run_search(two, 16, parallel);
  EXPECT_EQ(a.removal, (OptionSet{2, 7}));
  EXPECT_EQ(a.restored, (OptionSet{4}));
  ASSERT_EQ(a.kept.size(), 1u);
  EXPECT_EQ(a.kept[0].passes_with, (OptionSet{5, 6}));
  expect_same_answer(a, b, "nginx-seed004 model");
  expect_same_runs(a, b);
  EXPECT_LE(two.rounds() * 3, one.rounds() * 2) << two.rounds() << " vs " << one.rounds();
}

TEST(SearchJobs, OneCulpritTakesFewerRoundsWithTwoJobs) {
  for (int n : {16, 64}) {
    for (int culprit = 0; culprit < n; culprit += 5) {
      FakeOracle one(parse_fake_rules(std::to_string(culprit)));
      FakeOracle two(parse_fake_rules(std::to_string(culprit)));
      two.set_jobs(2);
      SearchConfig parallel;
      parallel.jobs = 2;
      const SearchResult a = run_search(one, n, SearchConfig{});
      const SearchResult b = run_search(two, n, parallel);
      EXPECT_EQ(b.culprits, a.culprits);
      EXPECT_EQ(b.safe_set, a.safe_set);
      EXPECT_LT(two.rounds(), one.rounds()) << "n=" << n << " culprit=" << culprit;
    }
  }
}

TEST(SearchJobs, OneJobSendsNoBatches) {
  BatchCountingOracle oracle(parse_fake_rules("2|5,6"), 7);
  const SearchResult r = run_search(oracle, 16, SearchConfig{});
  EXPECT_EQ(r.culprits, (std::vector<OptionSet>{{2}, {5, 6}}));
  EXPECT_EQ(oracle.largest_batch, 0u);
  EXPECT_EQ(oracle.rounds(), r.trial_count);
}

}  // namespace
}  // namespace hb::search
