#include <gtest/gtest.h>

#include <sstream>

#include "fake_runtime.h"
#include "image/image_builder.h"
#include "job/check_job.h"
#include "runtime/process.h"
#include "runtime/reaper.h"
#include "util/error.h"

namespace hb::job {
namespace {

// A trial of `phase` that systemd-analyze security rated `exposure` (nullopt: unrated).
TrialEntry rated(search::Phase phase, std::optional<double> exposure, int index) {
  TrialEntry entry;
  entry.record.index = index;
  entry.record.phase = phase;
  entry.result.exposure = exposure;
  return entry;
}

// A finished bisection: baseline and full set rated as given; with a safe
// subset's trial when `safe` is set.
BisectJob finished(search::SearchStatus status, std::optional<double> full = std::nullopt,
                   std::optional<double> safe = std::nullopt) {
  BisectJob job;
  job.result.status = status;
  job.trials.push_back(rated(search::Phase::Baseline, 9.6, 0));
  job.trials.push_back(rated(search::Phase::Full, full, 1));
  if (status == search::SearchStatus::Found) {
    job.trials.push_back(rated(search::Phase::Safe, safe, 2));
    job.result.safe_trial = 2;
    job.result.culprits = {{0}};
  }
  for (const auto& entry : job.trials) job.result.trials.push_back(entry.record);
  job.result.trial_count = static_cast<int>(job.trials.size());
  return job;
}

CheckOutcome judge(const BisectJob& job, std::optional<double> threshold = std::nullopt) {
  return judge_check(job, job_exposures(job.result, job.trials), threshold);
}

TEST(JobCheckJob, ExposuresComeFromTheBaselineFullAndSafeTrials) {
  BisectJob job = finished(search::SearchStatus::Found, 4.1, 5.3);
  // A later, rated run of the full set: the first rated one counts.
  job.trials.insert(job.trials.begin() + 1, rated(search::Phase::Full, std::nullopt, 1));
  job.result.trials.insert(job.result.trials.begin() + 1, job.trials[1].record);
  job.result.safe_trial = 3;
  Exposures e = job_exposures(job.result, job.trials);
  EXPECT_EQ(e.baseline, 9.6);
  EXPECT_EQ(e.full, 4.1);
  EXPECT_EQ(e.safe, 5.3);
  job.result.safe_trial = -1;  // no verified safe subset
  EXPECT_FALSE(job_exposures(job.result, job.trials).safe);
}

TEST(JobCheckJob, NothingBreaksPassesWithExit0) {
  CheckOutcome outcome = judge(finished(search::SearchStatus::NothingBreaks, 3.2));
  EXPECT_EQ(outcome.verdict, CheckVerdict::Pass);
  EXPECT_EQ(outcome.exit_code, kExitOk);
  EXPECT_EQ(outcome.threshold_note, "");
}

TEST(JobCheckJob, ExposureAboveTheThresholdFailsAPassWithExit1) {
  CheckOutcome outcome = judge(finished(search::SearchStatus::NothingBreaks, 3.2), 3.0);
  EXPECT_EQ(outcome.verdict, CheckVerdict::Fail);
  EXPECT_EQ(outcome.exit_code, kExitCulprit);
  EXPECT_EQ(outcome.threshold_note, "the template's exposure 3.2 is above --threshold 3.0");
}

TEST(JobCheckJob, ExposureAtOrBelowTheThresholdPasses) {
  EXPECT_EQ(judge(finished(search::SearchStatus::NothingBreaks, 3.0), 3.0).exit_code, kExitOk);
  EXPECT_EQ(judge(finished(search::SearchStatus::NothingBreaks, 1.5), 3.0).verdict, CheckVerdict::Pass);
}

TEST(JobCheckJob, UnmeasuredExposureWithAThresholdIsUnresolvedExit3) {
  CheckOutcome outcome = judge(finished(search::SearchStatus::NothingBreaks, std::nullopt), 5.0);
  EXPECT_EQ(outcome.verdict, CheckVerdict::Unresolved);
  EXPECT_EQ(outcome.exit_code, kExitUnresolved);
  EXPECT_NE(outcome.threshold_note.find("could not be measured"), std::string::npos);
  // Without --threshold an unrated template still passes.
  EXPECT_EQ(judge(finished(search::SearchStatus::NothingBreaks, std::nullopt)).exit_code, kExitOk);
}

TEST(JobCheckJob, CulpritsFailWithExit1AndTheThresholdOnlyAddsANote) {
  CheckOutcome plain = judge(finished(search::SearchStatus::Found, 8.0, 4.0));
  EXPECT_EQ(plain.verdict, CheckVerdict::Fail);
  EXPECT_EQ(plain.exit_code, kExitCulprit);
  EXPECT_EQ(plain.threshold_note, "");
  EXPECT_EQ(judge(finished(search::SearchStatus::Found, 8.0, 4.0), 5.0).threshold_note, "");
  CheckOutcome above = judge(finished(search::SearchStatus::Found, 8.0, 6.5), 5.0);
  EXPECT_EQ(above.exit_code, kExitCulprit);
  EXPECT_EQ(above.threshold_note, "the safe subset's exposure 6.5 is also above --threshold 5.0");
  CheckOutcome unrated = judge(finished(search::SearchStatus::Found, 8.0, std::nullopt), 5.0);
  EXPECT_EQ(unrated.exit_code, kExitCulprit);
  EXPECT_EQ(unrated.threshold_note, "the safe subset's exposure could not be measured for --threshold");
}

TEST(JobCheckJob, NoAnswerIsUnresolvedWithTheBisectionsExitCode) {
  CheckOutcome baseline = judge(finished(search::SearchStatus::BaselineFails), 5.0);
  EXPECT_EQ(baseline.verdict, CheckVerdict::Unresolved);
  EXPECT_EQ(baseline.exit_code, kExitUsage);
  EXPECT_EQ(baseline.threshold_note, "");
  EXPECT_EQ(judge(finished(search::SearchStatus::FlakyBaseline)).exit_code, kExitUnresolved);
  BisectJob unresolved = finished(search::SearchStatus::Unresolved);
  EXPECT_EQ(judge(unresolved).exit_code, kExitUnresolved);
  unresolved.infrastructure_trouble = true;  // no container could run: infrastructure
  CheckOutcome infra = judge(unresolved);
  EXPECT_EQ(infra.verdict, CheckVerdict::Unresolved);
  EXPECT_EQ(infra.exit_code, kExitInfra);
}

CheckOutcome coded(int code) { return {CheckVerdict::Unresolved, code, {}, {}}; }

TEST(JobCheckJob, AnyFailureIsTheAnswerElseTheWorstCode) {
  EXPECT_EQ(check_exit_code({}), kExitOk);
  EXPECT_EQ(check_exit_code({coded(kExitOk), coded(kExitOk)}), kExitOk);
  EXPECT_EQ(check_exit_code({coded(kExitInfra), coded(kExitCulprit), coded(kExitUnresolved)}), kExitCulprit);
  EXPECT_EQ(check_exit_code({coded(kExitOk), coded(kExitUnresolved), coded(kExitInfra)}), kExitInfra);
  EXPECT_EQ(check_exit_code({coded(kExitUsage), coded(kExitOk)}), kExitUsage);
  EXPECT_EQ(overall_verdict(kExitOk), CheckVerdict::Pass);
  EXPECT_EQ(overall_verdict(kExitCulprit), CheckVerdict::Fail);
  EXPECT_EQ(overall_verdict(kExitInfra), CheckVerdict::Unresolved);
  EXPECT_STREQ(check_verdict_name(CheckVerdict::Unresolved), "unresolved");
}

TEST(JobCheckJob, WithTemplateReplacesTheOptionsAndDropsExpectCulprits) {
  scenario::Scenario s;
  s.name = "demo";
  s.options = {{"PrivateTmp=yes", {{"Service", "PrivateTmp", "yes"}}, {}}};
  s.expect_culprits = {{"PrivateTmp=yes"}};
  s.warnings = {"own warning"};
  scenario::ParsedTemplate parsed =
      scenario::parse_template_string("[Service]\nNoNewPrivileges=yes\nProtectSystem=strict\n", "t.conf");
  parsed.warnings.push_back("t.conf:9: section [Install] skipped");
  scenario::Scenario checked = with_template(s, parsed, "templates/t.conf");
  ASSERT_EQ(checked.options.size(), 2u);
  EXPECT_EQ(checked.options[1].name, "ProtectSystem=strict");
  EXPECT_EQ(checked.template_file, "templates/t.conf");
  EXPECT_TRUE(checked.expect_culprits.empty());
  EXPECT_EQ(checked.warnings,
            (std::vector<std::string>{"own warning", "t.conf:9: section [Install] skipped"}));
}

TEST(JobCheckJob, RunCheckJudgesEachScenarioAndJoinsTheCodes) {
  std::vector<scenario::Scenario> scenarios(3);
  scenarios[0].name = "passes";
  scenarios[1].name = "too-exposed";
  scenarios[2].name = "breaks";
  BisectRunner bisect = [](const scenario::Scenario& s) {
    if (s.name == "passes") return finished(search::SearchStatus::NothingBreaks, 2.0);
    if (s.name == "too-exposed") return finished(search::SearchStatus::NothingBreaks, 7.0);
    return finished(search::SearchStatus::Found, 8.0, 3.0);
  };
  std::vector<std::string> heard;
  CheckHooks hooks;
  hooks.started = [&](const scenario::Scenario& s) { heard.push_back("start " + s.name); };
  hooks.finished = [&](const scenario::Scenario& s, const CheckResult& r) {
    heard.push_back(s.name + " " + check_verdict_name(r.outcome.verdict));
  };
  CheckRun run = run_check(scenarios, 5.0, bisect, hooks);
  EXPECT_EQ(heard, (std::vector<std::string>{"start passes", "passes pass", "start too-exposed",
                                             "too-exposed fail", "start breaks", "breaks fail"}));
  ASSERT_EQ(run.results.size(), 3u);
  EXPECT_EQ(run.results[1].exposures.full, 7.0);
  EXPECT_EQ(run.exit_code, kExitCulprit);
  // Without a threshold only the culprit fails; alone, the passing one exits 0.
  EXPECT_EQ(run_check({scenarios[0], scenarios[1]}, std::nullopt, bisect).exit_code, kExitOk);
}

// The whole path on the fake runtime: a template the service breaks under
// ProtectSystem=strict fails with exit 1 and that culprit; one it survives
// passes, but not a --threshold the fake's unrated unit cannot be judged by.
TEST(JobCheckJob, OnTheFakeRuntimeACulpritFailsAndAPassIsJudgedByThreshold) {
  hb::testing::FakeRuntime fake;
  fake.rule = [](const std::string& dropin) {
    hb::testing::FakeTrial t;
    t.main_status = "NoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t2\nCapBnd:\t000001ffffffffff";
    if (dropin.find("ProtectSystem=strict") != std::string::npos) {
      t.workload_rc = 1;
      t.show =
          "LoadState=loaded\nActiveState=failed\nSubState=failed\nResult=exit-code\nExecMainCode=1\n"
          "ExecMainStatus=3\nNRestarts=0\nMainPID=0";
      t.main_status = "";
    }
    return t;
  };
  std::ostringstream dry;
  runtime::DryRunProcessRunner process(dry);
  image::ImageBuilder images(fake, process, image::default_images_dir(), [](const std::string&) {});
  SilentStatus silent;
  BisectRunner bisect = [&](const scenario::Scenario& s) {
    // Not local: no host kernel log, no background removal.
    return run_bisect_job(fake, images, s, search::SearchConfig{}, silent, nullptr, false);
  };
  scenario::Scenario s;
  s.name = "demo";
  s.image.name = "localhost/hardbisect-test:1";
  s.service.unit = "demo.service";
  s.service.unit_file = "[Service]\nExecStart=/bin/sleep infinity\n";
  s.workload.command = "true";
  s.privilege = options::Privilege::SysAdmin;
  auto templated = [&](const std::string& dropin) {
    return with_template(s, scenario::parse_template_string(dropin, "t.conf"), "t.conf");
  };
  scenario::Scenario breaking =
      templated("[Service]\nNoNewPrivileges=yes\nProtectSystem=strict\nLockPersonality=yes\n");
  CheckRun broken = run_check({breaking}, std::nullopt, bisect);
  ASSERT_EQ(broken.results.size(), 1u);
  EXPECT_EQ(broken.exit_code, kExitCulprit);
  EXPECT_EQ(broken.results[0].outcome.verdict, CheckVerdict::Fail);
  ASSERT_EQ(broken.results[0].job.result.culprits.size(), 1u) << broken.results[0].job.result.message;
  EXPECT_EQ(option_names(breaking, broken.results[0].job.result.culprits[0]),
            std::vector<std::string>{"ProtectSystem=strict"});
  scenario::Scenario surviving = templated("[Service]\nNoNewPrivileges=yes\nLockPersonality=yes\n");
  EXPECT_EQ(run_check({surviving}, std::nullopt, bisect).exit_code, kExitOk);
  CheckRun judged = run_check({surviving}, 5.0, bisect);
  EXPECT_EQ(judged.results[0].outcome.verdict, CheckVerdict::Unresolved);
  EXPECT_EQ(judged.exit_code, kExitUnresolved);
  runtime::Reaper::instance().drain();
}

// A template with a line systemd ignores does not say what it means: the
// check fails (exit 1) unless --allow-ignored, which passes it with a note.
TEST(JobCheckJob, IgnoredLinesFailACheckUnlessAllowed) {
  BisectJob job = finished(search::SearchStatus::NothingBreaks, 8.0);
  trial::Finding finding;
  finding.line = "PrivatePIDs=yes";
  finding.advice = "needs systemd 257: ignored on 252";
  job.findings.push_back(finding);
  Exposures e = job_exposures(job.result, job.trials);
  CheckOutcome failed = judge_check(job, e, std::nullopt);
  EXPECT_EQ(failed.verdict, CheckVerdict::Fail);
  EXPECT_EQ(failed.exit_code, kExitCulprit);
  EXPECT_NE(failed.findings_note.find("--allow-ignored"), std::string::npos);
  CheckOutcome allowed = judge_check(job, e, std::nullopt, true);
  EXPECT_EQ(allowed.verdict, CheckVerdict::Pass);
  EXPECT_EQ(allowed.exit_code, kExitOk);
  EXPECT_NE(allowed.findings_note.find("allowed"), std::string::npos);
  // A culprit stays the answer; findings only add their note.
  BisectJob found = finished(search::SearchStatus::Found, 4.0, 5.0);
  found.findings = job.findings;
  EXPECT_EQ(judge_check(found, job_exposures(found.result, found.trials), std::nullopt).exit_code,
            kExitCulprit);
  job.findings.clear();
  EXPECT_EQ(judge_check(job, e, std::nullopt).verdict, CheckVerdict::Pass);
}

// On a fake systemd 252: the whole path from the ignored line to the job's findings.
TEST(JobCheckJob, OnTheFakeRuntimeIgnoredLinesAreTheJobsFindings) {
  hb::testing::FakeRuntime fake;
  fake.systemd_version = 252;
  std::ostringstream dry;
  runtime::DryRunProcessRunner process(dry);
  image::ImageBuilder images(fake, process, image::default_images_dir(), [](const std::string&) {});
  SilentStatus silent;
  BisectRunner bisect = [&](const scenario::Scenario& s) {
    return run_bisect_job(fake, images, s, search::SearchConfig{}, silent, nullptr, false);
  };
  scenario::Scenario s;
  s.name = "demo";
  s.image.name = "localhost/hardbisect-test:1";
  s.service.unit = "demo.service";
  s.service.unit_file = "[Service]\nExecStart=/bin/sleep infinity\n";
  s.workload.command = "true";
  s.privilege = options::Privilege::SysAdmin;
  scenario::Scenario templated = with_template(
      s,
      scenario::parse_template_string(
          "[Service]\nNoNewPrivileges=yes\nSystemCallFilter=~ptrace ~process_vm_readv\nPrivatePIDs=yes\n",
          "t.conf"),
      "t.conf");
  CheckRun run = run_check({templated}, std::nullopt, bisect);
  ASSERT_EQ(run.results.size(), 1u);
  EXPECT_EQ(run.results[0].job.result.status, search::SearchStatus::NothingBreaks)
      << run.results[0].job.result.message;
  ASSERT_EQ(run.results[0].job.findings.size(), 2u);
  EXPECT_EQ(run.results[0].job.findings[0].corrected,
            (std::vector<std::string>{"SystemCallFilter=~ptrace", "SystemCallFilter=~process_vm_readv"}));
  EXPECT_EQ(run.exit_code, kExitCulprit);
  EXPECT_EQ(run_check({templated}, std::nullopt, bisect, {}, true).exit_code, kExitOk);
  runtime::Reaper::instance().drain();
}

}  // namespace
}  // namespace hb::job
