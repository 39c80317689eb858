#pragma once
// One whole bisection of a scenario on real containers: prepare the image
// and privilege, run the search with the trial oracle, keep every result.
// Shared by `bisect`, `verify` and (later) `check` and `matrix`.
#include <functional>
#include <string>
#include <vector>

#include "image/image_builder.h"
#include "job/drill_down.h"
#include "job/events.h"
#include "job/plan.h"
#include "job/result_cache.h"
#include "job/trial_entry.h"
#include "runtime/container_runtime.h"
#include "scenario/scenario.h"
#include "search/search.h"

namespace hb::job {

struct BisectJob {
  PreparedScenario prepared;
  search::SearchResult result;
  std::vector<TrialEntry> trials;  // the n-th is result.trials[n], with its full result
  int cached_count = 0;
  double wall_seconds = 0;
  bool infrastructure_trouble = false;
  // Lines systemd ignored in whole or part in any trial (trial/findings.h):
  // reported beside the culprits, never a reason to set an option aside.
  std::vector<trial::Finding> findings;
};

// The findings of a job's trials, merged (each trial's own, found once by
// its runner and stored with it in the result cache).
std::vector<trial::Finding> job_findings(const std::vector<TrialEntry>& trials);

// `status` hears the job start and every trial (cached ones marked). With a
// cache, PASS and FAIL results are served from it and stored in it (see
// result_cache.h). `local_host` is false when the containers run on a
// remote Podman host (--connection): no host kernel log, no background removal.
BisectJob run_bisect_job(runtime::ContainerRuntime& runtime, image::ImageBuilder& images,
                         const scenario::Scenario& scenario, search::SearchConfig config, Status& status,
                         const ResultCache* cache = nullptr, bool local_host = true);

// One bisection of a scenario: run_bisect_job bound to a runtime, or a fake
// in tests (check_job, verify_job run one per scenario through it).
using BisectRunner = std::function<BisectJob(const scenario::Scenario& scenario)>;

// For each culprit that is one list-valued line, the smallest relaxation that
// passes with the rest of the safe template (see drill_down.h).
std::vector<DrillDownResult> drill_down_culprits(runtime::ContainerRuntime& runtime, const BisectJob& job,
                                                 const scenario::Scenario& scenario,
                                                 const search::SearchConfig& config, Status& status);

// Search weights from `systemd-analyze security`: what each option lowers the
// exposure by. systemd rates rows, not our lines, so a line's contribution is
// the drop of the rows named after its directives' keys ("PrivateTmp=",
// "SystemCallFilter=~@mount", "User=/DynamicUser=") between the baseline's
// and the full set's trial, shared equally among the lines with that key.
// Weight = 1 + 10 * contribution (rows are worth 0.1-0.5 each): every line
// counts, measured hardening more. Empty when either trial has no rating.
std::vector<double> exposure_weights(const scenario::Scenario& scenario, const trial::Evidence& baseline,
                                     const trial::Evidence& full);

// Names of the options of a set, as written in the scenario.
std::vector<std::string> option_names(const scenario::Scenario& scenario, const search::OptionSet& set);
// What a trial applied, for a progress line: "(no options)", "A, B, C" (three
// at most), "5 options" or "(all 8 options)".
std::string set_label(const scenario::Scenario& scenario, const search::OptionSet& set);

// Exit code of a finished bisection (0 nothing breaks, 1 found, 2 baseline
// fails, 3 unresolved, 4 infrastructure).
int bisect_exit_code(const BisectJob& job);

// Culprit sets as sorted name lists, sorted: for comparing with expect_culprits.
std::vector<std::vector<std::string>> culprit_names(const scenario::Scenario& scenario,
                                                    const search::SearchResult& result);
std::vector<std::vector<std::string>> normalized(std::vector<std::vector<std::string>> sets);

}  // namespace hb::job
