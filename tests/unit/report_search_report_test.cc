#include <gtest/gtest.h>

#include "report/search_report.h"

namespace hb::report {
namespace {

TEST(ReportSearchReport, SetsTextBracesEachSet) {
  EXPECT_EQ(sets_text({{"A", "B"}, {"C"}}), "{A, B} {C}");
  EXPECT_EQ(sets_text({}), "");
  auto star = [](const std::string& name) { return "*" + name + "*"; };
  EXPECT_EQ(sets_text({{"A", "B"}, {"C"}},
                      {.open = "", .close = "", .within = " + ", .between = "; ", .name = star}),
            "*A* + *B*; *C*");
}

}  // namespace
}  // namespace hb::report

namespace hb::report {
namespace {

// The search speaks in option indices; reports never show them ("remove {4}").
TEST(ReportSearchReport, MessagesNameOptionsNeverIndices) {
  scenario::Scenario s;
  for (const char* name : {"NoNewPrivileges=yes", "PrivateTmp=yes", "ProtectHome=yes", "ProtectSystem=strict",
                           "PrivateDevices=yes"}) {
    scenario::OptionItem item;
    item.name = name;
    s.options.push_back(item);
  }
  EXPECT_EQ(
      with_option_names("1 culprit set; remove {4}, keep 4 options; options {1,3} could not be decided", s),
      "1 culprit set; remove {PrivateDevices=yes}, keep 4 options; options {PrivateTmp=yes, "
      "ProtectSystem=strict} could not be decided");
  EXPECT_EQ(with_option_names("{9} is not an option; {} neither", s), "{9} is not an option; {} neither");
  search::SearchResult r;
  r.status = search::SearchStatus::Unresolved;
  r.message = "1 culprit set; remove {4}, keep 4 options; options {2} could not be decided";
  r.notes = {"options {0} set aside: trials with them are unresolved (x)"};
  std::vector<job::TrialEntry> trials;
  SearchReportInput in{s, r, trials, "img", "minimal", 0.0};
  EXPECT_EQ(summary_message(in).find("{4}"), std::string::npos) << summary_message(in);
  std::string text = format_search_summary(in);
  EXPECT_EQ(text.find("{0}"), std::string::npos) << text;
  EXPECT_NE(text.find("options {NoNewPrivileges=yes} set aside"), std::string::npos) << text;
  EXPECT_EQ(search_to_json(in)["notes"][0],
            "options {NoNewPrivileges=yes} set aside: trials with them are unresolved (x)");
}

}  // namespace
}  // namespace hb::report

namespace hb::report {
namespace {

// A nothing-breaks states the failure rate it rules out, in the text and the
// JSON (issue 23); an answer without one has "ruled_out": null.
TEST(ReportSearchReport, NothingBreaksStatesTheRateRuledOut) {
  scenario::Scenario s;
  search::SearchResult r;
  r.status = search::SearchStatus::NothingBreaks;
  r.message = "the full set passed 9 of 9 runs";
  std::vector<job::TrialEntry> trials;
  SearchReportInput in{s, r, trials, "img", "minimal", 0.0};
  EXPECT_TRUE(search_to_json(in)["ruled_out"].is_null());
  r.ruled_out = search::RuledOut{0.2831, 0.95, 9};
  EXPECT_NE(
      format_search_summary(in).find(
          "ruled out: a failure rate above 0.283 (the full set passed its last 9 runs; confidence 0.95)"),
      std::string::npos)
      << format_search_summary(in);
  const nlohmann::json json = search_to_json(in);
  EXPECT_EQ(json["ruled_out"]["runs"], 9);
  EXPECT_DOUBLE_EQ(json["ruled_out"]["failure_rate"].get<double>(), 0.2831);
  EXPECT_DOUBLE_EQ(json["ruled_out"]["confidence"].get<double>(), 0.95);
  EXPECT_EQ(json["verdict"], "pass");
  EXPECT_EQ(json["outcome"], "nothing-breaks");
}

}  // namespace
}  // namespace hb::report

namespace hb::report {
namespace {

// A culprit list that may not be all of them says so under the list, and a
// complete one says nothing (issue 25).
TEST(ReportSearchReport, ACulpritListThatMayNotBeAllSaysWhy) {
  scenario::Scenario s;
  for (const char* name : {"IPAddressDeny=any", "PrivateUsers=yes", "IPAddressAllow=localhost"}) {
    scenario::OptionItem item;
    item.name = name;
    s.options.push_back(item);
  }
  search::SearchResult r;
  r.status = search::SearchStatus::Found;
  r.culprits = {{0}, {1}};
  r.removal = {1};
  r.safe_set = {0, 2};
  r.option_count = 3;
  r.not_exhaustive = "some lines pass only beside others";
  std::vector<job::TrialEntry> trials;
  const SearchReportInput in{s, r, trials, "img", "minimal", 0.0};
  const std::string text = format_search_summary(in);
  EXPECT_NE(text.find("  - IPAddressDeny=any\n  - PrivateUsers=yes\n  (these are the sets the trials proved; "
                      "there may be others: some lines pass only beside others)"),
            std::string::npos)
      << text;
  r.not_exhaustive.clear();
  r.complete = true;
  EXPECT_EQ(format_search_summary(in).find("there may be others"), std::string::npos);
}

}  // namespace
}  // namespace hb::report
