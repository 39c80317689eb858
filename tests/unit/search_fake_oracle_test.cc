#include <gtest/gtest.h>

#include "search/fake_oracle.h"
#include "util/error.h"

namespace hb::search {
namespace {

TEST(SearchFakeOracle, ParsesRules) {
  const auto rules = parse_fake_rules("0|5,2@0.3|?7|");
  ASSERT_EQ(rules.size(), 4u);
  EXPECT_EQ(rules[0].options, (OptionSet{0}));
  EXPECT_EQ(rules[0].probability, 1.0);
  EXPECT_EQ(rules[1].options, (OptionSet{2, 5}));
  EXPECT_DOUBLE_EQ(rules[1].probability, 0.3);
  EXPECT_TRUE(rules[2].unresolved);
  EXPECT_EQ(rules[2].options, (OptionSet{7}));
  EXPECT_TRUE(rules[3].options.empty());
  EXPECT_EQ(format_fake_rules(rules), "0|2,5@0.3|?7|");
}

// "#k": a failure that happens in the first k trials the rule applies to and
// never again (a hiccup outside the options, seen once).
TEST(SearchFakeOracle, AHiccupFiresOnlyInItsFirstRuns) {
  const auto rules = parse_fake_rules("0,1,2,3#1|?5#2");
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].first_runs, 1);
  EXPECT_EQ(format_fake_rules(rules), "0,1,2,3#1|?5#2");
  FakeOracle oracle(rules);
  EXPECT_EQ(oracle.test({0, 1, 2}).verdict, Verdict::Pass);  // does not apply: not counted
  EXPECT_EQ(oracle.test({0, 1, 2, 3}).verdict, Verdict::Fail);
  EXPECT_EQ(oracle.test({0, 1, 2, 3}).verdict, Verdict::Pass);
  EXPECT_EQ(oracle.test({0, 1, 2, 3, 4}).verdict, Verdict::Pass);
  EXPECT_EQ(oracle.test({5}).verdict, Verdict::Unresolved);
  EXPECT_EQ(oracle.test({5}).verdict, Verdict::Unresolved);
  EXPECT_EQ(oracle.test({5}).verdict, Verdict::Pass);
}

TEST(SearchFakeOracle, RejectsBadRules) {
  EXPECT_THROW(parse_fake_rules("0#0"), UserError);
  EXPECT_THROW(parse_fake_rules("0#x"), UserError);
  EXPECT_THROW(parse_fake_rules("0,x"), UserError);
  EXPECT_THROW(parse_fake_rules("1@2"), UserError);
  EXPECT_THROW(parse_fake_rules("1@"), UserError);
  EXPECT_THROW(parse_fake_rules("1@nan"), UserError);
  EXPECT_THROW(parse_fake_rules("-1"), UserError);
}

TEST(SearchFakeOracle, FailsIffARuleIsASubset) {
  FakeOracle oracle(parse_fake_rules("0|2,5"));
  EXPECT_EQ(oracle.test({}).verdict, Verdict::Pass);
  EXPECT_EQ(oracle.test({0}).verdict, Verdict::Fail);
  EXPECT_EQ(oracle.test({2}).verdict, Verdict::Pass);
  EXPECT_EQ(oracle.test({1, 2, 5}).verdict, Verdict::Fail);
  EXPECT_EQ(oracle.test({1, 5}).verdict, Verdict::Pass);
  EXPECT_EQ(oracle.calls().size(), 5u);
  EXPECT_EQ(oracle.calls()[3], (OptionSet{1, 2, 5}));
  EXPECT_TRUE(oracle.can_fail({0, 9}));
  EXPECT_FALSE(oracle.can_fail({2, 9}));
}

TEST(SearchFakeOracle, UnlessMakesARuleNonMonotone) {
  const auto rules = parse_fake_rules("0!3|1,2!4,5@0.5");
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].unless, (OptionSet{3}));
  EXPECT_EQ(rules[1].options, (OptionSet{1, 2}));
  EXPECT_EQ(rules[1].unless, (OptionSet{4, 5}));
  EXPECT_EQ(format_fake_rules(rules), "0!3|1,2!4,5@0.5");
  FakeOracle oracle(parse_fake_rules("0!3"));
  EXPECT_EQ(oracle.test({0}).verdict, Verdict::Fail);     // IPAddressDeny=any alone
  EXPECT_EQ(oracle.test({0, 3}).verdict, Verdict::Pass);  // beside IPAddressAllow=
  EXPECT_EQ(oracle.test({0, 1, 2}).verdict, Verdict::Fail);
  EXPECT_TRUE(oracle.can_fail({0, 1}));
  EXPECT_FALSE(oracle.can_fail({0, 1, 3}));
}

TEST(SearchFakeOracle, UnresolvedWinsOverFailure) {
  FakeOracle oracle(parse_fake_rules("0|?3"));
  const Outcome o = oracle.test({0, 3});
  EXPECT_EQ(o.verdict, Verdict::Unresolved);
  EXPECT_FALSE(o.reason.empty());
  EXPECT_EQ(oracle.test({3}).verdict, Verdict::Unresolved);
  EXPECT_EQ(oracle.test({0}).verdict, Verdict::Fail);
}

TEST(SearchFakeOracle, FlakyRuleFailsAtItsRateReproducibly) {
  FakeOracle a(parse_fake_rules("1@0.3"), 42);
  FakeOracle b(parse_fake_rules("1@0.3"), 42);
  int fails = 0;
  for (int i = 0; i < 2000; ++i) {
    const Verdict v = a.test({1}).verdict;
    EXPECT_EQ(v, b.test({1}).verdict);
    fails += v == Verdict::Fail;
  }
  EXPECT_GT(fails, 500);
  EXPECT_LT(fails, 700);
}

}  // namespace
}  // namespace hb::search
