#include "report/trial_grid.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

#include "report/report_cell.h"
#include "util/escape.h"

namespace hb::report {

namespace {

std::string esc(std::string_view text) { return util::xml_escape(text, false); }
std::string attr(std::string_view text) { return util::xml_escape(text, true); }

// At most `max` characters of a label (UTF-8 safe), "…" when cut.
std::string abbreviated(const std::string& text, size_t max) {
  if (text.size() <= max) return text;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

constexpr size_t kHeaderChars = 26;

std::string column_classes(const TrialGrid& grid, int column) {
  std::string classes;
  if (grid.culprits.count(column)) classes += " culprit";
  if (grid.removed.count(column)) classes += " removed";
  return classes;
}

std::string grid_head(const TrialGrid& grid) {
  std::string html = "<thead><tr><th class=\"trial-no\">trial</th><th class=\"phase\">phase</th>";
  for (size_t c = 0; c < grid.options.size(); ++c) {
    const int column = static_cast<int>(c);
    std::string title = grid.options[c];
    if (grid.culprits.count(column)) title += " (culprit)";
    if (grid.removed.count(column)) title += " (removed from the safe template)";
    html += fmt::format("<th class=\"opt{}\" title=\"{}\"><span>{}</span></th>", column_classes(grid, column),
                        attr(title), esc(abbreviated(grid.options[c], kHeaderChars)));
  }
  return html + "<th class=\"result\">verdict</th></tr></thead>\n";
}

std::string grid_row(const TrialGrid& grid, const GridTrial& trial, const std::string& id_prefix) {
  const std::string v = search::verdict_name(trial.verdict);
  std::set<int> applied(trial.applied.begin(), trial.applied.end());
  std::string html = fmt::format(
      "<tr class=\"{}\"><th class=\"trial-no\"><a href=\"#{}-t{}\" title=\"{}\">{}</a></th>"
      "<td class=\"phase\">{}</td>",
      v, attr(id_prefix), trial.number, attr(trial.reason.empty() ? "trial details" : trial.reason),
      trial.number, esc(trial.phase));
  for (size_t c = 0; c < grid.options.size(); ++c) {
    const int column = static_cast<int>(c);
    const bool on = applied.count(column) != 0;
    html += fmt::format("<td class=\"cell {} {}{}\"", on ? "on" : "off", v, column_classes(grid, column));
    if (on)
      html +=
          fmt::format(" title=\"{}\"", attr(grid.options[c] + " in trial " + std::to_string(trial.number) +
                                            ": " + search::verdict_upper(trial.verdict)));
    html += "></td>";
  }
  return html + fmt::format("<td class=\"result\"><span class=\"mark {}\">{}</span>{}</td></tr>\n", v,
                            search::verdict_upper(trial.verdict),
                            trial.cached ? " <span class=\"cached\">cached</span>" : "");
}

std::string grid_legend(const TrialGrid& grid) {
  std::string html =
      "<div class=\"legend\"><span><i class=\"swatch on pass\"></i>applied, trial passed</span>"
      "<span><i class=\"swatch on fail\"></i>applied, trial failed</span>"
      "<span><i class=\"swatch on unresolved\"></i>applied, unresolved</span>"
      "<span><i class=\"swatch off\"></i>not applied</span>";
  if (!grid.culprits.empty()) html += "<span><i class=\"swatch rail\"></i>culprit option's column</span>";
  if (!grid.removed.empty()) html += "<span><s>Option</s> removed from the safe template</span>";
  return html + "</div>\n";
}

}  // namespace

std::string trial_grid_html(const TrialGrid& grid, const std::string& id_prefix) {
  std::string html = fmt::format(
      "<div class=\"search-picture\"><h3>The search: {} trial{} × {} option{}</h3>\n", grid.trials.size(),
      grid.trials.size() == 1 ? "" : "s", grid.options.size(), grid.options.size() == 1 ? "" : "s");
  html += grid_legend(grid);
  html += "<div class=\"grid-scroll\"><table class=\"trial-grid\">\n" + grid_head(grid) + "<tbody>\n";
  for (const auto& trial : grid.trials) html += grid_row(grid, trial, id_prefix);
  return html + "</tbody></table></div></div>\n";
}

std::string trial_table_html(const TrialGrid& grid, const std::string& id_prefix) {
  std::string html =
      "<table class=\"trial-table\"><thead><tr><th>trial</th><th>phase</th><th>options</th><th>verdict</th>"
      "<th>time</th><th>exposure</th><th>reason</th></tr></thead>\n<tbody>\n";
  for (const auto& t : grid.trials) {
    const std::string v = search::verdict_name(t.verdict);
    html += fmt::format(
        "<tr id=\"{}-t{}\"><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td>"
        "<td><span class=\"mark {}\">{}</span></td><td class=\"num\">{:.2f} s{}</td><td class=\"num\">{}</td>"
        "<td>{}</td></tr>\n",
        attr(id_prefix), t.number, t.number, esc(t.phase), t.applied.size(), v,
        search::verdict_upper(t.verdict), t.seconds, t.cached ? " (cached)" : "",
        esc(exposure_text(t.exposure)), esc(t.reason));
  }
  return html + "</tbody></table>\n";
}

std::string exposure_level(double exposure) {
  // systemd's badness table, in tenths: the first level the exposure reaches.
  const std::pair<double, const char*> levels[] = {{10.0, "DANGEROUS"}, {9.0, "UNSAFE"}, {7.5, "EXPOSED"},
                                                   {5.0, "MEDIUM"},     {1.0, "OK"},     {0.1, "SAFE"}};
  for (const auto& [from, name] : levels)
    if (exposure >= from - 1e-9) return name;
  return "PERFECT";
}

namespace {

// The bar's colour class: the band the exposure falls in.
std::string band_class(double exposure) {
  if (exposure >= 9.0 - 1e-9) return "unsafe";
  if (exposure >= 7.5 - 1e-9) return "exposed";
  if (exposure >= 5.0 - 1e-9) return "medium";
  return "ok";
}

}  // namespace

std::string exposure_bars_html(const std::vector<ExposureBar>& bars) {
  constexpr int kLabel = 105, kScale = 440, kRow = 30, kTop = 22;
  const int width = kLabel + kScale + 95, height = kTop + kRow * static_cast<int>(bars.size()) + 18;
  auto x = [&](double value) { return kLabel + value * kScale / 10.0; };
  std::string svg = fmt::format(
      "<div class=\"exposure-picture\"><h3>Exposure (systemd-analyze security, 0 best, 10 worst)</h3>\n"
      "<svg class=\"exposure-bars\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" role=\"img\">\n",
      width, height);
  const struct {
    double from, to;
    const char* name;
  } bands[] = {{0, 5, "ok"}, {5, 7.5, "medium"}, {7.5, 9, "exposed"}, {9, 10, "unsafe"}};
  const int bottom = height - 18;
  for (const auto& b : bands) {
    svg += fmt::format("<rect class=\"band {}\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\"/>",
                       b.name, x(b.from), kTop - 4, x(b.to) - x(b.from), bottom - kTop + 4);
    std::string word = b.name;
    std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::toupper(c); });
    svg += fmt::format("<text class=\"band-name\" x=\"{:.1f}\" y=\"{}\">{}</text>", (x(b.from) + x(b.to)) / 2,
                       kTop - 8, word);
  }
  for (int tick = 0; tick <= 10; ++tick)
    svg += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"{}\">{}</text>", x(tick), height - 4, tick);
  for (size_t i = 0; i < bars.size(); ++i) {
    const int y = kTop + kRow * static_cast<int>(i);
    svg += fmt::format("<text class=\"bar-label\" x=\"{}\" y=\"{}\">{}</text>", kLabel - 8, y + 18,
                       esc(bars[i].label));
    if (!bars[i].exposure) {
      svg += fmt::format("<text class=\"bar-value\" x=\"{}\" y=\"{}\">n/a</text>", kLabel + 6, y + 18);
      continue;
    }
    const double value = std::clamp(*bars[i].exposure, 0.0, 10.0);
    svg += fmt::format("<rect class=\"bar {}\" x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" rx=\"3\"/>",
                       band_class(value), kLabel, y + 5, std::max(2.0, x(value) - kLabel), kRow - 10);
    svg += fmt::format("<text class=\"bar-value\" x=\"{:.1f}\" y=\"{}\">{:.1f} {}</text>", x(value) + 6,
                       y + 18, value, exposure_level(value));
  }
  return svg + "</svg></div>\n";
}

namespace {

// Keys in order of first appearance.
std::vector<std::string> in_order(const std::vector<OverviewCell>& cells,
                                  std::string (*key)(const OverviewCell&)) {
  std::vector<std::string> keys;
  for (const auto& cell : cells)
    if (std::find(keys.begin(), keys.end(), key(cell)) == keys.end()) keys.push_back(key(cell));
  return keys;
}

std::string square(const OverviewCell& cell) {
  std::string v = search::verdict_name(cell.verdict);
  std::string label = cell.verdict == search::Verdict::Pass   ? "✓"
                      : cell.verdict == search::Verdict::Fail ? std::to_string(cell.culprits)
                                                              : "?";
  if (cell.verdict == search::Verdict::Fail && cell.culprits == 0) label = "✗";
  if (cell.regression) {
    v += " regression";
    label = "R" + (cell.culprits ? std::to_string(cell.culprits) : "");
  }
  return fmt::format("<a class=\"square {}\" href=\"#{}\" title=\"{}\">{}</a>", v, attr(cell.anchor),
                     attr(cell.title), label);
}

std::string overview_head(const std::vector<std::string>& groups, const std::vector<std::string>& columns) {
  std::string html = "<thead><tr><th class=\"corner\" rowspan=\"2\">scenario</th>";
  for (const auto& group : groups)
    html += fmt::format("<th class=\"group\" colspan=\"{}\" title=\"{}\">{}</th>", columns.size(),
                        attr(group), esc(abbreviated(group, 22)));
  html += "</tr>\n<tr>";
  for (size_t g = 0; g < groups.size(); ++g)
    for (size_t c = 0; c < columns.size(); ++c)
      html += fmt::format("<th class=\"base{}\">{}</th>", g > 0 && c == 0 ? " first" : "", esc(columns[c]));
  return html + "</tr></thead>\n";
}

}  // namespace

std::string matrix_overview_html(const std::vector<OverviewCell>& cells) {
  const auto rows = in_order(cells, [](const OverviewCell& c) { return c.row; });
  const auto groups = in_order(cells, [](const OverviewCell& c) { return c.group; });
  const auto columns = in_order(cells, [](const OverviewCell& c) { return c.column; });
  std::map<std::tuple<std::string, std::string, std::string>, const OverviewCell*> at;
  for (const auto& cell : cells) at[{cell.row, cell.group, cell.column}] = &cell;

  std::string html =
      "<div class=\"overview\"><table class=\"matrix-grid\">\n" + overview_head(groups, columns);
  html += "<tbody>\n";
  for (const auto& row : rows) {
    html +=
        fmt::format("<tr><th class=\"scenario\" title=\"{}\">{}</th>", attr(row), esc(abbreviated(row, 30)));
    for (size_t g = 0; g < groups.size(); ++g) {
      for (size_t c = 0; c < columns.size(); ++c) {
        auto it = at.find({row, groups[g], columns[c]});
        html += g > 0 && c == 0 ? "<td class=\"first\">" : "<td>";
        html += it == at.end() ? "<span class=\"square none\">·</span>" : square(*it->second);
        html += "</td>";
      }
    }
    html += "</tr>\n";
  }
  html += "</tbody></table>\n";
  html +=
      "<div class=\"legend\"><span><i class=\"swatch square-pass\"></i>pass</span>"
      "<span><i class=\"swatch square-fail\"></i>fail (number of culprit sets)</span>"
      "<span><i class=\"swatch square-regression\"></i>regression (passed in the previous result)</span>"
      "<span><i class=\"swatch square-unresolved\"></i>unresolved</span>"
      "<span><i class=\"swatch off\"></i>not in the matrix</span></div>\n";
  return html + "</div>\n";
}

// The pictures' CSS: data, kept out of the function.
constexpr const char kPicturesStyle[] = R"(
h2 { font-size: 17px; margin: 20px 0 8px 0; }
h3 { font-size: 15px; margin: 14px 0 6px 0; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 4px 0 8px 0; color: #59636e; font-size: 12px; }
.legend span { display: inline-flex; align-items: center; gap: 5px; }
.swatch { display: inline-block; width: 13px; height: 13px; border-radius: 3px; }
.swatch.on.pass, .swatch.square-pass { background: var(--pass); }
.swatch.on.fail, .swatch.square-fail { background: var(--fail); }
.swatch.on.unresolved, .swatch.square-unresolved { background: var(--unresolved); }
.swatch.square-regression { background: #82071e; box-shadow: 0 0 0 2px #ffd33d; }
.swatch.off { background: #f0f2f4; border: 1px solid #d8dee4; width: 11px; height: 11px; }
.swatch.rail { background: #fbd6d2; }
.grid-scroll { overflow-x: auto; }
table.trial-grid { border-collapse: separate; border-spacing: 2px; width: auto; }
table.trial-grid th, table.trial-grid td { border: none; padding: 0; background: none; }
table.trial-grid tr { background: none; }
table.trial-grid thead th { background: none; vertical-align: bottom; font-weight: 500; font-size: 12px; }
table.trial-grid th.opt { height: 150px; width: 18px; white-space: nowrap; position: relative; }
table.trial-grid th.opt span { display: inline-block; writing-mode: vertical-rl; transform: rotate(180deg);
  font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 11.5px;
  padding: 4px 0; color: #1f2328; }
table.trial-grid th.opt.culprit span { color: #82071e; font-weight: 700; background: #ffebe9; border-radius: 3px; }
table.trial-grid th.opt.removed span { text-decoration: line-through; }
table.trial-grid th.trial-no, table.trial-grid td.phase { font-size: 12px; padding: 0 6px; white-space: nowrap;
  text-align: right; color: #59636e; }
table.trial-grid th.trial-no a { color: #0969da; text-decoration: none; font-weight: 600; }
table.trial-grid td.cell { width: 18px; min-width: 18px; height: 18px; border-radius: 3px; }
td.cell.off { background: #f3f4f6; }
td.cell.off.pass { background: #eef8f0; } td.cell.off.fail { background: #fdf0ef; }
td.cell.off.unresolved { background: #fdf8e4; }
td.cell.on.pass { background: var(--pass); } td.cell.on.fail { background: var(--fail); }
td.cell.on.unresolved { background: var(--unresolved); }
td.cell.off.culprit { background: #fbd6d2; }
td.cell.on.culprit { box-shadow: inset 0 0 0 2px #82071e; }
table.trial-grid td.result { padding-left: 8px; white-space: nowrap; font-size: 12px; }
.mark { display: inline-block; min-width: 5.5em; text-align: center; border-radius: 10px; color: #fff;
  font-weight: 700; font-size: 11px; padding: 0 6px; }
.mark.pass { background: var(--pass); } .mark.fail { background: var(--fail); }
.mark.unresolved { background: var(--unresolved); } .mark.skipped { background: var(--skipped); }
.cached { color: #59636e; font-size: 11px; }
.pictures { display: flex; flex-wrap: wrap; gap: 8px 32px; align-items: flex-start; }
.search-picture { width: min-content; min-width: 470px; }
.search-picture h3 { white-space: nowrap; }
table.trial-table { width: auto; font-size: 12.5px; margin-top: 6px; }
table.trial-table td, table.trial-table th { padding: 2px 8px; }
table.trial-table tr:target { background: #fff8c5; }
svg.exposure-bars { font-family: system-ui, "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 12px; }
svg.exposure-bars .band.ok { fill: #dafbe1; } svg.exposure-bars .band.medium { fill: #fff8c5; }
svg.exposure-bars .band.exposed { fill: #ffe7cc; } svg.exposure-bars .band.unsafe { fill: #ffebe9; }
svg.exposure-bars .band-name { text-anchor: middle; fill: #59636e; font-size: 10.5px; font-weight: 600; }
svg.exposure-bars .tick { text-anchor: middle; fill: #59636e; font-size: 10.5px; }
svg.exposure-bars .bar-label { text-anchor: end; fill: #1f2328; }
svg.exposure-bars .bar-value { fill: #1f2328; font-weight: 600; }
svg.exposure-bars .bar.ok { fill: #1a7f37; } svg.exposure-bars .bar.medium { fill: #9a6700; }
svg.exposure-bars .bar.exposed { fill: #bc4c00; } svg.exposure-bars .bar.unsafe { fill: #cf222e; }
.overview { margin: 4px 0 18px 0; }
table.matrix-grid { border-collapse: separate; border-spacing: 3px; width: auto; }
table.matrix-grid th, table.matrix-grid td { border: none; padding: 0; background: none; text-align: center; }
table.matrix-grid th { font-size: 12px; font-weight: 600; color: #1f2328; padding: 0 4px; }
table.matrix-grid th.group { border-bottom: 2px solid #d0d7de; padding-bottom: 2px; }
table.matrix-grid th.base { font-weight: 400; color: #59636e; font-size: 11px; }
table.matrix-grid th.scenario { text-align: right; font-weight: 500; padding-right: 10px; white-space: nowrap; }
table.matrix-grid th.corner { text-align: right; vertical-align: bottom; color: #59636e; font-weight: 400;
  padding-right: 10px; }
table.matrix-grid td.first, table.matrix-grid th.first { padding-left: 12px; }
.square { display: inline-block; width: 30px; height: 24px; line-height: 24px; border-radius: 4px;
  color: #fff; font-weight: 700; font-size: 12px; text-decoration: none; text-align: center; }
.square.pass { background: var(--pass); } .square.fail { background: var(--fail); }
.square.unresolved { background: var(--unresolved); } .square.skipped { background: var(--skipped); }
.square.regression { background: #82071e; box-shadow: 0 0 0 2px #ffd33d; }
.square.none { background: #f3f4f6; color: #8c959f; }
a.square:hover { filter: brightness(1.15); }
)";

std::string pictures_style() { return kPicturesStyle; }

}  // namespace hb::report
