#include "job/plan.h"

#include <fmt/format.h>

#include <random>

#include "options/catalogue.h"
#include "trial/verdict.h"
#include "util/error.h"
#include "util/parse.h"

namespace hb::job {

namespace {
const char* needs_text(options::Privilege level) {
  switch (level) {
    case options::Privilege::Minimal:
      return "nothing";
    case options::Privilege::SysAdmin:
      return "CAP_SYS_ADMIN";
    case options::Privilege::Privileged:
      return "--privileged --cgroupns=private";
  }
  return "?";
}
}  // namespace

std::vector<options::Directive> flatten(const std::vector<scenario::OptionItem>& items) {
  std::vector<options::Directive> all;
  for (const auto& item : items) all.insert(all.end(), item.directives.begin(), item.directives.end());
  return all;
}

PrivilegeChoice choose_privilege(const std::vector<scenario::OptionItem>& items,
                                 const std::optional<options::Privilege>& requested) {
  PrivilegeChoice choice;
  std::string strongest;
  for (const auto& d : flatten(items)) {
    const options::DirectiveInfo* info = options::find_directive(d.key);
    options::Privilege needed = info ? info->requirement : options::Privilege::Privileged;
    if (needed > choice.level) {
      choice.level = needed;
      strongest = d.line();
    }
  }
  if (choice.level == options::Privilege::Minimal)
    choice.why = "no option needs more";
  else
    choice.why = fmt::format("{} needs {}", strongest, needs_text(choice.level));
  options::Privilege wanted = choice.level;
  if (!requested) return choice;
  choice.level = *requested;
  choice.why = "set explicitly";
  if (choice.level < wanted) {
    for (const auto& d : flatten(items)) {
      const options::DirectiveInfo* info = options::find_directive(d.key);
      options::Privilege needed = info ? info->requirement : options::Privilege::Privileged;
      if (needed > choice.level)
        choice.unenforceable.push_back(fmt::format("{} (needs {})", d.line(), needs_text(needed)));
    }
  }
  return choice;
}

namespace {
// One bound: kHangFactor x what the baseline took, rounded up to a second,
// at least the floor, at most the configured bound. Unchanged when the
// user set it or the baseline did not measure it.
std::chrono::milliseconds learned(std::chrono::milliseconds configured, bool explicit_bound, long took_ms) {
  if (explicit_bound || took_ms < 0) return configured;
  long bound = std::max<long>(kHangFloor.count(), (took_ms * kHangFactor + 999) / 1000 * 1000);
  return std::min(configured, std::chrono::milliseconds(bound));
}
}  // namespace

HangBounds learn_hang_bounds(const trial::TrialPlan& plan, const trial::TrialResult& baseline) {
  HangBounds b{plan.timeouts.start, plan.workload.timeout, {}};
  if (baseline.verdict != trial::Verdict::Pass) return b;
  const trial::Evidence& e = baseline.evidence;
  b.start = learned(plan.timeouts.start, plan.timeouts.start_explicit, e.start_ms);
  b.workload = learned(plan.workload.timeout, plan.workload.timeout_explicit, e.workload_ms);
  if (b.start != plan.timeouts.start || b.workload != plan.workload.timeout)
    b.note = fmt::format(
        "hang bounds from the baseline: start {} s (it took {} ms), workload {} s (it took {} ms); "
        "timeouts.start / workload.timeout in the scenario override them",
        b.start.count() / 1000, e.start_ms, b.workload.count() / 1000, e.workload_ms);
  return b;
}

std::string new_run_id() {
  std::random_device device;
  return fmt::format("{:08x}", device());
}

PreparedScenario prepare_scenario(const scenario::Scenario& scenario, image::ImageBuilder& images,
                                  const std::string& run_id) {
  PreparedScenario prepared;
  prepared.privilege = choose_privilege(scenario.options, scenario.privilege);
  trial::TrialPlan& plan = prepared.plan;
  if (!scenario.image.name.empty()) {
    plan.image = scenario.image.name;
    if (!images.has_image(plan.image))
      throw UserError(
          "image '" + plan.image + "' does not exist",
          "build it first, or describe it with image.base and image.packages so hardbisect builds it");
  } else {
    plan.image = images.ensure(image::request_of(scenario.image));
  }
  plan.privilege = prepared.privilege.level;
  plan.privilege_auto = !scenario.privilege.has_value();
  plan.service = scenario.service;
  plan.workload = scenario.workload;
  plan.expect = scenario.expect;
  plan.timeouts = scenario.timeouts;
  plan.run_id = run_id;
  plan.host_kernel_log = true;
  plan.remove_in_background = true;  // the CLI turns it off for a remote --connection
  return prepared;
}

}  // namespace hb::job

namespace hb::job {

namespace {
// systemd's exit codes for failures while it sets up the execution
// environment (systemd.exec "PROCESS EXIT CODES"), which more privilege can fix.
// The journal's exit counts too: with Restart= the unit may already be
// starting again when the evidence is taken, its status reset to 0.
bool sandbox_setup_failure(const trial::TrialResult& result) {
  if (result.verdict != trial::Verdict::Fail) return false;
  std::optional<trial::MainExit> exit = trial::last_main_exit(result.evidence);
  if (!exit || (exit->code != "exited" && exit->code != "1")) return false;
  std::optional<long long> status = util::parse_int(exit->status);
  return status && *status >= 214 && *status <= 245 && *status != 216 && *status != 224;
}
}  // namespace

Baseline run_baseline(runtime::ContainerRuntime& runtime, const trial::TrialPlan& plan,
                      const trial::EnforcementCheck& check, Status& status) {
  Baseline baseline{trial::TrialRunner(runtime, plan, check).run({}), plan.privilege};
  while (plan.privilege_auto && sandbox_setup_failure(baseline.result) &&
         baseline.privilege != options::Privilege::Privileged) {
    auto higher = static_cast<options::Privilege>(static_cast<int>(baseline.privilege) + 1);
    status.note(fmt::format(
        "baseline failed while systemd set up the unit's own sandbox ({}); retrying with privilege {}",
        baseline.result.reason, options::privilege_name(higher)));
    trial::TrialPlan raised = plan;
    raised.privilege = higher;
    trial::TrialResult retried = trial::TrialRunner(runtime, raised, check).run({});
    if (retried.verdict != trial::Verdict::Pass && higher == options::Privilege::Privileged) return baseline;
    baseline = Baseline{std::move(retried), higher};
  }
  return baseline;
}

Calibration calibration_of(const trial::TrialPlan& plan, const Baseline& baseline) {
  return Calibration{baseline.privilege, learn_hang_bounds(plan, baseline.result)};
}

PreparedScenario calibrated(PreparedScenario prepared, const Calibration& calibration) {
  trial::TrialPlan& plan = prepared.plan;
  plan.timeouts.start = calibration.bounds.start;
  plan.workload.timeout = calibration.bounds.workload;
  if (calibration.privilege != plan.privilege) {
    plan.privilege = calibration.privilege;
    prepared.privilege.level = calibration.privilege;
    prepared.privilege.why = "raised for the unit's own sandboxing";
  }
  return prepared;
}

}  // namespace hb::job
