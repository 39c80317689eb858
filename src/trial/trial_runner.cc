#include "trial/trial_runner.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <thread>

#include "runtime/owner.h"
#include "runtime/reaper.h"
#include "scenario/template.h"
#include "trial/driver_script.h"
#include "trial/explain.h"
#include "trial/findings.h"
#include "trial/host_kernel_log.h"
#include "util/digest.h"
#include "util/error.h"
#include "util/files.h"
#include "util/parse.h"

namespace fs = std::filesystem;

namespace hb::trial {

namespace {

// The host side of a trial's files: stage/ is bind-mounted read-only at
// /.hardbisect/stage, out/ read-write at /.hardbisect/out. The stage folder
// is 0700 in a 0700 folder of its own (runtime::stage_root), so no other
// user of the host reaches it; inside, folders are 0755 and files at most
// 0755 with no setuid, setgid or sticky bit (kHostModes): a scenario's
// `mode: "4755"` never makes a setuid file on the host. The container gets
// each file's full mode from the stage's file-modes list.
class Staging {
 public:
  static constexpr unsigned kHostModes = 0755;

  Staging() {
    const std::string root = runtime::stage_root();
    std::string pattern = (fs::path(root) / (runtime::stage_prefix() + "XXXXXX")).string();
    char* made = mkdtemp(pattern.data());  // 0700
    if (!made) throw InfraError("cannot create a stage folder in " + root);
    m_root = pattern;
    // tree/ mirrors the container's paths, for `podman cp` to a remote host.
    for (const char* dir :
         {"tree", "tree/.hardbisect", "tree/.hardbisect/stage", "tree/.hardbisect/stage/files",
          "tree/.hardbisect/stage/early", "tree/.hardbisect/out"}) {
      fs::create_directories(m_root / dir);
      fs::permissions(m_root / dir, fs::perms(0755));
    }
  }
  ~Staging() {
    if (m_keep) return;
    util::remove_tree(m_root.string());
  }
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;

  // path is relative to the stage ("files/usr/local/bin/x").
  void stage(const std::string& path, const std::string& content, unsigned mode) {
    write("tree" + std::string(kStageDir) + "/" + path, content, mode);
  }
  fs::path host_path(const std::string& container_path) const {
    return m_root / "tree" / fs::path(container_path).relative_path();
  }
  fs::path tree() const { return m_root / "tree"; }
  // path is relative to the staging root.
  void write(const std::string& path, const std::string& content, unsigned mode) {
    fs::path target = m_root / fs::path(path).relative_path();
    fs::create_directories(target.parent_path());
    for (fs::path dir = target.parent_path(); dir != m_root; dir = dir.parent_path())
      fs::permissions(dir, fs::perms(0755));
    std::ofstream out(target, std::ios::binary);
    out << content;
    out.close();
    if (!out) throw InfraError("cannot write " + target.string());
    fs::permissions(target, fs::perms(mode & kHostModes));
  }
  fs::path root() const { return m_root; }
  fs::path evidence() const { return host_path(kOutDir) / "evidence"; }
  // The container still uses the folder: whoever removes it deletes it.
  std::function<void()> release() {
    m_keep = true;
    return [root = m_root] { util::remove_tree(root.string()); };
  }

 private:
  fs::path m_root;
  bool m_keep = false;
};

// The local host's end of the key's FIFO in the stage: made 0600, opened
// read-write (so neither end blocks) and the key written before the
// container starts; held open until the trial ends, so a second reader
// finds it empty and waits instead of reading the key again.
class KeyFifo {
 public:
  KeyFifo(const fs::path& path, const std::string& key) {
    if (::mkfifo(path.c_str(), 0600) != 0) throw InfraError("cannot make the key's FIFO " + path.string());
    m_fd = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    const std::string line = key + "\n";
    if (m_fd < 0 || ::write(m_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
      throw InfraError("cannot write the trial's key to " + path.string());
  }
  ~KeyFifo() {
    if (m_fd >= 0) ::close(m_fd);
  }
  KeyFifo(const KeyFifo&) = delete;
  KeyFifo& operator=(const KeyFifo&) = delete;

 private:
  int m_fd = -1;
};

// What came back as the evidence: its text, or why it cannot be the driver's.
struct Report {
  std::string text;
  std::string tampered;
};

// The evidence file in the out folder, which the container may write: read
// only when it is a regular file (never through a symlink to a host file,
// never a FIFO that blocks) of at most kMaxEvidenceBytes; nullopt while
// there is none.
std::optional<Report> read_evidence_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    return Report{{}, "out/evidence cannot be opened as a plain file (a symlink?)"};
  }
  Report report;
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    report.tampered = "out/evidence is not a regular file";
  } else if (info.st_size > static_cast<off_t>(kMaxEvidenceBytes)) {
    report.tampered = "out/evidence is larger than the driver ever writes";
  } else {
    char buffer[65536];
    ssize_t got = 0;
    while ((got = ::read(fd, buffer, sizeof buffer)) > 0 && report.text.size() <= kMaxEvidenceBytes)
      report.text.append(buffer, static_cast<size_t>(got));
    if (report.text.size() > kMaxEvidenceBytes)
      report.tampered = "out/evidence is larger than the driver ever writes";
  }
  ::close(fd);
  return report;
}

// A file's mode ("0755"); the scenario loader has checked it.
unsigned parse_mode(const std::string& mode) {
  return static_cast<unsigned>(util::parse_unsigned(mode, 8).value_or(0644)) & 07777;
}

long seconds_ceil(std::chrono::milliseconds ms) { return std::max<long>(1, (ms.count() + 999) / 1000); }

// Why a trial ended before it could be judged: podman failed, the driver
// never reported, or what came back was not the driver's (Cause::Tampered).
struct HarnessFailure {
  std::string what;
  runtime::ProcessResult process;
  Cause cause = Cause::Harness;
};

// A staged trial, and on the local host the key's FIFO in its stage.
struct Staged {
  std::unique_ptr<Staging> staging;
  std::unique_ptr<KeyFifo> key;
};

// Step 1: the unit, its files, our drop-in, the driver and its arguments, on the host.
Staged stage(const TrialPlan& plan, const std::vector<options::Directive>& directives,
             const std::string& key) {
  const std::string& unit = plan.service.unit;
  // The whole stage is written inside the reaper's window, counted like a
  // create: an interruption's sweep of the stage folders waits for it, so
  // no write after the sweep makes the folder again.
  const runtime::StageWindow window;
  auto staging = std::make_unique<Staging>();
  if (plan.service.unit_file) staging->stage("early/" + unit, *plan.service.unit_file, 0644);
  // The files' full modes (setuid included) are set inside the container,
  // after the copy: "MODE\0PATH\0" pairs for `xargs -0 -n 2 chmod`.
  std::string modes;
  for (const auto& file : plan.service.files) {
    staging->stage("files" + file.path, file.content, parse_mode(file.mode));
    modes += fmt::format("{:04o}", parse_mode(file.mode)) + '\0' + file.path + '\0';
  }
  if (!modes.empty()) staging->stage(kFileModesName, modes, 0644);
  staging->stage("early/" + unit + ".d/" + kDropInName, render_trial_dropin(directives), 0644);
  staging->stage("early/hardbisect-trial.service", trial_unit_file(), 0644);
  staging->stage("trial-driver", driver_script(), 0644);
  staging->stage("run-trial", run_trial_script(), 0755);
  staging->write("tree" + std::string(kGeneratorPath), generator_script(), 0755);
  staging->stage("args",
                 fmt::format("{} {} {} {:.3f}\n", unit, seconds_ceil(plan.timeouts.boot),
                             seconds_ceil(plan.timeouts.start), plan.workload.timeout.count() / 1000.0),
                 0644);
  staging->stage("workload", plan.workload.command, 0644);
  // A remote trial's key comes by `podman exec` (wait_for_report), not by the copied stage.
  std::unique_ptr<KeyFifo> fifo;
  if (plan.local_host) fifo = std::make_unique<KeyFifo>(staging->host_path(kStageDir) / kKeyFifo, key);
  return {std::move(staging), std::move(fifo)};
}

runtime::ContainerSpec container_spec(const TrialPlan& plan, const Staging& staging) {
  runtime::ContainerSpec spec;
  spec.image = plan.image;
  spec.privilege = plan.privilege;
  spec.labels["io.hardbisect.run"] = plan.run_id;
  spec.labels["io.hardbisect.unit"] = plan.service.unit;
  if (plan.local_host)
    spec.mounts = {{staging.host_path(kStageDir).string(), kStageDir, true},
                   {staging.host_path(kOutDir).string(), kOutDir, false},
                   {staging.host_path(kGeneratorPath).string(), kGeneratorPath, true}};
  return spec;
}

// A created container with its stage. Removed on every way out; in the
// background when the plan allows, so the next trial need not wait for `podman rm`.
class Container {
 public:
  Container(runtime::ContainerRuntime& runtime, std::string id, std::unique_ptr<Staging> staging,
            bool background)
      : m_runtime(runtime), m_id(std::move(id)), m_staging(std::move(staging)), m_background(background) {
    runtime::Reaper::instance().track(&m_runtime, m_id);
  }
  ~Container() {
    if (m_background) {
      runtime::Reaper::instance().remove_later(&m_runtime, m_id, m_staging->release());
    } else {
      m_runtime.remove(m_id);
      runtime::Reaper::instance().untrack(m_id);
    }
  }
  Container(const Container&) = delete;
  Container& operator=(const Container&) = delete;

  const std::string& id() const { return m_id; }
  const Staging& staging() const { return *m_staging; }

 private:
  runtime::ContainerRuntime& m_runtime;
  std::string m_id;
  std::unique_ptr<Staging> m_staging;
  bool m_background;
};

struct Booted {
  std::unique_ptr<Container> container;  // null when `podman create` failed
  std::unique_ptr<HostKernelLog> kernel_log;
  std::optional<std::uint32_t> audit_tag;  // the audit login uid its processes carry, when they do
  std::optional<HarnessFailure> failure;
};

// Step 2: create and start the container (copying the stage in on a remote host).
Booted boot(runtime::ContainerRuntime& runtime, const TrialPlan& plan, std::unique_ptr<Staging> staging) {
  Booted booted;
  runtime::ProcessResult created = runtime.create(container_spec(plan, *staging));
  if (!created.ok()) {
    booted.failure = HarnessFailure{"podman create failed", created};
    return booted;
  }
  booted.container =
      std::make_unique<Container>(runtime, created.out, std::move(staging), plan.remove_in_background);
  const std::string& id = booted.container->id();
  // From here on, what the host's kernel logs may be this trial's.
  if (plan.host_kernel_log) booted.kernel_log = HostKernelLog::open_at_end();
  if (!plan.local_host) {
    runtime::ProcessResult copied = runtime.copy_in(id, booted.container->staging().tree().string());
    if (!copied.ok()) {
      booted.failure = HarnessFailure{"podman cp failed", copied};
      return booted;
    }
  }
  bool tagged = false;
  const std::uint32_t tag = new_audit_tag();
  runtime::ProcessResult started = runtime.start_tagged(id, tag, tagged);
  if (tagged) booted.audit_tag = tag;
  if (!started.ok()) booted.failure = HarnessFailure{"podman start failed", started};
  return booted;
}

// The driver's output, once it reports; nullopt when the watchdog fires
// first. A remote trial's one `podman exec` first hands the driver its key.
std::optional<Report> wait_for_report(runtime::ContainerRuntime& runtime, const TrialPlan& plan,
                                      const Container& container, const std::string& key,
                                      std::chrono::milliseconds watchdog) {
  if (plan.local_host) {
    auto deadline = std::chrono::steady_clock::now() + watchdog;
    fs::path evidence = container.staging().evidence();
    std::optional<Report> report;
    while (!(report = read_evidence_file(evidence)) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return report;
  }
  runtime::Argv wait{"sh", "-c", remote_report_script()};
  runtime::ProcessResult waited = runtime.exec_with_input(container.id(), wait, key + "\n", watchdog);
  if (!waited.ok()) return std::nullopt;
  if (waited.out.size() > kMaxEvidenceBytes)
    return Report{{}, "out/evidence is larger than the driver ever writes"};
  return Report{std::move(waited.out), {}};
}

// Step 3: wait for the driver's report and parse it (with the host's kernel
// lines); a failure when the driver never reported.
std::optional<HarnessFailure> collect_evidence(runtime::ContainerRuntime& runtime, const TrialPlan& plan,
                                               const Booted& booted, const std::string& key,
                                               TrialResult& result) {
  // The driver bounds each step itself; this watchdog only catches a trial
  // that never reports (systemd did not start the driver, the container died).
  auto watchdog = std::chrono::duration_cast<std::chrono::milliseconds>(
      plan.timeouts.boot + plan.timeouts.start + plan.workload.timeout + plan.watchdog_slack);
  std::optional<Report> output = wait_for_report(runtime, plan, *booted.container, key, watchdog);
  if (output && output->tampered.empty())
    result.evidence = parse_evidence(output->text, key, plan.workload.timeout.count());
  if (output && !output->tampered.empty()) result.evidence.tampered = output->tampered;
  if (booted.kernel_log)
    result.evidence.sections["host_kernel"] =
        booted.kernel_log->read_new(booted.container->id(), booted.audit_tag);
  if (booted.audit_tag) result.evidence.sections[kAuditTag] = std::to_string(*booted.audit_tag);
  result.exposure = result.evidence.exposure;
  if (!result.evidence.tampered.empty())
    return HarnessFailure{"evidence tampered: " + result.evidence.tampered, {}, Cause::Tampered};
  if (output && result.evidence.complete) return std::nullopt;
  result.container_logs = runtime.logs(booted.container->id()).out;
  if (output && !result.evidence.boot_state.empty()) return std::nullopt;
  runtime::ProcessResult timeout;
  timeout.timed_out = true;
  timeout.elapsed = watchdog;
  return HarnessFailure{"the trial driver in the container never reported", timeout};
}

// Step 4: the verdict from the evidence alone.
void judge_trial(const TrialPlan& plan, TrialResult& result) {
  result.evidence.privilege = plan.privilege;
  Judgement judgement = judge(result.evidence, plan.expect, plan.workload, plan.timeouts, plan.service.unit);
  result.verdict = judgement.verdict;
  result.cause = judgement.cause;
  result.reason = judgement.reason;
  result.notes = judgement.notes;
}

// Step 5: a failure proves nothing about an option that never ran either:
// the failing set is not the set we claim it is.
void probe_enforcement(const EnforcementCheck& check, const std::vector<options::Directive>& directives,
                       TrialResult& result) {
  if (!check || result.verdict == Verdict::Unresolved) return;
  EnforcementReport enforcement = check(directives, result.evidence);
  result.notes.insert(result.notes.end(), enforcement.notes.begin(), enforcement.notes.end());
  if (enforcement.not_enforced.empty()) return;
  result.verdict = Verdict::Unresolved;
  result.cause = Cause::NotEnforced;
  result.reason = "not enforced: " + enforcement.not_enforced.front();
  for (const auto& line : enforcement.not_enforced) result.notes.push_back("not enforced: " + line);
}

// Step 6: one line on why a FAIL failed.
void explain_trial(const std::vector<options::Directive>& directives, TrialResult& result) {
  if (result.verdict == Verdict::Fail) result.explanation = explain_failure(result.evidence, directives);
}

void mark_harness_failure(const HarnessFailure& failure, TrialResult& result) {
  result.verdict = Verdict::Unresolved;
  result.cause = failure.cause;
  result.reason =
      failure.cause == Cause::Harness ? failure.what + ": " + failure.process.summary() : failure.what;
}

}  // namespace

TrialRunner::TrialRunner(runtime::ContainerRuntime& runtime, TrialPlan plan, EnforcementCheck check)
    : m_runtime(runtime), m_plan(std::move(plan)), m_check(std::move(check)) {}

TrialResult TrialRunner::run(const std::vector<options::Directive>& directives) {
  auto started_at = std::chrono::steady_clock::now();
  TrialResult result;
  // A pool's host lost mid-trial says nothing about the service: the trial
  // runs again on another host (the pool reported the loss).
  for (int attempt = 0;; ++attempt) {
    result = TrialResult{};
    if (!run_once(directives, result) || attempt >= kMaxHostRetries) break;
  }
  result.elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_at);
  return result;
}

bool TrialRunner::run_once(const std::vector<options::Directive>& directives, TrialResult& result) {
  result.applied = directives;
  // The trial's secret (256 bits): the driver seals the evidence with it.
  const std::string key = util::random_hex(32);
  Staged staged = stage(m_plan, directives, key);
  // The container lives until run_once() returns: removed after the verdict.
  Booted booted = boot(m_runtime, m_plan, std::move(staged.staging));
  if (!booted.failure && m_plan.stop_after_start) {
    result.reason = "stopped after start (the plan asks for no evidence)";  // UNRESOLVED: nothing judged
    return false;
  }
  if (!booted.failure) booted.failure = collect_evidence(m_runtime, m_plan, booted, key, result);
  if (!m_plan.kernel_log_unreachable.empty())
    result.evidence.sections[kKernelLogUnreachable] = m_plan.kernel_log_unreachable;
  if (booted.failure) {
    mark_harness_failure(*booted.failure, result);
    return booted.container && m_runtime.host_lost(booted.container->id());
  }
  judge_trial(m_plan, result);
  // Lines systemd ignores are findings: from here on the trial is what
  // systemd made of the drop-in, as it would be on a real host.
  result.findings = find_ignored_lines(result.evidence, directives);
  std::vector<options::Directive> read = as_systemd_reads(directives, result.findings);
  probe_enforcement(m_check, read, result);
  explain_trial(read, result);
  return false;
}

}  // namespace hb::trial
