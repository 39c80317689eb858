#include <gtest/gtest.h>

#include "search/hitting_set.h"

namespace hb::search {
namespace {

TEST(SearchHittingSet, NoSetsNeedsNoRemoval) {
  const auto t = minimal_transversals({}, {});
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, (std::vector<OptionSet>{{}}));
}

TEST(SearchHittingSet, SingleAndPair) {
  // fails iff {0} or {1,2}: remove 0 and one of 1, 2.
  const auto t = minimal_transversals({{0}, {1, 2}}, {});
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, (std::vector<OptionSet>{{0, 1}, {0, 2}}));
}

TEST(SearchHittingSet, WeightsPreferKeepingValuableOptions) {
  // Option 1 is worth more than option 2: remove 2.
  const auto t = minimal_transversals({{0}, {1, 2}}, {1.0, 5.0, 0.5});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->front(), (OptionSet{0, 2}));
}

TEST(SearchHittingSet, OverlappingSetsShareARemoval) {
  const auto t = minimal_transversals({{0, 1}, {1, 2}}, {});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->front(), (OptionSet{1}));
  EXPECT_EQ(t->size(), 2u);  // {1} and {0,2}
  EXPECT_EQ(t->back(), (OptionSet{0, 2}));
}

TEST(SearchHittingSet, CheapByWeightBeatsFewer) {
  // Removing the shared option 1 costs 10; removing 0 and 2 costs 2.
  const auto t = minimal_transversals({{0, 1}, {1, 2}}, {1.0, 10.0, 1.0});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->front(), (OptionSet{0, 2}));
}

TEST(SearchHittingSet, LimitStopsTheBlowUp) {
  std::vector<OptionSet> sets;
  for (int i = 0; i < 7; ++i) sets.push_back({3 * i, 3 * i + 1, 3 * i + 2});
  EXPECT_FALSE(minimal_transversals(sets, {}, 1000));
  const auto all = minimal_transversals(sets, {}, 5000);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2187u);  // 3^7
}

}  // namespace
}  // namespace hb::search
