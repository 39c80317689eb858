#pragma once
// The CI report formats, in one table: each row is a format's name, its
// command-line flag and help, what the line after writing calls it, and the
// function that writes it from a ReportSet. Every command that writes
// reports takes its flags from this table (harness/flags.cc), so a new
// format (SARIF...) is one row here and one writer function.
#include <map>
#include <span>
#include <string>
#include <vector>

#include "report/report_cell.h"

namespace hb::report {

struct ReportFormat {
  const char* name;  // "junit": the key of ReportPaths
  const char* flag;  // "--junit"
  const char* help;  // the flag's help text
  const char* what;  // "JUnit report", as in "JUnit report written to FILE"
  std::string (*write)(const ReportSet& set);
};

// JUnit XML, Markdown, HTML, the trials' evidence (JSON): in the order of
// their flags and of the lines that say where they were written.
std::span<const ReportFormat> report_formats();
// The row named `name` ("evidence"): for a command that takes only some
// formats (run takes --evidence alone). The name must be in the table.
const ReportFormat& report_format(const std::string& name);

// Where to write the reports: a path per format name; a missing or empty
// path = not wanted.
struct ReportPaths {
  std::map<std::string, std::string> by_format;
  // The path of `format`, for its flag to fill in (created empty).
  std::string& path(const std::string& format) { return by_format[format]; }
  bool any() const;
};

// Writes each wanted report atomically, in the table's order; returns the
// lines to print ("JUnit report written to FILE").
std::vector<std::string> write_reports(const ReportSet& set, const ReportPaths& paths);

}  // namespace hb::report
