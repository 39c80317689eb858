#include "search/answer.h"

#include <algorithm>
#include <cstdio>

#include "search/option_set.h"
#include "search/repeats.h"
#include "util/strings.h"

namespace hb::search {

void stop(SearchResult& result, SearchStatus status, std::string message) {
  result.status = status;
  result.message = std::move(message);
}

void note(SearchResult& result, std::string text) { result.notes.push_back(std::move(text)); }

void clear_answer(SearchResult& result) {
  result.culprits.clear();
  result.removal.clear();
  result.removals.clear();
  result.restored.clear();
  result.safe_set.clear();
  result.safe_trial = -1;
  result.maximal = false;
  result.complete = false;
  result.not_exhaustive.clear();
}

void set_summary(SearchResult& result, std::size_t culprit_sets) {
  std::string summary = util::counted(culprit_sets, "culprit set") + "; remove " +
                        format_set(result.removal) + ", keep " +
                        util::counted(result.safe_set.size(), "option");
  if (!result.restored.empty()) summary += " (" + format_set(result.restored) + " kept in context)";
  if (!result.undecided.empty()) {
    stop(result, SearchStatus::Unresolved,
         summary + "; options " + format_set(result.undecided) +
             " could not be decided (trials with them are unresolved)");
  } else {
    stop(result, SearchStatus::Found, summary);
  }
}

int last_run(const SetTester& tester, const OptionSet& set, Verdict verdict) {
  int index = -1;
  for (const auto& t : tester.log()) {
    if (t.options == set && t.outcome.verdict == verdict) index = t.index;
  }
  return index;
}

Ranking::Ranking(int option_count, const SearchConfig& config) : m_weights(config.weights) {
  // Canonical order: by key, then index (only for equal keys).
  std::vector<int> order = all_options(option_count);
  if (!config.keys.empty()) {
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return config.keys[a] < config.keys[b]; });
  }
  m_rank.assign(static_cast<std::size_t>(option_count), 0);
  for (int i = 0; i < option_count; ++i) m_rank[static_cast<std::size_t>(order[i])] = i;
}

void Ranking::learn(const SearchConfig& config, const std::vector<TrialRecord>& log) {
  if (!config.weigh) return;
  std::vector<double> learned = config.weigh(log);
  if (learned.size() == m_rank.size()) m_weights = std::move(learned);
}

double Ranking::weight(int option) const {
  return static_cast<std::size_t>(option) < m_weights.size() ? m_weights[option] : 1.0;
}

std::string did_not_fail_message(int runs, double confidence) {
  char text[160];
  std::snprintf(text, sizeof text,
                "did not fail in %d runs: a failure rate above %.3f would have shown with confidence %.2f",
                runs, ruled_out_rate(runs, confidence), confidence);
  return text;
}

}  // namespace hb::search
