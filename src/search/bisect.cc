#include "search/bisect.h"

#include <cstdlib>
#include <set>

#include "search/option_set.h"

namespace hb::search {
namespace {

// The split point nearest the middle of (lo, hi) whose test is not known to
// be unresolved; -1 when every one is.
int pick_mid(int lo, int hi, const std::set<int>& unresolved) {
  const int middle = lo + (hi - lo) / 2;
  int best = -1;
  for (int m = lo + 1; m < hi; ++m) {
    if (unresolved.count(m)) continue;
    if (best < 0 || std::abs(m - middle) < std::abs(best - middle)) best = m;
  }
  return best;
}

}  // namespace

CulpritSearch find_culprit_set(Predicate& predicate, OptionSet fixed, OptionSet candidates) {
  while (!candidates.empty()) {
    auto prefix = [&](int length) {
      return set_union(fixed, OptionSet(candidates.begin(), candidates.begin() + length));
    };
    // Invariant: prefix(lo) is good, prefix(hi) is bad. Earlier searches
    // often already know longer good prefixes (free with monotonicity).
    int lo = 0;
    int hi = static_cast<int>(candidates.size());
    for (int length = 1; length < hi; ++length) {
      const auto k = predicate.known(prefix(length));
      if (k == Verdict::Pass) lo = length;
      if (k == Verdict::Fail) {
        hi = length;
        break;
      }
    }
    std::set<int> unresolved;
    while (hi - lo > 1) {
      if (hi - lo == 2 && lo > 0) {
        // Two candidates left, with other options still in the prefix: try
        // each with the fixed options alone. In the common case of a single
        // culprit this test also confirms the result, saving a trial on
        // average; when it passes, it is remembered and not run again.
        for (int index : {lo, lo + 1}) {
          OptionSet alone = set_union(fixed, {candidates[index]});
          if (predicate.test(alone, Phase::Confirm) == Verdict::Fail) return {alone, {}};
        }
      }
      const int mid = pick_mid(lo, hi, unresolved);
      if (mid < 0) {
        return {std::nullopt, "every trial that could narrow down the options " +
                                  std::to_string(candidates[lo]) + ".." + std::to_string(candidates[hi - 1]) +
                                  " was unresolved"};
      }
      switch (predicate.test(prefix(mid), Phase::Search)) {
        case Verdict::Fail:
          hi = mid;
          break;
        case Verdict::Pass:
          lo = mid;
          break;
        case Verdict::Unresolved:
          unresolved.insert(mid);
          break;
      }
    }
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
  CulpritSearch found = find_culprit_set(tester, {}, failing);
  if (!found.culprit) return {{}, found.stuck};
  return {{*found.culprit}, {}};
}

}  // namespace hb::search
