#include "report/terminal.h"

#include <fmt/format.h>

#include <sstream>
#include <vector>

#include "report/status_printer.h"
#include "util/strings.h"

namespace hb::report {

std::vector<std::string> last_lines(const std::string& text, size_t count) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  if (lines.size() > count) lines.erase(lines.begin(), lines.end() - static_cast<long>(count));
  return lines;
}

std::string evidence_excerpt(const trial::Evidence& e, const std::string& indent, size_t output_lines,
                             size_t journal_lines) {
  std::string text;
  auto output = last_lines(e.section("workload_output"), output_lines);
  if (!output.empty()) {
    text += indent + "workload output:\n";
    for (const auto& line : output) text += indent + "  " + line + "\n";
  }
  auto journal = last_lines(e.section("journal"), journal_lines);
  if (!journal.empty()) {
    text += indent + "journal:\n";
    for (const auto& line : journal) text += indent + "  " + line + "\n";
  }
  for (const auto& line : last_lines(e.section("kernel"), 3)) text += indent + "kernel: " + line + "\n";
  return text;
}

std::string format_trial(const std::string& label, const trial::TrialResult& result, bool with_evidence) {
  std::string text = fmt::format("{:<34} {:<10} {:>6.2f} s", label, verdict_upper(result.verdict),
                                 result.elapsed.count() / 1000.0);
  if (!result.reason.empty()) text += "   " + result.reason;
  text += "\n";
  if (!result.explanation.empty()) text += "    why: " + result.explanation + "\n";
  const trial::Evidence& e = result.evidence;
  if (e.boot_ms >= 0) {
    text += fmt::format("    boot {} ms, start {} ms, workload {} ms", e.boot_ms, std::max(0L, e.start_ms),
                        std::max(0L, e.workload_ms));
    if (result.exposure) text += fmt::format(", exposure {:.1f} {}", *result.exposure, e.exposure_rating);
    text += "\n";
  }
  for (const auto& note : result.notes) text += "    note: " + note + "\n";
  if (!result.findings.empty())
    text += "    findings (lines systemd ignores; judged as systemd applies the rest):\n" +
            format_findings(result.findings, "      ");
  if (!with_evidence || result.verdict == search::Verdict::Pass) return text;
  text += evidence_excerpt(e, "    ", 3, 6);
  if (!result.container_logs.empty()) {
    text += "    container log:\n";
    for (const auto& line : last_lines(result.container_logs, 6)) text += "      " + line + "\n";
  }
  return text;
}

std::string format_findings(const std::vector<trial::Finding>& findings, const std::string& indent) {
  std::string text;
  for (const auto& f : findings) {
    text += indent + "- " + f.line + "\n";
    text +=
        indent + "    ignored: " + (f.whole_line() ? "the whole line" : util::join(f.ignored, " ")) + "\n";
    text += indent + "    why: " + f.why + "\n";
    for (const auto& message : f.messages) text += indent + "    systemd: " + message + "\n";
    if (!f.corrected.empty()) {
      text += indent + "    write instead:\n";
      for (const auto& line : f.corrected) text += indent + "      " + line + "\n";
    }
    if (!f.advice.empty()) text += indent + "    " + f.advice + "\n";
  }
  return text;
}

std::string format_exposure(const trial::TrialResult& before, const trial::TrialResult& after) {
  if (!before.exposure || !after.exposure) return {};
  return fmt::format(
      "exposure {:.1f} -> {:.1f} (systemd-analyze security: baseline -> full set; 10 is worst)\n",
      *before.exposure, *after.exposure);
}

}  // namespace hb::report
