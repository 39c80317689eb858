#pragma once
// What every phase of the search (search.cc) shares: the answer it writes
// into SearchResult, and the order in which options are valued.
#include <cstddef>
#include <string>
#include <vector>

#include "search/search.h"
#include "search/set_tester.h"

namespace hb::search {

void stop(SearchResult& result, SearchStatus status, std::string message);
void note(SearchResult& result, std::string text);
// No culprit, no removal, no safe set: an answer reported before a restart is withdrawn.
void clear_answer(SearchResult& result);
// The one-line message of an answer with `culprit_sets` culprit sets (Found,
// or Unresolved when options were set aside).
void set_summary(SearchResult& result, std::size_t culprit_sets);
// "did not fail in N runs: a failure rate above X would have shown with
// confidence C", the Unresolved message of a full set the user has seen fail
// (SearchConfig::expect_failure) that never failed here.
std::string did_not_fail_message(int runs, double confidence);
// The index of the last run of exactly `set` with `verdict`; -1 if none.
int last_run(const SetTester& tester, const OptionSet& set, Verdict verdict);

// How valuable each option is to keep: weights (config's or learned; higher
// is kept first) and each option's place in the canonical order (by key,
// then index), which breaks ties.
class Ranking {
 public:
  Ranking(int option_count, const SearchConfig& config);
  // Weights learned from the runs so far (SearchConfig::weigh); an answer of
  // the wrong size keeps the weights.
  void learn(const SearchConfig& config, const std::vector<TrialRecord>& log);
  double weight(int option) const;
  const std::vector<double>& weights() const { return m_weights; }
  const std::vector<int>& rank() const { return m_rank; }
  int rank(int option) const { return m_rank[static_cast<std::size_t>(option)]; }

 private:
  std::vector<double> m_weights;
  std::vector<int> m_rank;  // each option's place in the canonical order (keys)
};

}  // namespace hb::search
