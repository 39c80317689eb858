#pragma once
// The host doctor: can this machine run trials, with which Podman flags, and
// which hardening options can systemd enforce at which privilege level here.
#include <string>
#include <vector>

#include "runtime/container_runtime.h"
#include "runtime/podman_runtime.h"

namespace hb::runtime {

struct HostFacts {
  bool cgroup_v2_unified = false;  // /sys/fs/cgroup is cgroup2
  bool cgroup_hybrid = false;      // v1 with v2 at /sys/fs/cgroup/unified
  bool has_cap_sys_admin = false;  // we may grant SYS_ADMIN to containers
  bool has_cap_sys_resource = false;
  bool runc_found = false;
  bool crun_found = false;
  unsigned long nofile_hard = 0;
  unsigned long nproc_hard = 0;
  std::string cgroup_layout() const;  // "v2 (unified)", "v1 hybrid (v2 at /sys/fs/cgroup/unified)", "v1"
};

// Reads the host's facts from /proc and /sys (no processes).
HostFacts read_host_facts();

// The flags every container needs on this host, from its facts: runc on
// cgroup v1 (crun refuses hybrid layouts), ulimits within the hard limits.
HostFlags choose_host_flags(const HostFacts& facts);

struct DoctorCheck {
  enum class Status { Ok, Warn, Fail };
  Status status = Status::Ok;
  std::string what;    // "podman", "OCI runtime", ...
  std::string detail;  // what was found
  std::string fix;     // how to fix it (for Warn and Fail)
};

struct DoctorReport {
  HostFacts facts;
  HostFlags flags;
  std::vector<DoctorCheck> checks;
  // A remote host (--connection): its name, and the lines its
  // containers.conf needs (empty when none).
  std::string connection;
  std::string containers_conf;
  bool can_run_trials() const;
};

// Full check: facts, Podman's version, and (when `smoke_image` is not empty
// and present) a real boot of systemd in a container with the chosen flags.
DoctorReport run_doctor(ContainerRuntime& runtime, const HostFacts& facts, const HostFlags& flags,
                        const std::string& smoke_image);

// A remote host (a connection at `uri`): what its service's `podman info`
// says (OCI runtime, cgroups, rootless or not, cores and memory), whether
// its kernel log is reachable from here, and a boot test with `smoke_image`
// (when present there). A remote client cannot pass --runtime: when the
// service's runtime would refuse the host's cgroups, the report says what
// to put in the host's containers.conf.
DoctorReport run_remote_doctor(PodmanRuntime& host, const std::string& uri, const std::string& smoke_image);

}  // namespace hb::runtime
