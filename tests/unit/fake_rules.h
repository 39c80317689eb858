#pragma once
// The one vocabulary of fake behaviours (STYLE.md "One shared vocabulary of
// fake behaviours"): what a FakeRuntime container does with the drop-in the
// trial runner staged. A rule decides the outcome ("fails iff
// ProtectSystem=strict", "killed by SIGSYS unless fchown is allowed"); the
// fake decides, from the catalogue, which directives systemd would enforce at
// the container's privilege and shows only those in the evidence the probes
// read (mountinfo, namespaces, /proc/PID/status, cgroup limits, the user).
//
//   fake.rule = rules::fails_if("ProtectSystem=strict");
//   fake.rule = rules::first_of({rules::killed_by_sigsys_unless_allowed("fchown"),
//                                rules::fails_with_probability(0.3, "PrivateTmp=yes", 7)});
//
// Rules see only the directives that are in effect: an option above the
// container's privilege silently does nothing, as systemd does on our hosts.
// Unknown input fails the test loudly: a drop-in line the fake cannot read,
// or a directive the catalogue does not know.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "options/catalogue.h"
#include "options/directive.h"
#include "options/privilege.h"
#include "options/syscall_groups.h"
#include "options/syscalls.h"
#include "trial/probes.h"

namespace hb::testing {

// What one trial shows the driver. The process-state sections (main_status,
// main_mountinfo, main_ns, main_limits, main_user) are made by the fake from
// the directives in effect unless set here.
struct FakeTrial {
  std::string boot_state = "running";
  int start_rc = 0;
  int workload_rc = 0;
  long workload_ms = 12;
  std::string show =
      "LoadState=loaded\nActiveState=active\nSubState=running\nResult=success\n"
      "ExecMainCode=0\nExecMainStatus=0\nNRestarts=0\nMainPID=42\n"
      "ExecStart={ path=/usr/local/bin/demo ; argv[]=/usr/local/bin/demo ; }";
  std::string journal = "systemd[1]: Started demo.service.";
  std::string kernel;  // the container's kernel log window (seccomp audit lines)
  // nullopt: /proc/PID/status of the main process as the directives in effect
  // make it; "": no main process to probe (the service died); else verbatim.
  std::optional<std::string> main_status;
  std::string pid1_dropin;
  bool complete = true;
  // Directives ("Key=Value") systemd silently skipped in this trial although
  // the privilege allows them: the evidence shows them not in effect.
  std::vector<std::string> skipped;
};

// One trial's container as the fake reads it at boot.
struct FakeContainer {
  std::string dropin;  // the staged drop-in, verbatim
  options::Privilege privilege = options::Privilege::Minimal;
  std::vector<options::Directive> applied;   // every directive of the drop-in, in order
  std::vector<options::Directive> enforced;  // those systemd sets up at this privilege on this host

  // Whether "Key=Value" is in the drop-in and in effect.
  bool in_effect(const std::string& line) const {
    for (const auto& d : enforced)
      if (d.line() == line) return true;
    return false;
  }
  std::vector<const options::Directive*> in_effect_with_key(const std::string& key) const {
    std::vector<const options::Directive*> found;
    for (const auto& d : enforced)
      if (d.key == key) found.push_back(&d);
    return found;
  }
};

namespace fake_detail {

// The test fails, loudly, whichever thread the fake runs on; the caller
// still answers (a harness failure), so a parallel search is not torn down.
inline void complain(const std::string& what) { ADD_FAILURE() << "FakeRuntime: " << what; }

inline bool truthy(const std::string& value) {
  return value == "yes" || value == "true" || value == "1" || value == "on";
}
inline bool off(const std::string& value) {
  return value.empty() || value == "no" || value == "false" || value == "0";
}

inline std::vector<std::string> words(const std::string& value) {
  std::vector<std::string> out;
  std::istringstream in(value);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// "Key=Value" of a rule, checked against the catalogue when the rule is written.
inline options::Directive rule_directive(const std::string& line) {
  auto eq = line.find('=');
  if (eq == std::string::npos || eq == 0) {
    complain("rule directive '" + line + "' is not Key=Value");
    return {};
  }
  options::Directive d{"", line.substr(0, eq), line.substr(eq + 1)};
  if (const options::DirectiveInfo* info = options::find_directive(d.key))
    d.section = std::string(info->section);
  else
    complain("rule directive '" + line + "': the catalogue does not know " + d.key);
  return d;
}

}  // namespace fake_detail

// Whether systemd enforces the directive in a container at this privilege on
// this host (cgroup v1 hybrid): the catalogue's least privilege, and never for
// what only cgroup v2 offers.
inline bool enforced_at(const options::DirectiveInfo& info, options::Privilege privilege) {
  return !info.cgroup_v2_only && static_cast<int>(info.requirement) <= static_cast<int>(privilege);
}

// Reads a drop-in as the trial runner writes it: comments, blank lines,
// [Unit]/[Service] headers and Key=Value lines. Anything else, and any key
// the catalogue does not know, fails the test; nullopt then.
inline std::optional<std::vector<options::Directive>> parse_dropin(const std::string& text) {
  std::vector<options::Directive> out;
  std::string section;
  std::istringstream lines(text);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    auto where = [&] { return "drop-in line " + std::to_string(number) + " '" + line + "'"; };
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line == "[Unit]" || line == "[Service]") {
      section = line.substr(1, line.size() - 2);
      continue;
    }
    auto eq = line.find('=');
    bool key_ok = eq != std::string::npos && eq > 0;
    for (size_t i = 0; key_ok && i < eq; ++i) key_ok = std::isalnum(static_cast<unsigned char>(line[i]));
    if (!key_ok || section.empty()) {
      fake_detail::complain(where() + ": cannot read it (" +
                            (section.empty() ? "no [Unit] or [Service] before it" : "not Key=Value") + ")");
      return std::nullopt;
    }
    options::Directive d{section, line.substr(0, eq), line.substr(eq + 1)};
    if (!options::find_directive(d.key)) {
      fake_detail::complain(where() + ": the catalogue does not know " + d.key +
                            ", so the fake cannot tell what systemd would do with it");
      return std::nullopt;
    }
    out.push_back(std::move(d));
  }
  return out;
}

// What a given systemd version makes of the drop-in, as the real ones do
// (252 and 257 measured): a key newer than `version` is ignored whole
// ("Unknown key 'PrivatePIDs' in section [Service], ignoring."), and in a
// SystemCallFilter=/RestrictAddressFamilies= list a '~' that does not lead
// the value is read as part of a name, which is ignored ("Failed to parse
// system call, ignoring: ~bpf"). `journal` gets PID 1's lines, as the driver
// collects them; the result is the drop-in as systemd reads it.
inline std::vector<options::Directive> systemd_reads(const std::string& dropin,
                                                     const std::vector<options::Directive>& applied,
                                                     int version, std::string& journal) {
  if (version <= 0) return applied;
  std::vector<options::Directive> read;
  std::map<std::string, int> numbers;  // "Key=Value" -> its line in the drop-in
  {
    std::istringstream lines(dropin);
    int number = 0;
    for (std::string line; std::getline(lines, line);) numbers.emplace(line, ++number);
  }
  auto log = [&](const options::Directive& d, const std::string& message) {
    journal += "/run/systemd/generator.early/demo.service.d/50-hardbisect.conf:" +
               std::to_string(numbers[d.line()]) + ": " + message + "\n";
  };
  for (const auto& d : applied) {
    const options::DirectiveInfo* info = options::find_directive(d.key);
    if (info && info->min_systemd > version) {
      log(d, "Unknown key '" + d.key + "' in section [" + d.section + "], ignoring.");
      continue;
    }
    if (d.key != "SystemCallFilter" && d.key != "RestrictAddressFamilies") {
      read.push_back(d);
      continue;
    }
    bool deny = !d.value.empty() && d.value[0] == '~';
    std::string kept;
    for (const auto& w : fake_detail::words(deny ? d.value.substr(1) : d.value)) {
      if (w.size() > 1 && w[0] == '~') {
        log(d, std::string("Failed to parse ") +
                   (d.key == "SystemCallFilter" ? "system call" : "address family") + ", ignoring: " + w);
        continue;
      }
      kept += (kept.empty() ? "" : " ") + w;
    }
    if (!kept.empty()) read.push_back({d.section, d.key, (deny ? "~" : "") + kept});
  }
  return read;
}

// The state of the service's main process and of PID 1 that the enforcement
// probes (src/trial/probes.cc) read, as the directives in effect make it.
// Section name -> driver output.
inline std::map<std::string, std::string> process_state(const std::vector<options::Directive>& given) {
  // As systemd does: DynamicUser=yes implies ProtectSystem=strict and PrivateTmp=yes.
  std::vector<options::Directive> in_effect = given;
  for (const auto& d : given)
    if (d.key == "DynamicUser" && fake_detail::truthy(d.value)) {
      in_effect.push_back({"Service", "ProtectSystem", "strict"});
      in_effect.push_back({"Service", "PrivateTmp", "yes"});
      break;
    }
  using fake_detail::off;
  using fake_detail::truthy;
  using fake_detail::words;
  const unsigned long long pid1_bounding = 0x1ffffffffffULL;
  bool no_new_privs = false, seccomp = false;
  unsigned long long bounding = pid1_bounding, ambient = 0;
  std::string umask = "0022", user = "root";
  std::set<std::string> own_ns;  // namespaces the service does not share with PID 1
  struct Mount {
    std::string point, root;
    bool ro;
    std::string fs = {};  // "fstype source super-options"; tmpfs when empty
  };
  std::vector<Mount> mounts{
      {"/", "/", false}, {"/proc", "/", false, "proc proc rw"}, {"/dev", "/", false}, {"/sys", "/", false}};
  // As systemd does: ProcSubset=pid mounts a /proc without /proc/sys,
  // InaccessiblePaths= mounts an inaccessible node, ReadWritePaths= binds its
  // paths writable again last.
  bool proc_subset = false;
  std::vector<std::string> writable;
  for (const auto& d : in_effect) {
    if (d.key == "ProcSubset" && d.value == "pid") proc_subset = true;
    if (d.key == "ReadWritePaths")
      for (auto w : words(d.value)) {
        while (!w.empty() && (w[0] == '-' || w[0] == '+')) w.erase(0, 1);
        writable.push_back(w);
      }
  }
  if (proc_subset) mounts[1].fs = "proc proc rw,subset=pid";
  std::map<std::string, std::string> limits{{"memory", "max"}, {"pids", "max"}};
  auto mount = [&](const std::string& point, bool ro, std::string root = "/") {
    mounts.push_back({point, std::move(root), ro, {}});
  };
  auto strip = [](std::string w) {
    while (!w.empty() && (w[0] == '-' || w[0] == '+')) w.erase(0, 1);
    return w;
  };

  // What the kernel writes in the cgroup file: bytes, not "100M".
  auto cgroup_value = [](const std::string& v) {
    static const std::string kUnits = "KMGT";
    size_t unit = v.empty() ? std::string::npos : kUnits.find(v.back());
    if (unit == std::string::npos) return v;
    unsigned long long n = std::stoull(v.substr(0, v.size() - 1));
    for (size_t i = 0; i <= unit; ++i) n *= 1024;
    return std::to_string(n);
  };
  for (const auto& d : in_effect) {
    const options::DirectiveInfo* info = options::find_directive(d.key);
    if (!info) continue;
    const std::string probe(options::probe_name(info->probe));
    const std::string& v = d.value;
    if (probe == "no_new_privs" && truthy(v)) no_new_privs = true;
    if (probe == "seccomp" && !off(v) && d.key != "SystemCallErrorNumber" && d.key != "SystemCallLog")
      seccomp = true;
    if (d.key == "ProtectClock" && truthy(v)) bounding &= ~((1ULL << 25) | (1ULL << 35));
    if (d.key == "CapabilityBoundingSet" || d.key == "AmbientCapabilities") {
      bool deny = !v.empty() && v[0] == '~';
      unsigned long long listed = 0;
      for (const auto& w : words(deny ? v.substr(1) : v))
        if (auto bit = trial::capability_bit(w)) listed |= 1ULL << *bit;
      if (d.key == "CapabilityBoundingSet")
        bounding &= deny ? ~listed : listed;
      else if (!deny)
        ambient |= listed & pid1_bounding;
    }
    if (probe == "umask") umask = v;
    if (d.key == "User" && !v.empty()) user = v;
    if (d.key == "DynamicUser" && truthy(v)) user = "demo";
    if (probe == "readonly_paths" && !off(v)) {
      std::vector<std::string> paths;
      if (d.key == "ProtectSystem")
        paths = v == "strict" ? std::vector<std::string>{"/usr", "/etc", "/var"}
                : v == "full" ? std::vector<std::string>{"/usr", "/etc"}
                              : std::vector<std::string>{"/usr"};
      else if (d.key == "ProtectKernelTunables")
        paths = {"/proc/sys"};
      else if (d.key == "ProtectControlGroups")
        paths = {"/sys/fs/cgroup"};
      else
        for (auto w : words(v)) {
          w = strip(w);
          auto colon = w.find(':');
          if (d.key == "BindReadOnlyPaths" && colon != std::string::npos)
            w = w.substr(colon + 1);
          else if (colon != std::string::npos)
            w = w.substr(0, colon);
          paths.push_back(w);
        }
      for (const auto& p : paths)
        if (!(proc_subset && p == "/proc/sys")) mount(p, true);
    }
    if (probe == "hidden_paths" && !off(v)) {
      if (d.key == "ProtectHome") {
        mount("/root", true);
        mount("/home", true);
      } else if (d.key == "InaccessiblePaths" || d.key == "TemporaryFileSystem") {
        for (auto w : words(v))
          mount(strip(w).substr(0, strip(w).find(':')), d.key == "InaccessiblePaths",
                d.key == "InaccessiblePaths" ? "/systemd/inaccessible/dir" : "/");
      }
    }
    if (probe == "private_tmp" && truthy(v))
      mount("/tmp", false, "/systemd-private-0f3a-demo.service-Xk2/tmp");
    if (d.key == "PrivateDevices" && truthy(v)) {
      mount("/dev", false);                        // a new tmpfs: a device of its own
      bounding &= ~((1ULL << 27) | (1ULL << 17));  // CAP_MKNOD, CAP_SYS_RAWIO
    }
    bool mount_ns = probe == "readonly_paths" || probe == "hidden_paths" || probe == "private_tmp" ||
                    probe == "private_devices" || probe == "namespace:mnt";
    if (mount_ns && !off(v)) own_ns.insert("mnt");
    if (probe.rfind("namespace:", 0) == 0 && probe != "namespace:mnt" &&
        (truthy(v) || d.key.ends_with("NamespacePath")))
      own_ns.insert(probe.substr(10));
    if ((probe == "cgroup_memory" || probe == "cgroup_pids") && !v.empty() && v != "infinity")
      limits[probe == "cgroup_memory" ? "memory" : "pids"] = cgroup_value(v);
  }

  for (const auto& w : writable) mount(w, false, w);

  std::map<std::string, std::string> s;
  char caps[64];
  std::string status = std::string("Umask:\t") + umask + "\nNoNewPrivs:\t" + (no_new_privs ? "1" : "0") +
                       "\nSeccomp:\t2\nSeccomp_filters:\t" + (seccomp ? "2" : "1");
  std::snprintf(caps, sizeof caps, "\nCapBnd:\t%016llx\nCapAmb:\t%016llx", bounding, ambient);
  s["main_status"] = status + caps;
  std::snprintf(caps, sizeof caps, "\nCapBnd:\t%016llx", pid1_bounding);
  s["pid1_status"] = std::string("NoNewPrivs:\t0\nSeccomp:\t2\nSeccomp_filters:\t1") + caps;
  std::string mountinfo;
  int id = 20;
  for (const auto& m : mounts) {
    ++id;
    mountinfo += std::to_string(id) + " 20 0:" + std::to_string(id) + " " + m.root + " " + m.point +
                 (m.ro ? " ro" : " rw") + ",relatime - " +
                 (!m.fs.empty()    ? m.fs
                  : m.point == "/" ? "overlay overlay rw"
                                   : "tmpfs tmpfs rw") +
                 "\n";
  }
  s["main_mountinfo"] = mountinfo;
  // PID 1 has the container's first mounts (/, /proc, /dev, /sys), same devices.
  std::string pid1_mountinfo;
  for (size_t i = 0; i < 4; ++i)
    pid1_mountinfo += std::to_string(21 + i) + " 20 0:" + std::to_string(21 + i) + " / " + mounts[i].point +
                      " rw,relatime - " +
                      (!mounts[i].fs.empty() ? mounts[i].fs
                       : i == 0              ? "overlay overlay rw"
                                             : "tmpfs tmpfs rw") +
                      "\n";
  s["pid1_mountinfo"] = pid1_mountinfo;
  std::string pid1_ns, main_ns;
  const std::vector<std::pair<std::string, long>> kinds{
      {"cgroup", 4026531835}, {"ipc", 4026531839},  {"mnt", 4026531841}, {"net", 4026531840},
      {"pid", 4026531836},    {"user", 4026531837}, {"uts", 4026531838}};
  for (const auto& [kind, inode] : kinds) {
    pid1_ns += kind + " " + kind + ":[" + std::to_string(inode) + "]\n";
    main_ns += kind + " " + kind + ":[" + std::to_string(inode + (own_ns.count(kind) ? 1000 : 0)) + "]\n";
  }
  s["pid1_ns"] = pid1_ns;
  s["main_ns"] = main_ns;
  s["main_limits"] = "memory " + limits["memory"] + "\npids " + limits["pids"] + "\n";
  s["main_user"] = user;
  return s;
}

// A rule: what a trial does when it matches, nullopt when it does not (the
// next rule is asked; none matching = the service works).
class Rule {
 public:
  using Match = std::function<std::optional<FakeTrial>(const FakeContainer&)>;
  Rule() = default;
  Rule(Match match) : m_match(std::move(match)) {}
  // A one-off rule on the drop-in text; prefer the vocabulary, which sees
  // only the directives in effect.
  template <class F>
  requires std::is_invocable_r_v<FakeTrial, F, const std::string&> &&
      (!std::is_invocable_v<F, const FakeContainer&>)Rule(F f)
      : m_match(
            [f = std::move(f)](const FakeContainer& c) -> std::optional<FakeTrial> { return f(c.dropin); }) {}

  std::optional<FakeTrial> operator()(const FakeContainer& container) const {
    return m_match ? m_match(container) : std::nullopt;
  }

 private:
  Match m_match;
};

namespace rules {

// The outcomes the rules give.
namespace outcome {

// The service exits with status 3 while the workload runs; nothing left to probe.
inline FakeTrial service_fails(const std::string& why) {
  FakeTrial t;
  t.workload_rc = 1;
  t.show =
      "LoadState=loaded\nActiveState=failed\nSubState=failed\nResult=exit-code\nExecMainCode=1\n"
      "ExecMainStatus=3\nNRestarts=0\nMainPID=0\n"
      "ExecStart={ path=/usr/local/bin/demo ; argv[]=/usr/local/bin/demo ; }";
  t.journal = "demo[42]: fatal: " + why +
              "\nsystemd[1]: demo.service: Main process exited, code=exited, status=3/NOTIMPLEMENTED";
  t.main_status = "";
  return t;
}

// The main process is killed by SIGSYS; with a syscall name the kernel log
// holds its seccomp audit line, as on a real host.
inline FakeTrial killed_by_sigsys(const std::string& syscall) {
  FakeTrial t;
  t.workload_rc = 1;
  t.show =
      "LoadState=loaded\nActiveState=failed\nSubState=failed\nResult=signal\nExecMainCode=2\n"
      "ExecMainStatus=31\nNRestarts=0\nMainPID=0\n"
      "ExecStart={ path=/usr/local/bin/demo ; argv[]=/usr/local/bin/demo ; }";
  t.journal = "systemd[1]: demo.service: Main process exited, code=killed, status=31/SYS";
  if (!syscall.empty()) {
    if (auto nr = options::syscall_number(syscall))
      t.kernel =
          "audit: type=1326 audit(1700000000.123:42): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=42 "
          "comm=\"demo\" exe=\"/usr/local/bin/demo\" sig=31 syscall=" +
          std::to_string(*nr) + " compat=0 ip=0x7f0000001234 code=0x0";
    else
      fake_detail::complain("killed_by_sigsys: libseccomp does not know the syscall " + syscall);
  }
  t.main_status = "";
  return t;
}

}  // namespace outcome

// Every trial works (what a FakeRuntime does without a rule).
inline Rule passes() {
  return Rule([](const FakeContainer&) -> std::optional<FakeTrial> { return FakeTrial{}; });
}

// The first rule that matches decides.
inline Rule first_of(std::vector<Rule> rules) {
  return Rule([rules = std::move(rules)](const FakeContainer& c) -> std::optional<FakeTrial> {
    for (const auto& rule : rules)
      if (auto t = rule(c)) return t;
    return std::nullopt;
  });
}

// The service fails iff "Key=Value" is in effect.
inline Rule fails_if(const std::string& line) {
  fake_detail::rule_directive(line);
  return Rule([line](const FakeContainer& c) -> std::optional<FakeTrial> {
    if (!c.in_effect(line)) return std::nullopt;
    return outcome::service_fails("cannot work under " + line);
  });
}

// The service fails iff all the lines are in effect together.
inline Rule fails_if_all(std::vector<std::string> lines) {
  for (const auto& line : lines) fake_detail::rule_directive(line);
  return Rule([lines = std::move(lines)](const FakeContainer& c) -> std::optional<FakeTrial> {
    for (const auto& line : lines)
      if (!c.in_effect(line)) return std::nullopt;
    std::string all;
    for (const auto& line : lines) all += (all.empty() ? "" : " with ") + line;
    return outcome::service_fails("cannot work under " + all);
  });
}

// The service fails iff a list-valued directive in effect holds the element
// ("/var/lib/app" in InaccessiblePaths=), split as the catalogue splits it.
inline Rule fails_if_element(const std::string& key, const std::string& element) {
  const options::DirectiveInfo* info = options::find_directive(key);
  if (!info) fake_detail::complain("fails_if_element: the catalogue does not know " + key);
  return Rule([info, key, element](const FakeContainer& c) -> std::optional<FakeTrial> {
    if (!info) return std::nullopt;
    for (const auto* d : c.in_effect_with_key(key))
      for (const auto& e : options::split_value(*info, d->value))
        if (e == element) return outcome::service_fails("cannot work under " + key + "= holding " + element);
    return std::nullopt;
  });
}

// Flaky: while "Key=Value" is in effect the service fails with probability
// p per trial (a seeded coin, tossed only then).
// The k-th run of each drop-in draws its own coin from (seed, drop-in, k),
// so the outcomes do not depend on which of the trials running side by side
// (--jobs) reaches the rule first.
inline Rule fails_with_probability(double p, const std::string& line, unsigned seed) {
  fake_detail::rule_directive(line);
  struct Runs {
    std::mutex mutex;
    std::map<std::string, unsigned> of;  // drop-in -> runs so far
  };
  auto runs = std::make_shared<Runs>();
  return Rule([p, line, seed, runs](const FakeContainer& c) -> std::optional<FakeTrial> {
    if (!c.in_effect(line)) return std::nullopt;
    unsigned run = 0;
    {
      const std::lock_guard<std::mutex> lock(runs->mutex);
      run = runs->of[c.dropin]++;
    }
    std::seed_seq seq{seed, static_cast<unsigned>(std::hash<std::string>{}(c.dropin)), run};
    std::mt19937 rng(seq);
    std::uniform_real_distribution<double> coin(0, 1);
    if (coin(rng) < p) return outcome::service_fails("flaky under " + line);
    return FakeTrial{};
  });
}

// The main process is killed by SIGSYS iff "Key=Value" is in effect; with a
// syscall, the kernel log names it.
inline Rule killed_by_sigsys_if(const std::string& line, const std::string& syscall = "") {
  fake_detail::rule_directive(line);
  return Rule([line, syscall](const FakeContainer& c) -> std::optional<FakeTrial> {
    if (!c.in_effect(line)) return std::nullopt;
    return outcome::killed_by_sigsys(syscall);
  });
}

// The service calls `syscall`: SIGSYS when a SystemCallFilter= line in
// effect does not let it through (options::syscall_filter_allows).
inline Rule killed_by_sigsys_unless_allowed(const std::string& syscall) {
  if (!options::syscall_number(syscall))
    fake_detail::complain("libseccomp does not know the syscall " + syscall);
  return Rule([syscall](const FakeContainer& c) -> std::optional<FakeTrial> {
    // All the unit's SystemCallFilter= lines, merged as systemd does.
    std::vector<std::string> values;
    for (const auto* d : c.in_effect_with_key("SystemCallFilter")) values.push_back(d->value);
    if (!options::syscall_filter_lines_allow(values, syscall)) return outcome::killed_by_sigsys(syscall);
    return std::nullopt;
  });
}

// The service calls `syscall`; while the SystemCallFilter= lines in effect
// do not let it through, the call fails with an errno
// (SystemCallErrorNumber=EPERM): the service fails, nothing is killed and
// nothing logged. When it is let through and a SystemCallLog= in effect
// names it, the kernel log holds seccomp's LOG record (sig=0), as on a real
// host (measured: code=0x7ffc0000).
inline Rule denied_with_errno_unless_allowed(const std::string& syscall) {
  auto nr = options::syscall_number(syscall);
  if (!nr) fake_detail::complain("libseccomp does not know the syscall " + syscall);
  return Rule([syscall, nr](const FakeContainer& c) -> std::optional<FakeTrial> {
    std::vector<std::string> values;
    for (const auto* d : c.in_effect_with_key("SystemCallFilter")) values.push_back(d->value);
    if (!options::syscall_filter_lines_allow(values, syscall))
      return outcome::service_fails(syscall + ": Operation not permitted");
    for (const auto* d : c.in_effect_with_key("SystemCallLog")) {
      if (!nr || !options::syscall_filter_allows(d->value, syscall)) continue;
      FakeTrial t;
      t.kernel =
          "audit: type=1326 audit(1700000000.123:43): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=42 "
          "comm=\"demo\" exe=\"/usr/local/bin/demo\" sig=0 syscall=" +
          std::to_string(*nr) + " compat=0 ip=0x7f0000001234 code=0x7ffc0000";
      return t;
    }
    return std::nullopt;
  });
}

// systemd silently skips "Key=Value" even where the privilege allows it (as
// with a kernel that lacks the feature): the service works and the evidence
// shows the option not in effect.
inline Rule not_enforced(const std::string& line) {
  fake_detail::rule_directive(line);
  return Rule([line](const FakeContainer& c) -> std::optional<FakeTrial> {
    if (!c.in_effect(line)) return std::nullopt;
    FakeTrial t;
    t.skipped.push_back(line);
    return t;
  });
}

// The unit's own sandboxing (PrivateUsers= in the packaged unit file) needs
// `needed`: below it the unit does not start (217/USER), whatever the drop-in.
inline Rule start_fails_below(options::Privilege needed) {
  return Rule([needed](const FakeContainer& c) -> std::optional<FakeTrial> {
    if (static_cast<int>(c.privilege) >= static_cast<int>(needed)) return std::nullopt;
    FakeTrial t;
    t.start_rc = 1;
    t.show =
        "LoadState=loaded\nActiveState=failed\nSubState=failed\nResult=exit-code\nExecMainCode=1\n"
        "ExecMainStatus=217\nNRestarts=0\nMainPID=0";
    t.journal =
        "(demo)[42]: demo.service: Failed at step USER spawning /usr/local/bin/demo: Operation not permitted";
    t.main_status = "";
    return t;
  });
}

// The same with Restart=: the evidence is taken while systemd starts the
// unit again, so `systemctl show` says Result=success and status 0; only
// the journal keeps the 217/USER of each attempt.
inline Rule start_fails_below_restarting(options::Privilege needed) {
  return Rule([needed](const FakeContainer& c) -> std::optional<FakeTrial> {
    if (static_cast<int>(c.privilege) >= static_cast<int>(needed)) return std::nullopt;
    FakeTrial t;
    t.start_rc = 1;
    t.show =
        "Id=demo.service\nLoadState=loaded\nActiveState=activating\nSubState=auto-restart\nResult=success\n"
        "ExecMainCode=0\nExecMainStatus=0\nNRestarts=3\nMainPID=0";
    t.journal =
        "[ 12.1] c1 (demo)[42]: demo.service: Failed at step USER spawning /usr/local/bin/demo: No such "
        "file\n"
        "[ 12.2] c1 systemd[1]: demo.service: Main process exited, code=exited, status=217/USER\n"
        "[ 12.3] c1 systemd[1]: other.service: Main process exited, code=exited, status=1/FAILURE\n"
        "[ 12.4] c1 systemd[1]: demo.service: Scheduled restart job, restart counter is at 3.\n"
        "[ 12.5] c1 systemd[1]: Starting demo.service - Demo...";
    t.main_status = "";
    return t;
  });
}

// The service needs `capability` (as root): it fails when a
// CapabilityBoundingSet= in effect leaves it out (allow lists merge; a
// "~" list removes).
inline Rule fails_without_capability(const std::string& capability) {
  return Rule([capability](const FakeContainer& c) -> std::optional<FakeTrial> {
    auto lines = c.in_effect_with_key("CapabilityBoundingSet");
    if (lines.empty()) return std::nullopt;
    bool allowed = false;
    for (const auto* d : lines) {
      const bool deny = options::is_deny_list(d->value);
      const auto listed = fake_detail::words(deny ? d->value.substr(d->value.find('~') + 1) : d->value);
      const bool named = std::find(listed.begin(), listed.end(), capability) != listed.end();
      if (deny && named) allowed = false;
      if (!deny && named) allowed = true;
    }
    if (allowed) return std::nullopt;
    return outcome::service_fails("chown(\"/var/lib/demo\") failed (1: Operation not permitted), needs " +
                                  capability);
  });
}

// The service writes `path` (a file in a folder): under ProtectSystem=strict
// in effect it fails with "Read-only file system" unless a ReadWritePaths=
// in effect names the folder (with or without a "-").
inline Rule writes_path(const std::string& path) {
  return Rule([path](const FakeContainer& c) -> std::optional<FakeTrial> {
    if (!c.in_effect("ProtectSystem=strict")) return std::nullopt;
    const std::string folder = path.substr(0, path.rfind('/'));
    for (const auto* d : c.in_effect_with_key("ReadWritePaths"))
      for (const auto& w : fake_detail::words(d->value))
        if (w == folder || w == "-" + folder) return std::nullopt;
    FakeTrial t = outcome::service_fails("cannot write");
    t.journal = "demo[42]: open() \"" + path + "\" failed (30: Read-only file system)\n" + t.journal;
    return t;
  });
}

// The workload talks to the service over localhost: IPAddressDeny=any in
// effect breaks it unless IPAddressAllow= names localhost.
inline Rule talks_over_localhost() {
  return Rule([](const FakeContainer& c) -> std::optional<FakeTrial> {
    if (!c.in_effect("IPAddressDeny=any")) return std::nullopt;
    for (const auto* d : c.in_effect_with_key("IPAddressAllow"))
      for (const auto& w : fake_detail::words(d->value))
        if (w == "localhost" || w == "127.0.0.0/8") return std::nullopt;
    FakeTrial t;
    t.workload_rc = 7;  // curl: could not connect
    return t;
  });
}

// systemd never reaches "running" in the container.
inline Rule never_boots() {
  return Rule([](const FakeContainer&) -> std::optional<FakeTrial> {
    FakeTrial t;
    t.boot_state = "starting";
    return t;
  });
}

}  // namespace rules
}  // namespace hb::testing
