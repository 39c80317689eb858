#include <gtest/gtest.h>

#include "search/fake_oracle.h"
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

TEST(SearchJobs, DeterministicSearchIsUnchanged) {
  SearchConfig parallel;
  parallel.jobs = 4;
  FakeOracle one(parse_fake_rules("2|5,6"), 7);
  FakeOracle many(parse_fake_rules("2|5,6"), 7);
  SearchResult a = run_search(one, 16, SearchConfig{});
  SearchResult b = run_search(many, 16, parallel);
  EXPECT_EQ(a.culprits, b.culprits);
  EXPECT_EQ(a.trial_count, b.trial_count);
}

}  // namespace
}  // namespace hb::search
