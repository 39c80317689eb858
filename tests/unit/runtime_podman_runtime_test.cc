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
  ProcessResult run(const Argv& argv, std::chrono::milliseconds) override {
    seen.push_back(argv);
    ProcessResult r;
    r.exit_code = 0;
    r.out = "abc123\n";
    return r;
  }
};

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
