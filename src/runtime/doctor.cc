#include "runtime/doctor.h"

#include <fmt/format.h>
#include <linux/magic.h>
#include <sys/resource.h>
#include <sys/statfs.h>

#include <algorithm>
#include <boost/process/search_path.hpp>
#include <fstream>
#include <sstream>

#include "runtime/connection.h"
#include "util/error.h"
#include "util/parse.h"
#include "util/strings.h"

namespace hb::runtime {

namespace {

bool is_cgroup2(const char* path) {
  struct statfs fs {};
  return statfs(path, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

// CapEff bit from /proc/self/status.
bool has_capability(int bit) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("CapEff:", 0) == 0) {
      std::optional<unsigned long long> mask = util::parse_hex(util::trim(std::string_view(line).substr(7)));
      if (!mask) throw InfraError("cannot read the capability mask in /proc/self/status: '" + line + "'");
      return (*mask >> bit) & 1ULL;
    }
  }
  return false;
}

constexpr int kCapSysAdmin = 21;
constexpr int kCapSysResource = 24;

}  // namespace

std::string HostFacts::cgroup_layout() const {
  if (cgroup_v2_unified) return "v2 (unified)";
  if (cgroup_hybrid) return "v1 hybrid (v2 mounted at /sys/fs/cgroup/unified)";
  return "v1";
}

HostFacts read_host_facts() {
  HostFacts facts;
  facts.cgroup_v2_unified = is_cgroup2("/sys/fs/cgroup");
  facts.cgroup_hybrid = !facts.cgroup_v2_unified && is_cgroup2("/sys/fs/cgroup/unified");
  facts.has_cap_sys_admin = has_capability(kCapSysAdmin);
  facts.has_cap_sys_resource = has_capability(kCapSysResource);
  facts.runc_found = !boost::process::search_path("runc").empty();
  facts.crun_found = !boost::process::search_path("crun").empty();
  struct rlimit limit {};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) facts.nofile_hard = limit.rlim_max;
  if (getrlimit(RLIMIT_NPROC, &limit) == 0) facts.nproc_hard = limit.rlim_max;
  return facts;
}

HostFlags choose_host_flags(const HostFacts& facts) {
  HostFlags flags;
  // crun 1.8 refuses cgroup v1 hybrid layouts; runc works on both.
  if (facts.runc_found || !facts.crun_found)
    flags.oci_runtime = "runc";
  else
    flags.oci_runtime = "crun";
  // Podman's defaults ask for more than this host allows without
  // CAP_SYS_RESOURCE ("setrlimit RLIMIT_NOFILE: Operation not permitted").
  unsigned long nofile = std::min<unsigned long>(4096, facts.nofile_hard ? facts.nofile_hard : 4096);
  unsigned long nproc = std::min<unsigned long>(4096, facts.nproc_hard ? facts.nproc_hard : 4096);
  flags.ulimits = {fmt::format("nofile={}:{}", nofile, nofile), fmt::format("nproc={}:{}", nproc, nproc)};
  flags.cgroup_v2 = facts.cgroup_v2_unified;
  return flags;
}

bool DoctorReport::can_run_trials() const {
  return std::none_of(checks.begin(), checks.end(),
                      [](const DoctorCheck& c) { return c.status == DoctorCheck::Status::Fail; });
}

namespace {

using S = DoctorCheck::Status;

// Collects the checks of a report, in order.
class Checks {
 public:
  explicit Checks(DoctorReport& report) : m_report(report) {}
  void add(S status, std::string what, std::string detail, std::string fix = {}) {
    m_report.checks.push_back({status, std::move(what), std::move(detail), std::move(fix)});
  }

 private:
  DoctorReport& m_report;
};

// Podman's version; false when Podman cannot be used at all.
bool check_podman(ContainerRuntime& runtime, Checks& checks) {
  ProcessResult version = runtime.version();
  if (version.not_found) {
    checks.add(S::Fail, "podman", "not found on PATH",
               "install it: apt-get install podman runc (or run ci/setup)");
    return false;
  }
  if (!version.ok()) {
    checks.add(S::Fail, "podman", "does not answer: " + version.summary(),
               "check `podman info` as this user");
    return false;
  }
  std::string v = version.out;
  v.erase(std::remove(v.begin(), v.end(), '\n'), v.end());
  checks.add(S::Ok, "podman", "version " + v);
  return true;
}

// The OCI runtime, cgroups, rlimits and capabilities, from the facts.
void check_host(const HostFacts& facts, const HostFlags& flags, Checks& checks) {
  if (flags.oci_runtime == "runc" && !facts.runc_found)
    checks.add(S::Fail, "OCI runtime", "runc not found", "apt-get install runc");
  else if (!facts.cgroup_v2_unified && flags.oci_runtime == "crun")
    checks.add(S::Fail, "OCI runtime", "only crun, which refuses cgroup v1 hybrid hosts",
               "apt-get install runc");
  else
    checks.add(
        S::Ok, "OCI runtime",
        flags.oci_runtime + (facts.cgroup_v2_unified ? "" : " (crun refuses cgroup v1 hybrid layouts)"));

  checks.add(S::Ok, "cgroup layout", facts.cgroup_layout());
  checks.add(S::Ok, "rlimits",
             fmt::format("containers get --ulimit {} --ulimit {} (host hard limits: nofile {}, nproc {}{})",
                         flags.ulimits.at(0), flags.ulimits.at(1), facts.nofile_hard, facts.nproc_hard,
                         facts.has_cap_sys_resource ? "" : "; CAP_SYS_RESOURCE missing"));
  if (facts.has_cap_sys_admin)
    checks.add(S::Ok, "capabilities",
               "CAP_SYS_ADMIN available: namespace options enforceable with --cap-add SYS_ADMIN");
  else
    checks.add(S::Warn, "capabilities", "no CAP_SYS_ADMIN: systemd will silently skip namespacing options",
               "run hardbisect as root with full capabilities; such trials are reported UNRESOLVED");
  if (facts.cgroup_v2_unified)
    checks.add(S::Ok, "resource limits",
               "cgroup v2: memory and pids limits enforceable with --cgroupns=private");
  else
    checks.add(S::Ok, "resource limits",
               "cgroup v1: memory and pids limits only enforceable with --privileged --cgroupns=private "
               "(the v1 memory controller is read-only otherwise)");
}

// A real boot of systemd in `image` with the chosen flags.
void check_boot(ContainerRuntime& runtime, const std::string& image, Checks& checks) {
  if (!runtime.inspect_image(image)) {
    checks.add(S::Warn, "boot test", "image " + image + " not built yet; skipped",
               "hardbisect image build bookworm");
    return;
  }
  ContainerSpec spec;
  spec.image = image;
  spec.labels["io.hardbisect.purpose"] = "doctor";
  ProcessResult created = runtime.create(spec);
  if (!created.ok()) {
    checks.add(S::Fail, "boot test", "podman create failed: " + created.summary(),
               "see the message; `podman info` and the flags above");
    return;
  }
  std::string id = created.out;
  ProcessResult started = runtime.start(id);
  ProcessResult state;
  if (started.ok()) {
    // The bus may not be up for a moment after start; retry until bounded.
    Argv wait{"sh", "-c",
              "i=0; while [ $i -lt 300 ]; do s=$(systemctl is-system-running 2>/dev/null); "
              "case \"$s\" in running|degraded) echo $s; exit 0;; esac; i=$((i+1)); sleep 0.1; done; "
              "echo \"${s:-no-answer}\"; exit 1"};
    state = runtime.exec(id, wait, std::chrono::seconds(40));
  }
  runtime.remove(id);
  if (!started.ok()) {
    checks.add(S::Fail, "boot test", "podman start failed: " + started.summary(),
               "if it says setrlimit, lower --ulimit; if cgroups, use runc");
  } else if (!state.ok()) {
    checks.add(S::Fail, "boot test", "systemd did not reach running: " + state.summary(),
               "inspect with: podman run --rm -it --systemd=always " + image + " /sbin/init");
  } else {
    std::string s = state.out;
    s.erase(std::remove(s.begin(), s.end(), '\n'), s.end());
    checks.add(S::Ok, "boot test",
               fmt::format("systemd in {} reached '{}' ({} ms incl. exec)", image, s, state.elapsed.count()));
  }
}

// The remote service's runtime against its cgroups; the containers.conf fix when needed.
void check_remote_runtime(const PodmanInfo& info, DoctorReport& report, Checks& checks) {
  bool v1 = info.cgroup_version != "v2";
  if (info.oci_runtime == "crun" && v1) {
    report.containers_conf = containers_conf_runtime("runc");
    checks.add(
        S::Fail, "OCI runtime",
        "the service uses crun, which refuses cgroup v1 hosts, and a remote client cannot pass --runtime",
        "on the host: apt-get install runc, put the lines below in /etc/containers/containers.conf "
        "and restart its Podman service (or start it as `podman --runtime runc system service`)");
    return;
  }
  checks.add(S::Ok, "OCI runtime",
             info.oci_runtime + " (the service's own: a remote client cannot pass --runtime)");
}

// Cgroups, rlimits, privileges, capacity and the kernel log of a remote host.
void check_remote_host(const PodmanInfo& info, const std::string& uri, const HostFlags& flags,
                       Checks& checks) {
  checks.add(S::Ok, "cgroup layout",
             info.cgroup_version == "v2"
                 ? std::string("v2: memory and pids limits enforceable with --cgroupns=private")
                 : "v1: memory and pids limits only enforceable with --privileged --cgroupns=private");
  checks.add(
      S::Ok, "rlimits",
      fmt::format("containers get --ulimit {} --ulimit {}; the service's own hard limits decide (the boot "
                  "test shows it)",
                  flags.ulimits.at(0), flags.ulimits.at(1)));
  if (info.rootless)
    checks.add(S::Warn, "privileges",
               "a rootless service: SYS_ADMIN and --privileged stay in its user namespace",
               "run the Podman service as root on that host; trials that need more are reported UNRESOLVED");
  else
    checks.add(S::Ok, "privileges", "a rootful service: --cap-add SYS_ADMIN and --privileged available");
  checks.add(S::Ok, "capacity",
             fmt::format("{} cores, {:.1f} GiB: {} trials at a time", info.cpus,
                         static_cast<double>(info.mem_total) / (1024.0 * 1024 * 1024),
                         host_slots(info.cpus, info.mem_total)));
  if (same_kernel(uri))
    checks.add(S::Ok, "kernel log", "a unix socket: this machine's kernel, seccomp and OOM kills read here");
  else
    checks.add(S::Warn, "kernel log",
               "not reachable from here: seccomp and OOM explanations come from the container's journal",
               "nothing to fix; run hardbisect on that host when an explanation needs the kernel's record");
}

}  // namespace

DoctorReport run_remote_doctor(PodmanRuntime& host, const std::string& uri, const std::string& smoke_image) {
  DoctorReport report;
  report.flags = host.flags();
  report.connection = host.flags().connection;
  Checks checks(report);
  ProcessResult answered = host.info();
  std::optional<PodmanInfo> info = answered.ok() ? parse_podman_info(answered.out) : std::nullopt;
  if (!info) {
    checks.add(S::Fail, "podman service", uri + " does not answer: " + answered.summary(),
               "start it on the host: `podman --runtime runc system service --time=0 " + uri +
                   "` (or systemctl enable --now podman.socket)");
    return report;
  }
  checks.add(
      S::Ok, "podman service",
      fmt::format("{} on {} (kernel {}, storage {})", uri, info->hostname, info->kernel, info->graph_root));
  check_remote_runtime(*info, report, checks);
  if (!report.containers_conf.empty()) return report;  // no container would start
  check_remote_host(*info, uri, report.flags, checks);
  if (!smoke_image.empty()) check_boot(host, smoke_image, checks);
  return report;
}

DoctorReport run_doctor(ContainerRuntime& runtime, const HostFacts& facts, const HostFlags& flags,
                        const std::string& smoke_image) {
  DoctorReport report;
  report.facts = facts;
  report.flags = flags;
  Checks checks(report);
  if (!check_podman(runtime, checks)) return report;
  check_host(facts, flags, checks);
  if (!smoke_image.empty()) check_boot(runtime, smoke_image, checks);
  return report;
}

}  // namespace hb::runtime
