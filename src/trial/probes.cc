#include "trial/probes.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <string_view>

#include "options/catalogue.h"
#include "util/parse.h"
#include "util/strings.h"

namespace hb::trial {

namespace {

using options::Probe;

// nullopt: the option is in effect; otherwise why not. Evidence a probe
// cannot parse is a reason too (fail closed), never a default.
using Failure = std::optional<std::string>;

// A value read from the evidence, or why it could not be read.
template <class T>
struct Reading {
  std::optional<T> value;
  std::string problem;  // "CapBnd: unreadable ('zz')"
};

template <class T>
Reading<T> unreadable(std::string problem) {
  return {std::nullopt, std::move(problem)};
}

const char* status_source(std::string_view section) {
  return section == "pid1_status" ? "/proc/1/status" : "the service's /proc/PID/status";
}

// A "Key:\tvalue" field of a /proc/PID/status section, trimmed.
Reading<std::string> status_field(const Evidence& e, std::string_view section, std::string_view key) {
  const std::string& text = e.section(std::string(section));
  if (text.empty()) return unreadable<std::string>(fmt::format("{} is missing", status_source(section)));
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    auto colon = line.find(':');
    if (colon != std::string::npos && std::string_view(line).substr(0, colon) == key)
      return {std::string(util::trim(std::string_view(line).substr(colon + 1))), {}};
  }
  return unreadable<std::string>(fmt::format("{}: missing from {}", key, status_source(section)));
}

// A numeric status field in `base` (16 for CapBnd:, 8 for Umask:).
Reading<unsigned long long> status_number(const Evidence& e, std::string_view section, std::string_view key,
                                          int base) {
  Reading<std::string> text = status_field(e, section, key);
  if (!text.value) return unreadable<unsigned long long>(text.problem);
  if (auto number = util::parse_unsigned(*text.value, base)) return {number, {}};
  return unreadable<unsigned long long>(fmt::format("{}: unreadable ('{}')", key, *text.value));
}

struct Mount {
  std::string root;
  std::string mountpoint;
  std::string options;  // per-mount options (ro/rw first)
  std::string fstype;
  std::string super;   // super options ("rw,subset=pid" for a /proc of ProcSubset=pid)
  std::string device;  // "MAJ:MIN" of the file system: a new tmpfs has a new one
};

// One line of /proc/PID/mountinfo:
// "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER".
std::optional<Mount> parse_mount(std::string_view line) {
  std::vector<std::string> fields = util::words(line);
  auto dash = std::find(fields.begin(), fields.end(), "-");
  if (dash == fields.end() || dash - fields.begin() < 6 || dash + 1 == fields.end()) return std::nullopt;
  if (!util::parse_unsigned(fields[0]) || !util::parse_unsigned(fields[1]) || !fields[4].starts_with('/'))
    return std::nullopt;
  std::string super = dash + 3 < fields.end() ? *(dash + 3) : std::string();
  return Mount{fields[3], fields[4], fields[5], *(dash + 1), super, fields[2]};
}

// The mounts of a mountinfo section ("main_mountinfo": the service's,
// "pid1_mountinfo": PID 1's).
Reading<std::vector<Mount>> mounts_of(const Evidence& e, const std::string& section) {
  const std::string& text = e.section(section);
  const std::string whose = section == "main_mountinfo" ? "the service's" : "PID 1's";
  if (util::trim(text).empty()) return unreadable<std::vector<Mount>>(whose + " mountinfo is missing");
  std::vector<Mount> mounts;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (util::trim(line).empty()) continue;
    auto mount = parse_mount(line);
    if (!mount) return unreadable<std::vector<Mount>>(fmt::format("mountinfo: unreadable line ('{}')", line));
    mounts.push_back(std::move(*mount));
  }
  return {std::move(mounts), {}};
}

Reading<std::vector<Mount>> main_mounts(const Evidence& e) { return mounts_of(e, "main_mountinfo"); }

// The mount that decides what `path` looks like: the last one at the
// longest mountpoint that is a prefix of path.
const Mount* covering_mount(const std::vector<Mount>& mounts, const std::string& path) {
  const Mount* best = nullptr;
  for (const auto& m : mounts) {
    bool prefix = m.mountpoint == "/" || path == m.mountpoint ||
                  (path.rfind(m.mountpoint, 0) == 0 && path[m.mountpoint.size()] == '/');
    if (prefix && (!best || m.mountpoint.size() >= best->mountpoint.size())) best = &m;
  }
  return best;
}

bool read_only(const Mount* m) { return m && (m->options == "ro" || m->options.rfind("ro,", 0) == 0); }

// "mnt mnt:[4026531840]" lines of /proc/PID/ns: namespace -> link.
Reading<std::map<std::string, std::string>> namespaces(const Evidence& e, const std::string& section) {
  using Links = std::map<std::string, std::string>;
  const std::string& text = e.section(section);
  if (util::trim(text).empty()) return unreadable<Links>(section + " is missing");
  Links links;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (util::trim(line).empty()) continue;
    auto words = util::words(line);
    if (words.size() != 2 || !words[1].starts_with(words[0].substr(0, words[0].find('_')) + ":[") ||
        !words[1].ends_with(']'))
      return unreadable<Links>(fmt::format("{}: unreadable line ('{}')", section, line));
    links[words[0]] = words[1];
  }
  return {std::move(links), {}};
}

bool off(const std::string& value) { return value.empty() || value == "no" || value == "false"; }

// What a probe reads: the option, the whole applied set it was applied
// with (options::interactions() says which others change what the probe
// must see), and the trial's evidence.
struct ProbeInput {
  const options::Directive& d;
  const std::vector<options::Directive>& all;
  const Evidence& e;

  Failure fail(const std::string& why) const { return d.line() + ": " + why; }

  // The other applied directives with `key` that the catalogue says have `effect` on this one.
  std::vector<const options::Directive*> others(std::string_view key, options::Effect effect) const {
    std::vector<const options::Directive*> found;
    for (const auto& i : options::interactions_of(d.key, key))
      if (i.effect == effect)
        for (const auto& other : all)
          if (other.key == key && !(other == d)) found.push_back(&other);
    return found;
  }
};

// A path of a path-list value without its "-"/"+" prefixes and ":options".
std::string bare_path(std::string w) {
  while (!w.empty() && (w[0] == '-' || w[0] == '+')) w.erase(0, 1);
  return w.substr(0, w.find(':'));
}

bool under(const std::string& path, const std::string& dir) {
  return path == dir || dir == "/" ||
         (path.rfind(dir, 0) == 0 && path.size() > dir.size() && path[dir.size()] == '/');
}

// The paths a hiding directive puts an empty tmpfs or an inaccessible node on.
std::vector<std::string> hidden_by(const options::Directive& d) {
  if (d.key == "ProtectHome") {
    if (d.value == "yes" || d.value == "true" || d.value == "tmpfs") return {"/home", "/root", "/run/user"};
    return {};
  }
  std::vector<std::string> paths;
  for (const auto& w : util::words(d.value)) paths.push_back(bare_path(w));
  return paths;
}

// Whether `path` is hidden from the service or absent, which is at least as
// strong as read-only: an inaccessible node over it, an empty tmpfs another
// applied directive put over it, or a /proc of subset=pid without it.
bool hidden_or_absent(const ProbeInput& in, const std::vector<Mount>& mounts, const std::string& path) {
  const Mount* m = covering_mount(mounts, path);
  if (!m) return false;
  // systemd's inaccessible nodes (/run/systemd/inaccessible/..., "/systemd/inaccessible/dir" as a root).
  if (m->root.find("/inaccessible/") != std::string::npos) return true;
  if (m->fstype == "tmpfs") {
    for (const char* key : {"TemporaryFileSystem", "ProtectHome", "InaccessiblePaths"})
      for (const auto* other : in.others(key, options::Effect::Hides))
        for (const auto& hidden : hidden_by(*other))
          if (hidden == m->mountpoint && under(path, hidden)) return true;
  }
  if (m->fstype == "proc" && m->super.find("subset=pid") != std::string::npos && under(path, m->mountpoint) &&
      !in.others("ProcSubset", options::Effect::Hides).empty()) {
    // Only /proc/PID (and self, thread-self) are left under subset=pid.
    std::string rest = path.substr(std::min(path.size(), m->mountpoint.size() + 1));
    std::string first = rest.substr(0, rest.find('/'));
    if (!first.empty() && first != "self" && first != "thread-self" && !util::parse_unsigned(first))
      return true;
  }
  return false;
}

// Whether another applied directive keeps `path` writable on purpose (ReadWritePaths=).
bool exempted(const ProbeInput& in, const std::string& path) {
  for (const auto* other : in.others("ReadWritePaths", options::Effect::Exempts))
    for (const auto& w : util::words(other->value))
      if (under(path, bare_path(w))) return true;
  return false;
}

Failure no_new_privs(const ProbeInput& in) {
  if (!options::is_true(in.d.value)) return std::nullopt;
  auto flag = status_number(in.e, "main_status", "NoNewPrivs", 10);
  if (!flag.value) return in.fail(flag.problem);
  if (*flag.value != 1) return in.fail("NoNewPrivs is 0 for the service");
  return std::nullopt;
}

Failure seccomp(const ProbeInput& in) {
  // SystemCallErrorNumber= and SystemCallLog= only shape another filter.
  if (in.d.key == "SystemCallErrorNumber" || in.d.key == "SystemCallLog") return std::nullopt;
  if (off(in.d.value)) return std::nullopt;
  // Podman installs its own filter on everything; systemd's adds at least one.
  auto mine = status_number(in.e, "main_status", "Seccomp_filters", 10);
  if (!mine.value) return in.fail(mine.problem);
  auto base = status_number(in.e, "pid1_status", "Seccomp_filters", 10);
  if (!base.value) return in.fail(base.problem);
  if (*mine.value <= *base.value)
    return in.fail(
        fmt::format("no seccomp filter of systemd on the service ({} filter(s), as PID 1)", *mine.value));
  return std::nullopt;
}

// ProtectClock= is probed through the bounding set: it drops the clock capabilities.
Failure protect_clock(const ProbeInput& in) {
  if (!options::is_true(in.d.value)) return std::nullopt;
  auto have = status_number(in.e, "main_status", "CapBnd", 16);
  if (!have.value) return in.fail(have.problem);
  if (*have.value & ((1ULL << 25) | (1ULL << 35)))  // CAP_SYS_TIME, CAP_WAKE_ALARM
    return in.fail("the service may still set the clock (CAP_SYS_TIME in its bounding set)");
  return std::nullopt;
}

// The capabilities a CapabilityBoundingSet=/AmbientCapabilities= value names.
unsigned long long listed_capabilities(const std::string& value) {
  bool deny = !value.empty() && value[0] == '~';
  unsigned long long listed = 0;
  for (const auto& w : util::words(deny ? std::string_view(value).substr(1) : std::string_view(value)))
    if (auto bit = capability_bit(w)) listed |= 1ULL << *bit;
  return listed;
}

// Whether another applied directive of `key` with `effect` on this one is on (not "no"/"false"/empty).
bool other_on(const ProbeInput& in, std::string_view key, options::Effect effect) {
  for (const auto* other : in.others(key, effect))
    if (!off(other->value)) return true;
  return false;
}

// What the capability sets are measured against. The bounding set: PID 1's,
// or under PrivateUsers= every capability (a new user namespace starts with
// the full bounding set, held only inside it; systemd then drops what the
// unit drops). The ambient set: the service's own bounding set, since no
// ambient capability outlives it (CapabilityBoundingSet=, PrivateDevices=,
// ProtectClock= and PrivateUsers= all shape it).
Reading<unsigned long long> capability_reference(const ProbeInput& in, bool ambient) {
  if (ambient) return status_number(in.e, "main_status", "CapBnd", 16);
  if (other_on(in, "PrivateUsers", options::Effect::Narrows)) return {~0ULL, {}};
  return status_number(in.e, "pid1_status", "CapBnd", 16);
}

Failure capabilities(const ProbeInput& in, bool ambient) {
  const std::string& value = in.d.value;
  auto have = status_number(in.e, "main_status", ambient ? "CapAmb" : "CapBnd", 16);
  if (!have.value) return in.fail(have.problem);
  auto bounding = capability_reference(in, ambient);
  if (!bounding.value) return in.fail(bounding.problem);
  bool deny = !value.empty() && value[0] == '~';
  unsigned long long listed = listed_capabilities(value);
  unsigned long long allowed = deny ? (*bounding.value & ~listed) : (listed & *bounding.value);
  if (!ambient && (*have.value & ~allowed) != 0)
    return in.fail(
        fmt::format("the service still holds capabilities {:#x} outside the set", *have.value & ~allowed));
  if (ambient && !deny && (*have.value & listed) != (listed & *bounding.value))
    return in.fail(fmt::format("ambient set is {:#x}", *have.value));
  return std::nullopt;
}

Failure cap_bounding(const ProbeInput& in) {
  return in.d.key == "ProtectClock" ? protect_clock(in) : capabilities(in, false);
}
Failure cap_ambient(const ProbeInput& in) { return capabilities(in, true); }

// The paths an option makes read-only; `optional` when systemd skips missing ones ("-path").
std::vector<std::string> readonly_paths_of(const options::Directive& d, bool& optional) {
  const std::string& value = d.value;
  if (d.key == "ProtectSystem") {
    if (value == "strict") return {"/usr", "/etc", "/var"};
    if (value == "full") return {"/usr", "/etc"};
    return {"/usr"};
  }
  if (d.key == "ProtectKernelTunables") {
    if (!options::is_true(value)) return {};
    return {"/proc/sys"};
  }
  if (d.key == "ProtectControlGroups") {
    if (!options::is_true(value) && value != "strict") return {};
    return {"/sys/fs/cgroup"};
  }
  std::vector<std::string> paths;  // ReadOnlyPaths=, BindReadOnlyPaths= (SRC[:DST])
  for (auto w : util::words(value)) {
    if (!w.empty() && w[0] == '-') optional = true;
    while (!w.empty() && (w[0] == '-' || w[0] == '+')) w.erase(0, 1);
    auto colon = w.find(':');
    if (d.key == "BindReadOnlyPaths" && colon != std::string::npos)
      w = w.substr(colon + 1);
    else if (colon != std::string::npos)
      w = w.substr(0, colon);
    paths.push_back(w);
  }
  return paths;
}

// Each path read-only, hidden or absent, unless exempted on purpose.
Failure paths_read_only(const ProbeInput& in, const std::vector<std::string>& paths, bool optional) {
  auto mounts = main_mounts(in.e);
  if (!mounts.value) return in.fail(mounts.problem);
  for (const auto& path : paths) {
    if (optional || exempted(in, path)) continue;
    if (read_only(covering_mount(*mounts.value, path)) || hidden_or_absent(in, *mounts.value, path)) continue;
    return in.fail(path + " is writable for the service");
  }
  return std::nullopt;
}

Failure readonly_paths(const ProbeInput& in) {
  if (off(in.d.value)) return std::nullopt;
  bool optional = false;
  std::vector<std::string> paths = readonly_paths_of(in.d, optional);
  if (paths.empty()) return std::nullopt;
  return paths_read_only(in, paths, optional);
}

// The service has a mount namespace of its own (of another kind: `kind`).
Failure own_namespace(const ProbeInput& in, const std::string& kind) {
  auto mine = namespaces(in.e, "main_ns");
  if (!mine.value) return in.fail(mine.problem);
  auto init = namespaces(in.e, "pid1_ns");
  if (!init.value) return in.fail(init.problem);
  const std::string& link = (*mine.value)[kind];
  if (link.empty() || link == (*init.value)[kind])
    return in.fail("the service shares PID 1's " + std::string(kind == "mnt" ? "mount" : kind) +
                   " namespace");
  return std::nullopt;
}

// The paths a ProtectHome=/InaccessiblePaths=/TemporaryFileSystem= value hides ("-path" optional).
std::vector<std::pair<std::string, bool>> hidden_paths_of(const options::Directive& d) {
  if (d.key == "ProtectHome") return {{"/root", false}, {"/home", false}};
  std::vector<std::pair<std::string, bool>> paths;
  for (auto w : util::words(d.value)) {
    bool optional = !w.empty() && w[0] == '-';
    while (!w.empty() && (w[0] == '-' || w[0] == '+')) w.erase(0, 1);
    paths.emplace_back(w.substr(0, w.find(':')), optional);
  }
  return paths;
}

Failure hidden_paths(const ProbeInput& in) {
  const std::string& key = in.d.key;
  if (key != "ProtectHome" && key != "InaccessiblePaths" && key != "TemporaryFileSystem") {
    // ProtectKernelModules/Logs hide paths that may not exist in the image;
    // their own mount namespace is the evidence that they were set up.
    return options::is_true(in.d.value) ? own_namespace(in, "mnt") : std::nullopt;
  }
  if (key == "ProtectHome" && off(in.d.value)) return std::nullopt;
  // ProtectHome=read-only makes them read-only, not hidden (tmpfs and yes hide them).
  if (key == "ProtectHome" && in.d.value == "read-only")
    return paths_read_only(in, {"/home", "/root"}, false);
  auto paths = hidden_paths_of(in.d);
  if (paths.empty()) return std::nullopt;
  auto mounts = main_mounts(in.e);
  if (!mounts.value) return in.fail(mounts.problem);
  for (const auto& [path, optional] : paths) {
    if (optional || exempted(in, path)) continue;
    const Mount* m = covering_mount(*mounts.value, path);
    // Its own mount, or hidden with what is above it by another directive.
    if (m && m->mountpoint == path) continue;
    if (hidden_or_absent(in, *mounts.value, path)) continue;
    return in.fail(path + " is not hidden from the service");
  }
  return std::nullopt;
}

Failure private_tmp(const ProbeInput& in) {
  if (!options::is_true(in.d.value)) return std::nullopt;
  auto mounts = main_mounts(in.e);
  if (!mounts.value) return in.fail(mounts.problem);
  const Mount* m = covering_mount(*mounts.value, "/tmp");
  if (!m || m->root.find("systemd-private-") == std::string::npos)
    return in.fail("/tmp of the service is the shared one");
  return std::nullopt;
}

// PrivateDevices=yes: a mount namespace of its own with a /dev of its own
// (a new tmpfs, not PID 1's: only API pseudo devices in it), and CAP_MKNOD
// and CAP_SYS_RAWIO out of the bounding set, whatever CapabilityBoundingSet=
// says and under PrivateUsers= too (systemd drops them from the unit's set).
// DeviceAllow= widens the DevicePolicy=closed it implies (a cgroup setting)
// and adds no node: the probe reads the same with or without it.
Failure private_devices(const ProbeInput& in) {
  if (!options::is_true(in.d.value)) return std::nullopt;
  if (auto failure = own_namespace(in, "mnt")) return failure;
  auto mine = main_mounts(in.e);
  if (!mine.value) return in.fail(mine.problem);
  auto init = mounts_of(in.e, "pid1_mountinfo");
  if (!init.value) return in.fail(init.problem);
  const Mount* dev = covering_mount(*mine.value, "/dev");
  const Mount* shared = covering_mount(*init.value, "/dev");
  if (!dev || dev->mountpoint != "/dev" || (shared && shared->device == dev->device))
    return in.fail("the service's /dev is PID 1's, not a private one");
  auto bounding = status_number(in.e, "main_status", "CapBnd", 16);
  if (!bounding.value) return in.fail(bounding.problem);
  constexpr unsigned long long kRawDevices = (1ULL << 27) | (1ULL << 17);  // CAP_MKNOD, CAP_SYS_RAWIO
  if (*bounding.value & kRawDevices)
    return in.fail(
        "the service may still make or reach device nodes (CAP_MKNOD or CAP_SYS_RAWIO in its "
        "bounding set)");
  return std::nullopt;
}

// Every option of this probe needs a mount namespace, whatever its value.
Failure namespace_mnt(const ProbeInput& in) { return own_namespace(in, "mnt"); }

Failure namespace_of(const ProbeInput& in, const std::string& kind) {
  return options::is_true(in.d.value) ? own_namespace(in, kind) : std::nullopt;
}

// One "KIND VALUE" per line; VALUE is empty when the file was unreadable
// (cgroup v1 without --cgroupns=private), so read line by line.
Failure cgroup_limit(const ProbeInput& in, const std::string& want) {
  if (in.d.value == "infinity" || in.d.value.empty()) return std::nullopt;
  std::istringstream limits(in.e.section("main_limits"));
  for (std::string line; std::getline(limits, line);) {
    auto words = util::words(line);
    if (words.empty() || words[0] != want) continue;
    std::string limit = util::join(std::vector<std::string>(words.begin() + 1, words.end()), " ");
    if (limit.empty()) return in.fail(fmt::format("the service's {} limit is unreadable", want));
    if (limit != "max" && !util::parse_unsigned(limit))
      return in.fail(fmt::format("the service's {} limit is unreadable ('{}')", want, limit));
    bool unlimited = limit == "max" || limit.size() >= 19;  // 9223372036854771712
    if (unlimited) return in.fail(fmt::format("the service's {} limit is {}", want, limit));
    return std::nullopt;
  }
  return in.fail("no " + want + " cgroup limit found for the service");
}

Failure user_itself(const ProbeInput& in);

// DynamicUser=yes implies ProtectSystem=strict and PrivateTmp=yes: probed
// through what it implies as well as the user.
Failure user(const ProbeInput& in) {
  if (auto failure = user_itself(in)) return failure;
  if (in.d.key != "DynamicUser" || !options::is_true(in.d.value)) return std::nullopt;
  if (auto failure = paths_read_only(in, {"/usr", "/etc"}, false))
    return in.fail("implies ProtectSystem=strict, but " + failure->substr(in.d.line().size() + 2));
  if (auto failure =
          private_tmp(ProbeInput{options::Directive{"Service", "PrivateTmp", "yes"}, in.all, in.e}))
    return in.fail("implies PrivateTmp=yes, but " + failure->substr(std::string("PrivateTmp=yes: ").size()));
  return std::nullopt;
}

Failure user_itself(const ProbeInput& in) {
  const std::string& value = in.d.value;
  bool checks =
      (in.d.key == "User" && !value.empty()) || (in.d.key == "DynamicUser" && options::is_true(value));
  if (!checks) return std::nullopt;
  std::string user(util::trim(in.e.section("main_user")));
  if (user.empty() || util::words(user).size() != 1)
    return in.fail(fmt::format("the service's user is unreadable ('{}')", user));
  // A numeric User= cannot be compared with the name ps prints.
  if (in.d.key == "User" && user != value && !util::parse_unsigned(value))
    return in.fail(fmt::format("the service runs as {}", user));
  if (in.d.key == "DynamicUser" && user == "root")
    return in.fail(fmt::format("the service runs as {}", user));
  return std::nullopt;
}

Failure umask(const ProbeInput& in) {
  auto have = status_number(in.e, "main_status", "Umask", 8);
  if (!have.value) return in.fail(have.problem);
  auto want = util::parse_unsigned(in.d.value, 8);
  if (!want) return in.fail(fmt::format("UMask '{}' is not an octal mode", in.d.value));
  if (*have.value != *want) return in.fail(fmt::format("the service's umask is {:04o}", *have.value));
  return std::nullopt;
}

// The probes hardbisect implements; the others are only trusted at the
// privilege that enforces them (check_enforcement).
struct ProbeEntry {
  Probe probe;
  Failure (*run)(const ProbeInput&);
};
constexpr ProbeEntry kProbes[] = {
    {Probe::NoNewPrivs, no_new_privs},
    {Probe::Seccomp, seccomp},
    {Probe::CapBounding, cap_bounding},
    {Probe::CapAmbient, cap_ambient},
    {Probe::ReadonlyPaths, readonly_paths},
    {Probe::HiddenPaths, hidden_paths},
    {Probe::PrivateTmp, private_tmp},
    {Probe::PrivateDevices, private_devices},
    {Probe::NamespaceMnt, namespace_mnt},
    {Probe::NamespaceIpc, [](const ProbeInput& in) { return namespace_of(in, "ipc"); }},
    {Probe::NamespaceNet, [](const ProbeInput& in) { return namespace_of(in, "net"); }},
    {Probe::NamespacePid, [](const ProbeInput& in) { return namespace_of(in, "pid"); }},
    // PrivateUsers=self/identity/full (257) make a user namespace too, not only yes.
    {Probe::NamespaceUser,
     [](const ProbeInput& in) { return off(in.d.value) ? std::nullopt : own_namespace(in, "user"); }},
    {Probe::NamespaceUts, [](const ProbeInput& in) { return namespace_of(in, "uts"); }},
    {Probe::CgroupMemory, [](const ProbeInput& in) { return cgroup_limit(in, "memory"); }},
    {Probe::CgroupPids, [](const ProbeInput& in) { return cgroup_limit(in, "pids"); }},
    {Probe::User, user},
    {Probe::Umask, umask},
};

const ProbeEntry* probe_entry(Probe probe) {
  for (const auto& entry : kProbes)
    if (entry.probe == probe) return &entry;
  return nullptr;
}

const char* requirement_text(options::Privilege requirement) {
  return requirement == options::Privilege::Minimal ? "nothing" : options::privilege_name(requirement);
}

}  // namespace

std::optional<int> capability_bit(const std::string& name) {
  static const std::map<std::string, int> bits{{"CAP_CHOWN", 0},
                                               {"CAP_DAC_OVERRIDE", 1},
                                               {"CAP_DAC_READ_SEARCH", 2},
                                               {"CAP_FOWNER", 3},
                                               {"CAP_FSETID", 4},
                                               {"CAP_KILL", 5},
                                               {"CAP_SETGID", 6},
                                               {"CAP_SETUID", 7},
                                               {"CAP_SETPCAP", 8},
                                               {"CAP_LINUX_IMMUTABLE", 9},
                                               {"CAP_NET_BIND_SERVICE", 10},
                                               {"CAP_NET_BROADCAST", 11},
                                               {"CAP_NET_ADMIN", 12},
                                               {"CAP_NET_RAW", 13},
                                               {"CAP_IPC_LOCK", 14},
                                               {"CAP_IPC_OWNER", 15},
                                               {"CAP_SYS_MODULE", 16},
                                               {"CAP_SYS_RAWIO", 17},
                                               {"CAP_SYS_CHROOT", 18},
                                               {"CAP_SYS_PTRACE", 19},
                                               {"CAP_SYS_PACCT", 20},
                                               {"CAP_SYS_ADMIN", 21},
                                               {"CAP_SYS_BOOT", 22},
                                               {"CAP_SYS_NICE", 23},
                                               {"CAP_SYS_RESOURCE", 24},
                                               {"CAP_SYS_TIME", 25},
                                               {"CAP_SYS_TTY_CONFIG", 26},
                                               {"CAP_MKNOD", 27},
                                               {"CAP_LEASE", 28},
                                               {"CAP_AUDIT_WRITE", 29},
                                               {"CAP_AUDIT_CONTROL", 30},
                                               {"CAP_SETFCAP", 31},
                                               {"CAP_MAC_OVERRIDE", 32},
                                               {"CAP_MAC_ADMIN", 33},
                                               {"CAP_SYSLOG", 34},
                                               {"CAP_WAKE_ALARM", 35},
                                               {"CAP_BLOCK_SUSPEND", 36},
                                               {"CAP_AUDIT_READ", 37},
                                               {"CAP_PERFMON", 38},
                                               {"CAP_BPF", 39},
                                               {"CAP_CHECKPOINT_RESTORE", 40}};
  auto it = bits.find(name);
  if (it == bits.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> probe_directive(const options::Directive& d, const Evidence& e) {
  return probe_directive(d, {d}, e);
}

std::optional<std::string> probe_directive(const options::Directive& d,
                                           const std::vector<options::Directive>& all, const Evidence& e) {
  const options::DirectiveInfo* info = options::find_directive(d.key);
  if (!info) return std::nullopt;
  const ProbeEntry* entry = probe_entry(info->probe);
  if (!entry) return std::nullopt;
  return entry->run(ProbeInput{d, all, e});
}

EnforcementReport check_enforcement(const std::vector<options::Directive>& directives, const Evidence& e) {
  EnforcementReport report;
  if (directives.empty()) return report;
  // Without a probe of its own, an option is only trusted when the container
  // had the privilege at which systemd enforces it; below that, systemd
  // skips it silently, whatever the process state says.
  for (const auto& d : directives) {
    const options::DirectiveInfo* info = options::find_directive(d.key);
    if (!info || probe_entry(info->probe) || !e.privilege) continue;
    if (info->requirement > *e.privilege)
      report.not_enforced.push_back(fmt::format("{}: needs privilege {}, which this container lacks",
                                                d.line(), requirement_text(info->requirement)));
  }
  if (!report.not_enforced.empty()) return report;
  if (e.section("main_status").empty()) {
    report.notes.push_back(
        "the service had no running main process to probe; judged from its exit status and journal only");
    return report;
  }
  for (const auto& d : directives)
    if (auto failure = probe_directive(d, directives, e)) report.not_enforced.push_back(*failure);
  return report;
}

}  // namespace hb::trial
