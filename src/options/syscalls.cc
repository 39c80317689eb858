#include "options/syscalls.h"

#include <seccomp.h>

#include <cstdlib>

#include "util/parse.h"

namespace hb::options {

std::optional<std::string> syscall_name(int number, std::uint32_t audit_arch) {
  if (number < 0) return std::nullopt;
  // libseccomp returns a malloc'ed string the caller frees.
  char* name = seccomp_syscall_resolve_num_arch(audit_arch, number);
  if (name == nullptr) return std::nullopt;
  std::string result(name);
  std::free(name);
  return result;
}

std::optional<int> syscall_number(std::string_view name, std::uint32_t audit_arch) {
  std::string copy(name);
  int number = seccomp_syscall_resolve_name_arch(audit_arch, copy.c_str());
  if (number < 0) return std::nullopt;  // __NR_SCMP_ERROR, or a pseudo-syscall
  return number;
}

std::optional<std::uint32_t> parse_audit_arch(std::string_view hex) {
  if (hex.starts_with("0x") || hex.starts_with("0X")) hex.remove_prefix(2);
  std::optional<std::uint32_t> parsed = util::parse_integer<std::uint32_t>(hex, 16);
  if (!parsed) return std::nullopt;
  std::uint32_t value = *parsed;
  // seccomp_arch_resolve_name() wants a name; probing a syscall that exists on
  // every architecture tells us whether libseccomp knows this token.
  if (seccomp_syscall_resolve_name_arch(value, "read") < 0) return std::nullopt;
  return value;
}

}  // namespace hb::options
