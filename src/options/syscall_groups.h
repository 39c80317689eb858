#pragma once
// systemd's named system call groups ("@chown", "@system-service", ...), as
// systemd 252 defines them, so a seccomp kill on fchown can be turned into
// "add SystemCallFilter=@chown" and a filter value can be expanded to the
// syscalls it allows.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hb::options {

struct SyscallGroup {
  std::string_view name;                      // with the leading "@"
  std::string_view description;               // systemd's one-line help
  std::span<const std::string_view> members;  // syscalls and nested "@groups", as systemd lists them
};

// The table of systemd 252 (Debian 252.38), in systemd's order; "@known" last.
std::span<const SyscallGroup> syscall_groups();

// Lookup by name with the "@" ("@chown"); nullptr when unknown.
const SyscallGroup* find_syscall_group(std::string_view name);

// Group names, for "did you mean".
std::vector<std::string> syscall_group_names();

// All syscall names a group allows, nested groups expanded recursively;
// sorted, unique. nullopt when the group is unknown.
std::optional<std::vector<std::string>> expand_syscall_group(std::string_view name);

// Whether the group allows the syscall, directly or through a nested group.
bool group_contains(std::string_view group, std::string_view syscall);

// The groups that allow the syscall, directly or through nesting, smallest
// (most specific) first. "@known" is left out unless include_known.
std::vector<std::string> groups_containing(std::string_view syscall, bool include_known = false);

// Whether the syscall is in systemd's "@known" list.
bool is_known_syscall(std::string_view syscall);

// Whether a SystemCallFilter= value lets the syscall through. An allow list
// always lets "@default" through too (systemd adds it); a "~" deny list lets
// through what it does not name. Elements may carry ":errno".
bool syscall_filter_allows(std::string_view filter_value, std::string_view syscall);
// The same for several SystemCallFilter= lines of one unit, as systemd merges
// them: the first line decides the mode; in an allow list a later "~" line
// removes calls, in a deny list a later allow line re-allows them
// (`SystemCallFilter=~@chown` then `SystemCallFilter=fchown` lets fchown through).
bool syscall_filter_lines_allow(const std::vector<std::string>& filter_values, std::string_view syscall);

}  // namespace hb::options
