#include "search/ddmin.h"

#include <algorithm>

#include "search/option_set.h"

namespace hb::search {

StrategyFind Ddmin::find(SetTester& tester, const OptionSet& failing) {
  OptionSet current = failing;
  std::size_t granularity = 2;
  // Whether some test at the finest granularity was unresolved: then
  // 1-minimality is not proven (the paper's "?" outcome).
  bool unproven = false;
  while (current.size() > 1) {
    const std::size_t parts = std::min(granularity, current.size());
    std::vector<OptionSet> subsets(parts);
    for (std::size_t i = 0; i < current.size(); ++i) {
      subsets[i * parts / current.size()].push_back(current[i]);
    }
    bool reduced = false;
    bool saw_unresolved = false;
    // Reduce to a subset.
    for (const auto& subset : subsets) {
      const Verdict v = tester.test(subset, Phase::Search);
      if (v == Verdict::Fail) {
        current = subset;
        granularity = 2;
        reduced = true;
        break;
      }
      saw_unresolved |= v == Verdict::Unresolved;
    }
    // Reduce to a complement (for two parts the complements are the subsets).
    if (!reduced && parts > 2) {
      for (const auto& subset : subsets) {
        OptionSet complement = set_minus(current, subset);
        const Verdict v = tester.test(complement, Phase::Search);
        if (v == Verdict::Fail) {
          current = complement;
          granularity = std::max<std::size_t>(parts - 1, 2);
          reduced = true;
          break;
        }
        saw_unresolved |= v == Verdict::Unresolved;
      }
    }
    if (reduced) continue;
    if (parts < current.size()) {
      granularity = std::min(parts * 2, current.size());
      continue;
    }
    unproven = saw_unresolved;
    break;
  }
  if (unproven) {
    return {{}, "ddmin could not prove its result 1-minimal: some tests were unresolved"};
  }
  // A single option: its own test may not have run yet (when the search
  // started from one option); the engine's culprit sets must be seen failing.
  if (tester.test(current, Phase::Confirm) != Verdict::Fail) {
    return {{}, "ddmin's result did not fail when run by itself"};
  }
  return {{current}, {}};
}

}  // namespace hb::search
