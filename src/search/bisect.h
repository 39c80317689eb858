#pragma once
// Bisection for one culprit set, the core of the default strategy (and of
// progressive's partner search, and of isolating options that make trials
// UNRESOLVED).
#include <optional>
#include <string>

#include "search/strategy.h"

namespace hb::search {

struct CulpritSearch {
  std::optional<OptionSet> culprit;  // a minimal bad set, seen bad as a whole
  std::string stuck;                 // why not, when culprit is empty
};

// Finds a minimal bad set S with fixed <= S <= fixed + candidates.
// Preconditions: fixed + candidates is known bad, fixed is known good.
// Binary search for the shortest bad prefix of `candidates` (in order); its
// last option belongs to the culprit set; repeat on the options before it
// with that option fixed, until the fixed options are bad by themselves.
CulpritSearch find_culprit_set(Predicate& predicate, OptionSet fixed, OptionSet candidates);
// The first set find_culprit_set(predicate, fixed, candidates) would run, if
// any (what a parallel predicate runs one step ahead).
std::optional<OptionSet> first_culprit_question(const Predicate& predicate, const OptionSet& fixed,
                                                const OptionSet& candidates);

class Bisect : public Strategy {
 public:
  StrategyFind find(SetTester& tester, const OptionSet& failing) override;
  bool finds_all() const override { return true; }
  bool weighs_runs() const override { return true; }
  std::optional<OptionSet> first_question(const SetTester& tester, const OptionSet& failing) const override;
};

}  // namespace hb::search
