#pragma once
// One whole bisection of a scenario on real containers: prepare the image
// and privilege, run the search with the trial oracle, keep every result.
// Shared by `bisect`, `verify` and (later) `check` and `matrix`.
#include <functional>
#include <string>
#include <vector>

#include "image/image_builder.h"
#include "report/search_report.h"
#include "runtime/container_runtime.h"
#include "scenario/scenario.h"
#include "search/search.h"
#include "trial/drill_down.h"
#include "trial/plan.h"
#include "trial/result_cache.h"

namespace hb::trial {

struct BisectJob {
  PreparedScenario prepared;
  search::SearchResult result;
  std::vector<TrialResult> trials;  // parallel to result.trials
  std::vector<bool> cached;         // parallel to trials: served from the result cache
  int cached_count = 0;
  double wall_seconds = 0;
  bool infrastructure_trouble = false;
};

// `on_line` receives the header lines and one progress line per trial
// (ending in "[cached]" when the result came from `cache`). With a cache,
// PASS and FAIL results are served from it and stored in it (see
// result_cache.h). `local_host` is false when the containers run on a
// remote Podman host (--connection): no host kernel log, no background removal.
BisectJob run_bisect_job(runtime::ContainerRuntime& runtime, image::ImageBuilder& images,
                         const scenario::Scenario& scenario, search::SearchConfig config,
                         const std::function<void(const std::string&)>& on_line,
                         const ResultCache* cache = nullptr, bool local_host = true);

// For each culprit that is one list-valued line, the smallest relaxation that
// passes with the rest of the safe template (see drill_down.h).
std::vector<DrillDownResult> drill_down_culprits(runtime::ContainerRuntime& runtime, const BisectJob& job,
                                                 const scenario::Scenario& scenario,
                                                 const search::SearchConfig& config,
                                                 const std::function<void(const std::string&)>& on_line);

// The report's view of a finished job (image, privilege, timings, cache marks).
report::SearchReportInput search_report_input(const scenario::Scenario& scenario, const BisectJob& job);

// Exit code of a finished bisection (0 nothing breaks, 1 found, 2 baseline
// fails, 3 unresolved, 4 infrastructure).
int bisect_exit_code(const BisectJob& job);

// Culprit sets as sorted name lists, sorted: for comparing with expect_culprits.
std::vector<std::vector<std::string>> culprit_names(const scenario::Scenario& scenario,
                                                    const search::SearchResult& result);
std::vector<std::vector<std::string>> normalized(std::vector<std::vector<std::string>> sets);

}  // namespace hb::trial
