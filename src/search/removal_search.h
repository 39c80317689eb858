#pragma once
// The search proper (search.h, "Strategies"): the strategy finds culprit
// sets inside a failing remainder until a way of removing one option of
// each culprit set passes (for bisect: until every such way passes, which
// proves that all culprit sets were found). Each culprit set is checked as
// soon as it is found, and the answer (removal, safe set, why each option
// is removed) is reported.
#include <vector>

#include "search/answer.h"
#include "search/baseline.h"
#include "search/flakiness.h"
#include "search/search.h"
#include "search/set_tester.h"
#include "search/strategy.h"

namespace hb::search {

class RemovalSearch {
 public:
  RemovalSearch(SetTester& tester, const SearchConfig& config, Strategy& strategy, const Ranking& ranking,
                const OptionSet& universe, Flakiness& flakiness, Baseline& baseline, SearchResult& result)
      : m_tester(tester),
        m_config(config),
        m_strategy(strategy),
        m_ranking(ranking),
        m_universe(universe),
        m_flakiness(flakiness),
        m_baseline(baseline),
        m_result(result) {}

  // Searches from scratch (a restart forgets the culprit sets, not the runs);
  // reports the answer, or stops with the status set. Throws Contradiction.
  void search();
  std::size_t culprit_count() const { return m_culprits.size(); }

 private:
  struct Round {
    std::optional<OptionSet> chosen;  // the first removal whose remainder passed
    bool all_decided = true;
    bool found_more = false;  // a remainder failed and its culprit sets were added
    bool stopped = false;     // the status is set: the search ends
  };
  // Tries each removal in order until one's remainder fails (and is searched).
  Round try_removals(const std::vector<OptionSet>& transversals);
  // Searches a failing remainder; false when the search stops.
  bool find_in(const OptionSet& rest);
  // Adds the culprit sets found; false when the search stops.
  bool add_found(const StrategyFind& found);
  void add_culprit(const OptionSet& culprit);
  // Checks a culprit set as soon as it is found, before anything builds on
  // it (see removal_search.cc). False (status set) when the baseline turns
  // out flaky.
  bool verify_culprit(const OptionSet& culprit);
  void confirm_rerun(const OptionSet& culprit);
  std::vector<OptionSet> first_rest_with(const OptionSet& culprit) const;
  std::vector<OptionSet> next_rests(const std::vector<OptionSet>& transversals, std::size_t from) const;
  void report_partial() { m_result.culprits = m_culprits; }
  void report(const OptionSet& removal, bool all_decided);
  // The safe set's own passing runs; false (status set) when they cannot be decided.
  bool confirm_safe(const OptionSet& safe);
  void explain_removals(const OptionSet& removal);

  SetTester& m_tester;
  const SearchConfig& m_config;
  Strategy& m_strategy;
  const Ranking& m_ranking;
  const OptionSet& m_universe;
  Flakiness& m_flakiness;
  Baseline& m_baseline;
  SearchResult& m_result;
  std::vector<OptionSet> m_culprits;
  bool m_baseline_rechecked = false;  // in flaky mode, for single-option culprits
};

}  // namespace hb::search
