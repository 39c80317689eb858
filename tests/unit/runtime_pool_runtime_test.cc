#include <gtest/gtest.h>

#include <atomic>
#include <sstream>

#include "fake_runtime.h"
#include "image/image_builder.h"
#include "job/trial_oracle.h"
#include "runtime/owner.h"
#include "runtime/pool_runtime.h"
#include "runtime/reaper.h"
#include "trial/trial_runner.h"

namespace hb::runtime {
namespace {

using hb::testing::FakeRuntime;

// A host whose Podman service can go away: then every call fails as a
// remote client does when its socket is gone.
class LosableRuntime : public FakeRuntime {
 public:
  std::atomic<bool> down{false};
  bool down_on_start = false;  // the service dies while the trial starts
  // Calls that fail while the host still answers (`podman version` works):
  // a copy cut off, a start the OCI runtime refused. The next ones succeed.
  int failing_copies = 0;
  int failing_starts = 0;
  std::vector<std::pair<std::string, std::string>> listed;
  std::set<std::string> images;

  static ProcessResult refused() {
    ProcessResult r;
    r.exit_code = 125;
    r.err = "Error: unable to connect to Podman socket: connection refused";
    return r;
  }
  ProcessResult version() override { return down ? refused() : FakeRuntime::version(); }
  ProcessResult create(const ContainerSpec& spec) override {
    return down ? refused() : FakeRuntime::create(spec);
  }
  ProcessResult copy_in(const std::string& id, const std::string& host_dir) override {
    if (down) return refused();
    if (failing_copies > 0) {
      --failing_copies;
      ProcessResult r;
      r.exit_code = 125;
      r.err = "Error: copying to container " + id + ": unexpected EOF";
      return r;
    }
    return FakeRuntime::copy_in(id, host_dir);
  }
  ProcessResult start(const std::string& id) override {
    if (down_on_start) down = true;
    if (down) return refused();
    if (failing_starts > 0) {
      --failing_starts;
      ProcessResult r;
      r.exit_code = 125;
      r.err = "Error: unable to start container " + id + ": runc create failed";
      return r;
    }
    return FakeRuntime::start(id);
  }
  ProcessResult remove(const std::string& id) override { return down ? refused() : FakeRuntime::remove(id); }
  ProcessResult logs(const std::string& id) override { return down ? refused() : FakeRuntime::logs(id); }
  std::vector<std::pair<std::string, std::string>> list_owners(const std::string&) override { return listed; }
  std::optional<ImageInfo> inspect_image(const std::string& name) override {
    if (!images.count(name)) return std::nullopt;
    return ImageInfo{"sha256:" + name, {}};
  }
  ProcessResult save_image(const std::string& name, const std::string& tarball) override {
    calls.push_back("save " + name);
    std::ofstream(tarball) << name;
    return ok();
  }
  ProcessResult load_image(const std::string& tarball) override {
    std::ifstream in(tarball);
    std::string name;
    in >> name;
    calls.push_back("load " + name);
    images.insert(name);
    return ok();
  }
};

ContainerSpec spec() {
  ContainerSpec spec;
  spec.image = "img";
  return spec;
}

struct Pool {
  LosableRuntime* a;
  LosableRuntime* b;
  std::vector<std::string> reports;
  std::unique_ptr<PoolRuntime> pool;
  Pool(int slots_a, int slots_b) {
    auto host_a = std::make_unique<LosableRuntime>();
    auto host_b = std::make_unique<LosableRuntime>();
    host_a->id_prefix = "a";
    host_b->id_prefix = "b";
    a = host_a.get();
    b = host_b.get();
    std::vector<PoolHost> hosts;
    hosts.push_back({"hb-a", std::move(host_a), slots_a, true});
    hosts.push_back({"hb-b", std::move(host_b), slots_b, true});
    pool = std::make_unique<PoolRuntime>(std::move(hosts),
                                         [this](const std::string& line) { reports.push_back(line); });
  }
};

TEST(RuntimePoolRuntime, EachHostTakesItsShareFromItsSlots) {
  Pool p(1, 3);
  EXPECT_EQ(p.pool->capacity(), 4);
  std::vector<std::string> ids;
  for (int i = 0; i < 8; ++i) ids.push_back(p.pool->create(spec()).out);
  EXPECT_EQ(p.pool->created_counts(), (std::vector<int>{2, 6}));
  // Every later call about a container goes to its host.
  for (const auto& id : ids) EXPECT_TRUE(p.pool->remove(id).ok());
  EXPECT_EQ(p.a->removed.size(), 2u);
  EXPECT_EQ(p.b->removed.size(), 6u);
  EXPECT_TRUE(p.pool->remove(ids.front()).ok());  // twice is safe
  EXPECT_EQ(p.a->removed.size(), 2u);
}

TEST(RuntimePoolRuntime, AFreedSlotGetsTheNextContainer) {
  Pool p(1, 1);
  std::string first = p.pool->create(spec()).out;
  std::string second = p.pool->create(spec()).out;
  EXPECT_NE(first.front(), second.front());  // one on each host
  p.pool->remove(first);
  EXPECT_EQ(p.pool->create(spec()).out.front(), first.front());
}

TEST(RuntimePoolRuntime, ALostHostIsReportedOnceAndGetsNoNewContainers) {
  Pool p(1, 1);
  std::string on_a = p.pool->create(spec()).out;
  ASSERT_EQ(on_a.front(), 'a');
  p.a->down = true;
  EXPECT_FALSE(p.pool->start(on_a).ok());
  ASSERT_EQ(p.reports.size(), 1u);
  EXPECT_NE(p.reports[0].find("connection hb-a was lost"), std::string::npos) << p.reports[0];
  EXPECT_NE(p.reports[0].find("its trials go to hb-b"), std::string::npos) << p.reports[0];
  EXPECT_TRUE(p.pool->host_lost(on_a));
  EXPECT_EQ(p.pool->capacity(), 1);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(p.pool->create(spec()).out.front(), 'b');
  EXPECT_FALSE(p.pool->logs(on_a).ok());
  EXPECT_EQ(p.reports.size(), 1u);  // once
}

TEST(RuntimePoolRuntime, CreateFailsOnlyWhenNoHostIsLeft) {
  Pool p(1, 1);
  p.a->down = true;
  EXPECT_EQ(p.pool->create(spec()).out.front(), 'b');  // a was tried, lost, skipped
  p.b->down = true;
  std::string busy = p.pool->create(spec()).err;
  EXPECT_NE(busy.find("no Podman host of the pool answers"), std::string::npos) << busy;
  EXPECT_EQ(p.reports.size(), 2u);
  EXPECT_NE(p.reports[1].find("no host is left"), std::string::npos) << p.reports[1];
}

TEST(RuntimePoolRuntime, AHostThatAnswersKeepsItsRealFailure) {
  Pool p(1, 1);
  p.a->fail_create = true;  // "image not known": the host is fine
  ProcessResult created = p.pool->create(spec());
  EXPECT_FALSE(created.ok());
  EXPECT_TRUE(p.reports.empty());
  EXPECT_EQ(p.pool->capacity(), 2);
}

TEST(RuntimePoolRuntime, GarbageCollectionReachesEveryHost) {
  Pool p(1, 1);
  p.a->listed = {{"a-left", ""}};
  p.b->listed = {{"b-left", ""}};
  std::vector<std::string> removed = collect_garbage(*p.pool, Garbage::All);
  EXPECT_EQ(removed, (std::vector<std::string>{"a-left", "b-left"}));
  EXPECT_EQ(p.a->removed, std::vector<std::string>{"a-left"});
  EXPECT_EQ(p.b->removed, std::vector<std::string>{"b-left"});
}

TEST(RuntimePoolRuntime, TheKernelLogIsHereOnlyWhenEveryHostIsThisMachine) {
  Pool p(1, 1);
  EXPECT_TRUE(p.pool->kernel_log_here());
  p.pool->configure(1, 2, false);
  EXPECT_FALSE(p.pool->kernel_log_here());
  EXPECT_EQ(p.pool->slots(1), 2);
}

trial::TrialPlan remote_plan() {
  trial::TrialPlan plan;
  plan.image = "localhost/hardbisect-bookworm:abc";
  plan.service.unit = "demo.service";
  plan.service.unit_file = "[Service]\nExecStart=/bin/sleep infinity\n";
  plan.workload.command = "true";
  plan.run_id = "test";
  plan.local_host = false;
  return plan;
}

TEST(RuntimePoolRuntime, ATrialWhoseHostIsLostRunsAgainOnAnother) {
  Pool p(1, 1);
  p.a->down_on_start = true;  // the first trial goes to a, whose service dies
  trial::TrialRunner runner(*p.pool, remote_plan());
  trial::TrialResult result = runner.run({});
  EXPECT_EQ(result.verdict, trial::Verdict::Pass) << result.reason;
  EXPECT_EQ(p.reports.size(), 1u);
  EXPECT_NE(std::find(p.b->calls.begin(), p.b->calls.end(), "start b1"), p.b->calls.end());
  // Its container on the lost host stays known for `gc`; nothing is left on b.
  EXPECT_TRUE(p.a->removed.empty());
  EXPECT_EQ(p.b->removed, std::vector<std::string>{"b1"});
  Reaper::instance().untrack("a1");
}

// Trouble of a host that still answers (a copy or a start that failed) is
// the harness's, never the service's: UNRESOLVED with the reason, and the
// host keeps its place in the pool.
TEST(RuntimePoolRuntime, AFailedCopyOrStartOnAHostIsUnresolvedNeverFail) {
  for (bool copy : {true, false}) {
    Pool p(1, 1);
    (copy ? p.a->failing_copies : p.a->failing_starts) = 1;
    p.a->rule = hb::testing::rules::fails_if("ProtectSystem=strict");
    trial::TrialRunner runner(*p.pool, remote_plan());
    trial::TrialResult result = runner.run({{"Service", "ProtectSystem", "strict"}});
    EXPECT_EQ(result.verdict, trial::Verdict::Unresolved) << result.reason;
    EXPECT_EQ(result.cause, trial::Cause::Harness);
    EXPECT_NE(result.reason.find(copy ? "podman cp failed" : "podman start failed"), std::string::npos)
        << result.reason;
    EXPECT_TRUE(p.reports.empty());  // not lost: it answers
    EXPECT_EQ(p.pool->capacity(), 2);
    EXPECT_EQ(p.a->removed, std::vector<std::string>{"a1"});  // nothing left behind
  }
}

// Through the search: the trial hit by the host's trouble is UNRESOLVED in
// the log, the same set runs again, and the answer is the one without trouble.
TEST(RuntimePoolRuntime, ATrialHitByAHostsTroubleRunsAgainAndTheAnswerHolds) {
  for (bool copy : {true, false}) {
    Pool p(1, 1);
    for (LosableRuntime* host : {p.a, p.b}) host->rule = hb::testing::rules::fails_if("ProtectSystem=strict");
    trial::TrialPlan plan = remote_plan();
    plan.privilege = options::Privilege::SysAdmin;
    plan.remove_in_background = false;
    trial::TrialRunner runner(*p.pool, plan);
    std::vector<scenario::OptionItem> items;
    for (auto [key, value] : std::vector<std::pair<std::string, std::string>>{{"NoNewPrivileges", "yes"},
                                                                              {"PrivateTmp", "yes"},
                                                                              {"ProtectSystem", "strict"},
                                                                              {"ProtectHome", "yes"}}) {
      options::Directive d{"Service", key, value};
      items.push_back({d.line(), {d}, {}});
    }
    job::SilentStatus silent;
    job::TrialOracle oracle(runner, items, silent);
    // The full set's first run (the second trial) is the one hit.
    search::SearchConfig config;
    // After the baseline, whichever host the full set goes to fails it once.
    config.on_trial = [&](const search::TrialRecord& t) {
      for (LosableRuntime* host : {p.a, p.b})
        (copy ? host->failing_copies : host->failing_starts) = t.index == 0;
    };
    const search::SearchResult r = search::run_search(oracle, 4, config);
    ASSERT_EQ(r.status, search::SearchStatus::Found) << r.message;
    EXPECT_EQ(r.culprits, (std::vector<search::OptionSet>{{2}}));
    EXPECT_FALSE(r.flaky);
    ASSERT_GE(r.trials.size(), 3u);
    EXPECT_EQ(r.trials[1].options, (search::OptionSet{0, 1, 2, 3}));
    EXPECT_EQ(r.trials[1].outcome.verdict, search::Verdict::Unresolved);
    EXPECT_NE(r.trials[1].outcome.reason.find(copy ? "podman cp failed" : "podman start failed"),
              std::string::npos)
        << r.trials[1].outcome.reason;
    EXPECT_EQ(r.trials[2].options, r.trials[1].options);  // run again
    EXPECT_EQ(r.trials[2].outcome.verdict, search::Verdict::Fail);
    for (const auto& t : r.trials)
      if (t.outcome.verdict == search::Verdict::Fail)
        EXPECT_TRUE(std::count(t.options.begin(), t.options.end(), 2));
    EXPECT_TRUE(p.reports.empty());
  }
}

TEST(RuntimePoolRuntime, ImagesAreSentOnlyToHostsThatLackThem) {
  Pool p(1, 1);
  LosableRuntime local;
  std::ostringstream dry;
  DryRunProcessRunner process(dry);
  image::ImageBuilder images(local, process, image::default_images_dir(), [](const std::string&) {});
  std::string name = images.base_recipe("bookworm").name;
  local.images.insert(name);
  p.b->images.insert(name);
  images.set_hosts({{"hb-a", p.a}, {"hb-b", p.b}});
  EXPECT_EQ(images.ensure(image::ImageRequest{"bookworm", {}}), name);
  EXPECT_EQ(local.calls, std::vector<std::string>{"save " + name});
  EXPECT_EQ(p.a->calls, std::vector<std::string>{"load " + name});
  EXPECT_TRUE(p.b->calls.empty());
  // Every host has it now: nothing is built, saved or sent again.
  EXPECT_EQ(images.ensure(image::ImageRequest{"bookworm", {}}), name);
  EXPECT_EQ(local.calls.size(), 1u);
  EXPECT_EQ(p.a->calls.size(), 1u);
}

}  // namespace
}  // namespace hb::runtime
