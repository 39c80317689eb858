#pragma once
// Step 2 of search.h, "Context": each removed option, most valuable first,
// is added back to the passing template and kept when the template still
// passes, judged by its own runs (SetTester::test_exact); rounds until none
// comes back, so the safe set is 1-maximal, proven by trials.
#include <cstddef>

#include "search/answer.h"
#include "search/search.h"
#include "search/set_tester.h"

namespace hb::search {

// Updates the reported answer (safe set, removal, removals, restored,
// maximal, context_trials) of a search that found one; `flaky`: the
// engine's mode; `culprit_sets`: how many culprit sets the search found (for
// the summary). Throws Contradiction where a line passes and fails.
void add_back_in_context(SetTester& tester, const SearchConfig& config, const Ranking& ranking, bool flaky,
                         std::size_t culprit_sets, SearchResult& result);

}  // namespace hb::search
