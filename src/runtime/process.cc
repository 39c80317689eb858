#include "runtime/process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <cerrno>
#include <future>
#include <ostream>

namespace bp = boost::process;

namespace hb::runtime {

namespace {
// Children get only stdin/stdout/stderr: our pipes and sockets must not leak
// into podman (and mmdebstrap's apt hooks need low fd numbers: dash cannot
// redirect to fd 11). Runs last in the child, after the redirections.
struct CloseInheritedFds : bp::extend::handler {
  template <class Executor>
  void on_exec_setup(Executor& /*executor*/) const {
    ::close_range(3, ~0U, 0);
  }
};
// Writes the login uid in the child before exec (open/write/close only:
// async-signal-safe). Failing leaves the inherited one.
struct SetLoginUid : bp::extend::handler {
  explicit SetLoginUid(std::optional<std::uint32_t> uid) {
    if (uid) text = std::to_string(*uid);
  }
  template <class Executor>
  void on_exec_setup(Executor& /*executor*/) const {
    if (text.empty()) return;
    const int fd = ::open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t ignored = ::write(fd, text.data(), text.size());
    (void)ignored;
    ::close(fd);
  }
  std::string text;
};
}  // namespace

bool login_uid_settable() {
  static const bool settable = [] {
    const pid_t child = ::fork();
    if (child < 0) return false;
    if (child == 0) {
      const int fd = ::open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC);
      const char text[] = "3000000000";
      const bool ok = fd >= 0 && ::write(fd, text, sizeof text - 1) == static_cast<ssize_t>(sizeof text - 1);
      ::_exit(ok ? 0 : 1);
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }();
  return settable;
}

std::string ProcessResult::summary() const {
  if (not_found) return "program not found on PATH";
  if (timed_out) return fmt::format("timed out after {:.1f}s", elapsed.count() / 1000.0);
  std::string text = err.empty() ? out : err;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  auto last_newline = text.rfind('\n');
  if (last_newline != std::string::npos) text = text.substr(last_newline + 1);
  if (signal != 0) return fmt::format("killed by signal {}{}{}", signal, text.empty() ? "" : ": ", text);
  return fmt::format("exit {}{}{}", exit_code, text.empty() ? "" : ": ", text);
}

ProcessResult SystemProcessRunner::run(const Argv& argv, std::chrono::milliseconds timeout) {
  return run(argv, timeout, SpawnOptions{});
}

ProcessResult SystemProcessRunner::run(const Argv& argv, std::chrono::milliseconds timeout,
                                       const SpawnOptions& options) {
  ProcessResult result;
  if (argv.empty()) {
    result.not_found = true;
    return result;
  }
  boost::filesystem::path exe =
      argv[0].find('/') != std::string::npos ? boost::filesystem::path(argv[0]) : bp::search_path(argv[0]);
  if (exe.empty() || !boost::filesystem::exists(exe)) {
    result.not_found = true;
    return result;
  }
  auto start = std::chrono::steady_clock::now();
  boost::asio::io_context io;
  std::future<std::string> out;
  std::future<std::string> err;
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  std::error_code launch_error;
  bp::child child =
      options.input
          ? bp::child(exe, bp::args(args), bp::std_in<boost::asio::buffer(*options.input), bp::std_out> out,
                      bp::std_err > err, SetLoginUid{options.login_uid}, CloseInheritedFds{}, io,
                      launch_error)
          : bp::child(exe, bp::args(args), bp::std_in<bp::null, bp::std_out> out, bp::std_err > err,
                      SetLoginUid{options.login_uid}, CloseInheritedFds{}, io, launch_error);
  if (launch_error) {
    result.not_found = true;
    result.err = launch_error.message();
    return result;
  }
  // run_for returns when the child has exited and its pipes are drained, or
  // when the timeout expires: then the watchdog kills it.
  io.run_for(timeout);
  if (!io.stopped()) {
    result.timed_out = true;
    std::error_code ignored;
    child.terminate(ignored);
    io.run_for(std::chrono::seconds(5));
  }
  std::error_code wait_error;
  child.wait(wait_error);
  int native = child.native_exit_code();
  if (WIFSIGNALED(native)) {
    result.signal = WTERMSIG(native);
  } else if (WIFEXITED(native)) {
    result.exit_code = WEXITSTATUS(native);
  }
  if (result.timed_out) result.exit_code = -1;
  if (out.wait_for(std::chrono::seconds(0)) == std::future_status::ready) result.out = out.get();
  if (err.wait_for(std::chrono::seconds(0)) == std::future_status::ready) result.err = err.get();
  result.elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  return result;
}

std::string quote_argv(const Argv& argv) {
  std::string line;
  for (const auto& arg : argv) {
    if (!line.empty()) line += ' ';
    bool plain = !arg.empty() && arg.find_first_not_of(
                                     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "0123456789-_./=:,@%+") == std::string::npos;
    if (plain) {
      line += arg;
      continue;
    }
    line += '\'';
    for (char c : arg) {
      if (c == '\'')
        line += "'\\''";
      else
        line += c;
    }
    line += '\'';
  }
  return line;
}

ProcessResult DryRunProcessRunner::run(const Argv& argv, std::chrono::milliseconds /*timeout*/) {
  m_out << "+ " << quote_argv(argv) << "\n";
  ProcessResult result;
  result.exit_code = 0;
  // `podman create` prints an id; give a recognisable fake one.
  if (argv.size() > 1 && argv[1] == "create") result.out = fmt::format("dry-run-{}\n", ++m_counter);
  return result;
}

}  // namespace hb::runtime
