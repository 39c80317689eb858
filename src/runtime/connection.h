#pragma once
// Remote Podman hosts, as Podman names them (`podman system connection
// add NAME URI`): which connections exist, what `podman info` says about
// each host, how many trials a host takes at once, and whether its kernel
// log is this machine's.
#include <optional>
#include <string>
#include <vector>

namespace hb::runtime {

// `--connection a --connection b`, `--connection a,b` or
// HARDBISECT_CONNECTION=a,b: the names in order, each once, blanks dropped.
std::vector<std::string> split_connections(const std::vector<std::string>& given);

struct ConnectionEntry {
  std::string name;
  std::string uri;  // unix:///run/podman.sock, ssh://root@host/run/podman/podman.sock, tcp://...
};
// `podman system connection list --format json`; empty when unreadable.
std::vector<ConnectionEntry> parse_connection_list(const std::string& json);

// A unix socket is served by this machine's kernel: its kernel log is our
// /dev/kmsg. ssh:// and tcp:// may be anywhere, so theirs is not reachable.
bool same_kernel(const std::string& uri);

// What `podman info --format json` says about a host (the service's, for a connection).
struct PodmanInfo {
  int cpus = 0;
  unsigned long long mem_total = 0;  // bytes
  std::string cgroup_version;        // "v1", "v2"
  std::string oci_runtime;           // "runc", "crun"
  bool rootless = false;
  std::string kernel;
  std::string hostname;
  std::string graph_root;
};
std::optional<PodmanInfo> parse_podman_info(const std::string& json);

// Trials a host runs at once: one per core and no more than memory allows
// (a trial container with systemd takes well under 256 MiB), 1 to 8.
int host_slots(long cores, unsigned long long mem_bytes);

// The host's containers.conf lines that make a remote client's containers
// use `oci_runtime` (a remote client cannot pass --runtime).
std::string containers_conf_runtime(const std::string& oci_runtime);

}  // namespace hb::runtime
