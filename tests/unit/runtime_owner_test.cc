#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <thread>

#include "runtime/owner.h"
#include "runtime/podman_runtime.h"
#include "runtime/reaper.h"

namespace hb::runtime {
namespace {

namespace fs = std::filesystem;

// An owner string for another process of this machine and boot.
std::string owner_of(pid_t pid, const std::string& ticks) {
  std::string mine = current_owner();
  size_t second = mine.find(':', mine.find(':') + 1);
  return mine.substr(0, second + 1) + std::to_string(pid) + ":" + ticks;
}

TEST(RuntimeOwner, ThisProcessIsAliveAndAnEndedOneIsGone) {
  EXPECT_EQ(owner_liveness(current_owner()), Liveness::Alive);
  pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  EXPECT_EQ(owner_liveness(owner_of(child, "12345")), Liveness::Gone);
  // Same pid, other start time: the pid was reused, the owner is gone.
  EXPECT_EQ(owner_liveness(owner_of(getpid(), "1")), Liveness::Gone);
}

TEST(RuntimeOwner, OtherMachinesAndGarbageAreNotJudged) {
  EXPECT_EQ(owner_liveness("othermachine:boot:1:1"), Liveness::Unknown);
  EXPECT_EQ(owner_liveness(""), Liveness::Unknown);
  EXPECT_EQ(owner_liveness("garbage"), Liveness::Unknown);
}

TEST(RuntimeOwner, StageFoldersOfEndedRunsGoOthersStay) {
  fs::path dir = fs::temp_directory_path() / ("hb-owner-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  fs::create_directories(dir / ("hardbisect-trial-" + std::to_string(child) + "-abc123"));  // ended run
  fs::create_directories(dir / (stage_prefix() + "def456"));                                // this run
  fs::create_directories(dir / "hardbisect-trial-1-ghi789");  // pid 1 lives: not ours to remove
  fs::create_directories(dir / "unrelated");
  EXPECT_EQ(remove_stage_folders(dir.string(), false), 1);
  EXPECT_FALSE(fs::exists(dir / ("hardbisect-trial-" + std::to_string(child) + "-abc123")));
  EXPECT_TRUE(fs::exists(dir / (stage_prefix() + "def456")));
  EXPECT_TRUE(fs::exists(dir / "hardbisect-trial-1-ghi789"));
  EXPECT_EQ(remove_stage_folders(dir.string(), true), 1);  // an interrupted run removes its own
  EXPECT_FALSE(fs::exists(dir / (stage_prefix() + "def456")));
  EXPECT_TRUE(fs::exists(dir / "unrelated"));
  fs::remove_all(dir);
}

// Podman through a runner that records argv and answers `ps` with owners.
class ListingRunner : public ProcessRunner {
 public:
  std::vector<Argv> seen;
  std::string ps_out;
  std::chrono::milliseconds rm_takes{0};
  ProcessResult run(const Argv& argv, std::chrono::milliseconds) override {
    if (argv.size() > 1 && argv[1] == "rm") std::this_thread::sleep_for(rm_takes);
    std::lock_guard lock(m_mutex);
    seen.push_back(argv);
    ProcessResult r;
    r.exit_code = 0;
    if (argv.size() > 1 && argv[1] == "ps") r.out = ps_out;
    if (argv.size() > 1 && argv[1] == "create") r.out = "new-id\n";
    return r;
  }
  int removes(const std::string& id) {
    std::lock_guard lock(m_mutex);
    int n = 0;
    for (const auto& argv : seen) n += argv.size() > 1 && argv[1] == "rm" && argv.back() == id;
    return n;
  }

 private:
  std::mutex m_mutex;
};

TEST(RuntimeOwner, GcRemovesOnlyContainersOfEndedRuns) {
  pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  ListingRunner runner;
  runner.ps_out = "live " + current_owner() + "\nended " + owner_of(child, "77") +
                  "\nremote othermachine:b:1:1\nold <no value>\n";
  PodmanRuntime podman(runner, HostFlags{});
  std::vector<std::string> removed = collect_garbage(podman, Garbage::Orphans);
  EXPECT_EQ(removed, std::vector<std::string>{"ended"});
  EXPECT_EQ(runner.removes("live"), 0);
  EXPECT_EQ(collect_garbage(podman, Garbage::All).size(), 4u);
}

TEST(RuntimeOwner, CreatesCarryTheOwnerAndAreRefusedAfterShutdown) {
  ListingRunner runner;
  PodmanRuntime podman(runner, HostFlags{});
  ContainerSpec spec;
  spec.image = "img";
  Argv argv = podman.create_argv(spec);
  EXPECT_NE(std::find(argv.begin(), argv.end(), std::string(kOwnerLabel) + "=" + current_owner()),
            argv.end());
}

TEST(RuntimeOwner, ShutdownWaitsForCreatesInFlightAndRemovesThem) {
  ListingRunner runner;
  runner.rm_takes = std::chrono::milliseconds(300);
  PodmanRuntime podman(runner, HostFlags{});
  Reaper reaper;  // not the process's singleton: this one is shut down
  reaper.track(&podman, "tracked");
  ASSERT_TRUE(reaper.begin_create());
  reaper.begin_stage();
  std::thread creating([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    reaper.end_create(&podman, "in-flight");  // podman finished creating after the interrupt
  });
  std::thread staging([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    reaper.end_stage();  // the last window closes while "in-flight" is still being removed
  });
  // The process ends right after shutdown: the container created late must
  // be gone by then, not left to a `podman rm` the exit cuts short.
  EXPECT_EQ(reaper.shutdown(std::chrono::seconds(10)), 2);
  EXPECT_EQ(runner.removes("in-flight"), 1);
  EXPECT_EQ(runner.removes("tracked"), 1);
  creating.join();
  staging.join();
  EXPECT_FALSE(reaper.begin_create());  // no new container after an interrupt
}

}  // namespace
}  // namespace hb::runtime
