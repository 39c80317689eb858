#include "trial/bisect_job.h"

#include <algorithm>
#include <fmt/format.h>

#include "report/search_report.h"
#include "trial/probes.h"
#include "trial/trial_oracle.h"
#include "util/error.h"

namespace hb::trial {

BisectJob run_bisect_job(runtime::ContainerRuntime& runtime, image::ImageBuilder& images,
                         const scenario::Scenario& scenario, search::SearchConfig config,
                         const std::function<void(const std::string&)>& on_line, const ResultCache* cache,
                         bool local_host) {
  BisectJob job;
  if (scenario.options.empty())
    throw UserError("the scenario " + scenario.name + " has no options to bisect", "add options: or a template:");
  job.prepared = prepare_scenario(scenario, images, new_run_id());
  job.prepared.plan.host_kernel_log = local_host;
  if (!local_host) job.prepared.plan.remove_in_background = false;
  job.prepared.plan.local_host = local_host;
  on_line(fmt::format("hardbisect {}: {} on {}, {} options", config.strategy, scenario.service.unit,
                      job.prepared.plan.image, scenario.options.size()));
  on_line(fmt::format("privilege: {} ({})", runtime::privilege_name(job.prepared.privilege.level),
                      job.prepared.privilege.why));
  for (const auto& line : job.prepared.privilege.unenforceable)
    on_line("  warning: cannot be enforced at this privilege: " + line);

  TrialRunner runner(runtime, job.prepared.plan, check_enforcement);
  TrialOracle oracle(runner, scenario.options, on_line);
  oracle.set_jobs(config.jobs);
  if (cache) {
    std::optional<runtime::ImageInfo> info = runtime.inspect_image(job.prepared.plan.image);
    if (info && !info->id.empty())
      oracle.set_cache(cache, info->id);
    else
      on_line("note: no image id from `podman image inspect`; the result cache is off for this run");
  }
  auto user_callback = config.on_trial;
  config.on_trial = [&](const search::TrialRecord& record) {
    const auto& results = oracle.results();
    size_t at = static_cast<size_t>(record.index);
    if (at < results.size())
      on_line(report::format_progress(scenario, record, results[at]) + (oracle.cached()[at] ? "  [cached]" : ""));
    if (user_callback) user_callback(record);
  };
  auto started = std::chrono::steady_clock::now();
  job.result = search::run_search(oracle, static_cast<int>(scenario.options.size()), config);
  job.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  job.trials = oracle.results();
  job.cached = oracle.cached();
  job.cached_count = oracle.cached_count();
  if (runner.plan().privilege != job.prepared.plan.privilege) {
    job.prepared.plan.privilege = runner.plan().privilege;
    job.prepared.privilege.level = runner.plan().privilege;
    job.prepared.privilege.why = "raised for the unit's own sandboxing";
  }
  job.infrastructure_trouble = oracle.saw_infrastructure_trouble();
  return job;
}

std::vector<DrillDownResult> drill_down_culprits(runtime::ContainerRuntime& runtime, const BisectJob& job,
                                                 const scenario::Scenario& scenario,
                                                 const search::SearchConfig& config,
                                                 const std::function<void(const std::string&)>& on_line) {
  std::vector<DrillDownResult> results;
  if (job.result.status != search::SearchStatus::Found) return results;
  std::vector<options::Directive> base;
  for (int index : job.result.safe_set) {
    const auto& item = scenario.options.at(static_cast<size_t>(index));
    base.insert(base.end(), item.directives.begin(), item.directives.end());
  }
  TrialRunner runner(runtime, job.prepared.plan, check_enforcement);
  search::SearchConfig inner = config;
  inner.on_trial = nullptr;
  inner.weights.clear();
  for (const auto& culprit : job.result.culprits) {
    if (culprit.size() != 1) continue;
    const auto& item = scenario.options.at(static_cast<size_t>(culprit.front()));
    if (item.directives.size() != 1 || !can_drill_down(item.directives.front())) continue;
    if (auto result = drill_down(runner, base, item.directives.front(), inner, on_line)) {
      on_line(result->search.status == search::SearchStatus::Found
                  ? "drill-down: " + result->summary()
                  : "drill-down of " + item.name + ": " + result->search.message);
      results.push_back(std::move(*result));
    }
  }
  return results;
}

report::SearchReportInput search_report_input(const scenario::Scenario& scenario, const BisectJob& job) {
  return report::SearchReportInput{scenario,
                                   job.result,
                                   job.trials,
                                   job.prepared.plan.image,
                                   runtime::privilege_name(job.prepared.privilege.level),
                                   job.wall_seconds,
                                   &job.cached};
}

int bisect_exit_code(const BisectJob& job) {
  switch (job.result.status) {
    case search::SearchStatus::Found: return kExitCulprit;
    case search::SearchStatus::NothingBreaks: return kExitOk;
    case search::SearchStatus::BaselineFails: return kExitUsage;
    case search::SearchStatus::FlakyBaseline: return kExitUnresolved;
    case search::SearchStatus::Unresolved:
      return job.infrastructure_trouble && job.result.culprits.empty() ? kExitInfra : kExitUnresolved;
  }
  return kExitUnresolved;
}

std::vector<std::vector<std::string>> normalized(std::vector<std::vector<std::string>> sets) {
  for (auto& set : sets) std::sort(set.begin(), set.end());
  std::sort(sets.begin(), sets.end());
  return sets;
}

std::vector<std::vector<std::string>> culprit_names(const scenario::Scenario& scenario,
                                                    const search::SearchResult& result) {
  std::vector<std::vector<std::string>> sets;
  for (const auto& set : result.culprits) sets.push_back(report::option_names(scenario, set));
  return normalized(sets);
}

}  // namespace hb::trial
