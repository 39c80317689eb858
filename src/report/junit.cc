#include "report/junit.h"

#include <fmt/format.h>

#include "report/terminal.h"
#include "util/escape.h"

namespace hb::report {

namespace {

std::string seconds_text(double seconds) { return fmt::format("{:.3f}", std::max(0.0, seconds)); }

std::string culprit_list_text(const std::vector<std::vector<std::string>>& sets) {
  return sets_text(sets, {.open = "", .close = "", .within = " + ", .between = "; ", .name = {}});
}

// What a CI view shows under the test: where it ran and the answer's figures.
std::string system_out(const ReportCell& cell) {
  std::string text;
  if (!cell.scenario.empty()) text += "scenario: " + cell.scenario + "\n";
  if (!cell.image.empty()) text += "image: " + cell.image + "\n";
  if (!cell.options_label.empty()) text += "options: " + cell.options_label + "\n";
  text += std::string("verdict: ") + search::verdict_name(cell.verdict) +
          (cell.regression ? " (regression)" : "") + "\n";
  if (!cell.reason.empty()) text += "reason: " + cell.reason + "\n";
  if (!cell.culprits.empty()) text += "culprits: " + culprit_list_text(cell.culprits) + "\n";
  if (!cell.findings.empty()) text += "findings (lines systemd ignores):\n" + format_findings(cell.findings);
  text += fmt::format("exposure: {} -> {} (systemd-analyze security; 0 best, 10 worst)\n",
                      exposure_text(cell.exposure_before), exposure_text(cell.exposure_after));
  text += fmt::format("trials: {} in {:.1f} s\n", cell.trials, cell.seconds);
  if (!cell.safe.empty()) {
    text += "safe template:\n";
    for (const auto& line : cell.safe) text += "  " + line + "\n";
  }
  return text;
}

}  // namespace

std::string junit_xml(const ReportSet& set) {
  VerdictCounts counts = count_verdicts(set.cells);
  double total = 0;
  for (const auto& cell : set.cells) total += std::max(0.0, cell.seconds);
  const std::string suite = "hardbisect" + (set.command.empty() ? std::string() : "." + set.command);
  const auto attr = [](std::string_view text) { return util::xml_escape(text, true); };
  const std::string head = fmt::format(R"(tests="{}" failures="{}" errors="{}" skipped="0" time="{}")",
                                       counts.total(), counts.fail, counts.unresolved, seconds_text(total));

  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format("<testsuites name=\"{}\" {}>\n", attr(set.title.empty() ? suite : set.title), head);
  xml += fmt::format("  <testsuite name=\"{}\" {}>\n", attr(suite), head);
  for (const auto& cell : set.cells) {
    std::string classname = suite + (cell.scenario.empty() ? "" : "." + cell.scenario);
    xml += fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"{}\">\n", attr(cell.name),
                       attr(classname), seconds_text(cell.seconds));
    std::string body = cell.reason + (cell.evidence.empty() ? "" : "\n\n" + cell.evidence);
    std::string prefix = cell.regression ? "regression: " : "";
    if (cell.verdict == search::Verdict::Fail) {
      std::string message =
          prefix + (cell.culprits.empty() ? cell.reason : "culprits: " + culprit_list_text(cell.culprits));
      xml += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", attr(message),
                         cell.culprits.empty() ? "fail" : "culprit", util::xml_escape(body));
    } else if (cell.verdict == search::Verdict::Unresolved) {
      xml += fmt::format("      <error message=\"{}\" type=\"unresolved\">{}</error>\n",
                         attr(prefix + "unresolved: " + cell.reason), util::xml_escape(body));
    }
    xml += fmt::format("      <system-out>{}</system-out>\n", util::xml_escape(system_out(cell)));
    xml += "    </testcase>\n";
  }
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

}  // namespace hb::report
