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

// A search's verdict in the one vocabulary of the reports: Found = fail
// (the template breaks the service), NothingBreaks = pass, anything else
// unresolved. Its outcome (the search's status) says more.
search::Verdict search_verdict(search::SearchStatus status);

// Which trials trials_to_json writes: `passes` false leaves out those that
// passed (a matrix cell keeps what did not pass); `evidence` adds each
// trial's evidence (the --evidence file).
struct TrialsWanted {
  bool passes = true;
  bool evidence = false;
};
// The search's trials in the one trial shape (report::trial_to_json).
nlohmann::json trials_to_json(const SearchReportInput& input, TrialsWanted wanted = {});

// One search's answer without the envelope (check's results and harden's
// "search" hold it): verdict, outcome, culprits, removals, safe, trials,
// trial_count, findings and the rest (docs/json.md).
nlohmann::json search_body(const SearchReportInput& input);
// The bisect report: the envelope and search_body.
nlohmann::json search_to_json(const SearchReportInput& input);

}  // namespace hb::report
