#pragma once
// What the engine asks of a search strategy: find culprit sets inside a set
// known to fail. The engine owns preconditions, flakiness, the removal set and
// the safe-set checks (search.cc).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "search/set_tester.h"

namespace hb::search {

struct StrategyFind {
  std::vector<OptionSet> culprits;  // minimal failing sets found, each seen failing
  std::string stuck;                // why nothing was found, when `culprits` is empty
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  // `failing` is known to fail and the baseline to pass.
  virtual StrategyFind find(SetTester& tester, const OptionSet& failing) = 0;
  // True when the engine must prove that every culprit set was found, not
  // just enough of them for the template to pass.
  virtual bool finds_all() const { return false; }
};

// nullptr for an unknown name.
std::unique_ptr<Strategy> make_strategy(std::string_view name);

}  // namespace hb::search
