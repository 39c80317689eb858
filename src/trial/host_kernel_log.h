#pragma once
// This host's kernel log, from a point on: where seccomp kills (audit
// type=1326) and OOM kills of the trial's service are logged. Unprivileged
// containers cannot read it, so the trial runner reads /dev/kmsg on the host
// around the trial, when the containers run on this host.
#include <memory>
#include <string>

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
  // record's prefix.
  std::string read_new();

 private:
  explicit HostKernelLog(int fd) : m_fd(fd) {}
  int m_fd;
};

// Whether a kernel message is worth keeping as evidence.
bool relevant_kernel_message(const std::string& message);

}  // namespace hb::trial
