#pragma once
// One trial = one fresh container, one option set, one verdict
// (ARCHITECTURE.md "Trial"). The container is always removed.
#include <chrono>
#include <vector>

#include "options/directive.h"
#include "runtime/container_runtime.h"
#include "trial/trial_result.h"

namespace hb::trial {

class TrialRunner {
 public:
  TrialRunner(runtime::ContainerRuntime& runtime, TrialPlan plan, EnforcementCheck check = {});
  TrialResult run(const std::vector<options::Directive>& directives);
  // Fixed at construction: every trial of this runner runs with it (a job
  // builds it once, from its baseline's calibration: job/plan.h).
  const TrialPlan& plan() const { return m_plan; }

 private:
  // How often a trial runs again when its host was lost (a pool of hosts).
  static constexpr int kMaxHostRetries = 3;
  // One attempt; true when it failed because its host was lost.
  bool run_once(const std::vector<options::Directive>& directives, TrialResult& result);
  runtime::ContainerRuntime& m_runtime;
  const TrialPlan m_plan;
  EnforcementCheck m_check;
};

}  // namespace hb::trial
