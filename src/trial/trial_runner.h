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
  const TrialPlan& plan() const { return m_plan; }
  void set_privilege(options::Privilege privilege) { m_plan.privilege = privilege; }
  // How long a start and a workload may take before they count as hung.
  void set_hang_bounds(std::chrono::milliseconds start, std::chrono::milliseconds workload) {
    m_plan.timeouts.start = start;
    m_plan.workload.timeout = workload;
  }

 private:
  // How often a trial runs again when its host was lost (a pool of hosts).
  static constexpr int kMaxHostRetries = 3;
  // One attempt; true when it failed because its host was lost.
  bool run_once(const std::vector<options::Directive>& directives, TrialResult& result);
  runtime::ContainerRuntime& m_runtime;
  TrialPlan m_plan;
  EnforcementCheck m_check;
};

}  // namespace hb::trial
