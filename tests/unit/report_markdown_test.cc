#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "report/markdown.h"

namespace hb::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Table columns as GFM splits them: on pipes not escaped with a backslash.
int columns(const std::string& row) {
  int pipes = 0;
  for (size_t i = 0; i < row.size(); ++i)
    if (row[i] == '|' && (i == 0 || row[i - 1] != '\\')) ++pipes;
  return pipes - 1;
}

ReportSet sample() {
  ReportCell pass;
  pass.name = "api";
  pass.scenario = "api";
  pass.verdict = search::Verdict::Pass;
  pass.exposure_before = 9.6;
  pass.exposure_after = 4.2;
  pass.trials = 10;
  pass.seconds = 14.5;
  pass.evidence = "never shown for a pass";
  ReportCell fail;
  fail.name = "cache|daemon *bold* <b>";
  fail.scenario = "cache";
  fail.image = "localhost/hardbisect-bookworm:36e0";
  fail.options_label = "seed-004.conf (15 options)";
  fail.verdict = search::Verdict::Fail;
  fail.reason = "the full set: Read-only file system";
  fail.culprits = {{"ProtectSystem=strict"}, {"RestrictAddressFamilies=AF_UNIX|AF_INET", "Weird=`tick`"}};
  fail.safe = {"[Service]", "NoNewPrivileges=yes", "PrivateTmp=yes"};
  fail.exposure_before = 9.6;
  fail.trials = 12;
  fail.seconds = 20;
  fail.evidence = "trial log:\n```\nfenced in the evidence\n```\n";
  fail.regression = true;
  ReportCell unresolved;
  unresolved.name = "odd";
  unresolved.verdict = search::Verdict::Unresolved;
  unresolved.reason = "the container did not boot";
  return {"hardbisect check: seed-004.conf", "check", {pass, fail, unresolved}};
}

TEST(ReportMarkdown, CodeSpans) {
  EXPECT_EQ(markdown_code("ProtectSystem=strict", false), "`ProtectSystem=strict`");
  EXPECT_EQ(markdown_code("a`b", false), "``a`b``");
  EXPECT_EQ(markdown_code("`x", false), "`` `x ``");
  EXPECT_EQ(markdown_code("A|B", true), "`A\\|B`");
  EXPECT_EQ(markdown_code_block("plain", "ini"), "```ini\nplain\n```\n");
  EXPECT_EQ(markdown_code_block("has ```\n", "text"), "````text\nhas ```\n````\n");
}

TEST(ReportMarkdown, SummaryTableHasOneRowPerCell) {
  std::string md = markdown_summary(sample());
  auto lines = lines_of(md);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "## hardbisect check: seed-004.conf");
  EXPECT_THAT(md, HasSubstr("❌ **FAIL** · 3 cells: 1 pass, 1 fail, 1 unresolved · 22 trials in 34.5 s"));
  std::vector<std::string> rows;
  for (const auto& line : lines)
    if (!line.empty() && line[0] == '|') rows.push_back(line);
  ASSERT_EQ(rows.size(), 5u);  // header, separator, three cells
  for (const auto& row : rows) EXPECT_EQ(columns(row), 9) << row;
  EXPECT_THAT(rows[2], HasSubstr("| ✅ | api |"));
  EXPECT_THAT(rows[2], HasSubstr("| 9.6 → 4.2 |"));
  EXPECT_THAT(rows[3], HasSubstr("cache\\|daemon \\*bold\\* &lt;b&gt;"));
  EXPECT_THAT(rows[3], HasSubstr("**FAIL** (regression)"));
  EXPECT_THAT(
      rows[3],
      HasSubstr(
          "`ProtectSystem=strict`<br>`RestrictAddressFamilies=AF_UNIX\\|AF_INET` + `` Weird=`tick` ``"));
  EXPECT_THAT(rows[3], HasSubstr("| 9.6 → n/a |"));
  EXPECT_THAT(rows[4], HasSubstr("| ⚠️ | odd |"));
  EXPECT_THAT(rows[4], HasSubstr("**UNRESOLVED**"));
}

TEST(ReportMarkdown, DetailsForCellsThatDidNotPass) {
  std::string md = markdown_summary(sample());
  EXPECT_THAT(md, Not(HasSubstr("never shown for a pass")));
  EXPECT_THAT(md, HasSubstr("### ❌ cache\\|daemon \\*bold\\* &lt;b&gt;: FAIL (regression)"));
  EXPECT_THAT(md, HasSubstr("### ⚠️ odd: UNRESOLVED"));
  EXPECT_THAT(md, HasSubstr("the container did not boot"));
  // The safe template, verbatim, in an ini block.
  EXPECT_THAT(md, HasSubstr("Safe template (exposure 9.6 → n/a):\n\n```ini\n[Service]\nNoNewPrivileges=yes\n"
                            "PrivateTmp=yes\n```\n"));
  // Evidence folded, in a fence the evidence cannot close.
  EXPECT_THAT(md, HasSubstr("<details><summary>Evidence</summary>\n\n````text\ntrial log:\n```\n"));
}

TEST(ReportMarkdown, LongEvidenceIsCut) {
  ReportSet set = sample();
  std::string evidence;
  for (int i = 0; i < 2000; ++i) evidence += "line " + std::to_string(i) + "\n";
  set.cells[1].evidence = evidence;
  std::string md = markdown_summary(set);
  EXPECT_THAT(md, HasSubstr("... (cut; the HTML and JSON reports hold it all)"));
  EXPECT_THAT(md, Not(HasSubstr("line 1999")));
  EXPECT_LT(md.size(), 10000u);
}

TEST(ReportMarkdown, AllPassingSaysPass) {
  ReportSet set = sample();
  set.cells.resize(1);
  std::string md = markdown_summary(set);
  EXPECT_THAT(md, HasSubstr("✅ **PASS** · 1 cell: 1 pass, 0 fail, 0 unresolved"));
  EXPECT_THAT(md, Not(HasSubstr("###")));
}

}  // namespace
}  // namespace hb::report
