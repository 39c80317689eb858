#include "trial/probes.h"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <set>
#include <string_view>
#include <sstream>

#include "options/catalogue.h"

namespace hb::trial {

namespace {

std::map<std::string, std::string> status_fields(const std::string& text) {
  std::map<std::string, std::string> fields;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    fields[line.substr(0, colon)] = value;
  }
  return fields;
}

struct Mount {
  std::string root;
  std::string mountpoint;
  std::string options;  // per-mount options (ro/rw first)
  std::string fstype;
};

std::vector<Mount> parse_mountinfo(const std::string& text) {
  std::vector<Mount> mounts;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string id, parent, dev;
    Mount mount;
    fields >> id >> parent >> dev >> mount.root >> mount.mountpoint >> mount.options;
    std::string field;
    while (fields >> field && field != "-") {
    }
    fields >> mount.fstype;
    if (!mount.mountpoint.empty()) mounts.push_back(mount);
  }
  return mounts;
}

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

std::map<std::string, std::string> namespaces(const std::string& text) {
  std::map<std::string, std::string> ns;
  std::istringstream lines(text);
  for (std::string name, link; lines >> name >> link;) ns[name] = link;
  return ns;
}

bool truthy(const std::string& value) {
  return value == "yes" || value == "true" || value == "1" || value == "on";
}

std::vector<std::string> words(const std::string& value) {
  std::vector<std::string> out;
  std::istringstream in(value);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

unsigned long long hex(const std::string& text) {
  try {
    return std::stoull(text, nullptr, 16);
  } catch (...) {
    return 0;
  }
}

}  // namespace

std::optional<int> capability_bit(const std::string& name) {
  static const std::map<std::string, int> bits{
      {"CAP_CHOWN", 0},           {"CAP_DAC_OVERRIDE", 1},    {"CAP_DAC_READ_SEARCH", 2},
      {"CAP_FOWNER", 3},          {"CAP_FSETID", 4},          {"CAP_KILL", 5},
      {"CAP_SETGID", 6},          {"CAP_SETUID", 7},          {"CAP_SETPCAP", 8},
      {"CAP_LINUX_IMMUTABLE", 9}, {"CAP_NET_BIND_SERVICE", 10}, {"CAP_NET_BROADCAST", 11},
      {"CAP_NET_ADMIN", 12},      {"CAP_NET_RAW", 13},        {"CAP_IPC_LOCK", 14},
      {"CAP_IPC_OWNER", 15},      {"CAP_SYS_MODULE", 16},     {"CAP_SYS_RAWIO", 17},
      {"CAP_SYS_CHROOT", 18},     {"CAP_SYS_PTRACE", 19},     {"CAP_SYS_PACCT", 20},
      {"CAP_SYS_ADMIN", 21},      {"CAP_SYS_BOOT", 22},       {"CAP_SYS_NICE", 23},
      {"CAP_SYS_RESOURCE", 24},   {"CAP_SYS_TIME", 25},       {"CAP_SYS_TTY_CONFIG", 26},
      {"CAP_MKNOD", 27},          {"CAP_LEASE", 28},          {"CAP_AUDIT_WRITE", 29},
      {"CAP_AUDIT_CONTROL", 30},  {"CAP_SETFCAP", 31},        {"CAP_MAC_OVERRIDE", 32},
      {"CAP_MAC_ADMIN", 33},      {"CAP_SYSLOG", 34},         {"CAP_WAKE_ALARM", 35},
      {"CAP_BLOCK_SUSPEND", 36},  {"CAP_AUDIT_READ", 37},     {"CAP_PERFMON", 38},
      {"CAP_BPF", 39},            {"CAP_CHECKPOINT_RESTORE", 40}};
  auto it = bits.find(name);
  if (it == bits.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> probe_directive(const options::Directive& d, const Evidence& e) {
  const options::DirectiveInfo* info = options::find_directive(d.key);
  if (!info || info->probe.empty()) return std::nullopt;
  const std::string probe(info->probe);
  auto status = status_fields(e.section("main_status"));
  auto pid1 = status_fields(e.section("pid1_status"));
  auto mounts = parse_mountinfo(e.section("main_mountinfo"));
  auto main_ns = namespaces(e.section("main_ns"));
  auto init_ns = namespaces(e.section("pid1_ns"));
  const std::string& value = d.value;

  if (probe == "no_new_privs") {
    if (!truthy(value)) return std::nullopt;
    if (status["NoNewPrivs"] != "1") return d.line() + ": NoNewPrivs is 0 for the service";
    return std::nullopt;
  }
  if (probe == "seccomp") {
    // SystemCallErrorNumber= and SystemCallLog= only shape another filter.
    if (d.key == "SystemCallErrorNumber" || d.key == "SystemCallLog") return std::nullopt;
    if (value.empty() || value == "no" || value == "false") return std::nullopt;
    // Podman installs its own filter on everything; systemd's adds at least one.
    int mine = std::atoi(status["Seccomp_filters"].c_str());
    int base = std::atoi(pid1["Seccomp_filters"].c_str());
    if (mine <= base)
      return fmt::format("{}: no seccomp filter of systemd on the service ({} filter(s), as PID 1)", d.line(), mine);
    return std::nullopt;
  }
  if (d.key == "ProtectClock") {
    if (!truthy(value)) return std::nullopt;
    unsigned long long have = hex(status["CapBnd"]);
    if (have & ((1ULL << 25) | (1ULL << 35)))  // CAP_SYS_TIME, CAP_WAKE_ALARM
      return d.line() + ": the service may still set the clock (CAP_SYS_TIME in its bounding set)";
    return std::nullopt;
  }
  if (probe == "cap_bounding" || probe == "cap_ambient") {
    const char* field = probe == "cap_bounding" ? "CapBnd" : "CapAmb";
    unsigned long long have = hex(status[field]);
    bool deny = !value.empty() && value[0] == '~';
    unsigned long long listed = 0;
    for (const auto& w : words(deny ? value.substr(1) : value))
      if (auto bit = capability_bit(w)) listed |= 1ULL << *bit;
    unsigned long long bounding = hex(pid1["CapBnd"]);
    unsigned long long allowed = deny ? (bounding & ~listed) : (listed & bounding);
    if (probe == "cap_bounding" && (have & ~allowed) != 0)
      return fmt::format("{}: the service still holds capabilities {:#x} outside the set", d.line(), have & ~allowed);
    if (probe == "cap_ambient" && !deny && (have & listed) != (listed & bounding))
      return fmt::format("{}: ambient set is {:#x}", d.line(), have);
    return std::nullopt;
  }
  if (probe == "readonly_paths") {
    if (value.empty() || value == "no" || value == "false") return std::nullopt;
    std::vector<std::string> paths;
    bool optional = false;  // "-path": systemd skips a missing path
    if (d.key == "ProtectSystem") {
      paths = {"/usr"};
      if (value == "full") paths.push_back("/etc");
      if (value == "strict") paths = {"/usr", "/etc", "/var"};
    } else if (d.key == "ProtectKernelTunables") {
      if (!truthy(value)) return std::nullopt;
      paths = {"/proc/sys"};
    } else if (d.key == "ProtectControlGroups") {
      if (!truthy(value) && value != "strict") return std::nullopt;
      paths = {"/sys/fs/cgroup"};
    } else {  // ReadOnlyPaths=, BindReadOnlyPaths= (SRC[:DST])
      for (auto w : words(value)) {
        if (!w.empty() && w[0] == '-') optional = true;
        while (!w.empty() && (w[0] == '-' || w[0] == '+')) w.erase(0, 1);
        auto colon = w.find(':');
        if (d.key == "BindReadOnlyPaths" && colon != std::string::npos) w = w.substr(colon + 1);
        else if (colon != std::string::npos) w = w.substr(0, colon);
        paths.push_back(w);
      }
    }
    for (const auto& path : paths)
      if (!read_only(covering_mount(mounts, path)) && !optional)
        return d.line() + ": " + path + " is writable for the service";
    return std::nullopt;
  }
  if (probe == "hidden_paths") {
    if (d.key == "ProtectHome") {
      if (value.empty() || value == "no" || value == "false") return std::nullopt;
      for (const char* path : {"/root", "/home"}) {
        const Mount* m = covering_mount(mounts, path);
        if (!m || m->mountpoint != path) return d.line() + ": " + path + " is not hidden from the service";
      }
      return std::nullopt;
    }
    if (d.key == "InaccessiblePaths" || d.key == "TemporaryFileSystem") {
      for (auto w : words(value)) {
        bool optional = !w.empty() && w[0] == '-';
        while (!w.empty() && (w[0] == '-' || w[0] == '+')) w.erase(0, 1);
        w = w.substr(0, w.find(':'));
        const Mount* m = covering_mount(mounts, w);
        if (!optional && (!m || m->mountpoint != w)) return d.line() + ": " + w + " is not hidden from the service";
      }
      return std::nullopt;
    }
    // ProtectKernelModules/Logs hide paths that may not exist in the image;
    // their own mount namespace is the evidence that they were set up.
    if (!truthy(value)) return std::nullopt;
    if (main_ns["mnt"].empty() || main_ns["mnt"] == init_ns["mnt"])
      return d.line() + ": the service shares PID 1's mount namespace";
    return std::nullopt;
  }
  if (probe == "private_tmp") {
    if (!truthy(value)) return std::nullopt;
    const Mount* m = covering_mount(mounts, "/tmp");
    if (!m || m->root.find("systemd-private-") == std::string::npos)
      return d.line() + ": /tmp of the service is the shared one";
    return std::nullopt;
  }
  if (probe == "private_devices" || probe == "namespace:mnt") {
    if (probe == "private_devices" && !truthy(value)) return std::nullopt;
    if (main_ns["mnt"].empty() || main_ns["mnt"] == init_ns["mnt"])
      return d.line() + ": the service shares PID 1's mount namespace";
    return std::nullopt;
  }
  if (probe.rfind("namespace:", 0) == 0) {
    if (!truthy(value) && d.key != "RestrictNamespaces") return std::nullopt;
    std::string kind = probe.substr(10);
    if (main_ns[kind].empty() || main_ns[kind] == init_ns[kind])
      return d.line() + ": the service shares PID 1's " + kind + " namespace";
    return std::nullopt;
  }
  if (probe == "cgroup_memory" || probe == "cgroup_pids") {
    if (value == "infinity" || value.empty()) return std::nullopt;
    std::string want = probe == "cgroup_memory" ? "memory" : "pids";
    // One "KIND VALUE" per line; VALUE is empty when the file was unreadable
    // (cgroup v1 without --cgroupns=private), so read line by line.
    std::istringstream limits(e.section("main_limits"));
    for (std::string line; std::getline(limits, line);) {
      std::istringstream words(line);
      std::string kind, limit;
      words >> kind >> limit;
      if (kind != want) continue;
      bool unlimited = limit == "max" || limit.empty() || limit.size() >= 19;  // 9223372036854771712
      if (unlimited) return fmt::format("{}: the service's {} limit is {}", d.line(), want, limit.empty() ? "unreadable" : limit);
      return std::nullopt;
    }
    return d.line() + ": no " + want + " cgroup limit found for the service";
  }
  if (probe == "user") {
    std::string user = e.section("main_user");
    user.erase(std::remove_if(user.begin(), user.end(), ::isspace), user.end());
    if (d.key == "User" && !value.empty() && user != value && std::to_string(std::atoi(value.c_str())) != value)
      return fmt::format("{}: the service runs as {}", d.line(), user.empty() ? "?" : user);
    if (d.key == "DynamicUser" && truthy(value) && (user == "root" || user.empty()))
      return fmt::format("{}: the service runs as {}", d.line(), user.empty() ? "?" : user);
    return std::nullopt;
  }
  if (probe == "umask") {
    std::string have = status["Umask"];
    try {
      if (!have.empty() && std::stoul(have, nullptr, 8) != std::stoul(value, nullptr, 8))
        return fmt::format("{}: the service's umask is {}", d.line(), have);
    } catch (...) {
    }
    return std::nullopt;
  }
  return std::nullopt;
}

namespace {

// Probe ids that probe_directive reads evidence for.
bool probe_implemented(std::string_view probe) {
  static const std::set<std::string_view> implemented{
      "cap_ambient",  "cap_bounding",    "cgroup_memory", "cgroup_pids", "hidden_paths", "namespace:mnt",
      "namespace:ipc", "namespace:net", "namespace:pid", "namespace:user", "namespace:uts", "no_new_privs",
      "private_devices", "private_tmp", "readonly_paths", "seccomp", "umask", "user"};
  return implemented.count(probe) > 0;
}

const char* requirement_text(options::Privilege requirement) {
  return requirement == options::Privilege::Minimal ? "nothing" : options::privilege_name(requirement);
}

}  // namespace

EnforcementReport check_enforcement(const std::vector<options::Directive>& directives, const Evidence& e) {
  EnforcementReport report;
  if (directives.empty()) return report;
  // Without a probe of its own, an option is only trusted when the container
  // had the privilege at which systemd enforces it; below that, systemd
  // skips it silently, whatever the process state says.
  for (const auto& d : directives) {
    const options::DirectiveInfo* info = options::find_directive(d.key);
    if (!info || probe_implemented(info->probe) || e.privilege < 0) continue;
    if (static_cast<int>(info->requirement) > e.privilege)
      report.not_enforced.push_back(fmt::format("{}: needs privilege {}, which this container lacks", d.line(),
                                                requirement_text(info->requirement)));
  }
  if (!report.not_enforced.empty()) return report;
  if (e.section("main_status").empty()) {
    report.notes.push_back(
        "the service had no running main process to probe; judged from its exit status and journal only");
    return report;
  }
  for (const auto& d : directives)
    if (auto failure = probe_directive(d, e)) report.not_enforced.push_back(*failure);
  return report;
}

}  // namespace hb::trial
