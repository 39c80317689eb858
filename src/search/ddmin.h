#pragma once
// Delta debugging, ddmin (Zeller and Hildebrandt, "Simplifying and Isolating
// Failure-Inducing Input", TSE 2002): a 1-minimal failing subset.
#include "search/strategy.h"

namespace hb::search {

class Ddmin : public Strategy {
 public:
  StrategyFind find(SetTester& tester, const OptionSet& failing) override;
};

}  // namespace hb::search
