#include "trial/host_kernel_log.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <random>
#include <sstream>

#include "trial/explain.h"

namespace hb::trial {

std::unique_ptr<HostKernelLog> HostKernelLog::open_at_end() {
  int fd = ::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return nullptr;
  if (::lseek(fd, 0, SEEK_END) < 0) {
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<HostKernelLog>(new HostKernelLog(fd));
}

HostKernelLog::~HostKernelLog() { ::close(m_fd); }

bool relevant_kernel_message(const std::string& message) {
  for (const char* needle :
       {"type=1326", "oom-kill:", "Killed process", "out of memory", "invoked oom-killer"})
    if (message.find(needle) != std::string::npos) return true;
  return false;
}

std::optional<bool> pid_in_container(int pid, const std::string& container_id, const std::string& proc_root) {
  if (pid <= 0 || container_id.empty()) return std::nullopt;
  std::ifstream file(proc_root + "/" + std::to_string(pid) + "/cgroup");
  if (!file) return std::nullopt;
  std::stringstream text;
  text << file.rdbuf();
  if (text.str().empty()) return std::nullopt;
  return text.str().find(container_id) != std::string::npos;
}

std::uint32_t new_audit_tag() {
  static std::mutex mutex;
  static std::mt19937 rng{std::random_device{}()};
  const std::lock_guard<std::mutex> lock(mutex);
  return kAuditTagFirst + std::uniform_int_distribution<std::uint32_t>(0, kAuditTagCount - 1)(rng);
}

namespace {
bool another_trials(const SeccompRecord& record, std::optional<std::uint32_t> audit_tag) {
  return is_audit_tag(record.auid) && record.auid != audit_tag;
}
}  // namespace

std::string own_kernel_messages(const std::string& messages, const std::string& container_id,
                                std::optional<std::uint32_t> audit_tag, const std::string& proc_root) {
  std::string kept;
  std::istringstream lines(messages);
  for (std::string line; std::getline(lines, line);) {
    if (auto record = parse_seccomp_record(line);
        record && (another_trials(*record, audit_tag) ||
                   (!(audit_tag && record->auid == audit_tag) &&
                    pid_in_container(record->pid, container_id, proc_root) == false)))
      continue;
    kept += line + "\n";
  }
  return kept;
}

std::string HostKernelLog::read_new(const std::string& container_id, std::optional<std::uint32_t> audit_tag) {
  // One record per read(): "PRIO,SEQ,USEC,FLAGS;message\n" then
  // continuation lines (" KEY=value") we do not need.
  std::string kept;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(m_fd, buffer, sizeof buffer - 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) continue;  // records overwritten before we read them
    if (n <= 0) break;                      // EAGAIN: nothing more for now
    std::string record(buffer, static_cast<size_t>(n));
    size_t semicolon = record.find(';');
    if (semicolon == std::string::npos) continue;
    std::string message = record.substr(semicolon + 1, record.find('\n', semicolon) - semicolon - 1);
    if (relevant_kernel_message(message)) kept += message + "\n";
  }
  return own_kernel_messages(kept, container_id, audit_tag);
}

}  // namespace hb::trial
