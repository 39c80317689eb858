#pragma once
// One trial of a search as the reports see it: the search's record of the
// run, the trial's full result, and whether the result cache served it.
#include <vector>

#include "search/search.h"
#include "trial/trial_result.h"

namespace hb::job {

struct TrialEntry {
  search::TrialRecord record;
  trial::TrialResult result;
  bool cached = false;
};

}  // namespace hb::job
