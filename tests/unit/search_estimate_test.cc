#include <gtest/gtest.h>

#include "search/estimate.h"

namespace hb::search {
namespace {

// One culprit among 16 options: the baseline, the full set, log2(16) = 4
// bisection steps and the culprit alone, the safe set, one add-back.
TEST(SearchEstimate, OneCulpritAmongNFromTheBaseline) {
  EXPECT_EQ(estimate_total_runs({16, Phase::Baseline, 1, 0, 1, 0}), 1 + 1 + 5 + 2);
  EXPECT_EQ(estimate_total_runs({16, Phase::Full, 2, 0, 2, 0}), 2 + 5 + 2);
}

TEST(SearchEstimate, TheSearchCountsDownAndNeverGoesBelowTheRuns) {
  EXPECT_EQ(estimate_total_runs({16, Phase::Search, 5, 3, 5, 0}), 5 + 2 + 2);
  EXPECT_EQ(estimate_total_runs({16, Phase::Search, 12, 10, 12, 0}), 12 + 2);
  EXPECT_EQ(estimate_total_runs({16, Phase::Context, 14, 10, 14, 0}), 14);
}

TEST(SearchEstimate, RunsPerSetScaleWhatIsLeft) {
  // Flaky: 30 runs of 5 distinct sets, 6 each; 1 + 2 sets left.
  EXPECT_EQ(estimate_total_runs({16, Phase::Search, 30, 4, 5, 0}), 30 + 3 * 6);
}

TEST(SearchEstimate, TheBudgetCaps) {
  EXPECT_EQ(estimate_total_runs({1000, Phase::Baseline, 1, 0, 1, 6}), 6);
  EXPECT_EQ(estimate_total_runs({1000, Phase::Search, 6, 4, 6, 6}), 6);
}

}  // namespace
}  // namespace hb::search
