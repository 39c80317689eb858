#include "search/linear.h"

namespace hb::search {

StrategyFind Linear::find(SetTester& tester, const OptionSet& failing) {
  std::vector<OptionSet> singles;
  for (int option : failing) singles.push_back({option});
  const std::vector<Verdict> verdicts = tester.test_many(singles, Phase::Search);
  StrategyFind found;
  bool unresolved = false;
  for (std::size_t i = 0; i < singles.size(); ++i) {
    if (verdicts[i] == Verdict::Fail) found.culprits.push_back(singles[i]);
    unresolved |= verdicts[i] == Verdict::Unresolved;
  }
  if (found.culprits.empty()) {
    found.stuck = unresolved ? "no option fails alone, and some could not be decided"
                             : "no option fails alone: options only fail together (the bisect strategy finds "
                               "such combinations)";
  }
  return found;
}

}  // namespace hb::search
