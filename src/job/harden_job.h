#pragma once
// `harden`: from the strictest template the catalogue knows for a unit to
// the most hardened drop-in the service's own workload passes with.
//   1. The template: every strictest line (options::strictest_lines) of a
//      directive the unit does not set itself (its unit file, and the rows
//      `systemd-analyze security` already rates OK in a baseline trial),
//      that the base's systemd knows and the container's privilege enforces;
//      the rest is listed as not tested, with why.
//   2. The search, as for a template (run_bisect_job: the largest passing
//      subset, 1-maximal in its own context).
//   3. Each removed line relaxed as little as works, each step verified by a
//      trial: list values through drill_down (capabilities, system calls,
//      address families, namespaces), ProtectSystem=strict with the
//      ReadWritePaths= its failures name (Read-only file system, Permission
//      denied), IPAddressDeny=any with IPAddressAllow=localhost, ProtectHome=
//      read-only; a line nothing rescues is removed.
//   4. The whole drop-in verified together (the search's repeats, at least
//      two runs) and re-checked on every other base given.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "image/image_builder.h"
#include "job/bisect_job.h"
#include "job/events.h"
#include "job/result_cache.h"
#include "options/directive.h"
#include "options/privilege.h"
#include "runtime/container_runtime.h"
#include "scenario/scenario.h"
#include "search/search.h"
#include "trial/evidence.h"
#include "trial/trial_result.h"

namespace hb::job {

struct NotTested {
  std::string line;  // "IPAddressDeny=any"
  std::string why;   // "needs --privileged --cgroupns=private; the trials run at sys-admin"
};

struct HardenTemplate {
  std::vector<options::Directive> lines;  // searched, in catalogue order
  std::vector<NotTested> not_tested;
  std::vector<std::string> set_by_unit;  // strictest lines left to the unit, which sets the key itself
};

// The keys the [Service] section of a unit file sets.
std::set<std::string> unit_file_keys(const std::string& unit_file);
// The keys the unit already sets, as `systemd-analyze security` rated a
// baseline trial: a key with a row rated OK ("PrivateTmp=",
// "SystemCallFilter=~@mount", "User=/DynamicUser=" gives both keys).
std::set<std::string> keys_rated_ok(const trial::Evidence& baseline);

// The strictest template for a systemd version (0 = unknown: no version
// check) at a container privilege, without the keys the unit sets.
HardenTemplate build_template(int systemd_version, options::Privilege privilege,
                              const std::set<std::string>& set_by_unit);

// The scenario with `lines` as its options, one line each.
scenario::Scenario with_lines(scenario::Scenario scenario, const std::vector<options::Directive>& lines);

// One template line harden relaxed or removed, and why (the comment above it).
struct LineChange {
  options::Directive original;
  std::vector<options::Directive> replacement;  // empty: the line is removed
  std::string why;                              // "re-allowed fchown: killed by SIGSYS in trial 12"
};

// The drop-in re-checked on one base.
struct BaseCheck {
  std::string base;
  int runs = 0;
  int passed = 0;
  std::string reason;  // of the first failing run
  std::optional<double> exposure;
  bool ok() const { return runs > 0 && passed == runs; }
};

struct HardenConfig {
  search::SearchConfig search;
  // The first is where the search runs, every one is re-checked; empty =
  // the scenario's base only.
  std::vector<std::string> bases;
};

struct HardenJob {
  HardenTemplate tmpl;
  scenario::Scenario scenario;  // the template as its options
  std::string base;             // where the search ran ("" = an explicit image)
  BisectJob search;
  std::vector<LineChange> changes;         // in template order
  std::vector<options::Directive> dropin;  // the answer, in order
  // The trials after the search (relaxations, verification), numbered from
  // search.trials.size() + 1 on.
  std::vector<trial::TrialResult> extra;
  std::optional<double> exposure_before;  // the baseline's
  std::optional<double> exposure_after;   // the verified drop-in's
  std::vector<BaseCheck> checks;          // the search's base first
  std::vector<std::string> notes;
  int exit_code = 0;
  std::string message;  // one line: the outcome
  double wall_seconds = 0;
  int earlier_trials = 0;  // of searches run again without lines that were not in effect
  // The last trial's number (the search's, then `extra`'s); all the trials run.
  int trial_count() const { return static_cast<int>(search.trials.size() + extra.size()); }
  int total_trials() const { return earlier_trials + trial_count(); }
};

HardenJob run_harden_job(runtime::ContainerRuntime& runtime, image::ImageBuilder& images,
                         const scenario::Scenario& scenario, const HardenConfig& config, Status& status,
                         const ResultCache* cache = nullptr, bool local_host = true);

}  // namespace hb::job
