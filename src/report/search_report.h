#pragma once
// Reports of a search (bisect, check): terminal summary and JSON.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scenario/scenario.h"
#include "search/search.h"
#include "trial/trial_runner.h"

namespace hb::report {

struct SearchReportInput {
  const scenario::Scenario& scenario;
  const search::SearchResult& result;
  const std::vector<trial::TrialResult>& trials;  // parallel to result.trials
  std::string image;
  std::string privilege;
  double wall_seconds = 0;
  // Parallel to trials: served from the result cache ("cached" in the trial
  // log); null = none was.
  const std::vector<bool>* cached = nullptr;
};

// Names of the options of a set, as written in the scenario.
std::vector<std::string> option_names(const scenario::Scenario& scenario, const search::OptionSet& set);

// "{A, B} {C}" for culprit sets of names.
std::string sets_text(const std::vector<std::vector<std::string>>& sets);

// The safe template as a ready-to-use drop-in.
std::string safe_dropin(const scenario::Scenario& scenario, const search::SearchResult& result);

// One progress line per trial: "[ 7] search   3 options  FAIL  1.31 s  reason".
std::string format_progress(const scenario::Scenario& scenario, const search::TrialRecord& record,
                            const trial::TrialResult& trial);

std::string format_search_summary(const SearchReportInput& input);

// One line: "1 culprit set(s); remove PrivateTmp=yes; keep 13 of 14 option(s)".
std::string summary_message(const SearchReportInput& input);

// verdict, culprits, safe, trials, trial_log and the rest.
nlohmann::json search_to_json(const SearchReportInput& input);

}  // namespace hb::report
