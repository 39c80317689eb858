#pragma once
// Flaky bisection by a posterior (probabilistic bisection, in the spirit of
// git_bayesect): a belief over which option of a failing set is the culprit,
// updated by every run, each next set chosen for the information its verdict
// is expected to give.
//
// Model: exactly one option c of `failing` is the culprit, or none is and
// the baseline itself fails sometimes (then every set fails at one rate); a set containing
// c fails with an unknown rate p (uniform prior, Beta posterior from the
// runs that contained c), a set without it passes (a Z-channel), except for
// a small leak (kLeak) so that a second culprit does not rule every
// hypothesis out: the posterior then settles on the culprit that explains
// most failures and the engine searches the rest as usual. Every decided
// run in the tester's log whose set lies inside `failing` counts, the ones
// before the search too; UNRESOLVED runs never count.
//
// Each step tests the set, among the prefixes of the options in order of
// belief and their complements within `failing`, with the largest expected
// information gain about c. It stops when the most likely option has
// posterior probability >= `confidence` and has failed alone at least once
// (a culprit set is always seen failing by itself); once the baseline fails
// it stops and blames no option (when "none" is the most likely, it runs the
// baseline until it fails or another hypothesis overtakes); it gives up after
// `budget` runs (a culprit that only fails together with another option does
// not fit the model), and the caller falls back to repeated bisection.
#include <optional>
#include <string>

#include "search/set_tester.h"

namespace hb::search {

struct PosteriorFind {
  std::optional<int> culprit;  // found with the confidence asked for
  bool baseline = false;       // the baseline failed: no option is to blame
  double confidence = 0.0;     // posterior probability of the most likely option
  int fails = 0;               // decided runs of sets with the culprit: failures
  int passes = 0;              // ... and passes
  int runs = 0;                // oracle runs this search made
  std::string stuck;           // why not, when culprit is empty
};

// Posterior probability that each option of `failing` is the culprit, from
// the tester's log; same order as `failing`.
std::vector<double> culprit_posterior(const SetTester& tester, const OptionSet& failing);

PosteriorFind find_by_posterior(SetTester& tester, const OptionSet& failing, double confidence, int budget);

}  // namespace hb::search
