#pragma once
// Like stripping privileges by hand: add options one at a time in order until
// it breaks; the option just added is a culprit. When it does not fail by
// itself, its partners among the earlier options are found by bisection.
#include "search/strategy.h"

namespace hb::search {

class Progressive : public Strategy {
 public:
  StrategyFind find(SetTester& tester, const OptionSet& failing) override;
};

}  // namespace hb::search
