#pragma once
// Several Podman hosts as one ContainerRuntime (`--connection a --connection
// b`): each new container goes to the live host with the most room for its
// share (slots from its cores and memory, runtime/connection.h host_slots),
// and every later call about it to that host. A host that stops answering
// is reported once and gets no new containers; the trials it held may run
// again on the others (host_lost). No scheduling beyond that: Podman on
// each host runs the containers.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "runtime/container_runtime.h"

namespace hb::runtime {

struct PoolHost {
  std::string name;  // the connection's name, for messages
  std::unique_ptr<ContainerRuntime> runtime;
  int slots = 1;             // trials it takes at once (its share)
  bool same_kernel = false;  // its kernel log is this machine's /dev/kmsg
};

class PoolRuntime : public ContainerRuntime {
 public:
  // `report` hears a host that was lost (from any thread).
  using Report = std::function<void(const std::string&)>;
  PoolRuntime(std::vector<PoolHost> hosts, Report report);

  size_t size() const { return m_hosts.size(); }
  const std::string& name(size_t host) const { return m_hosts.at(host).host.name; }
  ContainerRuntime& host(size_t host) { return *m_hosts.at(host).host.runtime; }
  ~PoolRuntime() override;
  PoolRuntime(const PoolRuntime&) = delete;
  PoolRuntime& operator=(const PoolRuntime&) = delete;
  // What the host's `podman info` and its connection's URI say.
  void configure(size_t host, int slots, bool same_kernel);
  int slots(size_t host) const { return m_hosts.at(host).host.slots; }
  // The sum of the live hosts' slots: the default --jobs of a pool.
  int capacity() const;
  // Containers each host was given so far (for reports and tests).
  std::vector<int> created_counts() const;
  bool lost(size_t host) const;
  // Every host's kernel log is this machine's.
  bool same_kernel() const;

  ProcessResult version() override;
  ProcessResult create(const ContainerSpec& spec) override;
  ProcessResult copy_in(const std::string& id, const std::string& host_dir) override;
  ProcessResult start(const std::string& id) override;
  ProcessResult start_tagged(const std::string& id, std::uint32_t audit_uid, bool& tagged) override;
  ProcessResult exec(const std::string& id, const Argv& argv, std::chrono::milliseconds timeout) override;
  ProcessResult exec_with_input(const std::string& id, const Argv& argv, const std::string& input,
                                std::chrono::milliseconds timeout) override;
  ProcessResult logs(const std::string& id) override;
  ProcessResult remove(const std::string& id) override;
  std::vector<std::string> list(const std::string& label_filter) override;
  std::vector<std::pair<std::string, std::string>> list_owners(const std::string& label_filter) override;
  // The image as every live host has it; nullopt when one lacks it.
  std::optional<ImageInfo> inspect_image(const std::string& name) override;
  ProcessResult import_image(const std::string& tarball, const std::string& name,
                             const std::vector<std::string>& changes) override;
  ProcessResult build_image(const std::string& context_dir, const std::string& name,
                            std::chrono::milliseconds timeout) override;
  ProcessResult build_containerfile(const BuildSpec& spec, std::chrono::milliseconds timeout) override;
  ProcessResult remove_image(const std::string& name) override;
  ProcessResult load_image(const std::string& tarball) override;
  bool host_lost(const std::string& id) override;
  bool kernel_log_here() override { return same_kernel(); }

 private:
  struct Host {
    PoolHost host;
    int in_flight = 0;
    int created = 0;
    bool lost = false;
  };
  // The live host with the lowest load for its share, reserved; -1 = none left.
  int reserve();
  // The host of a container; -1 when unknown.
  int where(const std::string& id);
  // After a failed call: is the host still there? Marks and reports it lost if not.
  void check(int host, const ProcessResult& failed);
  ProcessResult on_host(const std::string& id, const std::function<ProcessResult(ContainerRuntime&)>& call);
  std::vector<size_t> live() const;

  mutable std::mutex m_mutex;
  std::vector<Host> m_hosts;
  std::map<std::string, int> m_where;  // container -> host
  std::set<std::string> m_counted;     // created here: in their host's in_flight
  Report m_report;
};

}  // namespace hb::runtime
