#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "report/html.h"
#include "report/junit.h"
#include "report/markdown.h"
#include "report/report_formats.h"

namespace hb::report {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

ReportSet one_cell() {
  ReportCell cell;
  cell.name = "api";
  cell.verdict = search::Verdict::Fail;
  cell.culprits = {{"ProtectSystem=strict"}};
  return {"hardbisect check: api", "check", {cell}};
}

// The table is what every command's flags come from: its rows and their
// order are the flags' and the "written to" lines'.
TEST(ReportFormats, OneRowPerFormat) {
  std::vector<std::string> names, flags;
  for (const auto& format : report_formats()) {
    names.emplace_back(format.name);
    flags.emplace_back(format.flag);
    EXPECT_NE(format.write, nullptr);
    EXPECT_NE(std::string(format.help), "");
  }
  EXPECT_EQ(names, (std::vector<std::string>{"junit", "markdown", "html", "evidence"}));
  EXPECT_EQ(flags, (std::vector<std::string>{"--junit", "--markdown", "--html", "--evidence"}));
  EXPECT_STREQ(report_format("evidence").flag, "--evidence");
}

TEST(ReportFormats, WritesOnlyTheWantedOnesWithTheirWriter) {
  fs::path dir = fs::temp_directory_path() / ("hb-formats-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  ReportPaths paths;
  EXPECT_FALSE(paths.any());
  paths.path("markdown");  // a flag not given: empty, not wanted
  EXPECT_FALSE(paths.any());
  paths.path("html") = (dir / "r.html").string();
  paths.path("junit") = (dir / "r.xml").string();
  EXPECT_TRUE(paths.any());
  ReportSet set = one_cell();
  std::vector<std::string> lines = write_reports(set, paths);
  EXPECT_EQ(lines, (std::vector<std::string>{"JUnit report written to " + (dir / "r.xml").string(),
                                             "HTML report written to " + (dir / "r.html").string()}));
  EXPECT_EQ(slurp(dir / "r.xml"), junit_xml(set));
  EXPECT_EQ(slurp(dir / "r.html"), html_page(set));
  EXPECT_FALSE(fs::exists(dir / "r.md"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace hb::report
