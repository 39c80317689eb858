#pragma once
// Errors that reach the user. Library code throws UserError for the user's
// mistakes (bad YAML, unknown directive, missing image) and InfraError when
// the machine cannot run trials (Podman absent, image build failed). Only
// main() catches them; it prints "hardbisect: error: ..." and "hint: ...".
#include <stdexcept>
#include <string>

namespace hb {

// Exit codes follow `git bisect run` habits (see ARCHITECTURE.md).
enum ExitCode : int {
  kExitOk = 0,          // nothing breaks / check passed
  kExitCulprit = 1,     // culprit found / check failed
  kExitUsage = 2,       // usage or scenario error
  kExitUnresolved = 3,  // could not decide
  kExitInfra = 4,       // infrastructure failure
};

class UserError : public std::runtime_error {
 public:
  explicit UserError(const std::string& message, std::string hint = {}, int exit_code = kExitUsage)
      : std::runtime_error(message), m_hint(std::move(hint)), m_exit_code(exit_code) {}
  const std::string& hint() const { return m_hint; }
  int exit_code() const { return m_exit_code; }

 private:
  std::string m_hint;
  int m_exit_code;
};

// The machine, not the user's input, is at fault: exit code 4.
class InfraError : public UserError {
 public:
  explicit InfraError(const std::string& message, std::string hint = {})
      : UserError(message, std::move(hint), kExitInfra) {}
};

}  // namespace hb
