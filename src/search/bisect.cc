#include "search/bisect.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>
#include <vector>

#include "search/option_set.h"
#include "search/posterior.h"

namespace hb::search {
namespace {

// Up to `count` split points of (lo, hi) whose tests are not known to be
// unresolved, spread evenly (count + 1 parts); one point is the one nearest
// the middle. Sorted; empty when every point is unresolved.
std::vector<int> pick_splits(int lo, int hi, int count, const std::set<int>& unresolved) {
  std::vector<int> free;
  for (int m = lo + 1; m < hi; ++m) {
    if (!unresolved.count(m)) free.push_back(m);
  }
  if (static_cast<int>(free.size()) <= count) return free;
  std::vector<int> points;
  for (int i = 1; i <= count; ++i) {
    const int target = lo + (hi - lo) * i / (count + 1);
    int best = -1;
    for (int m : free) {
      if (std::find(points.begin(), points.end(), m) != points.end()) continue;
      if (best < 0 || std::abs(m - target) < std::abs(best - target)) best = m;
    }
    points.push_back(best);
  }
  std::sort(points.begin(), points.end());
  return points;
}

// Two candidates a, b left with other options still in the prefix: try each
// with the fixed options alone (both at once when the predicate runs several
// questions side by side; a is preferred, as one at a time). In the common
// case of a single culprit this test also confirms the result, saving a
// trial on average; a pass is remembered and not run again.
std::optional<OptionSet> try_alone(Predicate& predicate, const OptionSet& fixed, int a, int b) {
  const std::vector<OptionSet> sets = {set_union(fixed, {a}), set_union(fixed, {b})};
  if (predicate.parallelism() > 1) {
    const std::vector<Verdict> verdicts = predicate.test_many(sets, Phase::Confirm);
    for (std::size_t i = 0; i < sets.size(); ++i) {
      if (verdicts[i] == Verdict::Fail) return sets[i];
    }
    return std::nullopt;
  }
  for (const auto& set : sets) {
    if (predicate.test(set, Phase::Confirm) == Verdict::Fail) return set;
  }
  return std::nullopt;
}

struct Narrowed {
  int hi = 0;                        // prefix(hi - 1) good, prefix(hi) bad
  std::optional<OptionSet> culprit;  // found early by try_alone
  std::string stuck;                 // when neither
};

// Binary search for the shortest bad prefix of `candidates`, given that
// prefix(lo) is good and prefix(hi) bad. With a parallel predicate the range
// is split into parallelism() + 1 parts whose split points are tested at
// once: fewer rounds of questions, a few more questions.
Narrowed narrow(Predicate& predicate, const OptionSet& fixed, const OptionSet& candidates, int lo, int hi) {
  auto prefix = [&](int length) {
    return set_union(fixed, OptionSet(candidates.begin(), candidates.begin() + length));
  };
  const int ways = predicate.parallelism();
  std::set<int> unresolved;
  while (hi - lo > 1) {
    if (hi - lo == 2 && lo > 0) {
      if (auto alone = try_alone(predicate, fixed, candidates[lo], candidates[lo + 1]))
        return {hi, alone, {}};
    }
    const std::vector<int> points = pick_splits(lo, hi, ways, unresolved);
    if (points.empty()) {
      return {hi, std::nullopt,
              "every trial that could narrow down the options " + std::to_string(candidates[lo]) + ".." +
                  std::to_string(candidates[hi - 1]) + " was unresolved"};
    }
    std::vector<OptionSet> sets;
    for (int m : points) sets.push_back(prefix(m));
    const std::vector<Verdict> verdicts = points.size() > 1
                                              ? predicate.test_many(sets, Phase::Search)
                                              : std::vector<Verdict>{predicate.test(sets[0], Phase::Search)};
    // Failures first: a pass above a failure is impossible in a monotone
    // predicate (the tester throws Contradiction for it).
    for (std::size_t i = 0; i < points.size(); ++i) {
      if (verdicts[i] == Verdict::Fail) hi = std::min(hi, points[i]);
      if (verdicts[i] == Verdict::Unresolved) unresolved.insert(points[i]);
    }
    for (std::size_t i = 0; i < points.size(); ++i) {
      if (verdicts[i] == Verdict::Pass && points[i] < hi) lo = std::max(lo, points[i]);
    }
  }
  return {hi, std::nullopt, {}};
}

}  // namespace

CulpritSearch find_culprit_set(Predicate& predicate, OptionSet fixed, OptionSet candidates) {
  while (!candidates.empty()) {
    // Invariant: prefix(lo) is good, prefix(hi) is bad. Earlier searches
    // often already know longer good prefixes (free with monotonicity).
    int lo = 0;
    int hi = static_cast<int>(candidates.size());
    for (int length = 1; length < hi; ++length) {
      const auto k =
          predicate.known(set_union(fixed, OptionSet(candidates.begin(), candidates.begin() + length)));
      if (k == Verdict::Pass) lo = length;
      if (k == Verdict::Fail) {
        hi = length;
        break;
      }
    }
    const Narrowed narrowed = narrow(predicate, fixed, candidates, lo, hi);
    if (narrowed.culprit) return {narrowed.culprit, {}};
    if (!narrowed.stuck.empty()) return {std::nullopt, narrowed.stuck};
    hi = narrowed.hi;
    // prefix(hi - 1) is good and prefix(hi) bad: the last option of
    // prefix(hi) is needed, together with options before it, if any.
    fixed = set_union(fixed, {candidates[hi - 1]});
    candidates.resize(hi - 1);
    if (candidates.empty()) break;
    switch (predicate.test(fixed, Phase::Confirm)) {
      case Verdict::Fail:
        return {fixed, {}};
      case Verdict::Pass:
        break;
      case Verdict::Unresolved: {
        return {std::nullopt, "could not decide whether " + format_set(fixed) + " fails by itself"};
      }
    }
  }
  return {fixed, {}};
}

StrategyFind Bisect::find(SetTester& tester, const OptionSet& failing) {
  if (tester.repeats() > 1) {
    // Flaky mode: the posterior first, within about twice what repeated
    // bisection would cost; repeated bisection when it does not settle.
    const int levels = static_cast<int>(std::ceil(std::log2(failing.size() + 1.0)));
    const int budget = 2 * tester.repeats() * (levels + 1);
    const PosteriorFind found = find_by_posterior(tester, failing, tester.config().confidence, budget);
    if (found.baseline) {
      StrategyFind out{{}, "the baseline failed"};
      out.flaky_baseline = true;
      return out;
    }
    if (found.culprit) {
      StrategyFind out{{{*found.culprit}}, {}};
      out.by_posterior = true;
      out.confidence = found.confidence;
      out.culprit_fails = found.fails;
      out.culprit_passes = found.passes;
      return out;
    }
  }
  CulpritSearch found = find_culprit_set(tester, {}, failing);
  if (!found.culprit) return {{}, found.stuck};
  return {{*found.culprit}, {}};
}

}  // namespace hb::search
