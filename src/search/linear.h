#pragma once
// Each option alone on top of the baseline. n trials, all independent (one
// batch for a parallel oracle); finds no combination that only fails together.
#include "search/strategy.h"

namespace hb::search {

class Linear : public Strategy {
 public:
  StrategyFind find(SetTester& tester, const OptionSet& failing) override;
};

}  // namespace hb::search
