#pragma once
// How much a trial container may do. systemd silently skips sandboxing it
// cannot set up, so this decides which options can be enforced at all; the
// catalogue gives each directive the least level that enforces it on a
// cgroup v1 hybrid host like ours (see ARCHITECTURE.md "Privilege").
#include <optional>
#include <string_view>

#include "util/names.h"

namespace hb::options {

enum class Privilege {
  Minimal,     // default Podman capabilities: seccomp, capabilities, NoNewPrivileges
  SysAdmin,    // --cap-add SYS_ADMIN (+ NET_ADMIN): mount namespaces, Protect*, Private*
  Privileged,  // --privileged --cgroupns=private: cgroup v1 limits, BPF
};

// The one spelling, in scenarios, flags, reports and the cache.
inline constexpr auto kPrivilegeNames = std::to_array<util::EnumName<Privilege>>({
    {Privilege::Minimal, "minimal"},
    {Privilege::SysAdmin, "sys-admin"},
    {Privilege::Privileged, "privileged"},
});
const char* privilege_name(Privilege privilege);
std::optional<Privilege> parse_privilege(std::string_view name);

// The container flags that give systemd the privilege, as the doctor prints
// them: "none", "--cap-add SYS_ADMIN", "--privileged --cgroupns=private".
std::string_view privilege_flags(Privilege privilege);

// A scenario's choice: a level, or nullopt for "auto" (the least that
// enforces its options). "auto" or the level's name.
const char* requested_privilege_name(const std::optional<Privilege>& requested);

}  // namespace hb::options
