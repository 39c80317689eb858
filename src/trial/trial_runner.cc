#include "trial/trial_runner.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <random>

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

// A staging folder mirrored into the container's root before it boots, so
// no daemon-reload is needed. Folders are 0755: `podman cp dir/. ctr:/`
// applies the folder's own mode to the container's /.
class Staging {
 public:
  Staging() {
    std::string pattern = (fs::temp_directory_path() / "hardbisect-trial-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw InfraError("cannot create a temporary directory");
    m_root = pattern;
    fs::permissions(m_root, fs::perms(0755));
  }
  ~Staging() {
    std::error_code ignored;
    fs::remove_all(m_root, ignored);
  }
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
  std::string root() const { return m_root.string(); }

 private:
  fs::path m_root;
};

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
  Staging staging;
  if (m_plan.service.unit_file) staging.write("/etc/systemd/system/" + unit, *m_plan.service.unit_file, 0644);
  for (const auto& file : m_plan.service.files) staging.write(file.path, file.content, parse_mode(file.mode));
  staging.write("/etc/systemd/system/" + unit + ".d/" + kDropInName, scenario::render_dropin(directives, "Written by hardbisect for this trial."), 0644);
  staging.write(kDriverPath, driver_script(), 0755);

  runtime::ContainerSpec spec;
  spec.image = m_plan.image;
  spec.privilege = m_plan.privilege;
  spec.labels["io.hardbisect.run"] = m_plan.run_id;
  spec.labels["io.hardbisect.unit"] = unit;
  runtime::ProcessResult created = m_runtime.create(spec);
  if (!created.ok()) return harness_failure("podman create failed", created);
  const std::string id = created.out;
  runtime::Reaper::instance().track(&m_runtime, id);
  struct Remover {
    runtime::ContainerRuntime& runtime;
    std::string id;
    ~Remover() {
      runtime.remove(id);
      runtime::Reaper::instance().untrack(id);
    }
  } remover{m_runtime, id};

  // From here on, what the host's kernel logs may be this trial's.
  std::unique_ptr<HostKernelLog> kernel_log = m_plan.host_kernel_log ? HostKernelLog::open_at_end() : nullptr;

  runtime::ProcessResult copied = m_runtime.copy_in(id, staging.root());
  if (!copied.ok()) return harness_failure("podman cp failed", copied);
  runtime::ProcessResult booted = m_runtime.start(id);
  if (!booted.ok()) return harness_failure("podman start failed", booted);

  std::string nonce = make_nonce();
  runtime::Argv argv{kDriverPath,
                     nonce,
                     unit,
                     std::to_string(seconds_ceil(m_plan.timeouts.boot)),
                     std::to_string(seconds_ceil(m_plan.timeouts.start)),
                     fmt::format("{:.3f}", m_plan.workload.timeout.count() / 1000.0),
                     "sh",
                     "-c",
                     m_plan.workload.command};
  // The driver bounds each step itself; this watchdog only catches a hung exec.
  auto watchdog = m_plan.timeouts.boot + m_plan.timeouts.start + m_plan.workload.timeout + std::chrono::seconds(30);
  runtime::ProcessResult driven = m_runtime.exec(id, argv, watchdog);
  result.evidence = parse_evidence(driven.out, nonce, m_plan.workload.timeout.count());
  if (kernel_log) result.evidence.sections["host_kernel"] = kernel_log->read_new();
  result.exposure = result.evidence.exposure;
  if (driven.timed_out || (!driven.ok() && !result.evidence.complete)) {
    result.container_logs = m_runtime.logs(id).out;
    if (result.evidence.boot_state.empty() || driven.timed_out)
      return harness_failure("the trial driver in the container failed", driven);
  }

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
