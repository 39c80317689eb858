#pragma once
// The culprit list a run reports, whatever the order of the template's
// lines: the sets the removal search found, plus every minimal failing set
// that the run's own trials proved (a set that failed, each of whose "all
// but one" subsets passed in a run of exactly that subset; for one option,
// the baseline). The removal search finds culprits by monotone inference, so
// which of the other failing sets it runs into depends on the order in which
// it splits the lines; the trials do not lie, so all they prove is listed.
// And whether the list is proven to be all of them (SearchResult::complete).
#include <string>
#include <vector>

#include "search/search.h"
#include "search/trial_log.h"

namespace hb::search {

// Minimal failing sets proved by the counted runs of each distinct set
// (TrialLog::entries: a speculative run counts only once the search asked
// for its set, so --jobs changes nothing). Deterministic
// (`repeats` == 1): a set of two or more options must have failed
// 1 + `confirm_runs` times and never passed; flaky: one failure proves it,
// and each subset must have passed `repeats` runs without a failure.
std::vector<OptionSet> proved_culprits(const std::vector<TrialLog::Entry>& sets, int repeats,
                                       int confirm_runs);

// A set that failed and a superset of it that passed (by the same rules):
// some line passes only beside others (a relaxation such as
// IPAddressAllow= beside IPAddressDeny=), so a search by monotone inference
// cannot prove it found every failing set.
bool non_monotone(const std::vector<TrialLog::Entry>& sets, int repeats);

// Adds proved_culprits() to result.culprits (keeping the minimal sets),
// updates each removal's reasons, and states result.complete with why not
// (result.not_exhaustive). Only for a Found result.
void list_proved_culprits(const std::vector<TrialLog::Entry>& sets, const SearchConfig& config, int repeats,
                          SearchResult& result);

// Why the option is removed, from the culprit sets: fails alone, or with
// which others (Removal::fails_alone, together_with).
void reason_removal(Removal& removal, const std::vector<OptionSet>& culprits);

}  // namespace hb::search
