#include "search/proved_culprits.h"

#include <algorithm>
#include <map>

#include "search/option_set.h"
#include "search/trial_log.h"

namespace hb::search {

namespace {

using Counts = std::map<OptionSet, SetStats>;

Counts counted(const std::vector<TrialLog::Entry>& sets) {
  Counts counts;
  for (const auto& e : sets) counts[e.set] = e.stats;
  return counts;
}

// The set passed by its own runs: once without a failure (deterministic),
// `repeats` times without one (flaky). The empty set is the baseline, which
// the preconditions proved.
bool passed(const Counts& counts, const OptionSet& set, int repeats) {
  if (set.empty()) return true;
  const auto it = counts.find(set);
  return it != counts.end() && it->second.fails == 0 && it->second.passes >= repeats;
}

bool failed(const OptionSet& set, const SetStats& s, int repeats, int confirm_runs) {
  if (s.fails == 0) return false;
  if (repeats > 1) return true;
  return s.passes == 0 && (set.size() < 2 || s.fails >= 1 + confirm_runs);
}

bool minimal_failing(const Counts& counts, const OptionSet& set, int repeats) {
  return std::all_of(set.begin(), set.end(),
                     [&](int option) { return passed(counts, set_minus(set, {option}), repeats); });
}

// The sets of `sets` no other set of it is a strict subset of, sorted.
std::vector<OptionSet> minimal_sets(std::vector<OptionSet> sets) {
  std::sort(sets.begin(), sets.end());
  sets.erase(std::unique(sets.begin(), sets.end()), sets.end());
  std::vector<OptionSet> out;
  for (const auto& s : sets) {
    const bool has_smaller = std::any_of(sets.begin(), sets.end(), [&](const OptionSet& other) {
      return other != s && is_subset_of(other, s);
    });
    if (!has_smaller) out.push_back(s);
  }
  return out;
}

std::string why_not_exhaustive(const std::vector<TrialLog::Entry>& sets, const SearchConfig& config,
                               int repeats, const SearchResult& result) {
  if (!result.complete) {
    return config.strategy == "bisect" ? "some ways of removing them could not be decided"
                                       : "--strategy " + config.strategy + " stops at the first culprit set";
  }
  if (non_monotone(sets, repeats)) {
    return "some lines pass only beside others (a relaxation), so a line may also fail without them in "
           "sets no trial ran";
  }
  return "";
}

}  // namespace

std::vector<OptionSet> proved_culprits(const std::vector<TrialLog::Entry>& sets, int repeats,
                                       int confirm_runs) {
  const Counts counts = counted(sets);
  std::vector<OptionSet> proved;
  for (const auto& [set, stats] : counts) {
    if (failed(set, stats, repeats, confirm_runs) && minimal_failing(counts, set, repeats)) {
      proved.push_back(set);
    }
  }
  return minimal_sets(std::move(proved));
}

bool non_monotone(const std::vector<TrialLog::Entry>& sets, int repeats) {
  const Counts counts = counted(sets);
  for (const auto& [small, s] : counts) {
    if (s.fails == 0) continue;
    for (const auto& [big, b] : counts) {
      if (big.size() > small.size() && is_subset_of(small, big) && passed(counts, big, repeats)) return true;
    }
  }
  return false;
}

void reason_removal(Removal& removal, const std::vector<OptionSet>& culprits) {
  removal.fails_alone = false;
  removal.together_with.clear();
  for (const auto& c : culprits) {
    if (!contains(c, removal.option)) continue;
    if (c.size() == 1) {
      removal.fails_alone = true;
    } else {
      removal.together_with.push_back(set_minus(c, {removal.option}));
    }
  }
}

void list_proved_culprits(const std::vector<TrialLog::Entry>& sets, const SearchConfig& config, int repeats,
                          SearchResult& result) {
  if (result.status != SearchStatus::Found) return;
  std::vector<OptionSet> all = result.culprits;
  for (auto& set : proved_culprits(sets, repeats, config.confirm_runs)) all.push_back(std::move(set));
  result.culprits = minimal_sets(std::move(all));
  for (auto& removal : result.removals) reason_removal(removal, result.culprits);
  result.not_exhaustive = why_not_exhaustive(sets, config, repeats, result);
  result.complete = result.not_exhaustive.empty();
}

}  // namespace hb::search
