#include "search/estimate.h"

#include <algorithm>
#include <cmath>

namespace hb::search {

namespace {

// Distinct sets still to ask for after one of `phase`.
int sets_after(const EstimateInput& in) {
  const int steps = static_cast<int>(std::ceil(std::log2(std::max(in.option_count, 2))));
  const int search = steps + 1;  // the bisection and the culprit alone
  const int tail = 2;            // the safe set, one add-back in context
  switch (in.phase) {
    case Phase::Baseline:
      return 1 + search + tail;
    case Phase::Full:
      return search + tail;
    case Phase::Search:
    case Phase::Confirm:
      return std::max(search - in.search_runs, 0) + tail;
    case Phase::Safe:
      return 1;
    case Phase::Context:
    case Phase::Explain:
      return 0;
  }
  return 0;
}

}  // namespace

int estimate_total_runs(const EstimateInput& in) {
  const double per_set =
      in.distinct_sets > 0 ? std::max(1.0, static_cast<double>(in.runs) / in.distinct_sets) : 1.0;
  int total = in.runs + static_cast<int>(std::ceil(sets_after(in) * per_set));
  if (in.max_trials > 0) total = std::min(total, in.max_trials);
  return std::max(total, in.runs);
}

}  // namespace hb::search
