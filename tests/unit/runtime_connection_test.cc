#include <gtest/gtest.h>

#include "runtime/connection.h"

namespace hb::runtime {
namespace {

TEST(RuntimeConnection, SplitsRepeatedAndCommaSeparatedNamesOnce) {
  EXPECT_EQ(split_connections({"a", "b,c", " a , d,", ""}), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_TRUE(split_connections({}).empty());
  EXPECT_TRUE(split_connections({" , "}).empty());
}

TEST(RuntimeConnection, ReadsPodmansConnectionList) {
  auto entries = parse_connection_list(
      R"([{"Name":"hb-a","URI":"unix:///tmp/hb-a.sock","Identity":"","Default":true},
          {"Name":"far","URI":"ssh://root@far.example:22/run/podman/podman.sock"}])");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "hb-a");
  EXPECT_EQ(entries[1].uri, "ssh://root@far.example:22/run/podman/podman.sock");
  EXPECT_TRUE(parse_connection_list("[]").empty());
  EXPECT_TRUE(parse_connection_list("Error: not json").empty());
}

TEST(RuntimeConnection, OnlyAUnixSocketSharesThisKernelsLog) {
  EXPECT_TRUE(same_kernel("unix:///tmp/hb-a.sock"));
  EXPECT_FALSE(same_kernel("ssh://root@far/run/podman/podman.sock"));
  EXPECT_FALSE(same_kernel("tcp://localhost:8080"));
}

TEST(RuntimeConnection, ReadsWhatPodmanInfoSaysAboutTheHost) {
  // Trimmed from `podman --connection X info --format json` (Podman 4.3).
  auto info = parse_podman_info(R"({"host":{"cgroupVersion":"v1","cpus":2,"memTotal":25276502016,
      "kernel":"6.1.0","hostname":"vm","ociRuntime":{"name":"runc","path":"/usr/bin/runc"},
      "security":{"rootless":false}},"store":{"graphRoot":"/tmp/hb-remote-b/root"}})");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->cpus, 2);
  EXPECT_EQ(info->mem_total, 25276502016ULL);
  EXPECT_EQ(info->cgroup_version, "v1");
  EXPECT_EQ(info->oci_runtime, "runc");
  EXPECT_FALSE(info->rootless);
  EXPECT_EQ(info->graph_root, "/tmp/hb-remote-b/root");
  EXPECT_FALSE(parse_podman_info("Error: unable to connect to Podman socket"));
  EXPECT_FALSE(parse_podman_info(R"({"store":{}})"));
}

TEST(RuntimeConnection, SlotsFollowCoresAndMemory) {
  constexpr unsigned long long kGiB = 1024ULL * 1024 * 1024;
  EXPECT_EQ(host_slots(2, 24 * kGiB), 2);
  EXPECT_EQ(host_slots(16, 24 * kGiB), 8);  // at most 8
  EXPECT_EQ(host_slots(4, kGiB / 2), 2);    // 256 MiB a trial
  EXPECT_EQ(host_slots(0, 0), 1);           // at least 1
}

TEST(RuntimeConnection, ContainersConfSetsTheEngineRuntime) {
  EXPECT_EQ(containers_conf_runtime("runc"), "[engine]\nruntime = \"runc\"\n");
}

}  // namespace
}  // namespace hb::runtime
