#include "search/explain.h"

#include <algorithm>

#include "search/bisect.h"
#include "search/option_set.h"

namespace hb::search {

namespace {

// "Does the kept culprit set pass with these other kept options?", over
// positions into `others` (kept options in key order), for find_culprit_set:
// bad = passes. Assumes more kept options never make it fail again.
class PassesWith : public Predicate {
 public:
  PassesWith(SetTester& tester, OptionSet culprit, std::vector<int> others)
      : m_tester(tester), m_culprit(std::move(culprit)), m_others(std::move(others)) {}

  OptionSet options(const OptionSet& positions) const {
    OptionSet set = m_culprit;
    for (int p : positions) set.push_back(m_others.at(static_cast<std::size_t>(p)));
    return normalized(set);
  }

  Verdict test(const OptionSet& positions, Phase) override {
    if (auto k = known(positions)) return *k;
    const Verdict v = m_tester.test_exact(options(positions), Phase::Explain);
    if (v == Verdict::Unresolved) return v;
    const Verdict bad = v == Verdict::Pass ? Verdict::Fail : Verdict::Pass;
    m_memory.emplace_back(positions, bad);
    return bad;
  }

  // The next questions of the bisection go beside this one (one trial at a
  // time sees the same answers, see SetTester::test_speculating).
  Verdict test_speculating(const OptionSet& positions, const std::vector<OptionSet>& next,
                           Phase phase) override {
    if (auto k = known(positions)) return *k;
    std::vector<OptionSet> sets;
    for (const auto& n : next) {
      if (!known(n)) sets.push_back(options(n));
    }
    m_tester.test_exact(options(positions), Phase::Explain, sets);
    return test(positions, phase);
  }
  int parallelism() const override { return m_tester.parallelism(); }

  std::optional<Verdict> known(const OptionSet& positions) const override {
    const SetStats s = m_tester.stats(options(positions));
    if (s.fails > 0) return Verdict::Pass;
    if (s.passes >= m_tester.repeats()) return Verdict::Fail;
    for (const auto& [set, v] : m_memory) {
      if (v == Verdict::Fail && is_subset_of(set, positions)) return Verdict::Fail;
      if (v == Verdict::Pass && is_subset_of(positions, set)) return Verdict::Pass;
    }
    return std::nullopt;
  }

 private:
  SetTester& m_tester;
  OptionSet m_culprit;
  std::vector<int> m_others;
  std::vector<std::pair<OptionSet, Verdict>> m_memory;
};

KeptCulprit explain_one(SetTester& tester, const Ranking& ranking, const OptionSet& culprit,
                        SearchResult& result) {
  std::vector<int> others = set_minus(result.safe_set, culprit);
  std::sort(others.begin(), others.end(), [&](int a, int b) { return ranking.rank(a) < ranking.rank(b); });
  KeptCulprit kept;
  kept.culprit = culprit;
  PassesWith predicate(tester, culprit, others);
  const CulpritSearch found = find_culprit_set(predicate, {}, all_options(static_cast<int>(others.size())));
  if (found.culprit) {
    kept.passes_with = set_minus(predicate.options(*found.culprit), culprit);
    kept.trial = last_run(tester, predicate.options(*found.culprit), Verdict::Pass);
  } else {
    note(result, "could not find what " + format_set(culprit) + " passes with: " + found.stuck);
  }
  return kept;
}

}  // namespace

void explain_kept(SetTester& tester, const Ranking& ranking, SearchResult& result) {
  const int runs_before = tester.run_count();
  for (const auto& culprit : result.culprits) {
    if (!is_subset_of(culprit, result.safe_set)) continue;
    result.kept.push_back(explain_one(tester, ranking, culprit, result));
  }
  result.explain_trials = tester.run_count() - runs_before;
}

}  // namespace hb::search
