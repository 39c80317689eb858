#include "report/markdown.h"

#include <fmt/format.h>

#include <algorithm>

#include "util/escape.h"
#include "util/strings.h"

namespace hb::report {

namespace {

// Evidence beyond this is cut (GitHub caps a job summary at 1 MiB); the
// JSON and HTML reports keep it whole.
constexpr size_t kEvidenceLimit = 6000;

size_t longest_backtick_run(std::string_view text) {
  size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

const char* icon(const std::string& verdict) {
  if (verdict == "pass") return "✅";
  if (verdict == "fail") return "❌";
  if (verdict == "skipped") return "⏭️";
  return "⚠️";
}

std::string culprits_cell(const ReportCell& cell) {
  auto code = [](const std::string& name) { return markdown_code(name, true); };
  return sets_text(cell.culprits,
                   {.open = "", .close = "", .within = " + ", .between = "<br>", .name = code});
}

std::string exposure_cell(const ReportCell& cell) {
  if (!cell.exposure_before && !cell.exposure_after) return "n/a";
  return exposure_text(cell.exposure_before) + " → " + exposure_text(cell.exposure_after);
}

}  // namespace

std::string markdown_code(std::string_view raw, bool in_table) {
  std::string text = util::clean_text(raw);
  std::replace(text.begin(), text.end(), '\n', ' ');
  if (in_table) {
    std::string escaped;
    for (char c : text) {
      if (c == '|') escaped += '\\';
      escaped += c;
    }
    text = escaped;
  }
  std::string fence(longest_backtick_run(text) + 1, '`');
  // A space keeps a leading or trailing backtick apart from the fence.
  bool pad = !text.empty() && (text.front() == '`' || text.back() == '`');
  return fence + (pad ? " " : "") + text + (pad ? " " : "") + fence;
}

std::string markdown_code_block(std::string_view raw, std::string_view info) {
  std::string text = util::clean_text(raw);
  if (!text.empty() && text.back() != '\n') text += '\n';
  std::string fence(std::max<size_t>(3, longest_backtick_run(text) + 1), '`');
  return fence + std::string(info) + "\n" + text + fence + "\n";
}

namespace {
// The title and the line of totals, with the worst verdict first ("skipped"
// when there is no cell at all).
std::string summary_head(const ReportSet& set) {
  VerdictCounts counts = count_verdicts(set.cells);
  int trials = 0;
  double seconds = 0;
  for (const auto& cell : set.cells) trials += cell.trials, seconds += cell.seconds;
  std::string overall = counts.fail         ? "fail"
                        : counts.unresolved ? "unresolved"
                        : counts.pass       ? "pass"
                                            : "skipped";
  std::string md =
      "## " + util::markdown_escape(set.title.empty() ? "hardbisect " + set.command : set.title) + "\n\n";
  md += fmt::format("{} **{}** · {} cell{}: {} pass, {} fail, {} unresolved · {} trials in {:.1f} s\n\n",
                    icon(overall), util::upper(overall), counts.total(), counts.total() == 1 ? "" : "s",
                    counts.pass, counts.fail, counts.unresolved, trials, seconds);
  return md;
}

std::string summary_table(const ReportSet& set) {
  std::string md = "| | Cell | Image | Options | Verdict | Culprits | Exposure | Trials | Time |\n";
  md += "|---|---|---|---|---|---|---|---:|---:|\n";
  for (const auto& cell : set.cells) {
    std::string v = search::verdict_name(cell.verdict);
    md += fmt::format(
        "| {} | {} | {} | {} | **{}**{} | {} | {} | {} | {:.1f} s |\n", icon(v),
        util::markdown_escape(cell.name), cell.image.empty() ? "" : markdown_code(cell.image, true),
        util::markdown_escape(cell.options_label), util::upper(v), cell.regression ? " (regression)" : "",
        culprits_cell(cell), exposure_cell(cell), cell.trials, cell.seconds);
  }
  return md + "\nExposure: `systemd-analyze security` level before → after hardening (0 best, 10 worst).\n";
}

std::string findings_md(const ReportCell& cell) {
  std::string md = "Findings (lines systemd ignores in whole or part):\n\n";
  for (const auto& f : cell.findings) {
    md +=
        "- " + markdown_code(f.line, false) + ": ignored " +
        (f.whole_line() ? std::string("the whole line") : markdown_code(util::join(f.ignored, " "), false)) +
        ". " + util::markdown_escape(f.why) +
        (f.advice.empty() ? "" : ". " + util::markdown_escape(f.advice)) + "\n";
    if (!f.corrected.empty()) {
      std::string lines;
      for (const auto& line : f.corrected) lines += line + "\n";
      md += "\n" + markdown_code_block(lines, "ini") + "\n";
    }
  }
  return md + "\n";
}

// The evidence, folded, cut at kEvidenceLimit on a line boundary.
std::string evidence_md(const ReportCell& cell) {
  std::string evidence = cell.evidence;
  if (evidence.size() > kEvidenceLimit) {
    size_t cut = evidence.rfind('\n', kEvidenceLimit);
    evidence = evidence.substr(0, cut == std::string::npos ? kEvidenceLimit : cut) +
               "\n... (cut; the HTML and JSON reports hold it all)\n";
  }
  return "<details><summary>Evidence</summary>\n\n" + markdown_code_block(evidence, "text") +
         "\n</details>\n";
}

// A section for a cell that did not pass (or has findings).
std::string cell_details(const ReportCell& cell) {
  std::string v = search::verdict_name(cell.verdict);
  std::string md = fmt::format("\n### {} {}: {}{}\n\n", icon(v), util::markdown_escape(cell.name),
                               util::upper(v), cell.regression ? " (regression)" : "");
  if (!cell.reason.empty()) md += util::markdown_escape(cell.reason) + "\n\n";
  if (!cell.culprits.empty()) {
    md += "Culprits (each set fails on its own):\n\n";
    auto code = [](const std::string& name) { return markdown_code(name, false); };
    md +=
        sets_text(cell.culprits, {.open = "- ", .close = "\n", .within = " + ", .between = "", .name = code});
    md += "\n";
  }
  if (!cell.findings.empty()) md += findings_md(cell);
  if (!cell.safe.empty()) {
    std::string safe;
    for (const auto& line : cell.safe) safe += line + "\n";
    md += fmt::format("Safe template (exposure {} → {}):\n\n", exposure_text(cell.exposure_before),
                      exposure_text(cell.exposure_after));
    md += markdown_code_block(safe, "ini") + "\n";
  }
  if (!cell.evidence.empty()) md += evidence_md(cell);
  return md;
}
}  // namespace

std::string markdown_summary(const ReportSet& set) {
  std::string md = summary_head(set) + summary_table(set);
  for (const auto& cell : set.cells)
    if (cell.verdict != search::Verdict::Pass || !cell.findings.empty()) md += cell_details(cell);
  return md;
}

}  // namespace hb::report
