#pragma once
// The seam to the container engine. The trial runner, the image builder and
// the reaper only see this interface; PodmanRuntime drives real Podman, tests
// use a FakeRuntime that simulates a systemd container.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "options/privilege.h"
#include "runtime/process.h"

namespace hb::runtime {

using options::Privilege;

// Label put on everything hardbisect creates, so `gc` can find leftovers.
inline constexpr const char* kLabel = "io.hardbisect";

struct BindMount {
  std::string host_path;
  std::string container_path;
  bool read_only = true;
};

struct ContainerSpec {
  std::string image;
  std::vector<BindMount> mounts;
  Privilege privilege = Privilege::Minimal;
  std::map<std::string, std::string> labels;  // added to kLabel=1
  Argv command{"/sbin/init"};
};

// `podman build` of a user's Containerfile (image/containerfile.h): the file
// lives outside the context, and layer caching is off so that neither a
// finished nor a failed build leaves intermediate images behind.
struct BuildSpec {
  std::string containerfile;
  std::string context_dir;
  std::string name;
};

struct ImageInfo {
  std::string id;
  std::map<std::string, std::string> labels;
};

class ContainerRuntime {
 public:
  virtual ~ContainerRuntime() = default;

  // The engine's version string; not_found when it is not installed.
  virtual ProcessResult version() = 0;

  // Creates (does not start) a container; returns its id in out.
  virtual ProcessResult create(const ContainerSpec& spec) = 0;
  // Copies the contents of host_dir into the container's root.
  virtual ProcessResult copy_in(const std::string& id, const std::string& host_dir) = 0;
  virtual ProcessResult start(const std::string& id) = 0;
  // start(id) with the container's processes carrying `audit_uid` as their
  // audit login uid (SpawnOptions::login_uid), where its kernel log is read
  // here (kernel_log_here()); elsewhere, or when this process cannot set it,
  // just start(id). True in `tagged` when they carry it.
  virtual ProcessResult start_tagged(const std::string& id, std::uint32_t audit_uid, bool& tagged) {
    (void)audit_uid;
    tagged = false;
    return start(id);
  }
  virtual ProcessResult exec(const std::string& id, const Argv& argv, std::chrono::milliseconds timeout) = 0;
  // exec() with `input` on the command's stdin (`podman exec -i`): how a
  // secret reaches a container without an argv, a file or the environment.
  virtual ProcessResult exec_with_input(const std::string& id, const Argv& argv, const std::string& input,
                                        std::chrono::milliseconds timeout) {
    (void)argv;
    (void)input;
    (void)timeout;
    return unsupported("exec with input in " + id);
  }
  virtual ProcessResult logs(const std::string& id) = 0;
  // Removes the container whatever its state; safe to call twice.
  virtual ProcessResult remove(const std::string& id) = 0;
  // Ids of containers carrying our label (optionally label=value too).
  virtual std::vector<std::string> list(const std::string& label_filter) = 0;
  // The same with each one's owner label (runtime/owner.h); "" = unknown.
  virtual std::vector<std::pair<std::string, std::string>> list_owners(const std::string& label_filter) {
    std::vector<std::pair<std::string, std::string>> listed;
    for (auto& id : list(label_filter)) listed.emplace_back(std::move(id), std::string());
    return listed;
  }

  virtual std::optional<ImageInfo> inspect_image(const std::string& name) = 0;
  // `podman import TARBALL NAME` with Dockerfile-style changes.
  virtual ProcessResult import_image(const std::string& tarball, const std::string& name,
                                     const std::vector<std::string>& changes) = 0;
  // `podman build -t NAME CONTEXT` (Containerfile inside the context).
  virtual ProcessResult build_image(const std::string& context_dir, const std::string& name,
                                    std::chrono::milliseconds timeout) = 0;
  virtual ProcessResult build_containerfile(const BuildSpec& spec, std::chrono::milliseconds timeout) = 0;
  virtual ProcessResult remove_image(const std::string& name) = 0;
  // `podman save` to a file and `podman load` from one: how an image built
  // here reaches a remote host (same image id there).
  virtual ProcessResult save_image(const std::string& name, const std::string& tarball) {
    return unsupported("save " + name + " " + tarball);
  }
  virtual ProcessResult load_image(const std::string& tarball) { return unsupported("load " + tarball); }

  // The containers run on this machine's kernel: its log (/dev/kmsg) holds
  // their seccomp and OOM kills.
  virtual bool kernel_log_here() { return true; }

  // A pool of hosts (runtime/pool_runtime.h): true when the host of `id`
  // was lost and another host can run the trial again.
  virtual bool host_lost(const std::string& id) {
    (void)id;
    return false;
  }

 protected:
  static ProcessResult unsupported(const std::string& what) {
    ProcessResult result;
    result.exit_code = 125;
    result.err = "not supported by this runtime: " + what;
    return result;
  }
};

}  // namespace hb::runtime
