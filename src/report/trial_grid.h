#pragma once
// Pictures of a search for the HTML reports, from plain data so any job can
// draw them (bisect, check, verify, harden): the grid of trials x options
// (one row per trial, one column per option line, a cell marked where the
// option was applied, coloured by the trial's verdict), the exposure bars on
// systemd-analyze security's 0-10 scale, and the matrix overview (scenarios
// x templates and bases, one square per cell). Inline HTML and CSS only, all
// text escaped.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "search/verdict.h"

namespace hb::report {

// One trial: a row of the grid.
struct GridTrial {
  int number = 0;     // 1-based, as in the trial log
  std::string phase;  // baseline, full, search, confirm, safe, context, explain, ...
  search::Verdict verdict = search::Verdict::Unresolved;
  std::vector<int> applied;        // column indices of the options applied in this trial
  std::string reason;              // why it failed or stayed unresolved; empty on pass
  double seconds = 0;              // the trial's own time
  std::optional<double> exposure;  // systemd-analyze security of this trial's unit
  bool cached = false;             // served by the result cache
};

// The whole search: the options are the columns (each the option line as
// written, or a group's name), the trials the rows in order.
struct TrialGrid {
  std::vector<std::string> options;
  std::vector<GridTrial> trials;
  std::set<int> culprits;  // columns in a culprit set
  std::set<int> removed;   // columns left out of the safe template
};

// The grid, its legend and a table of the trials; `id_prefix` makes the
// anchors unique on a page with several grids: trial N's row of the table is
// "<id_prefix>-tN" and the grid's row for it links there. Cells carry the
// classes "cell on VERDICT" (applied) or "cell off VERDICT" (not applied),
// plus "culprit" or "removed" in such columns.
std::string trial_grid_html(const TrialGrid& grid, const std::string& id_prefix);

// The trials as a table, one row per trial with its anchor "<id_prefix>-tN".
std::string trial_table_html(const TrialGrid& grid, const std::string& id_prefix);

// One bar of the exposure chart: "baseline", "full template", "safe template".
struct ExposureBar {
  std::string label;
  std::optional<double> exposure;  // nullopt: not rated, drawn as "n/a"
};

// systemd-analyze security's word for an exposure: PERFECT, SAFE, OK,
// MEDIUM, EXPOSED, UNSAFE or DANGEROUS (its badness table).
std::string exposure_level(double exposure);

// Horizontal bars over the 0-10 scale with systemd's bands (OK below 5,
// MEDIUM to 7.5, EXPOSED to 9, UNSAFE above), as inline SVG.
std::string exposure_bars_html(const std::vector<ExposureBar>& bars);

// One cell of a matrix overview.
struct OverviewCell {
  std::string row;     // the scenario
  std::string group;   // the options (template) label
  std::string column;  // the base
  search::Verdict verdict = search::Verdict::Unresolved;
  bool regression = false;
  int culprits = 0;    // culprit sets, the label of a failing square
  std::string anchor;  // the id of the cell's details on the page
  std::string title;   // the tooltip: what the cell is and its answer
};

// A table with one row per scenario and one column per template and base
// (in order of first appearance), one coloured square per cell linking to
// "#anchor"; a combination with no cell is a blank dash.
std::string matrix_overview_html(const std::vector<OverviewCell>& cells);

// The CSS every picture above needs (html_page includes it).
std::string pictures_style();

}  // namespace hb::report
