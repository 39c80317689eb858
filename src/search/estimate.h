#pragma once
// How many runs a search will take in all, from what it knows so far: its
// phase, the number of options, the runs it made and how many runs each
// distinct set took (repeats in flaky mode, retries, speculative runs), and
// the budget. A model, not a promise: progress says "about". The model is
// search.h's "one culprit among n": the baseline, the full set, about
// log2(n) bisection steps and the culprit alone, the safe set and one
// add-back in context.
#include "search/search.h"

namespace hb::search {

struct EstimateInput {
  int option_count = 0;
  Phase phase = Phase::Baseline;
  int runs = 0;           // runs logged so far, the one reported included
  int search_runs = 0;    // of those, runs of the removal search (search, confirm)
  int distinct_sets = 0;  // distinct sets asked for so far
  int max_trials = 0;     // the budget; 0 = none
};

// The search's total runs, at least `runs`.
int estimate_total_runs(const EstimateInput& in);

}  // namespace hb::search
