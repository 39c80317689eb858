#include "trial/host_kernel_log.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

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

std::string HostKernelLog::read_new() {
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
  return kept;
}

}  // namespace hb::trial
