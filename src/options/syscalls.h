#pragma once
// System call numbers to names and back, through libseccomp. The kernel's
// seccomp audit lines carry "arch=c000003e syscall=260"; the arch is an
// AUDIT_ARCH_* value, which is also libseccomp's SCMP_ARCH_* token.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hb::options {

// 0 means the native architecture (libseccomp's SCMP_ARCH_NATIVE).
inline constexpr std::uint32_t kNativeArch = 0;

// "fchownat" for 260 on x86_64; nullopt when libseccomp does not know it.
std::optional<std::string> syscall_name(int number, std::uint32_t audit_arch = kNativeArch);

// The reverse; nullopt when the name is unknown on that architecture.
std::optional<int> syscall_number(std::string_view name, std::uint32_t audit_arch = kNativeArch);

// Parses the hex "arch=" field of an audit line ("c000003e"); nullopt when
// malformed or not an architecture libseccomp knows.
std::optional<std::uint32_t> parse_audit_arch(std::string_view hex);

}  // namespace hb::options
