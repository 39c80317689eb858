#include "trial/trial_runner.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "runtime/owner.h"
#include "runtime/reaper.h"
#include "scenario/template.h"
#include "trial/driver_script.h"
#include "trial/explain.h"
#include "trial/host_kernel_log.h"
#include "util/error.h"

namespace fs = std::filesystem;

namespace hb::trial {

namespace {

std::string make_nonce() {
  std::random_device device;
  return fmt::format("{:08x}{:08x}", device(), device());
}

// The host side of a trial's files: stage/ is bind-mounted read-only at
// /.hardbisect/stage, out/ read-write at /.hardbisect/out. Folders are 0755
// and files keep their modes, so what the service sees is what a package
// would install.
class Staging {
 public:
  Staging() {
    std::string pattern = (fs::temp_directory_path() / (runtime::stage_prefix() + "XXXXXX")).string();
    if (!mkdtemp(pattern.data())) throw InfraError("cannot create a temporary directory");
    m_root = pattern;
    fs::permissions(m_root, fs::perms(0755));
    // tree/ mirrors the container's paths, for `podman cp` to a remote host.
    for (const char* dir : {"tree", "tree/.hardbisect", "tree/.hardbisect/stage", "tree/.hardbisect/stage/files",
                            "tree/.hardbisect/stage/early", "tree/.hardbisect/out"}) {
      fs::create_directories(m_root / dir);
      fs::permissions(m_root / dir, fs::perms(0755));
    }
  }
  ~Staging() {
    if (m_keep) return;
    std::error_code ignored;
    fs::remove_all(m_root, ignored);
  }
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;

  // path is relative to the stage ("files/usr/local/bin/x").
  void stage(const std::string& path, const std::string& content, unsigned mode) {
    write("tree" + std::string(kStageDir) + "/" + path, content, mode);
  }
  fs::path host_path(const std::string& container_path) const { return m_root / "tree" / fs::path(container_path).relative_path(); }
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
    fs::permissions(target, fs::perms(mode));
  }
  fs::path root() const { return m_root; }
  fs::path evidence() const { return host_path(kOutDir) / "evidence"; }
  // The container still uses the folder: whoever removes it deletes it.
  std::function<void()> release() {
    m_keep = true;
    return [root = m_root] {
      std::error_code ignored;
      fs::remove_all(root, ignored);
    };
  }

 private:
  fs::path m_root;
  bool m_keep = false;
};

std::string read_whole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

unsigned parse_mode(const std::string& mode) {
  try {
    return static_cast<unsigned>(std::stoul(mode, nullptr, 8)) & 07777;
  } catch (...) {
    return 0644;
  }
}

long seconds_ceil(std::chrono::milliseconds ms) { return std::max<long>(1, (ms.count() + 999) / 1000); }

}  // namespace

TrialRunner::TrialRunner(runtime::ContainerRuntime& runtime, TrialPlan plan, EnforcementCheck check)
    : m_runtime(runtime), m_plan(std::move(plan)), m_check(std::move(check)) {}

TrialResult TrialRunner::run(const std::vector<options::Directive>& directives) {
  auto started_at = std::chrono::steady_clock::now();
  TrialResult result;
  result.applied = directives;
  auto finish = [&](TrialResult& r) -> TrialResult {
    r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                      started_at);
    return r;
  };
  auto harness_failure = [&](const std::string& what, const runtime::ProcessResult& p) {
    result.verdict = Verdict::Unresolved;
    result.cause = Cause::Harness;
    result.reason = what + ": " + p.summary();
    return finish(result);
  };

  const std::string& unit = m_plan.service.unit;
  const std::string nonce = make_nonce();
  auto staging = std::make_unique<Staging>();
  if (m_plan.service.unit_file) staging->stage("early/" + unit, *m_plan.service.unit_file, 0644);
  for (const auto& file : m_plan.service.files) staging->stage("files" + file.path, file.content, parse_mode(file.mode));
  staging->stage("early/" + unit + ".d/" + kDropInName,
                 scenario::render_dropin(directives, "Written by hardbisect for this trial."), 0644);
  staging->stage("trial-driver", driver_script(), 0755);
  staging->stage("run-trial", run_trial_script(), 0755);
  staging->write("tree" + std::string(kGeneratorPath), generator_script(), 0755);
  staging->stage("args",
                 fmt::format("{} {} {} {} {:.3f}\n", nonce, unit, seconds_ceil(m_plan.timeouts.boot),
                             seconds_ceil(m_plan.timeouts.start), m_plan.workload.timeout.count() / 1000.0),
                 0644);
  staging->stage("workload", m_plan.workload.command, 0644);

  runtime::ContainerSpec spec;
  spec.image = m_plan.image;
  spec.privilege = m_plan.privilege;
  spec.labels["io.hardbisect.run"] = m_plan.run_id;
  spec.labels["io.hardbisect.unit"] = unit;
  if (m_plan.local_host)
    spec.mounts = {{staging->host_path(kStageDir).string(), kStageDir, true},
                   {staging->host_path(kOutDir).string(), kOutDir, false},
                   {staging->host_path(kGeneratorPath).string(), kGeneratorPath, true}};
  runtime::ProcessResult created = m_runtime.create(spec);
  if (!created.ok()) return harness_failure("podman create failed", created);
  const std::string id = created.out;
  runtime::Reaper::instance().track(&m_runtime, id);
  // Removed on every way out; in the background when the plan allows, so
  // the next trial need not wait for `podman rm`.
  struct Remover {
    runtime::ContainerRuntime& runtime;
    std::string id;
    std::unique_ptr<Staging>& staging;
    bool background;
    ~Remover() {
      if (background) {
        runtime::Reaper::instance().remove_later(&runtime, id, staging->release());
      } else {
        runtime.remove(id);
        runtime::Reaper::instance().untrack(id);
      }
    }
  } remover{m_runtime, id, staging, m_plan.remove_in_background};

  // From here on, what the host's kernel logs may be this trial's.
  std::unique_ptr<HostKernelLog> kernel_log = m_plan.host_kernel_log ? HostKernelLog::open_at_end() : nullptr;

  if (!m_plan.local_host) {
    runtime::ProcessResult copied = m_runtime.copy_in(id, staging->tree().string());
    if (!copied.ok()) return harness_failure("podman cp failed", copied);
  }
  runtime::ProcessResult booted = m_runtime.start(id);
  if (!booted.ok()) return harness_failure("podman start failed", booted);

  // The driver bounds each step itself; this watchdog only catches a trial
  // that never reports (systemd did not start the driver, the container died).
  auto watchdog = m_plan.timeouts.boot + m_plan.timeouts.start + m_plan.workload.timeout + m_plan.watchdog_slack;
  bool reported = false;
  std::string output;
  if (m_plan.local_host) {
    auto deadline = std::chrono::steady_clock::now() + watchdog;
    while (!(reported = fs::exists(staging->evidence())) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (reported) output = read_whole(staging->evidence());
  } else {
    runtime::Argv wait{"sh", "-c",
                       "while [ ! -e /.hardbisect/out/evidence ]; do sleep 0.02; done; cat /.hardbisect/out/evidence"};
    runtime::ProcessResult waited = m_runtime.exec(id, wait, watchdog);
    reported = waited.ok();
    output = waited.out;
  }
  if (reported) result.evidence = parse_evidence(output, nonce, m_plan.workload.timeout.count());
  if (kernel_log) result.evidence.sections["host_kernel"] = kernel_log->read_new();
  result.exposure = result.evidence.exposure;
  if (!reported || !result.evidence.complete) {
    result.container_logs = m_runtime.logs(id).out;
    if (!reported || result.evidence.boot_state.empty()) {
      runtime::ProcessResult timeout;
      timeout.timed_out = true;
      timeout.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(watchdog);
      return harness_failure("the trial driver in the container never reported", timeout);
    }
  }

  result.evidence.privilege = static_cast<int>(m_plan.privilege);
  Judgement judgement = judge(result.evidence, m_plan.expect, m_plan.workload, m_plan.timeouts, unit);
  result.verdict = judgement.verdict;
  result.cause = judgement.cause;
  result.reason = judgement.reason;
  result.notes = judgement.notes;
  // A failure proves nothing about an option that never ran either: the
  // failing set is not the set we claim it is.
  if (m_check && result.verdict != Verdict::Unresolved) {
    EnforcementReport enforcement = m_check(directives, result.evidence);
    result.notes.insert(result.notes.end(), enforcement.notes.begin(), enforcement.notes.end());
    if (!enforcement.not_enforced.empty()) {
      result.verdict = Verdict::Unresolved;
      result.cause = Cause::NotEnforced;
      result.reason = "not enforced: " + enforcement.not_enforced.front();
      for (const auto& line : enforcement.not_enforced) result.notes.push_back("not enforced: " + line);
    }
  }
  if (result.verdict == Verdict::Fail) result.explanation = explain_failure(result.evidence, directives);
  return finish(result);
}

}  // namespace hb::trial
