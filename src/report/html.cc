#include "report/html.h"

#include <fmt/format.h>

#include <algorithm>

#include "report/trial_grid.h"
#include "util/escape.h"
#include "util/strings.h"

namespace hb::report {

namespace {

std::string esc(std::string_view text) { return util::xml_escape(text, false); }

std::string style() {
  return fmt::format(R"(
:root {{ --pass: {pass}; --fail: {fail}; --unresolved: {unresolved}; --skipped: {skipped}; }}
body {{ font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", sans-serif;
  margin: 24px; color: #1f2328; background: #ffffff; font-size: 14px; line-height: 1.45; }}
h1 {{ font-size: 22px; margin: 0 0 6px 0; }}
p.summary {{ margin: 0 0 16px 0; color: #59636e; }}
.chip {{ display: inline-block; padding: 1px 8px; border-radius: 10px; color: #ffffff; font-weight: 600; }}
.chip.pass {{ background: var(--pass); }} .chip.fail {{ background: var(--fail); }}
.chip.unresolved {{ background: var(--unresolved); }} .chip.skipped {{ background: var(--skipped); }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #d0d7de; padding: 6px 10px; text-align: left; vertical-align: top; }}
th {{ background: #f6f8fa; font-weight: 600; }}
td.verdict {{ color: #ffffff; font-weight: 700; text-align: center; white-space: nowrap; width: 7em; }}
tr.pass td.verdict {{ background: var(--pass); }}
tr.fail td.verdict {{ background: var(--fail); }}
tr.unresolved td.verdict {{ background: var(--unresolved); }}
tr.skipped td.verdict {{ background: var(--skipped); }}
tr.fail {{ background: #fff5f5; }} tr.unresolved {{ background: #fffbea; }}
td.num {{ text-align: right; white-space: nowrap; }}
.regression {{ display: block; font-size: 11px; font-weight: 600; text-transform: uppercase; }}
code {{ font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12.5px;
  background: #eff1f3; padding: 1px 4px; border-radius: 4px; }}
ul.culprits {{ margin: 0; padding-left: 18px; }}
.image {{ color: #59636e; font-size: 12px; }}
tr.evidence-row > td {{ border-top: none; padding: 2px 10px 6px 10px; font-size: 13px; }}
details summary {{ cursor: pointer; color: #0969da; }}
details .reason {{ margin: 8px 0; }}
pre {{ font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12px;
  background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px;
  white-space: pre-wrap; word-break: break-all; max-height: 36em; overflow: auto; margin: 6px 0; }}
footer {{ margin-top: 16px; color: #59636e; font-size: 12px; }}
)",
                     fmt::arg("pass", kHtmlPassColour), fmt::arg("fail", kHtmlFailColour),
                     fmt::arg("unresolved", kHtmlUnresolvedColour), fmt::arg("skipped", kHtmlSkippedColour)) +
         pictures_style();
}

std::string culprits_html(const ReportCell& cell) {
  if (cell.culprits.empty()) return cell.verdict == search::Verdict::Pass ? "—" : "";
  auto code = [](const std::string& name) { return "<code>" + esc(name) + "</code>"; };
  return "<ul class=\"culprits\">" +
         sets_text(cell.culprits,
                   {.open = "<li>", .close = "</li>", .within = " + ", .between = "", .name = code}) +
         "</ul>";
}

// Small reports (check, bisect) open the evidence of what did not pass; a
// big matrix keeps every cell folded.
constexpr size_t kOpenDetailsUpTo = 5;

std::string details_html(const ReportCell& cell, bool open, const std::string& pictures) {
  std::string html = open ? "<details open>" : "<details>";
  html += "<summary>evidence</summary>" + pictures;
  if (!cell.reason.empty()) html += "<div class=\"reason\">" + esc(cell.reason) + "</div>";
  if (!cell.safe.empty()) {
    std::string safe;
    for (const auto& line : cell.safe) safe += line + "\n";
    html += fmt::format("<div>safe template (exposure {} → {}):</div><pre class=\"safe\">{}</pre>",
                        esc(exposure_text(cell.exposure_before)), esc(exposure_text(cell.exposure_after)),
                        esc(safe));
  }
  if (!cell.evidence.empty()) html += "<pre class=\"evidence\">" + esc(cell.evidence) + "</pre>";
  return html + "</details>";
}

// Lines systemd ignores: shown open under the row, whatever the verdict.
std::string findings_html(const ReportCell& cell) {
  std::string html =
      "<div class=\"findings\"><strong>Findings</strong>: lines systemd ignores in whole or part<ul>";
  for (const auto& f : cell.findings) {
    html += "<li><code>" + esc(f.line) + "</code>: ignored " +
            (f.whole_line() ? std::string("the whole line")
                            : "<code>" + esc(util::join(f.ignored, " ")) + "</code>") +
            "<div>" + esc(f.why) + "</div>";
    for (const auto& message : f.messages) html += "<div class=\"image\">systemd: " + esc(message) + "</div>";
    if (!f.corrected.empty()) {
      std::string lines;
      for (const auto& line : f.corrected) lines += line + "\n";
      html += "<div>write instead:</div><pre class=\"safe\">" + esc(lines) + "</pre>";
    }
    if (!f.advice.empty()) html += "<div>" + esc(f.advice) + "</div>";
    html += "</li>";
  }
  return html + "</ul></div>";
}

std::string cell_anchor(size_t index) { return fmt::format("cell-{}", index + 1); }

// The search's grid, the exposure bars and the table of trials the grid's
// rows link to.
std::string pictures_html(const ReportCell& cell, size_t index) {
  std::string html;
  bool bars = std::any_of(cell.exposure_bars.begin(), cell.exposure_bars.end(),
                          [](const ExposureBar& bar) { return bar.exposure.has_value(); });
  if (cell.grid || bars) {
    html += "<div class=\"pictures\">";
    if (cell.grid) html += trial_grid_html(*cell.grid, cell_anchor(index));
    if (bars) html += exposure_bars_html(cell.exposure_bars);
    html += "</div>\n";
  }
  if (cell.grid && !cell.grid->trials.empty())
    html += "<h3>Trials</h3>\n" + trial_table_html(*cell.grid, cell_anchor(index));
  return html;
}

// The matrix overview: one square per cell, linking to its row below.
std::string overview_html(const ReportSet& set) {
  std::vector<OverviewCell> squares;
  for (size_t i = 0; i < set.cells.size(); ++i) {
    const ReportCell& cell = set.cells[i];
    if (!cell.place) continue;
    std::string v = search::verdict_name(cell.verdict);
    std::string title = cell.place->row + " · " + cell.place->group + " · " + cell.place->column + ": " +
                        (cell.regression ? "REGRESSION" : util::upper(v));
    if (!cell.culprits.empty())
      title += ", culprits " + sets_text(cell.culprits);
    else if (v != "pass" && !cell.reason.empty())
      title += ": " + cell.reason;
    squares.push_back({cell.place->row, cell.place->group, cell.place->column, cell.verdict, cell.regression,
                       static_cast<int>(cell.culprits.size()), cell_anchor(i), title});
  }
  if (squares.empty()) return "";
  return matrix_overview_html(squares);
}

}  // namespace

std::string html_page(const ReportSet& set) {
  VerdictCounts counts = count_verdicts(set.cells);
  int trials = 0;
  double seconds = 0;
  for (const auto& cell : set.cells) trials += cell.trials, seconds += cell.seconds;
  std::string title = set.title.empty() ? "hardbisect " + set.command : set.title;

  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<title>" + esc(title) + "</title>\n<style>" + style() + "</style>\n</head>\n<body>\n";
  html += "<h1>" + esc(title) + "</h1>\n";
  html += fmt::format("<p class=\"summary\">{} cell{}: ", counts.total(), counts.total() == 1 ? "" : "s");
  const std::pair<int, const char*> chips[] = {
      {counts.pass, "pass"}, {counts.fail, "fail"}, {counts.unresolved, "unresolved"}};
  std::vector<std::string> shown;
  for (const auto& [count, name] : chips)
    if (count != 0) shown.push_back(fmt::format("<span class=\"chip {}\">{} {}</span>", name, count, name));
  html += util::join(shown, " ");
  html += fmt::format(" · {} trials in {:.1f} s</p>\n", trials, seconds);

  html += overview_html(set);
  html +=
      "<table>\n<thead><tr><th>Cell</th><th>Verdict</th><th>Culprits</th><th>Exposure</th>"
      "<th>Trials</th><th>Time</th></tr></thead>\n<tbody>\n";
  for (size_t i = 0; i < set.cells.size(); ++i) {
    const ReportCell& cell = set.cells[i];
    std::string v = search::verdict_name(cell.verdict);
    std::vector<std::string> places;
    if (!cell.options_label.empty()) places.push_back(esc(cell.options_label));
    if (!cell.image.empty()) places.push_back("<code>" + esc(cell.image) + "</code>");
    std::string where = util::join(places, " · ");
    html += fmt::format("<tr class=\"{}\">", v);
    html += fmt::format("<td id=\"{}\"><strong>", cell_anchor(i)) + esc(cell.name) + "</strong>" +
            (where.empty() ? "" : "<div class=\"image\">" + where + "</div>") + "</td>";
    html += "<td class=\"verdict\">" + util::upper(v) +
            (cell.regression ? "<span class=\"regression\">regression</span>" : "") + "</td>";
    html += "<td>" + culprits_html(cell) + "</td>";
    html += "<td class=\"num\">" + esc(exposure_text(cell.exposure_before)) + " → " +
            esc(exposure_text(cell.exposure_after)) + "</td>";
    html +=
        fmt::format("<td class=\"num\">{}</td><td class=\"num\">{:.1f} s</td>", cell.trials, cell.seconds);
    html += "</tr>\n";
    // The evidence spans the table under its cell's row.
    const bool small = set.cells.size() <= kOpenDetailsUpTo;
    bool open = cell.verdict != search::Verdict::Pass && small;
    html += "<tr class=\"evidence-row\"><td colspan=\"6\">" +
            (cell.findings.empty() ? "" : findings_html(cell)) + (small ? pictures_html(cell, i) : "") +
            details_html(cell, open, small ? "" : pictures_html(cell, i)) + "</td></tr>\n";
  }
  html += "</tbody>\n</table>\n";
  html +=
      "<footer>Exposure: the <code>systemd-analyze security</code> level of the service before → after "
      "hardening (0 best, 10 worst; n/a where systemd could not rate it). Generated by hardbisect " +
      esc(HARDBISECT_VERSION) + ".</footer>\n</body>\n</html>\n";
  return html;
}

}  // namespace hb::report
