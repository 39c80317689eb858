#include <gtest/gtest.h>

#include <filesystem>

#include "job/verify_job.h"
#include "scenario/loader.h"
#include "util/error.h"

namespace hb::job {
namespace {

// A scenario of options A..E expecting `expected` (sets of option names).
scenario::Scenario demo(const std::string& name, CulpritSets expected) {
  scenario::Scenario s;
  s.name = name;
  for (const char* key : {"A", "B", "C", "D", "E"}) s.options.push_back({std::string(key) + "=yes", {}, {}});
  s.expect_culprits = std::move(expected);
  return s;
}

search::SearchResult found(std::vector<search::OptionSet> culprits) {
  search::SearchResult result;
  result.status = search::SearchStatus::Found;
  result.culprits = std::move(culprits);
  return result;
}

TEST(JobVerifyJob, TheExpectedCulpritsInAnyOrderAreOk) {
  // Sets and names listed in another order than the search finds them.
  scenario::Scenario s = demo("two", {{"D=yes", "B=yes"}, {"A=yes"}});
  VerifyOutcome outcome = judge_verify(s, found({{1, 3}, {0}}));
  EXPECT_EQ(outcome.verdict, VerifyVerdict::Ok);
  EXPECT_EQ(outcome.found, (CulpritSets{{"A=yes"}, {"B=yes", "D=yes"}}));
  EXPECT_EQ(outcome.expected, outcome.found);
}

TEST(JobVerifyJob, OtherCulpritsAreWrong) {
  scenario::Scenario s = demo("one", {{"A=yes"}});
  EXPECT_EQ(judge_verify(s, found({{1}})).verdict, VerifyVerdict::Wrong);
  // A subset or superset of the expected sets is wrong too.
  EXPECT_EQ(judge_verify(s, found({{0}, {2}})).verdict, VerifyVerdict::Wrong);
  EXPECT_EQ(judge_verify(s, found({{0, 2}})).verdict, VerifyVerdict::Wrong);
  EXPECT_EQ(judge_verify(demo("two", {{"A=yes"}, {"C=yes"}}), found({{0}})).verdict, VerifyVerdict::Wrong);
}

TEST(JobVerifyJob, NoAnswerIsUndecidedEvenWithMatchingPartialCulprits) {
  scenario::Scenario s = demo("one", {{"A=yes"}});
  for (auto status : {search::SearchStatus::NothingBreaks, search::SearchStatus::BaselineFails,
                      search::SearchStatus::FlakyBaseline, search::SearchStatus::Unresolved}) {
    search::SearchResult result = found({{0}});
    result.status = status;
    VerifyOutcome outcome = judge_verify(s, result);
    EXPECT_EQ(outcome.verdict, VerifyVerdict::Undecided) << search::status_name(status);
    EXPECT_EQ(outcome.found, (CulpritSets{{"A=yes"}}));
  }
}

TEST(JobVerifyJob, ExpectRemovalIsCheckedWhenStated) {
  // A fails alone, B fails unless C: the template keeps B beside C.
  scenario::Scenario s = demo("context", {{"A=yes"}, {"B=yes"}});
  search::SearchResult result = found({{0}, {1}});
  result.removal = {0};
  EXPECT_EQ(judge_verify(s, result).verdict, VerifyVerdict::Ok);  // not stated: culprits only
  s.expect_removal = std::vector<std::string>{"A=yes"};
  VerifyOutcome outcome = judge_verify(s, result);
  EXPECT_EQ(outcome.verdict, VerifyVerdict::Ok);
  EXPECT_EQ(outcome.found_removal, std::vector<std::string>{"A=yes"});
  // The hitting set of the culprits (A and B) is the wrong answer now.
  result.removal = {0, 1};
  outcome = judge_verify(s, result);
  EXPECT_EQ(outcome.verdict, VerifyVerdict::Wrong);
  EXPECT_EQ(outcome.found_removal, (std::vector<std::string>{"A=yes", "B=yes"}));
}

// Every library scenario states both answers, and its expected removal is
// made of its culprits' lines (a line no culprit set holds never goes).
TEST(JobVerifyJob, LibraryScenariosStateTheirRemoval) {
  int count = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(HARDBISECT_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    const scenario::Scenario s = scenario::load_scenario_file(entry.path().string());
    ++count;
    ASSERT_TRUE(s.expect_removal) << s.name;
    EXPECT_FALSE(s.expect_removal->empty()) << s.name;
    for (const auto& line : *s.expect_removal) {
      bool in_culprit = false;
      for (const auto& set : s.expect_culprits)
        in_culprit |= std::find(set.begin(), set.end(), line) != set.end();
      EXPECT_TRUE(in_culprit) << s.name << ": " << line;
    }
  }
  EXPECT_GE(count, 14);
}

TEST(JobVerifyJob, ExpectRemovalNamesOptionsOfTheScenario) {
  const std::string yaml =
      "service: {unit: a.service}\nworkload: {command: 'true'}\noptions: [NoNewPrivileges=yes, "
      "PrivateTmp=yes]\n"
      "expect_culprits: [[NoNewPrivileges=yes]]\nexpect_removal: [NoNewPrivileges=yse]\n";
  EXPECT_THROW(scenario::load_scenario_string(yaml, "x.yaml"), UserError);
  const scenario::Scenario s = scenario::load_scenario_string(
      "service: {unit: a.service}\nworkload: {command: 'true'}\n"
      "options: [NoNewPrivileges=yes, PrivateTmp=yes]\nexpect_removal: [NoNewPrivileges=yes]\n",
      "x.yaml");
  ASSERT_TRUE(s.expect_removal);
  EXPECT_EQ(*s.expect_removal, std::vector<std::string>{"NoNewPrivileges=yes"});
}

TEST(JobVerifyJob, VerdictNames) {
  EXPECT_STREQ(verify_verdict_name(VerifyVerdict::Ok), "ok");
  EXPECT_STREQ(verify_verdict_name(VerifyVerdict::Wrong), "WRONG");
  EXPECT_STREQ(verify_verdict_name(VerifyVerdict::Undecided), "UNDECIDED");
  EXPECT_STREQ(verify_report_verdict(VerifyVerdict::Ok), "pass");
  EXPECT_STREQ(verify_report_verdict(VerifyVerdict::Wrong), "fail");
  EXPECT_STREQ(verify_report_verdict(VerifyVerdict::Undecided), "unresolved");
}

VerifyOutcome verdict(VerifyVerdict v) { return {v, {}, {}}; }

TEST(JobVerifyJob, WrongBeatsUndecidedBeatsOk) {
  VerifyCounts counts = count_verify({verdict(VerifyVerdict::Ok), verdict(VerifyVerdict::Undecided),
                                      verdict(VerifyVerdict::Wrong), verdict(VerifyVerdict::Ok)});
  EXPECT_EQ(counts.ok, 2);
  EXPECT_EQ(counts.wrong, 1);
  EXPECT_EQ(counts.undecided, 1);
  EXPECT_EQ(counts.total(), 4);
  EXPECT_EQ(verify_exit_code(counts), kExitCulprit);
  EXPECT_EQ(verify_exit_code({3, 0, 1}), kExitUnresolved);
  EXPECT_EQ(verify_exit_code({3, 0, 0}), kExitOk);
  EXPECT_EQ(verify_exit_code({}), kExitOk);
}

TEST(JobVerifyJob, RunVerifyBisectsEachScenarioInOrder) {
  std::vector<scenario::Scenario> scenarios{demo("right", {{"A=yes"}}), demo("wrong", {{"A=yes"}}),
                                            demo("stuck", {{"A=yes"}})};
  BisectRunner bisect = [](const scenario::Scenario& s) {
    BisectJob job;
    job.result = found({{s.name == "wrong" ? 4 : 0}});
    if (s.name == "stuck") job.result.status = search::SearchStatus::Unresolved;
    return job;
  };
  std::vector<std::string> started;
  VerifyRun run =
      run_verify(scenarios, bisect, [&](const scenario::Scenario& s) { started.push_back(s.name); });
  EXPECT_EQ(started, (std::vector<std::string>{"right", "wrong", "stuck"}));
  ASSERT_EQ(run.results.size(), 3u);
  EXPECT_EQ(run.results[0].outcome.verdict, VerifyVerdict::Ok);
  EXPECT_EQ(run.results[1].outcome.found, (CulpritSets{{"E=yes"}}));
  EXPECT_EQ(run.results[1].outcome.verdict, VerifyVerdict::Wrong);
  EXPECT_EQ(run.results[2].outcome.verdict, VerifyVerdict::Undecided);
  EXPECT_EQ(run.counts.ok, 1);
  EXPECT_EQ(run.exit_code, kExitCulprit);
  EXPECT_EQ(run_verify({scenarios[0], scenarios[2]}, bisect).exit_code, kExitUnresolved);
  EXPECT_EQ(run_verify({scenarios[0]}, bisect).exit_code, kExitOk);
}

}  // namespace
}  // namespace hb::job
