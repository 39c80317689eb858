#pragma once
// Step 3 of search.h, "Explain": for each culprit set the safe set keeps
// (it fails alone, yet passes in this template), a smallest set of kept
// options it passes with, by bisection over the kept options in key order.
#include "search/answer.h"
#include "search/search.h"
#include "search/set_tester.h"

namespace hb::search {

// Fills result.kept and result.explain_trials (and a note per culprit set
// it cannot explain) for the reported safe set and culprit sets.
void explain_kept(SetTester& tester, const Ranking& ranking, SearchResult& result);

}  // namespace hb::search
