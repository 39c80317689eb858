#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "fake_runtime.h"
#include "job/result_cache.h"
#include "job/trial_oracle.h"
#include "search/search.h"

namespace fs = std::filesystem;

namespace hb::job {
namespace {

using hb::testing::FakeRuntime;
job::SilentStatus silent;
namespace rules = hb::testing::rules;

trial::TrialPlan demo_plan() {
  trial::TrialPlan plan;
  plan.image = "localhost/hardbisect-bookworm:abc";
  plan.privilege = options::Privilege::SysAdmin;
  plan.privilege_auto = false;
  plan.service.unit = "demo.service";
  plan.service.unit_file = "[Service]\nExecStart=/usr/local/bin/demo\n";
  plan.service.files.push_back({"/usr/local/bin/demo", "#!/bin/sh\nexec sleep infinity\n", "0755"});
  plan.workload.command = "true";
  plan.run_id = "test";
  return plan;
}

std::vector<scenario::OptionItem> demo_options() {
  std::vector<scenario::OptionItem> items;
  for (auto [key, value] : std::vector<std::pair<std::string, std::string>>{{"NoNewPrivileges", "yes"},
                                                                            {"PrivateTmp", "yes"},
                                                                            {"ProtectSystem", "strict"},
                                                                            {"ProtectHome", "yes"},
                                                                            {"LockPersonality", "yes"},
                                                                            {"RestrictRealtime", "yes"}}) {
    options::Directive d{"Service", key, value};
    items.push_back({d.line(), {d}, {}});
  }
  return items;
}

int creates(const FakeRuntime& fake) {
  int n = 0;
  for (const auto& call : fake.calls) n += call.rfind("create ", 0) == 0;
  return n;
}

class JobResultCache : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("hb-cache-test-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
  }
  void TearDown() override { fs::remove_all(m_dir); }

  struct Run {
    search::SearchResult result;
    std::vector<bool> cached;
    int containers = 0;
  };
  // One whole search on the fake runtime, with the cache in m_dir.
  Run search(hb::testing::Rule rule, search::SearchConfig config = {}, bool with_cache = true) {
    FakeRuntime fake;
    fake.rule = std::move(rule);
    trial::TrialRunner runner(fake, demo_plan());
    std::vector<scenario::OptionItem> options = demo_options();
    TrialOracle oracle(runner, options, silent);
    oracle.set_jobs(config.jobs);
    ResultCache cache(m_dir.string(), "test");
    if (with_cache) oracle.set_cache(&cache, "sha256:0123");
    Run run;
    run.result = search::run_search(oracle, static_cast<int>(options.size()), config);
    for (const auto& entry : oracle.take_trials(run.result.trials)) run.cached.push_back(entry.cached);
    run.containers = creates(fake);
    return run;
  }
  int files_in_cache() const {
    if (!fs::exists(m_dir)) return 0;
    int n = 0;
    for (const auto& entry : fs::recursive_directory_iterator(m_dir)) n += entry.is_regular_file();
    return n;
  }

  fs::path m_dir;
};

TEST_F(JobResultCache, MissThenHitServesTheSameSearchWithoutContainers) {
  Run first = search(rules::fails_with_probability(1.0, "ProtectSystem=strict", 1));
  ASSERT_EQ(first.result.status, search::SearchStatus::Found) << first.result.message;
  EXPECT_EQ(first.result.culprits, (std::vector<search::OptionSet>{{2}}));
  EXPECT_EQ(first.containers, first.result.trial_count);
  EXPECT_EQ(std::count(first.cached.begin(), first.cached.end(), true), 0);
  EXPECT_GT(files_in_cache(), 0);

  // The rule now says "everything passes": only the cache can give the same answer.
  Run second = search(rules::passes());
  EXPECT_EQ(second.containers, 0);
  EXPECT_EQ(second.result.culprits, first.result.culprits);
  EXPECT_EQ(second.result.trial_count, first.result.trial_count);
  EXPECT_EQ(std::count(second.cached.begin(), second.cached.end(), true), second.result.trial_count);
}

TEST_F(JobResultCache, NeverStoresUnresolved) {
  FakeRuntime fake;
  fake.fail_create = true;  // podman trouble: UNRESOLVED
  trial::TrialRunner runner(fake, demo_plan());
  std::vector<scenario::OptionItem> options = demo_options();
  ResultCache cache(m_dir.string());
  TrialOracle oracle(runner, options, silent);
  oracle.set_cache(&cache, "sha256:0123");
  search::Outcome outcome = oracle.test({0, 1});
  EXPECT_EQ(outcome.verdict, search::Verdict::Unresolved);
  EXPECT_EQ(files_in_cache(), 0);
  EXPECT_EQ(cache.stores(), 0);

  // Stored directly, too: refused.
  CachedTrial entry;
  entry.result.verdict = trial::Verdict::Unresolved;
  EXPECT_FALSE(cache.store("00112233aabbccdd", entry));
  EXPECT_EQ(files_in_cache(), 0);

  // The next run of the same set goes to a container again (and this one passes).
  fake.fail_create = false;
  TrialOracle again(runner, options, silent);
  again.set_cache(&cache, "sha256:0123");
  search::Outcome served = again.test({0, 1});
  EXPECT_EQ(served.verdict, search::Verdict::Pass);
  ASSERT_NE(again.trial(served), nullptr);
  EXPECT_FALSE(again.trial(served)->cached);
  EXPECT_EQ(files_in_cache(), 1);
}

TEST_F(JobResultCache, KeyCoversWhatDecidesTheOutcome) {
  ResultCache cache(m_dir.string(), "connection=;oci=runc");
  trial::TrialPlan plan = demo_plan();
  TrialKey key{
      "sha256:0123", options::Privilege::SysAdmin, {{"Service", "ProtectSystem", "strict"}}, false, 1};
  std::string base = cache.key(plan, key);
  EXPECT_EQ(base, cache.key(plan, key));
  EXPECT_EQ(base.size(), 16u);

  auto differs = [&](trial::TrialPlan p, TrialKey k, const char* what) {
    EXPECT_NE(cache.key(p, k), base) << what;
  };
  TrialKey k = key;
  k.image_id = "sha256:4567";
  differs(plan, k, "image id");
  k = key;
  k.privilege = options::Privilege::Privileged;
  differs(plan, k, "privilege");
  k = key;
  k.directives[0].value = "full";
  differs(plan, k, "directives");
  k = key;
  k.occurrence = 2;
  differs(plan, k, "occurrence");
  k = key;
  k.calibration = true;
  differs(plan, k, "calibration");
  trial::TrialPlan p = plan;
  p.service.unit_file = "[Service]\nExecStart=/bin/other\n";
  differs(p, key, "unit file");
  p = plan;
  p.service.files[0].content += "#\n";
  differs(p, key, "files");
  p = plan;
  p.workload.command = "false";
  differs(p, key, "workload");
  p = plan;
  p.workload.timeout = std::chrono::seconds(3);
  differs(p, key, "workload timeout");
  p = plan;
  p.expect.workload_exit = 3;
  differs(p, key, "expectations");
  p = plan;
  p.timeouts.boot = std::chrono::seconds(5);
  differs(p, key, "timeouts");
  EXPECT_NE(ResultCache(m_dir.string(), "connection=remote").key(plan, key), base) << "environment";
  // Not in the key: the image's name and the run id (labels only).
  p = plan;
  p.image = "localhost/renamed:1";
  p.run_id = "other";
  EXPECT_EQ(cache.key(p, key), base);
}

TEST_F(JobResultCache, RoundTripKeepsTheWholeResult) {
  CachedTrial entry;
  trial::TrialResult& r = entry.result;
  r.verdict = trial::Verdict::Fail;
  r.cause = trial::Cause::Service;
  r.reason = "unit is failed";
  r.explanation = "sed killed by SIGSYS";
  r.notes = {"a", "b"};
  r.applied = {{"Service", "ProtectSystem", "strict"}, {"Unit", "StartLimitBurst", "4"}};
  r.exposure = 4.2;
  r.elapsed = std::chrono::milliseconds(1234);
  r.evidence.sections["journal"] = "demo[1]: Read-only file system";
  r.evidence.properties["Result"] = "exit-code";
  r.evidence.boot_state = "running";
  r.evidence.start_rc = 0;
  r.evidence.workload_rc = 1;
  r.evidence.complete = true;
  r.evidence.exposure_rows.push_back(
      {"PrivateTmp=", "Service has no access to other software's temporary files", std::nullopt, true});
  // The runner's findings are stored: a cached trial is not read again.
  r.findings.push_back(trial::Finding{"SystemCallFilter=~ptrace ~process_vm_readv",
                                      {"~process_vm_readv"},
                                      "systemd 252 does not know ~process_vm_readv",
                                      {"SystemCallFilter=~ptrace"},
                                      "",
                                      {"Failed to parse system call, ignoring: process_vm_readv"},
                                      252});
  entry.privilege_after = options::Privilege::Privileged;
  std::optional<CachedTrial> back = trial_result_from_json_text(trial_result_to_json_text(entry));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->result.verdict, trial::Verdict::Fail);
  EXPECT_EQ(back->result.cause, trial::Cause::Service);
  EXPECT_EQ(back->result.reason, r.reason);
  EXPECT_EQ(back->result.explanation, r.explanation);
  EXPECT_EQ(back->result.notes, r.notes);
  EXPECT_EQ(back->result.applied, r.applied);
  EXPECT_EQ(back->result.exposure, r.exposure);
  EXPECT_EQ(back->result.elapsed, r.elapsed);
  EXPECT_EQ(back->result.evidence.section("journal"), "demo[1]: Read-only file system");
  EXPECT_EQ(back->result.evidence.property("Result"), "exit-code");
  EXPECT_EQ(back->result.evidence.workload_rc, 1);
  EXPECT_FALSE(back->result.evidence.exposure_rows.front().exposure);
  EXPECT_EQ(back->result.findings, r.findings);
  EXPECT_EQ(back->privilege_after, options::Privilege::Privileged);
  EXPECT_FALSE(trial_result_from_json_text("{\"schema\": \"other\"}"));
  EXPECT_FALSE(trial_result_from_json_text("not json"));
}

// A flaky failure: each run of a set is its own entry, so a rerun replays
// the very same sequence of outcomes and the statistics come out the same.
TEST_F(JobResultCache, FlakySearchReplaysItsStatistics) {
  for (int jobs : {1, 4}) {
    fs::remove_all(m_dir);
    search::SearchConfig config;
    config.jobs = jobs;
    Run first = search(rules::fails_with_probability(0.5, "ProtectSystem=strict", 7), config);
    ASSERT_TRUE(first.result.flaky) << "jobs " << jobs << ": " << first.result.message;
    Run second = search(rules::passes(), config);
    EXPECT_EQ(second.containers, 0) << "jobs " << jobs;
    EXPECT_EQ(second.result.status, first.result.status);
    EXPECT_EQ(second.result.culprits, first.result.culprits);
    EXPECT_EQ(second.result.trial_count, first.result.trial_count);
    EXPECT_EQ(second.result.full_runs, first.result.full_runs);
    EXPECT_EQ(second.result.full_failures, first.result.full_failures);
    EXPECT_DOUBLE_EQ(second.result.failure_rate, first.result.failure_rate);
    EXPECT_EQ(second.result.repeats, first.result.repeats);
    EXPECT_DOUBLE_EQ(second.result.confidence, first.result.confidence);
    ASSERT_EQ(second.result.trials.size(), first.result.trials.size());
    for (size_t i = 0; i < first.result.trials.size(); ++i)
      EXPECT_EQ(second.result.trials[i].outcome.verdict, first.result.trials[i].outcome.verdict) << i;
  }
}

// An interrupted run (here: a trial budget) resumes: what it ran comes from
// the cache, the rest runs in containers.
TEST_F(JobResultCache, InterruptedRunResumes) {
  search::SearchConfig budget;
  budget.max_trials = 4;
  Run cut = search(rules::fails_with_probability(1.0, "ProtectSystem=strict", 1), budget);
  EXPECT_EQ(cut.containers, 4);
  Run resumed = search(rules::fails_with_probability(1.0, "ProtectSystem=strict", 1));
  EXPECT_EQ(resumed.result.status, search::SearchStatus::Found);
  EXPECT_EQ(std::count(resumed.cached.begin(), resumed.cached.end(), true), 4);
  EXPECT_EQ(resumed.containers, resumed.result.trial_count - 4);
  EXPECT_TRUE(resumed.cached[0] && resumed.cached[3]);
}

// issue 20: an unwritable cache is one warning for the whole run, which
// goes on; corrupt entries are one note with their count, and run again.
TEST_F(JobResultCache, AnUnwritableCacheIsOneWarningAndTheRunGoesOn) {
  fs::create_directories(m_dir);
  std::ofstream(m_dir / "plain") << "a file, not a folder\n";
  ResultCache cache((m_dir / "plain" / "cache").string(), "test");
  std::vector<std::string> warnings;
  cache.set_reporters([&](const std::string& line) { warnings.push_back(line); }, nullptr);
  EXPECT_FALSE(cache.check_writable());
  trial::TrialPlan plan = demo_plan();
  CachedTrial entry;
  entry.result.verdict = trial::Verdict::Pass;
  for (int i = 1; i <= 3; ++i)
    EXPECT_FALSE(cache.store(cache.key(plan, {"sha256:0", {}, {}, false, i}), entry));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].rfind("results will not be cached: cannot create " + (m_dir / "plain").string(), 0),
            0u)
      << warnings[0];
}

TEST_F(JobResultCache, CorruptEntriesAreCountedInOneNoteAndRunAgain) {
  Run first = search(rules::fails_with_probability(1.0, "ProtectSystem=strict", 1));
  ASSERT_EQ(first.result.status, search::SearchStatus::Found) << first.result.message;
  int corrupted = 0;
  for (const auto& file : fs::recursive_directory_iterator(m_dir))
    if (file.is_regular_file() && corrupted < 2) {
      std::ofstream(file.path(), std::ios::trunc) << (corrupted++ == 0 ? "{\"schema\": \"garbage" : "");
    }
  ASSERT_EQ(corrupted, 2);
  std::vector<std::string> notes;
  {
    FakeRuntime fake;
    fake.rule = rules::fails_with_probability(1.0, "ProtectSystem=strict", 1);
    trial::TrialRunner runner(fake, demo_plan());
    std::vector<scenario::OptionItem> options = demo_options();
    TrialOracle oracle(runner, options, silent);
    ResultCache cache(m_dir.string(), "test");
    cache.set_reporters(nullptr, [&](const std::string& line) { notes.push_back(line); });
    oracle.set_cache(&cache, "sha256:0123");
    search::SearchResult again = search::run_search(oracle, static_cast<int>(options.size()), {});
    EXPECT_EQ(again.status, search::SearchStatus::Found);
    EXPECT_EQ(creates(fake), 2) << "the two corrupt entries ran again";
    EXPECT_EQ(cache.corrupt(), 2);
  }
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].rfind("2 corrupt result cache entries in " + m_dir.string() + " ignored", 0), 0u)
      << notes[0];
}

TEST_F(JobResultCache, NoCacheRunsEverything) {
  search(rules::fails_with_probability(1.0, "ProtectSystem=strict", 1));
  Run again = search(rules::fails_with_probability(1.0, "ProtectSystem=strict", 1), {}, /*with_cache=*/false);
  EXPECT_EQ(again.containers, again.result.trial_count);
  EXPECT_EQ(std::count(again.cached.begin(), again.cached.end(), true), 0);
}

TEST(JobResultCacheDir, FollowsXdgCacheHome) {
  const char* old = std::getenv("XDG_CACHE_HOME");
  std::string saved = old ? old : "";
  setenv("XDG_CACHE_HOME", "/tmp/xdg-test", 1);
  EXPECT_EQ(default_cache_dir(), "/tmp/xdg-test/hardbisect");
  unsetenv("XDG_CACHE_HOME");
  std::string home = std::getenv("HOME") ? std::getenv("HOME") : "";
  if (!home.empty()) {
    EXPECT_EQ(default_cache_dir(), home + "/.cache/hardbisect");
  }
  if (old) setenv("XDG_CACHE_HOME", saved.c_str(), 1);
}

}  // namespace
}  // namespace hb::job
