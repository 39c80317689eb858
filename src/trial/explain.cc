#include "trial/explain.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <seccomp.h>

#include <algorithm>
#include <climits>
#include <regex>
#include <set>
#include <sstream>

#include "options/catalogue.h"
#include "options/syscall_groups.h"
#include "options/syscalls.h"
#include "util/parse.h"
#include "util/strings.h"

namespace hb::trial {

namespace {

using options::Directive;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

std::optional<int> to_int(std::string_view text) {
  auto value = util::parse_int(text);
  if (!value || *value < INT_MIN || *value > INT_MAX) return std::nullopt;
  return static_cast<int>(*value);
}

// "key=value" or key="value" of an audit or kernel line.
std::optional<std::string> field(std::string_view line, std::string_view key) {
  for (size_t at = line.find(key); at != std::string_view::npos; at = line.find(key, at + 1)) {
    bool starts = at == 0 || line[at - 1] == ' ' || line[at - 1] == ',' || line[at - 1] == ':';
    size_t eq = at + key.size();
    if (!starts || eq >= line.size() || line[eq] != '=') continue;
    size_t begin = eq + 1;
    if (begin < line.size() && line[begin] == '"') {
      size_t end = line.find('"', begin + 1);
      if (end == std::string_view::npos) return std::nullopt;
      return std::string(line.substr(begin + 1, end - begin - 1));
    }
    size_t end = line.find_first_of(" ,", begin);
    return std::string(
        line.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin));
  }
  return std::nullopt;
}

std::vector<const Directive*> applied_with(const std::vector<Directive>& applied, std::string_view key) {
  std::vector<const Directive*> found;
  for (const auto& d : applied)
    if (d.key == key) found.push_back(&d);
  return found;
}

const Directive* last_with(const std::vector<Directive>& applied, std::string_view key) {
  auto found = applied_with(applied, key);
  return found.empty() ? nullptr : found.back();
}

std::string basename_of(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string parent_of(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return "/";
  return path.substr(0, slash);
}

// The unit's name: `systemctl show -p Id`, else its fragment's file name.
std::string unit_name(const Evidence& e) {
  std::string id = e.property("Id");
  if (!id.empty()) return id;
  return basename_of(e.property("FragmentPath"));
}

// The command name (comm, 15 characters at most) of the unit's main
// program, from `systemctl show -p ExecStart`: "{ path=/bin/sed ; argv[]=... }".
std::string main_comm(const Evidence& e) {
  std::string exec = e.property("ExecStart");
  auto path = field(exec, "path");
  if (!path || path->empty()) return {};
  return basename_of(*path).substr(0, 15);
}

// The message of a journal line "[ 2041.325204] host ident[pid]: message".
std::string message_of(const std::string& line) {
  size_t start = 0;
  if (!line.empty() && line[0] == '[') {
    size_t close = line.find("] ");
    if (close != std::string::npos) start = close + 2;
  }
  size_t colon = line.find(": ", start);
  return colon == std::string::npos ? line.substr(start) : line.substr(colon + 2);
}

bool is_pid1_line(const std::string& line) { return line.find(" systemd[1]: ") != std::string::npos; }

// ---------------------------------------------------------------- seccomp

bool killed_by(const Evidence& e, int signal) {
  std::string code = e.property("ExecMainCode");
  bool killed = code == "killed" || code == "dumped" || code == "2" || code == "3";
  return killed && e.property("ExecMainStatus") == std::to_string(signal);
}

// The kill this trial's service suffered: the main program's first, then a
// program the journal names, then (only when the unit surely died of
// SIGSYS) the last kill in the window. The host's log holds other
// containers' kills too, so a kill nothing ties to this service is ignored.
std::optional<SeccompRecord> choose_kill(const Evidence& e, bool sigsys_seen) {
  std::vector<SeccompRecord> kills;
  for (const auto& line : kernel_lines(e))
    if (auto record = parse_seccomp_record(line); record && record->signal != 0) kills.push_back(*record);
  if (kills.empty()) return std::nullopt;
  std::string comm = main_comm(e);
  for (const auto& k : kills)
    if (!comm.empty() && k.comm == comm) return k;
  const std::string& journal = e.section("journal");
  for (const auto& k : kills)
    if (!k.comm.empty() && (journal.find(" " + k.comm + "[") != std::string::npos ||
                            journal.find(": " + k.comm + ": ") != std::string::npos ||
                            journal.find("(" + k.comm + ")") != std::string::npos))
      return k;
  if (sigsys_seen) return kills.back();
  return std::nullopt;
}

// The elements of a deny list that name the syscall, directly or through a group.
std::vector<std::string> denying_elements(const std::string& value, const std::string& syscall) {
  const options::DirectiveInfo* info = options::find_directive("SystemCallFilter");
  std::vector<std::string> found;
  for (const auto& element : options::split_value(*info, value)) {
    std::string name = element.substr(0, element.find(':'));
    if (name == syscall || (name.starts_with('@') && options::group_contains(name, syscall)))
      found.push_back(name);
  }
  return found;
}

}  // namespace

std::optional<SeccompRecord> seccomp_kill(const Evidence& e) {
  bool sigsys = killed_by(e, 31) || e.section("journal").find("status=31/SYS") != std::string::npos;
  std::string code = e.property("ExecMainCode");
  bool child_sigsys = (code == "exited" || code == "1") && e.property("ExecMainStatus") == "159";
  auto record = choose_kill(e, sigsys || child_sigsys);
  if (!record || record->signal != 31) return std::nullopt;
  return record;
}

namespace {

// The lines that keep `name` out; with several lines systemd merges them,
// so each that does not let it through on its own is named.
std::vector<std::string> blame_filters(const std::vector<const Directive*>& filters,
                                       const std::string& name) {
  std::vector<std::string> blame;
  for (const auto* f : filters) {
    if (options::syscall_filter_allows(f->value, name)) continue;
    if (options::is_deny_list(f->value)) {
      auto through = denying_elements(f->value, name);
      bool direct = through.size() == 1 && through.front() == name;
      blame.push_back(through.empty() || direct
                          ? f->line() + " denies it"
                          : fmt::format("{} denies it (through {})", f->line(), fmt::join(through, ", ")));
    } else {
      blame.push_back(f->line() + " does not allow it");
    }
  }
  return blame;
}

// A kill on a call libseccomp names: the lines that deny it, and the line to add.
std::string explain_filtered_call(const std::string& killed, const std::string& name,
                                  const std::vector<const Directive*>& filters,
                                  const std::string& filter_text) {
  std::vector<std::string> blame = blame_filters(filters, name);
  if (blame.empty()) {
    if (filters.empty())
      return fmt::format(
          "{} on {}: no SystemCallFilter= was applied, so the filter comes from the unit file or "
          "another option (SystemCallArchitectures=, RestrictNamespaces=...)",
          killed, name);
    blame.push_back(filter_text + " allows it line by line, but the merged filter does not");
  }
  // Adding an allow line works whether the first line is an allow list (the
  // line adds to it) or a ~deny list (the line removes from it).
  auto groups = options::groups_containing(name);
  std::string fix = groups.empty()
                        ? fmt::format("add SystemCallFilter={}", name)
                        : fmt::format("add SystemCallFilter={} (or only {})", groups.front(), name);
  return fmt::format("{} on {}: {}; {}", killed, name, util::join(blame, "; "), fix);
}

std::string explain_seccomp(const Evidence& e, const std::vector<Directive>& applied) {
  bool sigsys = killed_by(e, 31) || e.section("journal").find("status=31/SYS") != std::string::npos;
  // sh and other parents report a child killed by SIGSYS as exit 159 (128+31).
  std::string code = e.property("ExecMainCode");
  bool child_sigsys = (code == "exited" || code == "1") && e.property("ExecMainStatus") == "159";
  auto filters = applied_with(applied, "SystemCallFilter");
  const Directive* archs = last_with(applied, "SystemCallArchitectures");
  if (!sigsys && !(child_sigsys && (!filters.empty() || archs))) {
    // An audit line alone only counts when it names this service's program.
    auto record = choose_kill(e, false);
    if (!record || record->signal != 31) return {};
  }
  std::optional<SeccompRecord> record = choose_kill(e, sigsys || child_sigsys);
  std::string who = record && !record->comm.empty() ? record->comm : main_comm(e);
  if (who.empty()) who = "the service";
  std::string killed = child_sigsys && !sigsys ? who + " (a child of the main process) killed by SIGSYS"
                                               : who + " killed by SIGSYS";

  std::vector<std::string> filter_lines;
  for (const auto* f : filters) filter_lines.push_back(f->line());
  std::string filter_text = util::join(filter_lines, ", ");

  if (!record || record->syscall < 0) {
    std::string under = filter_text.empty() ? std::string("a seccomp filter") : filter_text;
    if (filter_text.empty() && archs) under = archs->line();
    return fmt::format(
        "{} under {}: the system call could not be identified (no seccomp audit line; on the Podman host "
        "`journalctl -k | grep type=1326` shows it); add SystemCallErrorNumber=EPERM so the call fails with "
        "an "
        "error the service logs, or SystemCallLog= with the same list to have it logged",
        killed, under);
  }

  std::uint32_t native = seccomp_arch_native();
  std::uint32_t arch = record->arch.value_or(native);
  std::optional<std::string> resolved = options::syscall_name(record->syscall, arch);
  std::string name = resolved.value_or(fmt::format("syscall {}", record->syscall));
  if (arch != native && archs)
    return fmt::format(
        "{} on {} (arch={:x}, not the native ABI): {} forbids other ABIs; list that architecture "
        "in SystemCallArchitectures= or drop the line",
        killed, name, arch, archs->line());
  if (!resolved)
    return fmt::format(
        "{} on system call {} (arch={:x}), which libseccomp cannot name; {}", killed, record->syscall, arch,
        filter_text.empty() ? "no SystemCallFilter= was applied" : "it is filtered by " + filter_text);

  return explain_filtered_call(killed, name, filters, filter_text);
}

// ---------------------------------------------------------------- namespace

// Path-list options whose elements must exist unless prefixed with "-".
constexpr std::string_view kMountPathOptions[] = {"ReadWritePaths",   "ReadOnlyPaths", "InaccessiblePaths",
                                                  "ExecPaths",        "NoExecPaths",   "BindPaths",
                                                  "BindReadOnlyPaths"};

std::string explain_namespace(const Evidence& e, const std::vector<Directive>& applied) {
  std::string code = e.property("ExecMainCode");
  bool status_226 = (code == "exited" || code == "1") && e.property("ExecMainStatus") == "226";
  static const std::regex failed(R"(Failed to set up mount namespacing: (\S+): (.+)$)");
  std::string path, error, step_line;
  for (const auto& line : lines_of(e.section("journal"))) {
    std::smatch m;
    if (path.empty() && std::regex_search(line, m, failed)) {
      path = m[1].str();
      error = m[2].str();
    }
    if (step_line.empty() && line.find("Failed at step NAMESPACE") != std::string::npos)
      step_line = message_of(line);
  }
  if (!status_226 && path.empty()) return {};
  // systemd 252 names the path below its staging root.
  for (std::string_view prefix : {"/run/systemd/unit-root", "/run/systemd/mount-rootfs"})
    if (path.starts_with(prefix) && path.size() > prefix.size() && path[prefix.size()] == '/')
      path = path.substr(prefix.size());
  if (path.empty())
    return "mount namespace setup failed (226/NAMESPACE)" + (step_line.empty() ? "" : ": " + step_line);

  bool missing = error.find("No such file or directory") != std::string::npos;
  for (const auto& d : applied) {
    if (std::find(std::begin(kMountPathOptions), std::end(kMountPathOptions), d.key) ==
        std::end(kMountPathOptions))
      continue;
    std::vector<std::string> elements = util::words(d.value);
    for (auto& element : elements) {
      std::string bare = element;
      bool optional = false;
      while (!bare.empty() && (bare[0] == '-' || bare[0] == '+')) {
        optional = optional || bare[0] == '-';
        bare.erase(0, 1);
      }
      std::string source = bare.substr(0, bare.find(':'));
      if (source != path && bare != path) continue;
      if (!missing || optional)
        return fmt::format("mount namespace setup failed on {} (226/NAMESPACE: {}), named by {}", path, error,
                           d.line());
      element = "-" + element;
      std::string fixed = util::join(elements, " ");
      return fmt::format(
          "{} names {}, which does not exist in the container (226/NAMESPACE); write {}={} to "
          "skip it when it is missing",
          d.line(), path, d.key, fixed);
    }
  }
  return fmt::format(
      "mount namespace setup failed on {} (226/NAMESPACE: {}); no applied option names it, so "
      "it comes from the unit file",
      path, error);
}

// ---------------------------------------------------------------- OOM

std::string explain_oom(const Evidence& e, const std::vector<Directive>& applied) {
  const Directive* limit = last_with(applied, "MemoryMax");
  if (!limit) limit = last_with(applied, "MemoryLimit");
  if (limit && (limit->value == "infinity" || limit->value.empty())) limit = nullptr;
  std::string unit = unit_name(e);

  // "oom-kill:...,task_memcg=/.../system.slice/X.service,task=sh,pid=4360,uid=0"
  // ties a kill to the unit; "Killed process 4360 (sh) ... anon-rss:50800kB" says how big it was.
  std::set<std::string> pids;
  std::string comm, rss;
  bool any_oom_line = false;
  std::vector<std::string> kernel = kernel_lines(e);
  for (const auto& line : kernel) {
    if (line.find("oom-kill:") == std::string::npos) continue;
    auto memcg = field(line, "task_memcg");
    if (!unit.empty() && memcg && memcg->find("/" + unit) == std::string::npos) continue;
    if (auto pid = field(line, "pid")) pids.insert(*pid);
    if (auto task = field(line, "task")) comm = *task;
  }
  static const std::regex killed(R"(Killed process (\d+) \(([^)]*)\)(?:.*anon-rss:(\d+)kB)?)");
  for (const auto& line : kernel) {
    std::smatch m;
    if (!std::regex_search(line, m, killed)) continue;
    if (!pids.empty() && !pids.contains(m[1].str())) continue;
    if (pids.empty() && !unit.empty()) continue;  // cannot tie it to this unit
    any_oom_line = true;
    comm = m[2].str();
    if (m[3].matched) {
      auto kib = util::parse_unsigned(m[3].str());
      rss = kib ? fmt::format("{:.1f} MiB", static_cast<double>(*kib) / 1024.0) : std::string();
    }
  }
  any_oom_line = any_oom_line || !pids.empty();
  bool oom_result = e.property("Result") == "oom-kill" ||
                    e.section("journal").find("killed by the OOM killer") != std::string::npos;
  if (!any_oom_line && !oom_result) {
    if (limit && killed_by(e, 9))
      return fmt::format(
          "the main process was killed by SIGKILL under {}: probably the OOM killer (no kernel line "
          "confirms it); raise the limit above the service's peak use",
          limit->line());
    return {};
  }
  std::string who = comm.empty() ? std::string("a process of the unit") : comm;
  std::string size = rss.empty() ? "" : fmt::format(" with {} resident", rss);
  if (!limit)
    return fmt::format(
        "{} was killed by the OOM killer{}, but no memory limit was applied: the container or "
        "the host ran out of memory",
        who, size);
  return fmt::format(
      "{} was killed by the OOM killer{}: {} is below what the service needs; raise it above the "
      "service's peak use or drop the line",
      who, size, limit->line());
}

// ---------------------------------------------------------------- paths

struct PathError {
  std::string line;  // the journal message
  std::string path;
  std::string error;      // "Read-only file system"
  bool creating = false;  // the path is being created: suggest its folder
};

bool covers(const std::string& root, const std::string& path) {
  if (root == "/") return true;
  return path == root || (path.starts_with(root) && path[root.size()] == '/');
}

std::string strip_prefixes(std::string element) {
  while (!element.empty() && (element[0] == '-' || element[0] == '+')) element.erase(0, 1);
  return element.substr(0, element.find(':'));
}

// Paths named in a message: words starting with "/" after a space, a quote
// (' " ` ‘ “) or a parenthesis, cut at a quote, a space or ": ".
std::vector<std::string> paths_in(const std::string& message) {
  std::vector<std::string> paths;
  for (size_t i = 0; i < message.size(); ++i) {
    if (message[i] != '/') continue;
    bool boundary = i == 0 || std::string_view(" '\"`(=[").find(message[i - 1]) != std::string_view::npos ||
                    (i >= 3 && (message.compare(i - 3, 3, "\xE2\x80\x98") == 0 ||
                                message.compare(i - 3, 3, "\xE2\x80\x9C") == 0));
    if (!boundary) continue;
    size_t end = i;
    while (end < message.size()) {
      char c = message[end];
      if (c == ' ' || c == '\'' || c == '"' || c == '`' || c == ')' || c == ']' || c == ',') break;
      if (c == ':' && (end + 1 == message.size() || message[end + 1] == ' ')) break;
      if (static_cast<unsigned char>(c) == 0xE2) break;  // a closing ’ or ”
      ++end;
    }
    std::string path = message.substr(i, end - i);
    while (path.size() > 1 && (path.back() == '.' || path.back() == ';' || path.back() == '/'))
      path.pop_back();
    if (path.size() > 1) paths.push_back(path);
    i = end;
  }
  return paths;
}

std::vector<PathError> path_errors(const Evidence& e) {
  static const std::string_view kErrors[] = {"Read-only file system", "Permission denied",
                                             "Operation not permitted", "No such file or directory"};
  std::vector<PathError> errors;
  for (const auto& line : lines_of(e.section("journal"))) {
    if (is_pid1_line(line) || line.find("Failed at step") != std::string::npos ||
        line.find("Failed to set up mount namespacing") != std::string::npos)
      continue;
    std::string message = message_of(line);
    for (auto error : kErrors) {
      size_t at = message.find(error);
      if (at == std::string::npos) continue;
      std::vector<std::string> paths = paths_in(message.substr(0, at));
      // "/bin/sh: 1: cannot create /x: ..." starts with the program's name.
      if (paths.size() > 1 && message.starts_with(paths.front() + ":")) paths.erase(paths.begin());
      bool creating = message.find("create") != std::string::npos ||
                      message.find("mkdir") != std::string::npos ||
                      message.find("touch") != std::string::npos;
      for (const auto& path : paths) errors.push_back({message, path, std::string(error), creating});
      break;
    }
  }
  return errors;
}

// Whether the capability is outside the bounding set a CapabilityBoundingSet= value leaves.
bool drops_capability(const std::string& value, const std::string& capability) {
  bool deny = !value.empty() && value[0] == '~';
  auto listed = util::words(deny ? value.substr(1) : value);
  bool named = std::find(listed.begin(), listed.end(), capability) != listed.end();
  return deny ? named : !named;
}

// A path error with what the fixes need: the failure in words and the
// folder to make writable.
struct PathBlame {
  const PathError& error;
  const std::string& p;  // the path
  bool erofs;
  bool enoent;
  bool denied;
  std::string writable;  // the path, or its folder when the service creates it
  std::string what;      // "mkdir failed on /x (Read-only file system)"
};

PathBlame path_blame(const PathError& error) {
  bool erofs = error.error == "Read-only file system";
  bool enoent = error.error == "No such file or directory";
  // "mkdir: cannot create directory ‘/x’: ..." and "/bin/sh: 1: cannot create /x: ..." name the program.
  std::string program = error.line.substr(0, error.line.find(':'));
  program = program.find(' ') == std::string::npos && program.size() < error.line.size()
                ? basename_of(program)
                : "";
  return PathBlame{error,
                   error.path,
                   erofs,
                   enoent,
                   !erofs && !enoent,
                   error.creating ? parent_of(error.path) : error.path,
                   fmt::format("{} failed on {} ({})", program.empty() ? "the service" : program, error.path,
                               error.error)};
}

}  // namespace

std::vector<std::string> unwritable_paths(const Evidence& evidence) {
  std::vector<std::string> paths;
  for (const auto& error : path_errors(evidence)) {
    PathBlame b = path_blame(error);
    if (b.enoent || b.writable.empty()) continue;
    if (std::find(paths.begin(), paths.end(), b.writable) == paths.end()) paths.push_back(b.writable);
  }
  return paths;
}

namespace {

// Explicit path options first: they name the path or a folder above it.
std::optional<std::string> blame_path_options(const PathBlame& b, const std::vector<Directive>& applied) {
  for (const auto& d : applied) {
    for (const auto& w : util::words(d.value)) {
      std::string root = strip_prefixes(w);
      if (root.empty() || !covers(root, b.p)) continue;
      if (d.key == "InaccessiblePaths")
        return fmt::format("{}: {} makes it inaccessible to the service; drop {} from the list", b.what,
                           d.line(), root);
      if ((d.key == "ReadOnlyPaths" || d.key == "BindReadOnlyPaths") && (b.erofs || b.denied))
        return fmt::format("{}: {} makes it read-only; drop {} from the list or add ReadWritePaths={}",
                           b.what, d.line(), root, b.writable);
      if (d.key == "TemporaryFileSystem" && (b.enoent || b.erofs))
        return fmt::format(
            "{}: {} puts an empty tmpfs over {}; bind what the service needs with BindPaths= or "
            "drop the line",
            b.what, d.line(), root);
    }
  }
  return std::nullopt;
}

// The Protect*= and Private*= options that hide or freeze a fixed part of the tree.
std::optional<std::string> blame_protect_option(const PathBlame& b, const Directive& d) {
  const std::string& v = d.value;
  const std::string& p = b.p;
  if (d.key == "ProtectHome" && v != "no" && v != "false" &&
      (covers("/home", p) || covers("/root", p) || covers("/run/user", p))) {
    if (v == "read-only")
      return fmt::format(
          "{}: {} makes /home, /root and /run/user read-only; add ReadWritePaths={} or set "
          "ProtectHome=no",
          b.what, d.line(), b.writable);
    return fmt::format("{}: {} hides /home, /root and /run/user from the service; set {}", b.what, d.line(),
                       b.erofs ? "ProtectHome=no" : "ProtectHome=read-only if it only reads there");
  }
  if (d.key == "PrivateTmp" && options::is_true(v) && (covers("/tmp", p) || covers("/var/tmp", p)) &&
      !b.erofs)
    return fmt::format(
        "{}: {} gives the service its own empty /tmp and /var/tmp, so it does not see what "
        "other processes put there; share the file through a path outside /tmp",
        b.what, d.line());
  if (d.key == "PrivateDevices" && options::is_true(v) && covers("/dev", p))
    return fmt::format(
        "{}: {} leaves the service only pseudo devices in /dev; add DeviceAllow={} with "
        "PrivateDevices=no",
        b.what, d.line(), p);
  if (d.key == "ProtectKernelLogs" && options::is_true(v) && (p == "/dev/kmsg" || p == "/proc/kmsg"))
    return fmt::format("{}: {} hides the kernel log from the service", b.what, d.line());
  if (d.key == "ProtectKernelTunables" && options::is_true(v) && b.erofs &&
      (covers("/proc/sys", p) || covers("/sys", p)))
    return fmt::format(
        "{}: {} makes /proc/sys and /sys read-only; set kernel tunables outside the service "
        "(sysctl.d)",
        b.what, d.line());
  if (d.key == "ProtectControlGroups" && options::is_true(v) && b.erofs && covers("/sys/fs/cgroup", p))
    return fmt::format(
        "{}: {} makes /sys/fs/cgroup read-only; use Delegate=yes if the service manages cgroups", b.what,
        d.line());
  if (d.key == "ProtectProc" && v == "invisible" && covers("/proc", p) && (b.enoent || b.denied))
    return fmt::format("{}: {} hides other users' processes in /proc", b.what, d.line());
  return std::nullopt;
}

// ProtectSystem= on a read-only error, unless a ReadWritePaths= line already covers the path.
std::optional<std::string> blame_protect_system(const PathBlame& b, const std::vector<Directive>& applied) {
  const std::string& p = b.p;
  for (const auto& d : applied) {
    if (d.key != "ProtectSystem") continue;
    const std::string& v = d.value;
    bool strict = v == "strict";
    bool full = v == "full";
    bool yes = options::is_true(v) || full || strict;
    bool hit = strict ? !(covers("/dev", p) || covers("/proc", p) || covers("/sys", p))
                      : yes && (covers("/usr", p) || covers("/boot", p) || covers("/efi", p) ||
                                (full && covers("/etc", p)));
    if (!hit) continue;
    bool allowed = false;
    for (const auto* rw : applied_with(applied, "ReadWritePaths"))
      for (const auto& w : util::words(rw->value)) allowed = allowed || covers(strip_prefixes(w), p);
    if (allowed) continue;
    std::string scope = strict ? "the whole file system but /dev, /proc and /sys"
                        : full ? "/usr, /boot, /efi and /etc"
                               : "/usr, /boot and /efi";
    return fmt::format("{}: {} makes {} read-only; add ReadWritePaths={}", b.what, d.line(), scope,
                       b.writable);
  }
  return std::nullopt;
}

// On a permission error: root without CAP_DAC_OVERRIDE, or a service that is no longer root.
std::optional<std::string> blame_identity(const PathBlame& b, const std::vector<Directive>& applied) {
  for (const auto& d : applied) {
    if (d.key == "CapabilityBoundingSet" && drops_capability(d.value, "CAP_DAC_OVERRIDE"))
      return fmt::format(
          "{}: {} drops CAP_DAC_OVERRIDE, so root no longer bypasses file permissions; add "
          "CAP_DAC_OVERRIDE (or CAP_DAC_READ_SEARCH to read) or fix the file's owner",
          b.what, d.line());
    if ((d.key == "User" && !d.value.empty() && d.value != "root" && d.value != "0") ||
        (d.key == "DynamicUser" && options::is_true(d.value)))
      return fmt::format(
          "{}: with {} the service no longer runs as root; give that user access to the path "
          "(StateDirectory=, LogsDirectory=, or the file's owner)",
          b.what, d.line());
  }
  return std::nullopt;
}

// The option that plausibly makes `error.path` fail as it did, with the fix.
std::optional<std::string> blame_path(const PathError& error, const std::vector<Directive>& applied) {
  PathBlame b = path_blame(error);
  if (auto blame = blame_path_options(b, applied)) return blame;
  for (const auto& d : applied)
    if (auto blame = blame_protect_option(b, d)) return blame;
  if (b.erofs)
    if (auto blame = blame_protect_system(b, applied)) return blame;
  if (b.denied) return blame_identity(b, applied);
  return std::nullopt;
}

std::string explain_paths(const Evidence& e, const std::vector<Directive>& applied) {
  for (const auto& error : path_errors(e))
    if (auto blame = blame_path(error, applied)) return *blame;
  return {};
}

}  // namespace

std::optional<SeccompRecord> parse_seccomp_record(std::string_view line) {
  if (line.find("type=1326") == std::string_view::npos) return std::nullopt;
  SeccompRecord record;
  if (auto pid = field(line, "pid")) record.pid = to_int(*pid).value_or(0);
  if (auto auid = field(line, "auid")) {
    const auto value = util::parse_unsigned(*auid);
    if (value && *value < 4294967295ULL) record.auid = static_cast<std::uint32_t>(*value);
  }
  record.comm = field(line, "comm").value_or("");
  record.exe = field(line, "exe").value_or("");
  if (auto sig = field(line, "sig")) record.signal = to_int(*sig).value_or(0);
  if (auto arch = field(line, "arch")) record.arch = options::parse_audit_arch(*arch);
  if (auto nr = field(line, "syscall")) record.syscall = to_int(*nr).value_or(-1);
  record.code = field(line, "code").value_or("");
  return record;
}

bool is_audit_tag(std::optional<std::uint32_t> auid) {
  return auid && *auid >= kAuditTagFirst && *auid - kAuditTagFirst < kAuditTagCount;
}

std::vector<std::string> kernel_lines(const Evidence& e) {
  const std::string& tag_text = e.section(kAuditTag);
  const std::optional<unsigned long long> tag =
      tag_text.empty() ? std::nullopt : util::parse_unsigned(util::trim(tag_text));
  const auto own = [&](const std::string& line) {
    const auto record = parse_seccomp_record(line);
    if (!record) return true;
    return tag ? record->auid && *record->auid == *tag : !is_audit_tag(record->auid);
  };
  std::vector<std::string> all;
  std::set<std::string> seen;
  for (const char* section : {"kernel", "host_kernel"})
    for (auto& line : lines_of(e.section(section)))
      if (own(line) && seen.insert(line).second) all.push_back(std::move(line));
  return all;
}

std::string explain_failure(const Evidence& evidence, const std::vector<Directive>& applied) {
  const std::string& unreachable = evidence.section(kKernelLogUnreachable);
  bool no_kernel = !unreachable.empty() && kernel_lines(evidence).empty();
  for (auto explain : {explain_seccomp, explain_namespace, explain_oom, explain_paths}) {
    std::string text = explain(evidence, applied);
    if (text.empty()) continue;
    if (no_kernel && (explain == explain_seccomp || explain == explain_oom))
      text += " (" + unreachable + ": from the container's journal)";
    return text;
  }
  if (no_kernel && (killed_by(evidence, 31) || killed_by(evidence, 9)))
    return fmt::format(
        "the main process was killed by {}; {}, so the kernel's record of the kill (seccomp or "
        "OOM) could not be read",
        killed_by(evidence, 31) ? "SIGSYS" : "SIGKILL", unreachable);
  return {};
}

}  // namespace hb::trial
