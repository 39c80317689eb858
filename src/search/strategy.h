#pragma once
// What the engine asks of a search strategy: find culprit sets inside a set
// known to fail. The engine owns preconditions, flakiness, the removal set and
// the safe-set checks (search.cc and the phase files it runs).
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "search/set_tester.h"

namespace hb::search {

struct StrategyFind {
  std::vector<OptionSet> culprits;  // minimal failing sets found, each seen failing
  std::string stuck;                // why nothing was found, when `culprits` is empty
  // Found by a posterior (flaky mode, posterior.h): its probability, and the
  // decided runs of sets with the culprit (for the failure-rate estimate).
  bool by_posterior = false;
  bool flaky_baseline = false;  // the baseline failed during the search: blame no option
  double confidence = 1.0;
  int culprit_fails = 0;
  int culprit_passes = 0;
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  // `failing` is known to fail and the baseline to pass.
  virtual StrategyFind find(SetTester& tester, const OptionSet& failing) = 0;
  // True when the engine must prove that every culprit set was found, not
  // just enough of them for the template to pass.
  virtual bool finds_all() const { return false; }
  // True when, in flaky mode, the strategy weighs the runs itself, the
  // baseline's and the full set's among them (bisect's posterior): the
  // engine then neither estimates the failure rate from extra runs of the
  // full set nor reruns the baseline up front.
  virtual bool weighs_runs() const { return false; }
  // The first set find() would run for `failing`, if the strategy can tell
  // (a parallel tester runs it beside the question whose failure leads to
  // find()); nullopt by default.
  virtual std::optional<OptionSet> first_question(const SetTester& tester, const OptionSet& failing) const {
    (void)tester;
    (void)failing;
    return std::nullopt;
  }
};

// nullptr for an unknown name.
std::unique_ptr<Strategy> make_strategy(std::string_view name);

}  // namespace hb::search
