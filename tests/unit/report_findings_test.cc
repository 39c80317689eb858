// Findings (lines systemd ignores) in every report: terminal summary, JSON
// `findings`, JUnit, Markdown, HTML; each names the line, the part ignored,
// why, and the lines to paste.
#include <gtest/gtest.h>

#include "report/html.h"
#include "report/json_report.h"
#include "report/junit.h"
#include "report/markdown.h"
#include "report/report_cell.h"
#include "report/search_report.h"
#include "report/terminal.h"

namespace hb::report {
namespace {

trial::Finding seed_filter() {
  trial::Finding f;
  f.line = "SystemCallFilter=~ptrace ~process_vm_readv ~process_vm_writev";
  f.ignored = {"~process_vm_readv", "~process_vm_writev"};
  f.why = "only a leading '~' inverts a list, so systemd 252 reads them as names it does not know";
  f.corrected = {"SystemCallFilter=~ptrace", "SystemCallFilter=~process_vm_readv",
                 "SystemCallFilter=~process_vm_writev"};
  f.messages = {"Failed to parse system call, ignoring: ~process_vm_readv"};
  f.systemd = 252;
  return f;
}

trial::Finding private_pids() {
  trial::Finding f;
  f.line = "PrivatePIDs=yes";
  f.why = "systemd 252 does not know the key PrivatePIDs= and ignores the whole line";
  f.advice = "needs systemd 257: ignored on 252";
  f.systemd = 252;
  return f;
}

scenario::Scenario two_options() {
  scenario::Scenario s;
  s.name = "demo";
  s.service.unit = "demo.service";
  for (const char* line : {"PrivateTmp=yes", "PrivatePIDs=yes"}) {
    scenario::OptionItem item;
    item.name = line;
    std::string text(line);
    item.directives.push_back({"Service", text.substr(0, text.find('=')), text.substr(text.find('=') + 1)});
    s.options.push_back(item);
  }
  return s;
}

TEST(ReportFindings, TheSummaryAndJsonListThemBesideTheCulprits) {
  scenario::Scenario s = two_options();
  search::SearchResult r;
  r.status = search::SearchStatus::Found;
  r.strategy = "bisect";
  r.culprits = {{0}};
  r.removal = {0};
  r.safe_set = {1};
  r.option_count = 2;
  std::vector<job::TrialEntry> trials;
  SearchReportInput in{s, r, trials, "img", "sys-admin", 1.0, {seed_filter(), private_pids()}};
  std::string text = format_search_summary(in);
  EXPECT_NE(text.find("culprits"), std::string::npos);
  EXPECT_NE(text.find("findings"), std::string::npos);
  EXPECT_NE(text.find("- SystemCallFilter=~ptrace ~process_vm_readv ~process_vm_writev"), std::string::npos)
      << text;
  EXPECT_NE(text.find("ignored: ~process_vm_readv ~process_vm_writev"), std::string::npos);
  EXPECT_NE(text.find("      SystemCallFilter=~process_vm_writev\n"), std::string::npos) << text;
  EXPECT_NE(text.find("needs systemd 257: ignored on 252"), std::string::npos);
  nlohmann::json json = search_to_json(in);
  ASSERT_EQ(json["findings"].size(), 2u);
  EXPECT_EQ(json["findings"][0]["line"], "SystemCallFilter=~ptrace ~process_vm_readv ~process_vm_writev");
  EXPECT_EQ(json["findings"][0]["corrected"].size(), 3u);
  EXPECT_EQ(json["findings"][0]["systemd"], 252);
  EXPECT_EQ(json["findings"][1]["whole_line"], true);
  EXPECT_EQ(json["findings"][1]["advice"], "needs systemd 257: ignored on 252");
}

TEST(ReportFindings, TheCiReportsShowThemEvenOnAPassingCell) {
  ReportCell cell;
  cell.name = "demo";
  cell.verdict = search::Verdict::Pass;
  cell.findings = {seed_filter(), private_pids()};
  ReportSet set{"hardbisect check: seed-000-debugging.conf on demo", "check", {cell}};
  std::string xml = junit_xml(set);
  EXPECT_NE(xml.find("SystemCallFilter=~process_vm_writev"), std::string::npos) << xml;
  EXPECT_NE(xml.find("needs systemd 257: ignored on 252"), std::string::npos);
  std::string md = markdown_summary(set);
  EXPECT_NE(md.find("Findings"), std::string::npos) << md;
  EXPECT_NE(md.find("SystemCallFilter=~process_vm_readv\n"), std::string::npos) << md;
  EXPECT_NE(md.find("needs systemd 257: ignored on 252"), std::string::npos);
  std::string html = html_page(set);
  EXPECT_NE(html.find("class=\"findings\""), std::string::npos);
  EXPECT_NE(html.find("SystemCallFilter=~process_vm_writev\n"), std::string::npos);
  EXPECT_NE(html.find("the whole line"), std::string::npos);
}

TEST(ReportFindings, JsonRoundTrips) {
  std::vector<trial::Finding> findings = {seed_filter(), private_pids()};
  EXPECT_EQ(findings_from_json(findings_to_json(findings)), findings);
  EXPECT_TRUE(findings_from_json(nlohmann::json::parse(R"([1, {"nope": 2}])")).empty());
}

TEST(ReportFindings, ATrialShowsItsOwn) {
  trial::TrialResult result;
  result.verdict = search::Verdict::Pass;
  result.findings = {private_pids()};
  std::string text = format_trial("full set", result, true);
  EXPECT_NE(text.find("- PrivatePIDs=yes"), std::string::npos) << text;
  EXPECT_EQ(trial_to_json({.phase = "full"}, result)["findings"][0]["line"], "PrivatePIDs=yes");
}

}  // namespace
}  // namespace hb::report
