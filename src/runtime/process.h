#pragma once
// Running child processes: argv in, exit code and output out, always bounded
// by a timeout. The seam below Podman: SystemProcessRunner runs for real
// (Boost.Process), DryRunProcessRunner only prints the argv it would run.
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace hb::runtime {

using Argv = std::vector<std::string>;

struct ProcessResult {
  int exit_code = -1;      // -1 when it did not run to completion
  int signal = 0;          // the signal that ended it, if any
  bool timed_out = false;  // killed by our watchdog
  bool not_found = false;  // the program is not on PATH
  std::string out;
  std::string err;
  std::chrono::milliseconds elapsed{0};
  bool ok() const { return exit_code == 0 && !timed_out && !not_found; }
  // One line for messages: "exit 125: Error: no such image" / "timed out after 30s".
  std::string summary() const;
};

// How a child starts, beyond its argv.
struct SpawnOptions {
  // The audit login uid the child (and every process it starts, a local
  // container's included) carries: the kernel writes it as auid= in each
  // seccomp record, which tells one trial's records from another's.
  std::optional<std::uint32_t> login_uid;
  // What the child reads on its stdin (then end of file); without it, /dev/null.
  std::optional<std::string> input;
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  virtual ProcessResult run(const Argv& argv, std::chrono::milliseconds timeout) = 0;
  // run(argv, timeout) started as `options` say; by default the options are
  // not honoured (a fake, a dry run).
  virtual ProcessResult run(const Argv& argv, std::chrono::milliseconds timeout,
                            const SpawnOptions& options) {
    (void)options;
    return run(argv, timeout);
  }
};

// Runs the program found on PATH; on timeout kills it (SIGKILL) and says so.
class SystemProcessRunner : public ProcessRunner {
 public:
  ProcessResult run(const Argv& argv, std::chrono::milliseconds timeout) override;
  // A login uid the child cannot take (no CAP_AUDIT_CONTROL, or the kernel
  // makes it immutable) is left as it is.
  ProcessResult run(const Argv& argv, std::chrono::milliseconds timeout,
                    const SpawnOptions& options) override;
};

// Whether this process may give its children a login uid of their own
// (SpawnOptions::login_uid): tried once in a forked child, then remembered.
bool login_uid_settable();

// Prints each argv (shell-quoted, for copy and paste) and pretends success,
// answering a few queries so a dry run can go through a whole trial.
class DryRunProcessRunner : public ProcessRunner {
 public:
  explicit DryRunProcessRunner(std::ostream& out) : m_out(out) {}
  ProcessResult run(const Argv& argv, std::chrono::milliseconds timeout) override;

 private:
  std::ostream& m_out;
  int m_counter = 0;
};

// "a b 'c d'": quoting for display only; we never hand strings to a shell.
std::string quote_argv(const Argv& argv);

}  // namespace hb::runtime
