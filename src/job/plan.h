#pragma once
// From a scenario to a trial plan: the image (built on demand) and the least
// privilege at which systemd enforces the scenario's options on this host.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "image/image_builder.h"
#include "job/events.h"
#include "runtime/container_runtime.h"
#include "scenario/scenario.h"
#include "trial/trial_runner.h"

namespace hb::job {

struct PrivilegeChoice {
  options::Privilege level = options::Privilege::Minimal;
  std::string why;  // "ProtectSystem=strict needs CAP_SYS_ADMIN"
  // Options the chosen level cannot enforce (when set explicitly too low).
  std::vector<std::string> unenforceable;
};

// The least privilege that enforces every option (or the explicit one).
PrivilegeChoice choose_privilege(const std::vector<scenario::OptionItem>& options,
                                 const std::optional<options::Privilege>& requested);

// All directives of a list of option items, in order.
std::vector<options::Directive> flatten(const std::vector<scenario::OptionItem>& items);

struct PreparedScenario {
  trial::TrialPlan plan;
  PrivilegeChoice privilege;
};

PreparedScenario prepare_scenario(const scenario::Scenario& scenario, image::ImageBuilder& images,
                                  const std::string& run_id);

std::string new_run_id();

// Why a remote host's seccomp and OOM kills are not read from its kernel
// log (trial::kKernelLogUnreachable).
inline constexpr const char* kRemoteKernelLog =
    "the remote host's kernel log is not reachable from here (only a unix-socket connection runs on this "
    "machine's kernel)";

// Hang bounds learned from a passing baseline, for the bounds the scenario
// did not set: kHangFactor times what the baseline took, at least kHangFloor,
// never above the configured bound. A hung workload then costs seconds, not
// the default 30 s (issue: IPAddressDeny=any on nginx with curl took 30.7 s a
// trial while the baseline's workload took 14 ms).
inline constexpr int kHangFactor = 10;
inline constexpr std::chrono::milliseconds kHangFloor{std::chrono::seconds(5)};
struct HangBounds {
  std::chrono::milliseconds start;
  std::chrono::milliseconds workload;
  std::string note;  // what was learned, for the job's status; empty = nothing changed
};
HangBounds learn_hang_bounds(const trial::TrialPlan& plan, const trial::TrialResult& baseline);

// The baseline's first run: its result and the privilege it ran at. When it
// fails while setting up the unit's own sandbox (a packaged unit with
// PrivateUsers=, ProtectSystem=... fails with 217/USER, 226/NAMESPACE and
// the like when the container lacks the privilege) and the privilege was
// chosen automatically, it runs again one level higher at a time (each run
// with a runner of its own) and `privilege` is the level that passed.
struct Baseline {
  trial::TrialResult result;
  options::Privilege privilege = options::Privilege::Minimal;
};
Baseline run_baseline(runtime::ContainerRuntime& runtime, const trial::TrialPlan& plan,
                      const trial::EnforcementCheck& check, Status& status);

// What the baseline's calibration decides for the rest of a job: a value,
// from which the plan of every later trial is built once (calibrated()).
struct Calibration {
  options::Privilege privilege = options::Privilege::Minimal;
  HangBounds bounds;
};
Calibration calibration_of(const trial::TrialPlan& plan, const Baseline& baseline);
// `prepared` with the calibration's privilege (and why, when it was raised)
// and hang bounds: the plan for the trials after the baseline.
PreparedScenario calibrated(PreparedScenario prepared, const Calibration& calibration);

}  // namespace hb::job
