#pragma once
// ContainerRuntime on real Podman, through a ProcessRunner (argv only).
#include <string>
#include <vector>

#include "runtime/container_runtime.h"

namespace hb::runtime {

// Flags the host needs for every container (chosen by the doctor).
struct HostFlags {
  std::string podman = "podman";     // the podman binary
  std::string oci_runtime = "runc";  // crun refuses cgroup v1 hybrid hosts
  std::vector<std::string> ulimits{"nofile=4096:4096", "nproc=4096:4096"};
  std::string connection;  // podman --connection NAME (remote host), empty = local
  bool cgroup_v2 = false;  // unified host: --cgroupns=private is enough for limits
};

class PodmanRuntime : public ContainerRuntime {
 public:
  PodmanRuntime(ProcessRunner& runner, HostFlags flags) : m_runner(runner), m_flags(std::move(flags)) {}
  ~PodmanRuntime() override;
  PodmanRuntime(const PodmanRuntime&) = delete;
  PodmanRuntime& operator=(const PodmanRuntime&) = delete;

  ProcessResult version() override;
  ProcessResult create(const ContainerSpec& spec) override;
  ProcessResult copy_in(const std::string& id, const std::string& host_dir) override;
  ProcessResult start(const std::string& id) override;
  // Tagged only without a connection: a Podman service starts the
  // container itself, not as our child.
  ProcessResult start_tagged(const std::string& id, std::uint32_t audit_uid, bool& tagged) override;
  ProcessResult exec(const std::string& id, const Argv& argv, std::chrono::milliseconds timeout) override;
  ProcessResult exec_with_input(const std::string& id, const Argv& argv, const std::string& input,
                                std::chrono::milliseconds timeout) override;
  ProcessResult logs(const std::string& id) override;
  ProcessResult remove(const std::string& id) override;
  std::vector<std::string> list(const std::string& label_filter) override;
  std::vector<std::pair<std::string, std::string>> list_owners(const std::string& label_filter) override;
  std::optional<ImageInfo> inspect_image(const std::string& name) override;
  ProcessResult import_image(const std::string& tarball, const std::string& name,
                             const std::vector<std::string>& changes) override;
  ProcessResult build_image(const std::string& context_dir, const std::string& name,
                            std::chrono::milliseconds timeout) override;
  ProcessResult build_containerfile(const BuildSpec& spec, std::chrono::milliseconds timeout) override;
  ProcessResult remove_image(const std::string& name) override;
  // A connection may be anywhere; a pool of them knows (PoolRuntime).
  bool kernel_log_here() override { return m_flags.connection.empty(); }
  ProcessResult save_image(const std::string& name, const std::string& tarball) override;
  ProcessResult load_image(const std::string& tarball) override;
  // `podman info --format json` (of the service, for a connection).
  ProcessResult info();

  // The argv of `podman create` for a spec (also shown by --dry-run).
  Argv create_argv(const ContainerSpec& spec) const;
  const HostFlags& flags() const { return m_flags; }

 private:
  Argv podman(std::initializer_list<std::string> args) const;
  ProcessRunner& m_runner;
  HostFlags m_flags;
};

}  // namespace hb::runtime
