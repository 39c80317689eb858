#pragma once
// Flaky failures (search.h, "Flakiness"): when the engine switches to flaky
// mode, how many runs a set then needs (estimated from the full set's runs,
// the runs that contradicted each other, or the posterior's culprit), and
// whether a failure of the whole template that nothing else backs reproduces.
#include <string>
#include <utility>

#include "search/search.h"
#include "search/set_tester.h"
#include "search/strategy.h"

namespace hb::search {

class Flakiness {
 public:
  // `universe`: the options searched (the full set), set by the full set's
  // check before any of this runs. `weighs_runs`: Strategy::weighs_runs().
  Flakiness(SetTester& tester, const SearchConfig& config, const OptionSet& universe, bool weighs_runs,
            SearchResult& result)
      : m_tester(tester),
        m_config(config),
        m_universe(universe),
        m_weighs_runs(weighs_runs),
        m_result(result) {}

  bool flaky() const { return m_flaky; }
  // Flaky mode from now on, with the repeat count estimated.
  void enter();
  // A contradiction: flaky mode, or more repeats when already flaky, with the
  // runs that disagreed pooled into the estimate (and a note).
  void on_contradiction(const Contradiction& c);
  // The whole template failed, and neither its own rerun (passed or
  // unresolved) nor any other set failed: the signature of a failure that
  // does not belong to the options (a host's hiccup, a flake outside the
  // template). Before any search blames the whole set for it, the failure
  // must reproduce (fails_again). True when it did (or another set
  // failed): the search goes on, flaky-aware; false with the status set.
  bool failure_reproduces(const Contradiction& c);
  // The full set failed once among passing runs (or runs that could not be
  // decided): it runs as a full set that passed its first run would
  // (FullSetCheck), until it fails again or passes often enough that a failure
  // rate of min_failure_rate would have shown with `confidence` twice over
  // (17 runs at 0.3 and 0.95: 0.7^17 < 0.05^2). True when
  // it failed again; otherwise no option is blamed (NothingBreaks, or
  // Unresolved when it could not be decided often enough) and false.
  bool fails_again(const std::string& why);
  // A culprit found by the posterior (flaky mode, posterior.h): its
  // probability is the answer's confidence, and the runs with it estimate
  // its own failure rate better than the full set's runs (which add up every
  // culprit's): the repeat count that checks the rest follows from them,
  // never lower than another culprit's found so far. Its "all but one"
  // subset, the baseline, is not rerun: its runs are in the posterior.
  void use_posterior(const StrategyFind& found);
  // The flakiness figures of the result: failure rate, mode, repeats, confidence.
  void report();

 private:
  // Runs the full set up to `estimate_runs` decided runs and derives the
  // repeat count from every run pooled so far.
  void estimate();
  std::pair<int, int> pooled() const;
  void update_repeats(int at_least);
  void give_up_on_full_set(int needed, int passes, const std::string& why);

  SetTester& m_tester;
  const SearchConfig& m_config;
  const OptionSet& m_universe;
  bool m_weighs_runs;
  SearchResult& m_result;
  bool m_flaky = false;
  double m_posterior_confidence = 1.0;  // lowest posterior of a culprit it found
  int m_posterior_repeats = 1;
  int m_posterior_fails = 0;  // runs with the culprit that sets the repeats
  int m_posterior_passes = 0;
  int m_pool_fails = 0;
  int m_pool_passes = 0;
};

}  // namespace hb::search
