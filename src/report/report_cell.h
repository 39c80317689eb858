#pragma once
// The generic input of the CI reports (JUnit XML, Markdown, HTML): one cell
// per answer, whoever computed it. `check` and `bisect` give one cell,
// `verify` one per scenario, `matrix` one per scenario x options x image.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "report/search_report.h"
#include "report/trial_grid.h"
#include "search/verdict.h"
#include "trial/findings.h"

namespace hb::report {

struct ReportCell {
  std::string name, image, scenario, options_label;
  search::Verdict verdict = search::Verdict::Unresolved;
  std::string reason;
  std::vector<std::vector<std::string>> culprits;  // culprit sets, option names as written
  // The safe template's lines, printed verbatim in a code block: a drop-in
  // with its section headers, or bare directive lines. Empty = none.
  std::vector<std::string> safe;
  // systemd-analyze security's overall exposure (0 best, 10 worst): before =
  // the baseline, after = the safe subset (or the template when it passes).
  std::optional<double> exposure_before, exposure_after;
  int trials = 0;
  double seconds = 0;
  std::string evidence;  // free text: journal excerpts, the trial log
  // Each trial with its evidence (report::trial_to_json with evidence), for
  // the --evidence file; empty when the cell was read back from JSON.
  nlohmann::json trial_evidence = nlohmann::json::array();
  bool regression = false;  // a cell that passed in the previous run and fails now
  // Lines systemd ignores in whole or part, with the lines to paste instead.
  std::vector<trial::Finding> findings;
  // The HTML report's pictures: the search as trials x options and the
  // exposure bars (baseline, full template, safe template). Empty = not drawn.
  std::optional<TrialGrid> grid;
  std::vector<ExposureBar> exposure_bars;
  // Where the cell sits in a matrix overview (scenario, options, base);
  // nullopt = the report has no overview.
  struct Place {
    std::string row, group, column;
  };
  std::optional<Place> place;
};

// A whole report: what it is about, and its cells in display order.
struct ReportSet {
  std::string title;    // "hardbisect check: hardened.conf on two-culprits"
  std::string command;  // "check", "bisect", "verify", "matrix": the JUnit suite name
  std::vector<ReportCell> cells;
};

// Counts by verdict.
struct VerdictCounts {
  int pass = 0, fail = 0, unresolved = 0;
  int total() const { return pass + fail + unresolved; }
};
VerdictCounts count_verdicts(const std::vector<ReportCell>& cells);

// "4.2" or "n/a".
std::string exposure_text(const std::optional<double>& exposure);

// The exposures of one search, from its trials: the baseline, the full set
// (the whole template) and the safe subset's verifying trial; nullopt where
// no such trial ran or systemd could not rate the unit.
struct SearchExposures {
  std::optional<double> baseline, full, safe;
};
SearchExposures search_exposures(const SearchReportInput& input);

// One cell from a finished search (bisect, check, one scenario of verify):
// Found = fail with the culprits and the safe drop-in; NothingBreaks = pass;
// anything else = unresolved. The evidence holds the failing trials' reasons
// and journal excerpts, then the trial log.
// Its grid holds every trial; its bars the baseline, full and safe exposures.
ReportCell cell_from_search(const SearchReportInput& input, const std::string& options_label);

// The search as the grid draws it: the scenario's option lines as columns,
// every trial as a row, the culprit sets' and the removal's options marked.
TrialGrid trial_grid(const SearchReportInput& input);

// "hardened.conf (15 options)" for a scenario whose options came from a
// template, else "8 options".
std::string options_label(const scenario::Scenario& scenario);

}  // namespace hb::report
