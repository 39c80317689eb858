#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <sstream>
#include <thread>

#include "fake_runtime.h"
#include "image/image_builder.h"
#include "job/check_job.h"
#include "job/verify_job.h"
#include "recording_status.h"
#include "runtime/process.h"
#include "runtime/reaper.h"
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
  EXPECT_EQ(verify_report_verdict(VerifyVerdict::Ok), search::Verdict::Pass);
  EXPECT_EQ(verify_report_verdict(VerifyVerdict::Wrong), search::Verdict::Fail);
  EXPECT_EQ(verify_report_verdict(VerifyVerdict::Undecided), search::Verdict::Unresolved);
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
  std::vector<std::string> started;
  VerifyBisect bisect = [&](const scenario::Scenario& s, int jobs, Status&) {
    started.push_back(s.name);
    EXPECT_EQ(jobs, 1);
    BisectJob job;
    job.result = found({{s.name == "wrong" ? 4 : 0}});
    if (s.name == "stuck") job.result.status = search::SearchStatus::Unresolved;
    return job;
  };
  hb::testing::RecordingStatus status;
  VerifyRun run = run_verify(scenarios, bisect, 1, status);
  EXPECT_EQ(started, (std::vector<std::string>{"right", "wrong", "stuck"}));
  ASSERT_EQ(run.results.size(), 3u);
  EXPECT_EQ(run.results[0].outcome.verdict, VerifyVerdict::Ok);
  EXPECT_EQ(run.results[1].outcome.found, (CulpritSets{{"E=yes"}}));
  EXPECT_EQ(run.results[1].outcome.verdict, VerifyVerdict::Wrong);
  EXPECT_EQ(run.results[2].outcome.verdict, VerifyVerdict::Undecided);
  EXPECT_EQ(run.counts.ok, 1);
  EXPECT_EQ(run.exit_code, kExitCulprit);
  EXPECT_EQ(run_verify({scenarios[0], scenarios[2]}, bisect, 1, status).exit_code, kExitUnresolved);
  EXPECT_EQ(run_verify({scenarios[0]}, bisect, 1, status).exit_code, kExitOk);
}

// A scenario on the fake runtime whose service fails under `culprit`, with
// `options` as its template.
scenario::Scenario on_fake(const std::string& name, const std::string& options, const std::string& culprit) {
  scenario::Scenario s;
  s.name = name;
  s.loc.file = name + ".yaml";
  s.image.name = "localhost/hardbisect-test:1";
  s.service.unit = "demo.service";
  s.service.unit_file = "[Service]\nExecStart=/bin/sleep infinity\n";
  s.workload.command = "true";
  s.privilege = options::Privilege::SysAdmin;
  s = with_template(s, scenario::parse_template_string("[Service]\n" + options, name + ".conf"),
                    name + ".conf");
  s.expect_culprits = {{culprit}};
  return s;
}

struct FakeVerify {
  hb::testing::FakeRuntime fake;
  std::ostringstream dry;
  runtime::DryRunProcessRunner process{dry};
  image::ImageBuilder images{fake, process, image::default_images_dir(), [](const std::string&) {}};
  std::atomic<int> running{0}, most_at_once{0};
  VerifyBisect bisect = [this](const scenario::Scenario& s, int jobs, Status& status) {
    int now = ++running;
    for (int seen = most_at_once; now > seen && !most_at_once.compare_exchange_weak(seen, now);) {
    }
    search::SearchConfig config;
    config.jobs = jobs;
    BisectJob job = run_bisect_job(fake, images, s, config, status, nullptr, false);
    --running;
    return job;
  };
};

// Side by side (--jobs 2) on the fake runtime: the same verdicts, culprits,
// removals and trial counts as one at a time, in the scenarios' order; each
// scenario's progress arrives as one block after its header, never mixed.
TEST(JobVerifyJob, SideBySideGivesTheSameAnswersInTheSameOrderAsOneAtATime) {
  FakeVerify one, two;
  auto rule = hb::testing::rules::first_of({hb::testing::rules::fails_if("ProtectSystem=strict"),
                                            hb::testing::rules::fails_if("PrivateTmp=yes"),
                                            hb::testing::rules::fails_if("LockPersonality=yes")});
  one.fake.rule = two.fake.rule = rule;
  std::vector<scenario::Scenario> scenarios{
      on_fake("strict", "NoNewPrivileges=yes\nProtectSystem=strict\nRestrictRealtime=yes\n",
              "ProtectSystem=strict"),
      on_fake("tmp", "PrivateTmp=yes\nNoNewPrivileges=yes\nRestrictSUIDSGID=yes\nProtectClock=yes\n",
              "PrivateTmp=yes"),
      on_fake("wrong", "RestrictRealtime=yes\nLockPersonality=yes\n", "RestrictRealtime=yes"),
      on_fake("personality", "LockPersonality=yes\nRestrictSUIDSGID=yes\n", "LockPersonality=yes")};
  hb::testing::RecordingStatus serial_status, parallel_status;
  VerifyRun serial = run_verify(scenarios, one.bisect, 1, serial_status);
  VerifyRun parallel = run_verify(scenarios, two.bisect, 2, parallel_status);
  EXPECT_EQ(one.most_at_once, 1);
  EXPECT_EQ(two.most_at_once, 2);
  ASSERT_EQ(parallel.results.size(), scenarios.size());
  for (size_t i = 0; i < scenarios.size(); ++i) {
    SCOPED_TRACE(scenarios[i].name);
    EXPECT_EQ(parallel.results[i].outcome.verdict, serial.results[i].outcome.verdict);
    EXPECT_EQ(parallel.results[i].outcome.found, serial.results[i].outcome.found);
    EXPECT_EQ(parallel.results[i].outcome.found_removal, serial.results[i].outcome.found_removal);
    EXPECT_EQ(parallel.results[i].job.result.trial_count, serial.results[i].job.result.trial_count);
  }
  EXPECT_EQ(serial.results[2].outcome.verdict, VerifyVerdict::Wrong);
  EXPECT_EQ(parallel.counts.ok, 3);
  EXPECT_EQ(parallel.exit_code, serial.exit_code);
  // One header per scenario, every trial told once.
  size_t headers = 0;
  for (const auto& line : parallel_status.lines) headers += line.rfind("\n== ", 0) == 0;
  EXPECT_EQ(headers, scenarios.size());
  size_t trials = 0;
  for (const auto& r : parallel.results) trials += r.job.result.trial_count;
  EXPECT_EQ(parallel_status.trials.size(), serial_status.trials.size());
  EXPECT_EQ(parallel_status.trials.size(), trials);
  runtime::Reaper::instance().drain();
}

// The blocks of one side-by-side run: each header is followed by exactly its
// scenario's events, told while it ran.
TEST(JobVerifyJob, SideBySideProgressComesInOneBlockPerScenario) {
  std::vector<scenario::Scenario> scenarios{demo("a", {{"A=yes"}}), demo("b", {{"A=yes"}}),
                                            demo("c", {{"A=yes"}})};
  VerifyBisect bisect = [](const scenario::Scenario& s, int jobs, Status& status) {
    EXPECT_EQ(jobs, 1);
    for (int i = 0; i < 3; ++i) {
      status.info(s.name + " step " + std::to_string(i));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    BisectJob job;
    job.result = found({{0}});
    return job;
  };
  hb::testing::RecordingStatus status;
  VerifyRun run = run_verify(scenarios, bisect, 2, status);
  EXPECT_EQ(run.counts.ok, 3);
  std::vector<std::string> blocks;
  for (const auto& line : status.lines)
    if (line.rfind("started", 0) != 0 && line.find(" side by side") == std::string::npos)
      blocks.push_back(line);
  ASSERT_EQ(blocks.size(), 12u);
  for (size_t b = 0; b < 3; ++b) {
    std::string name = blocks[b * 4].substr(4, 1);
    EXPECT_EQ(blocks[b * 4], "\n== " + name + " (" + ")");
    for (int i = 0; i < 3; ++i) EXPECT_EQ(blocks[b * 4 + 1 + i], name + " step " + std::to_string(i));
  }
}

// An error in one scenario (an image that cannot be built...) reaches the caller.
TEST(JobVerifyJob, SideBySideRethrowsAScenariosError) {
  std::vector<scenario::Scenario> scenarios{demo("a", {{"A=yes"}}), demo("b", {{"A=yes"}})};
  VerifyBisect bisect = [](const scenario::Scenario& s, int, Status&) -> BisectJob {
    if (s.name == "b") throw UserError("no image", "build it");
    BisectJob job;
    job.result = found({{0}});
    return job;
  };
  hb::testing::RecordingStatus status;
  EXPECT_THROW(run_verify(scenarios, bisect, 2, status), UserError);
}

}  // namespace
}  // namespace hb::job
