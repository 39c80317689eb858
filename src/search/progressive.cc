#include "search/progressive.h"

#include "search/bisect.h"
#include "search/option_set.h"

namespace hb::search {

StrategyFind Progressive::find(SetTester& tester, const OptionSet& failing) {
  OptionSet prefix;
  bool previous_good = true;  // the baseline passes
  for (int option : failing) {
    OptionSet before = prefix;
    prefix.push_back(option);
    // The whole set is known to fail; memory answers it without a run.
    const Verdict v = tester.test(prefix, Phase::Search);
    if (v == Verdict::Pass) {
      previous_good = true;
      continue;
    }
    if (v == Verdict::Unresolved) {
      previous_good = false;
      continue;
    }
    // It broke when `option` was added.
    CulpritSearch found;
    if (previous_good) {
      const Verdict alone = tester.test({option}, Phase::Confirm);
      if (alone == Verdict::Fail) return {{{option}}, {}};
      if (alone == Verdict::Pass) {
        found = find_culprit_set(tester, {option}, before);
      } else {
        found = find_culprit_set(tester, {}, prefix);
      }
    } else {
      // The prefix before it was undecided: `option` may not be needed.
      found = find_culprit_set(tester, {}, prefix);
    }
    if (!found.culprit) return {{}, found.stuck};
    return {{*found.culprit}, {}};
  }
  return {{}, "adding the options one by one never failed"};
}

}  // namespace hb::search
