#pragma once
// Enforcement probes: prove from the running service's state (/proc/PID/status,
// mountinfo, namespaces, cgroup limits, user) that each applied option is in
// effect. systemd silently skips sandboxing it cannot set up, so an option
// whose probe fails makes the trial UNRESOLVED, never PASS.
#include <optional>
#include <string>
#include <vector>

#include "options/directive.h"
#include "trial/evidence.h"
#include "trial/trial_result.h"

namespace hb::trial {

// nullopt: the option is in effect (or has no probe); otherwise why not.
// `probed` is false when the evidence holds nothing to probe with (the
// service exited before it could be observed).
std::optional<std::string> probe_directive(const options::Directive& directive, const Evidence& evidence);
// The same, judged in the context of the whole applied set `all` (which
// holds `directive`): options::interactions() names what other directives
// change, e.g. ProcSubset=pid leaves no /proc/sys for ProtectKernelTunables=.
std::optional<std::string> probe_directive(const options::Directive& directive,
                                           const std::vector<options::Directive>& all,
                                           const Evidence& evidence);

EnforcementReport check_enforcement(const std::vector<options::Directive>& directives,
                                    const Evidence& evidence);

// Capability names -> bit numbers, for CapabilityBoundingSet probes.
std::optional<int> capability_bit(const std::string& name);

}  // namespace hb::trial
