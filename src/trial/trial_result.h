#pragma once
// The data of one trial: its plan (what stays the same across the trials of
// a scenario), its result, and what the enforcement probes found.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "options/directive.h"
#include "options/privilege.h"
#include "scenario/scenario.h"
#include "trial/evidence.h"
#include "trial/findings.h"
#include "trial/verdict.h"

namespace hb::trial {

// What stays the same across the trials of one scenario.
struct TrialPlan {
  std::string image;
  options::Privilege privilege = options::Privilege::Minimal;
  bool privilege_auto = true;  // chosen by hardbisect: may be raised for the unit's own sandboxing
  scenario::ServiceSpec service;
  scenario::Workload workload;
  scenario::Expectations expect;
  scenario::Timeouts timeouts;
  std::string run_id;  // label io.hardbisect.run, for `gc` of one run
  // Read this host's kernel log around each trial (seccomp and OOM kills);
  // only true when the containers run on this host.
  bool host_kernel_log = false;
  // Remove each trial's container in the background (the reaper waits for
  // it before the process ends).
  bool remove_in_background = false;
  // Containers run on this host: the stage is bind-mounted and the evidence
  // read from the host's folder. False for a remote Podman (--connection):
  // the stage is copied in with `podman cp` and the evidence read with one
  // `podman exec`.
  bool local_host = true;
  // Not empty when the containers' kernel log is not reachable from here
  // (a remote host's): why, for explanations that would read it.
  std::string kernel_log_unreachable;
  // Create and start the container, then remove it: no wait for evidence,
  // no verdict (UNRESOLVED, "stopped after start"). What --dry-run runs
  // through the dry-run printer: the commands of one trial, and no others.
  bool stop_after_start = false;
  // How long past its own bounds the driver may take to report.
  std::chrono::milliseconds watchdog_slack{std::chrono::seconds(30)};
};

struct TrialResult {
  Verdict verdict = Verdict::Unresolved;
  Cause cause = Cause::Harness;
  std::string reason;
  // FAIL only: why, in one line, with the change to try
  // ("sed killed by SIGSYS on fchown: ...; add SystemCallFilter=@chown").
  std::string explanation;
  std::vector<std::string> notes;
  std::vector<options::Directive> applied;
  // Lines of the drop-in systemd ignored in whole or part (not a reason for
  // UNRESOLVED: a real host does the same); probes saw systemd's reading.
  std::vector<Finding> findings;
  Evidence evidence;
  std::optional<double> exposure;  // systemd-analyze security's overall level
  std::string container_logs;      // kept when the harness itself failed
  std::chrono::milliseconds elapsed{0};
};

// What the enforcement probes found: options applied but not in effect
// ("ProtectSystem=strict: /usr is writable for the service"), which make the
// trial UNRESOLVED instead of PASS or FAIL, and notes (what could not be probed).
struct EnforcementReport {
  std::vector<std::string> not_enforced;
  std::vector<std::string> notes;
};
using EnforcementCheck =
    std::function<EnforcementReport(const std::vector<options::Directive>&, const Evidence&)>;

}  // namespace hb::trial
