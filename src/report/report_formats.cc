#include "report/report_formats.h"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "report/html.h"
#include "report/json_report.h"
#include "report/junit.h"
#include "report/markdown.h"
#include "util/files.h"

namespace hb::report {

namespace {
const std::array<ReportFormat, 4> kReportFormats{{
    {"junit", "--junit", "Write a JUnit XML report to FILE (one testcase per scenario)", "JUnit report",
     junit_xml},
    {"markdown", "--markdown", "Write a Markdown summary to FILE (e.g. $GITHUB_STEP_SUMMARY)",
     "Markdown summary", markdown_summary},
    {"html", "--html", "Write a self-contained HTML report to FILE", "HTML report", html_page},
    {"evidence", "--evidence",
     "Write each trial with its evidence (journal, workload output, kernel lines, timings) as JSON to FILE",
     "trial evidence", evidence_report},
}};
}  // namespace

std::span<const ReportFormat> report_formats() { return kReportFormats; }

const ReportFormat& report_format(const std::string& name) {
  for (const ReportFormat& format : kReportFormats)
    if (name == format.name) return format;
  throw std::logic_error("no report format " + name);
}

bool ReportPaths::any() const {
  return std::any_of(by_format.begin(), by_format.end(),
                     [](const auto& entry) { return !entry.second.empty(); });
}

std::vector<std::string> write_reports(const ReportSet& set, const ReportPaths& paths) {
  std::vector<std::string> lines;
  for (const ReportFormat& format : report_formats()) {
    auto it = paths.by_format.find(format.name);
    if (it == paths.by_format.end() || it->second.empty()) continue;
    util::write_file_atomically(it->second, format.write(set));
    lines.push_back(std::string(format.what) + " written to " + it->second);
  }
  return lines;
}

}  // namespace hb::report
