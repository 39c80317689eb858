#pragma once
// Reports of a search (bisect, check): terminal summary and JSON.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "job/bisect_job.h"
#include "scenario/scenario.h"
#include "search/search.h"
#include "trial/trial_result.h"

namespace hb::report {

struct SearchReportInput {
  const scenario::Scenario& scenario;
  const search::SearchResult& result;
  const std::vector<job::TrialEntry>& trials;  // the n-th is result.trials[n]
  std::string image;
  std::string privilege;
  double wall_seconds = 0;
  // Lines systemd ignored in whole or part (job::BisectJob::findings).
  std::vector<trial::Finding> findings = {};
};

using job::option_names;

// The report's view of a finished job (image, privilege, timings, cache marks).
SearchReportInput search_report_input(const scenario::Scenario& scenario, const job::BisectJob& job);

// How sets_text writes culprit sets: "{A, B} {C}" by default; the CI reports
// keep their own separators and markup but not their own loop.
struct SetsFormat {
  std::string open = "{";
  std::string close = "}";
  std::string within = ", ";
  std::string between = " ";
  std::function<std::string(const std::string&)> name;  // how one name is shown; as written when empty
};

// "{A, B} {C}" for culprit sets of names (or as `format` says).
std::string sets_text(const std::vector<std::vector<std::string>>& sets, const SetsFormat& format = {});

// The safe template as a ready-to-use drop-in.
std::string safe_dropin(const scenario::Scenario& scenario, const search::SearchResult& result);

// One progress line per trial: "[ 7] search   3 options  FAIL  1.31 s  reason".
std::string format_progress(const scenario::Scenario& scenario, const search::TrialRecord& record,
                            const trial::TrialResult& trial);

std::string format_search_summary(const SearchReportInput& input);

// The search speaks in option indices ("options {3,5} set aside"): the same
// text with each such set written as the options' names
// ("options {PrivateTmp=yes, ProtectHome=yes} set aside"). Sets of indices
// the scenario does not have are left as they are.
std::string with_option_names(const std::string& text, const scenario::Scenario& scenario);

// One line: "1 culprit set(s); remove PrivateTmp=yes; keep 13 of 14 option(s)".
std::string summary_message(const SearchReportInput& input);
// "ruled out: a failure rate above 0.283 (the full set passed its last 9
// runs; confidence 0.95)\n" for a result with SearchResult::ruled_out, else "".
std::string ruled_out_text(const search::SearchResult& result);
// {"failure_rate": X, "confidence": C, "runs": N}, or null.
nlohmann::json ruled_out_json(const search::SearchResult& result);

// verdict, culprits, safe, trials, trial_log, findings and the rest.
nlohmann::json search_to_json(const SearchReportInput& input);
// The JSON trial log of search_to_json: each trial with its evidence, reason,
// phase, run and cache mark; `passes` false leaves out the trials that
// passed (a matrix cell keeps only what did not pass).
nlohmann::json trial_log_to_json(const SearchReportInput& input, bool passes = true);

}  // namespace hb::report
