#pragma once
// The full-set precondition (search.h, "Preconditions"): the template with
// every option fails. Options whose trials cannot be decided are set aside
// first; then the first runs tell a deterministic failure from a flaky one,
// or show that nothing breaks.
#include "search/flakiness.h"
#include "search/search.h"
#include "search/set_tester.h"

namespace hb::search {

class FullSetCheck {
 public:
  // `universe`: set here to the options searched (all, minus those set
  // aside); `finds_all`: Strategy::finds_all() (its first question goes
  // beside the first run).
  FullSetCheck(SetTester& tester, const SearchConfig& config, bool finds_all, Flakiness& flakiness,
               OptionSet& universe, SearchResult& result)
      : m_tester(tester),
        m_config(config),
        m_finds_all(finds_all),
        m_flakiness(flakiness),
        m_universe(universe),
        m_result(result) {}

  // Sets aside the options that make the full set UNRESOLVED, then checks
  // that the rest fails and whether it fails every time; false with the
  // status set when there is nothing to search.
  bool check(int option_count);

 private:
  Outcome first_run();
  // Isolates the options that make trials unresolved (`reason`: the full
  // set's) and sets them aside; false with the status set when it cannot.
  bool set_aside_unresolved(const std::string& reason);
  // After a first failure: more runs; true when it failed every time
  // (deterministic mode, each set runs once).
  bool fails_every_time();
  // After a first pass: runs until a min_failure_rate failure would have
  // shown; true when it failed (flaky), false with the status set.
  bool fails_after_passing();

  SetTester& m_tester;
  const SearchConfig& m_config;
  bool m_finds_all;
  Flakiness& m_flakiness;
  OptionSet& m_universe;
  SearchResult& m_result;
};

}  // namespace hb::search
