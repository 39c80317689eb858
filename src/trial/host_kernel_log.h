#pragma once
// This host's kernel log, from a point on: where seccomp kills (audit
// type=1326) and OOM kills of the trial's service are logged. Unprivileged
// containers cannot read it, so the trial runner reads /dev/kmsg on the host
// around the trial, when the containers run on this host.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "trial/explain.h"

namespace hb::trial {

class HostKernelLog {
 public:
  // Starts at the end of the log; nullptr when the log cannot be read
  // (not root, dmesg_restrict, no /dev/kmsg).
  static std::unique_ptr<HostKernelLog> open_at_end();
  ~HostKernelLog();
  HostKernelLog(const HostKernelLog&) = delete;
  HostKernelLog& operator=(const HostKernelLog&) = delete;

  // The messages logged since open (or the last call) that explain a
  // failure: seccomp records and OOM lines, one per line, without the
  // record's prefix. Other containers run on this kernel too: a seccomp
  // record of a process still alive in another cgroup than the container
  // `container_id`'s is left out (one whose process is gone cannot be told
  // apart and is kept; explain.h ties kills to the service by name).
  // `audit_tag`: the login uid the container's processes carry (see
  // new_audit_tag), when they do.
  std::string read_new(const std::string& container_id, std::optional<std::uint32_t> audit_tag);

 private:
  explicit HostKernelLog(int fd) : m_fd(fd) {}
  int m_fd;
};

// Whether a kernel message is worth keeping as evidence.
bool relevant_kernel_message(const std::string& message);

// Whether process `pid` runs in the container `container_id` (its cgroup, as
// `proc_root`/PID/cgroup names it, contains the ID); nullopt when the process
// is gone or the ID is empty.
std::optional<bool> pid_in_container(int pid, const std::string& container_id,
                                     const std::string& proc_root = "/proc");

// A new audit tag (explain.h, kAuditTagFirst), drawn at random.
std::uint32_t new_audit_tag();

// Keeps the lines of `messages` not known to come from another container:
// a seccomp record (type=1326) carrying another trial's audit tag (auid= in
// the tag range but not `audit_tag`), or whose pid= is alive outside
// `container_id`, is dropped.
std::string own_kernel_messages(const std::string& messages, const std::string& container_id,
                                std::optional<std::uint32_t> audit_tag,
                                const std::string& proc_root = "/proc");

}  // namespace hb::trial
