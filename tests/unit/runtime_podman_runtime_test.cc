#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "runtime/doctor.h"
#include "runtime/podman_runtime.h"

namespace hb::runtime {
namespace {

class RecordingRunner : public ProcessRunner {
 public:
  std::vector<Argv> seen;
  std::vector<std::optional<std::uint32_t>> login_uids;  // per run, as spawned
  ProcessResult run(const Argv& argv, std::chrono::milliseconds) override {
    seen.push_back(argv);
    login_uids.push_back(std::nullopt);
    ProcessResult r;
    r.exit_code = 0;
    r.out = "abc123\n";
    return r;
  }
  ProcessResult run(const Argv& argv, std::chrono::milliseconds timeout,
                    const SpawnOptions& options) override {
    ProcessResult r = run(argv, timeout);
    login_uids.back() = options.login_uid;
    return r;
  }
};

// A local container's processes are podman start's descendants: they carry
// the audit tag given to it. A service's (a connection) are not.
TEST(RuntimePodmanRuntime, StartTagsLocalContainersOnly) {
  RecordingRunner runner;
  HostFlags flags;
  PodmanRuntime local(runner, flags);
  bool tagged = false;
  local.start_tagged("c1", 0xB0000001, tagged);
  EXPECT_EQ(tagged, login_uid_settable());
  EXPECT_EQ(runner.seen.back(), (Argv{"podman", "start", "c1"}));
  if (tagged) EXPECT_EQ(runner.login_uids.back(), 0xB0000001u);
  flags.connection = "hb-a";
  PodmanRuntime remote(runner, flags);
  remote.start_tagged("c2", 0xB0000002, tagged);
  EXPECT_FALSE(tagged);
  EXPECT_EQ(runner.login_uids.back(), std::nullopt);
}

TEST(RuntimeProcess, AChildCarriesTheLoginUidItWasGiven) {
  if (!login_uid_settable()) GTEST_SKIP() << "no CAP_AUDIT_CONTROL here";
  SystemProcessRunner runner;
  ProcessResult r =
      runner.run({"cat", "/proc/self/loginuid"}, std::chrono::seconds(10), SpawnOptions{0xB0000042});
  EXPECT_EQ(r.out, std::to_string(0xB0000042u));
}

bool contains_sequence(const Argv& argv, const Argv& part) {
  return std::search(argv.begin(), argv.end(), part.begin(), part.end()) != argv.end();
}

TEST(RuntimePodmanRuntime, CreateUsesHostFlagsAndPrivilege) {
  RecordingRunner runner;
  HostFlags flags;
  PodmanRuntime podman(runner, flags);
  ContainerSpec spec;
  spec.image = "localhost/img:1";
  spec.privilege = Privilege::SysAdmin;
  spec.labels["io.hardbisect.run"] = "r1";
  ProcessResult created = podman.create(spec);
  EXPECT_EQ(created.out, "abc123");  // trimmed id
  const Argv& argv = runner.seen.at(0);
  EXPECT_TRUE(contains_sequence(argv, {"--runtime", "runc"}));
  EXPECT_TRUE(contains_sequence(argv, {"--ulimit", "nofile=4096:4096"}));
  EXPECT_TRUE(contains_sequence(argv, {"--cap-add", "SYS_ADMIN"}));
  EXPECT_TRUE(contains_sequence(argv, {"--label", "io.hardbisect=1"}));
  EXPECT_TRUE(contains_sequence(argv, {"--label", "io.hardbisect.run=r1"}));
  EXPECT_TRUE(contains_sequence(argv, {"localhost/img:1", "/sbin/init"}));
  EXPECT_FALSE(contains_sequence(argv, {"--privileged"}));

  spec.privilege = Privilege::Privileged;
  Argv privileged = podman.create_argv(spec);
  EXPECT_TRUE(contains_sequence(privileged, {"--privileged", "--cgroupns=private"}));
}

// Podman 4.3's remote client has no --runtime ("unknown flag: --runtime",
// exit 125): a connection's containers use the service's runtime.
TEST(RuntimePodmanRuntime, RemoteCreateAndBuildLeaveTheRuntimeToTheService) {
  RecordingRunner runner;
  HostFlags flags;
  flags.connection = "hb-a";
  PodmanRuntime remote(runner, flags);
  ContainerSpec spec;
  spec.image = "localhost/img:1";
  Argv argv = remote.create_argv(spec);
  EXPECT_TRUE(contains_sequence(argv, {"podman", "--connection", "hb-a", "create"}));
  EXPECT_FALSE(contains_sequence(argv, {"--runtime"}));
  EXPECT_TRUE(contains_sequence(argv, {"--ulimit", "nofile=4096:4096"}));
  remote.build_image("/tmp/ctx", "localhost/img:2", std::chrono::seconds(1));
  EXPECT_FALSE(contains_sequence(runner.seen.at(0), {"--runtime"}));
  EXPECT_FALSE(remote.kernel_log_here());

  PodmanRuntime local(runner, HostFlags{});
  EXPECT_TRUE(contains_sequence(local.create_argv(spec), {"--runtime", "runc"}));
  EXPECT_TRUE(local.kernel_log_here());
}

TEST(RuntimePodmanRuntime, ImagesTravelBySaveAndLoad) {
  RecordingRunner runner;
  HostFlags flags;
  flags.connection = "hb-b";
  PodmanRuntime remote(runner, flags);
  PodmanRuntime local(runner, HostFlags{});
  local.save_image("localhost/img:1", "/tmp/x/image.tar");
  remote.load_image("/tmp/x/image.tar");
  EXPECT_EQ(runner.seen.at(0), (Argv{"podman", "save", "-o", "/tmp/x/image.tar", "localhost/img:1"}));
  EXPECT_EQ(runner.seen.at(1), (Argv{"podman", "--connection", "hb-b", "load", "-i", "/tmp/x/image.tar"}));
}

TEST(RuntimePodmanRuntime, RemoteConnectionComesFirst) {
  RecordingRunner runner;
  HostFlags flags;
  flags.connection = "builder";
  PodmanRuntime podman(runner, flags);
  podman.exec("abc", {"true"}, std::chrono::seconds(1));
  EXPECT_EQ(runner.seen.at(0), (Argv{"podman", "--connection", "builder", "exec", "abc", "true"}));
}

TEST(RuntimePodmanRuntime, DryRunPrintsQuotedArgv) {
  std::ostringstream out;
  DryRunProcessRunner dry(out);
  PodmanRuntime podman(dry, HostFlags{});
  podman.exec("dry-run-1", {"sh", "-c", "curl -sf 'http://x/'"}, std::chrono::seconds(1));
  EXPECT_EQ(out.str(), "+ podman exec dry-run-1 sh -c 'curl -sf '\\''http://x/'\\'''\n");
}

TEST(RuntimeDoctor, RuncOnCgroupV1EvenWhenCrunIsThere) {
  HostFacts facts;
  facts.cgroup_hybrid = true;
  facts.runc_found = true;
  facts.crun_found = true;
  facts.nofile_hard = 1024;
  facts.nproc_hard = 100000;
  HostFlags flags = choose_host_flags(facts);
  EXPECT_EQ(flags.oci_runtime, "runc");
  EXPECT_EQ(flags.ulimits, (std::vector<std::string>{"nofile=1024:1024", "nproc=4096:4096"}));
  facts.cgroup_v2_unified = true;
  facts.runc_found = false;
  EXPECT_EQ(choose_host_flags(facts).oci_runtime, "crun");
}

TEST(RuntimeProcess, TimeoutKillsAndSays) {
  SystemProcessRunner runner;
  ProcessResult r = runner.run({"sleep", "5"}, std::chrono::milliseconds(200));
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(r.elapsed.count(), 3000);
  ProcessResult missing = runner.run({"no-such-program-hb"}, std::chrono::seconds(1));
  EXPECT_TRUE(missing.not_found);
  ProcessResult ok = runner.run({"sh", "-c", "echo out; echo err >&2; exit 3"}, std::chrono::seconds(5));
  EXPECT_EQ(ok.exit_code, 3);
  EXPECT_EQ(ok.out, "out\n");
  EXPECT_EQ(ok.err, "err\n");
  EXPECT_EQ(ok.summary(), "exit 3: err");
}

}  // namespace
}  // namespace hb::runtime
