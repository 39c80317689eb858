#pragma once
// The catalogue of hardening directives hardbisect knows: where each goes,
// what its value looks like, how a list value splits into elements, the least
// container privilege at which systemd really enforces it, and how to prove it
// was enforced.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "options/directive.h"
#include "options/privilege.h"
#include "util/names.h"

namespace hb::options {

enum class ValueKind {
  Bool,               // yes/no/true/false/1/0/on/off
  Enum,               // one of a fixed set (ProtectSystem=strict|full|yes|no)
  String,             // free text (User=, UMask=...)
  Number,             // integer (StartLimitBurst=)
  Size,               // bytes with K/M/G/T suffix, or infinity/percentage (MemoryMax=)
  Duration,           // time span (StartLimitIntervalSec=90s)
  Percent,            // CPUQuota=
  PathList,           // space-separated paths, with - and + prefixes
  SyscallList,        // syscall names and @groups, optional ~ and :errno
  CapabilityList,     // CAP_* names, optional ~
  AddressFamilyList,  // AF_* names, optional ~, or none
  NamespaceList,      // cgroup ipc net mnt pid user uts, optional ~, or yes/no
  IpList,             // addresses/prefixes and any/localhost/link-local/multicast
  ArchList,           // native, x86-64, ...
  WordList,           // other space-separated lists (SupplementaryGroups=, RestrictFileSystems=...)
};
inline constexpr auto kValueKindNames = std::to_array<util::EnumName<ValueKind>>({
    {ValueKind::Bool, "bool"},
    {ValueKind::Enum, "enum"},
    {ValueKind::String, "string"},
    {ValueKind::Number, "number"},
    {ValueKind::Size, "size"},
    {ValueKind::Duration, "duration"},
    {ValueKind::Percent, "percent"},
    {ValueKind::PathList, "path-list"},
    {ValueKind::SyscallList, "syscall-list"},
    {ValueKind::CapabilityList, "capability-list"},
    {ValueKind::AddressFamilyList, "address-family-list"},
    {ValueKind::NamespaceList, "namespace-list"},
    {ValueKind::IpList, "ip-list"},
    {ValueKind::ArchList, "arch-list"},
    {ValueKind::WordList, "word-list"},
});

// Enforcement probes: one per kind of evidence, read from the running main
// process (trial/probes.cc implements some of them; None = the directive is
// not probed). Their names, as `doctor --options` prints them:
//   no_new_privs    /proc/PID/status NoNewPrivs: 1
//   seccomp         /proc/PID/status Seccomp: 2 (a filter is installed)
//   cap_bounding    /proc/PID/status CapBnd lacks what the value drops
//   cap_ambient     /proc/PID/status CapAmb
//   user, groups    /proc/PID/status Uid/Gid, Groups
//   umask           /proc/PID/status Umask
//   readonly_paths  /proc/PID/mountinfo: the paths are mounted ro (ProtectSystem=:
//                   /usr; strict also /etc)
//   hidden_paths    /proc/PID/mountinfo: the paths are inaccessible or tmpfs
//   noexec_paths    /proc/PID/mountinfo: noexec on the paths
//   private_tmp     /proc/PID/mountinfo: /tmp is not the host's /tmp
//   private_devices /proc/PID/mountinfo: /dev is a private tmpfs
//   proc_options    /proc/PID/mountinfo: /proc has hidepid= / subset=pid
//   root_directory  /proc/PID/root differs from PID 1's
//   directories     the *Directory= paths exist, owned by the service user
//   namespace:mnt|net|ipc|uts|user|pid
//                   /proc/PID/ns/<type> differs from PID 1's
//   cgroup_memory, cgroup_pids, cgroup_cpu, cgroup_cpuset, cgroup_io, cgroup_devices
//                   the unit's cgroup files (memory.max or memory.limit_in_bytes,
//                   pids.max, cpu.max or cpu.cfs_quota_us, ...)
//   cgroup_bpf      BPF programs attached to the unit's cgroup
//   bpf_lsm         the BPF LSM program of RestrictFileSystems= is loaded
//   rlimit          /proc/PID/limits
//   oom_score_adj, nice, sched, ioprio, cpu_affinity, coredump_filter,
//   personality, environ, cwd, ksm
//                   the matching /proc/PID file or syscall
enum class Probe {
  None,
  NoNewPrivs,
  Seccomp,
  CapBounding,
  CapAmbient,
  User,
  Groups,
  Umask,
  ReadonlyPaths,
  HiddenPaths,
  NoexecPaths,
  PrivateTmp,
  PrivateDevices,
  ProcOptions,
  RootDirectory,
  Directories,
  NamespaceMnt,
  NamespaceNet,
  NamespaceIpc,
  NamespaceUts,
  NamespaceUser,
  NamespacePid,
  CgroupMemory,
  CgroupPids,
  CgroupCpu,
  CgroupCpuset,
  CgroupIo,
  CgroupDevices,
  CgroupBpf,
  BpfLsm,
  Rlimit,
  OomScoreAdj,
  Nice,
  Sched,
  Ioprio,
  CpuAffinity,
  CoredumpFilter,
  Personality,
  Environ,
  Cwd,
  Ksm
};
// clang-format off
inline constexpr auto kProbeNames = std::to_array<util::EnumName<Probe>>({
    {Probe::None, ""}, {Probe::NoNewPrivs, "no_new_privs"}, {Probe::Seccomp, "seccomp"},
    {Probe::CapBounding, "cap_bounding"}, {Probe::CapAmbient, "cap_ambient"}, {Probe::User, "user"},
    {Probe::Groups, "groups"}, {Probe::Umask, "umask"}, {Probe::ReadonlyPaths, "readonly_paths"},
    {Probe::HiddenPaths, "hidden_paths"}, {Probe::NoexecPaths, "noexec_paths"},
    {Probe::PrivateTmp, "private_tmp"}, {Probe::PrivateDevices, "private_devices"},
    {Probe::ProcOptions, "proc_options"}, {Probe::RootDirectory, "root_directory"},
    {Probe::Directories, "directories"}, {Probe::NamespaceMnt, "namespace:mnt"},
    {Probe::NamespaceNet, "namespace:net"}, {Probe::NamespaceIpc, "namespace:ipc"},
    {Probe::NamespaceUts, "namespace:uts"}, {Probe::NamespaceUser, "namespace:user"},
    {Probe::NamespacePid, "namespace:pid"}, {Probe::CgroupMemory, "cgroup_memory"},
    {Probe::CgroupPids, "cgroup_pids"}, {Probe::CgroupCpu, "cgroup_cpu"},
    {Probe::CgroupCpuset, "cgroup_cpuset"}, {Probe::CgroupIo, "cgroup_io"},
    {Probe::CgroupDevices, "cgroup_devices"}, {Probe::CgroupBpf, "cgroup_bpf"}, {Probe::BpfLsm, "bpf_lsm"},
    {Probe::Rlimit, "rlimit"}, {Probe::OomScoreAdj, "oom_score_adj"}, {Probe::Nice, "nice"},
    {Probe::Sched, "sched"}, {Probe::Ioprio, "ioprio"}, {Probe::CpuAffinity, "cpu_affinity"},
    {Probe::CoredumpFilter, "coredump_filter"}, {Probe::Personality, "personality"},
    {Probe::Environ, "environ"}, {Probe::Cwd, "cwd"}, {Probe::Ksm, "ksm"},
});
// clang-format on
// "no_new_privs", "namespace:net", ...; empty for None.
std::string_view probe_name(Probe probe);

struct DirectiveInfo {
  std::string_view name;
  std::string_view section;  // "Unit" or "Service"
  ValueKind kind;
  Privilege requirement;
  Probe probe;               // the enforcement probe, None = none
  int min_systemd = 0;       // first systemd version that knows it
  int max_systemd = 0;       // last version that knows it, 0 = still known
  bool assessed = false;     // listed by `systemd-analyze security`
  std::string_view summary;  // one line for humans
  // Enforceable only where the controller is on the unified hierarchy (cgroup
  // v2): systemd has no v1 equivalent, so on a hybrid host like ours it is a
  // no-op at any container privilege.
  bool cgroup_v2_only = false;
  // What else the host or the image must offer, for the doctor; empty = nothing.
  std::string_view caveat = {};
};

// All known directives.
std::span<const DirectiveInfo> all_directives();

// How another directive of the applied set changes what a directive's probe
// must see (probes.cc consults these, and only these): a path it hides or
// removes counts as at least as strong as read-only, a path it exempts is
// not judged, an option it implies is probed through what it implies.
enum class Effect {
  Hides,    // `other` hides paths (inaccessible, an empty tmpfs, absent): they count as read-only
  Exempts,  // `other` keeps the paths it names writable: not judged read-only
  Implies,  // `directive` implies `other`'s setting: probed through what it implies
  Narrows,  // `other` changes what the probe must measure against (PrivateUsers= and the bounding set)
};
struct Interaction {
  std::string_view directive;  // whose probe is affected
  std::string_view other;      // the directive in the same applied set (or the unit's own settings)
  Effect effect;
  std::string_view why;  // one line for humans
};
std::span<const Interaction> interactions();
// The interactions of one directive's probe; `other` empty = all of them.
std::vector<Interaction> interactions_of(std::string_view directive, std::string_view other = {});

// Exact (case-sensitive, like systemd) lookup; nullptr when unknown.
const DirectiveInfo* find_directive(std::string_view name);

// Known names, for "did you mean".
std::vector<std::string> directive_names();

// Why `name` may not be a line under test (a template line, an `options:`
// entry, `--option`): it defines the service instead of hardening it
// (ExecStartPre=, User=, Environment=, Type=, StandardOutput=...), or it is
// a systemd key the catalogue does not know as hardening (After=,
// CPUShares=). nullopt for the catalogue's hardening directives and the
// relaxations it knows (ReadWritePaths=, IPAddressAllow=, DynamicUser=,
// [Unit] StartLimitBurst=...). The unit file (service.unit_file) holds the
// service's definition; options only harden it.
std::optional<std::string> not_hardening_reason(std::string_view name);

// Splits a list value into its elements for drill-down ("@system-service @chown"
// -> {"@system-service", "@chown"}); a leading "~" (deny list) is kept off the
// elements and reported by is_deny_list(). Non-list kinds give one element.
std::vector<std::string> split_value(const DirectiveInfo& info, std::string_view value);
bool is_deny_list(std::string_view value);

// The inverse of split_value(): elements joined by spaces, "~" in front for a
// deny list, elements with whitespace quoted. Used to write a relaxed value.
std::string join_value(const DirectiveInfo& info, std::span<const std::string> elements, bool deny);

// Whether the kind is a list that split_value() splits (and drill-down can relax).
bool is_list_kind(ValueKind kind);

// nullopt when systemd `systemd_version` accepts the directive; otherwise the
// error for the user, with "did you mean" for typos ("ProtectSytem") and the
// first version that knows it for directives the image's systemd is too old
// for. systemd_version <= 0 skips the version check. Directives systemd knows
// but the catalogue does not (CPUShares=...) are accepted here; the scenario
// refuses them as lines under test (not_hardening_reason).
std::optional<std::string> check_known(std::string_view name, int systemd_version);

// The section a directive goes to in a drop-in: the catalogue's, else the one
// systemd reads it from; empty when systemd does not know it.
std::string_view section_of(std::string_view name);

std::string_view to_string(ValueKind kind);  // "bool", "path-list", ...

// The least privilege that enforces all the named directives (unknown names
// need none); what the doctor recommends for a scenario.
Privilege least_requirement(std::span<const std::string> names);

// The strictest value of a directive, for `harden`'s template: what
// `systemd-analyze security` rates best (or, for a directive it does not
// rate, the value that restricts most without naming anything of the
// service's). A directive may have several lines (SystemCallFilter= allows
// @system-service, then denies @privileged @resources on a later line).
struct StrictLine {
  std::string_view key;
  std::string_view value;
};
// In template order: identity, file system, kernel, devices, network,
// seccomp; every key is in the catalogue.
std::span<const StrictLine> strictest_lines();
// The strictest lines of one directive; empty when it has none.
std::vector<Directive> strictest_of(std::string_view key);

// One row of `hardbisect doctor --options`; the CLI formats the table.
struct CatalogueRow {
  std::string name;
  std::string section;
  std::string kind;
  std::string requirement;  // container flags, see privilege_flags()
  std::string probe;        // empty = not probed
  int min_systemd = 0;
  bool assessed = false;
  std::string caveat;  // includes "cgroup v2 only" when it applies
};
std::vector<CatalogueRow> catalogue_table();

}  // namespace hb::options
