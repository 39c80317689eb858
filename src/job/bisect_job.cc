#include "job/bisect_job.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "job/trial_oracle.h"
#include "search/estimate.h"
#include "trial/findings.h"
#include "trial/probes.h"
#include "util/error.h"
#include "util/strings.h"

namespace hb::job {

namespace {
// The plan for this host: the kernel log and background removal only where
// the containers run here.
PreparedScenario prepare_for_host(runtime::ContainerRuntime& runtime, const scenario::Scenario& scenario,
                                  image::ImageBuilder& images, bool local_host) {
  if (scenario.options.empty())
    throw UserError("the scenario " + scenario.name + " has no options to bisect",
                    "add options: or a template:");
  PreparedScenario prepared = prepare_scenario(scenario, images, new_run_id());
  prepared.plan.host_kernel_log = local_host || runtime.kernel_log_here();
  if (!prepared.plan.host_kernel_log) prepared.plan.kernel_log_unreachable = kRemoteKernelLog;
  if (!local_host) prepared.plan.remove_in_background = false;
  prepared.plan.local_host = local_host;
  return prepared;
}

// The cache for this job's image, when the image has an id.
CacheUse use_cache(runtime::ContainerRuntime& runtime, const std::string& image, const ResultCache* cache,
                   Status& status) {
  if (!cache) return {};
  std::optional<runtime::ImageInfo> info = runtime.inspect_image(image);
  if (info && !info->id.empty()) return CacheUse{cache, info->id};
  status.note("no image id from `podman image inspect`; the result cache is off for this run");
  return {};
}

// Search weights from the exposure of the baseline's and the full set's trials.
std::function<std::vector<double>(const std::vector<search::TrialRecord>&)> weigh_by_exposure(
    const TrialOracle& oracle, const scenario::Scenario& scenario) {
  return [&oracle, &scenario](const std::vector<search::TrialRecord>& records) -> std::vector<double> {
    const trial::Evidence* baseline = nullptr;
    const trial::Evidence* full = nullptr;
    for (const auto& r : records) {
      const TrialEntry* entry = oracle.trial(r.outcome);
      if (!entry || !entry->result.evidence.exposure) continue;
      if (r.phase == search::Phase::Baseline && !baseline) baseline = &entry->result.evidence;
      if (r.phase == search::Phase::Full && !full) full = &entry->result.evidence;
    }
    if (!baseline || !full) return {};
    return exposure_weights(scenario, *baseline, *full);
  };
}

// The baseline's first run is the calibration, before the search asks for
// it (it is served then, at once): the status line shows it while it runs.
TrialStarted baseline_started(const scenario::Scenario& scenario, const search::SearchConfig& config) {
  search::TrialRecord record;
  record.phase = search::Phase::Baseline;
  record.options = {};
  record.estimate = search::estimate_total_runs(
      {static_cast<int>(scenario.options.size()), search::Phase::Baseline, 1, 0, 1, config.max_trials});
  return TrialStarted{{}, record, set_label(scenario, {}), false};
}

// The job's search config: progress for each trial, with its result; ties
// by the line's text and weights by what each line lowers the exposure by,
// so the answer does not depend on the order of the lines.
search::SearchConfig job_config(search::SearchConfig config, const TrialOracle& oracle,
                                const scenario::Scenario& scenario, Status& status) {
  config.on_trial = [&oracle, &scenario, &status, user = config.on_trial](const search::TrialRecord& record) {
    if (const TrialEntry* entry = oracle.trial(record.outcome))
      status.trial_finished(TrialFinished{
          {}, record, &entry->result, entry->cached, set_label(scenario, record.options), false});
    if (user) user(record);
  };
  config.on_start = [&scenario, &status, user = config.on_start](const search::TrialRecord& record) {
    status.trial_started(TrialStarted{{}, record, set_label(scenario, record.options), false});
    if (user) user(record);
  };
  if (config.keys.empty())
    for (const auto& item : scenario.options) config.keys.push_back(item.name);
  if (config.weights.empty() && !config.weigh) config.weigh = weigh_by_exposure(oracle, scenario);
  return config;
}
}  // namespace

BisectJob run_bisect_job(runtime::ContainerRuntime& runtime, image::ImageBuilder& images,
                         const scenario::Scenario& scenario, search::SearchConfig config, Status& status,
                         const ResultCache* cache, bool local_host) {
  BisectJob job;
  PreparedScenario prepared = prepare_for_host(runtime, scenario, images, local_host);
  status.job_started(JobStarted{{},
                                config.strategy,
                                scenario.service.unit,
                                prepared.plan.image,
                                scenario.options.size(),
                                prepared.privilege.level,
                                prepared.privilege.why,
                                prepared.privilege.unenforceable});
  CacheUse cache_use = use_cache(runtime, prepared.plan.image, cache, status);
  auto started = std::chrono::steady_clock::now();
  // The baseline's calibration decides the plan of every later trial of the
  // job (drill-down's too): built here, once.
  status.trial_started(baseline_started(scenario, config));
  Calibrated calibration = calibrate(runtime, prepared.plan, trial::check_enforcement, status, cache_use);
  job.prepared = calibrated(std::move(prepared), calibration.calibration);
  trial::TrialRunner runner(runtime, job.prepared.plan, trial::check_enforcement);
  TrialOracle oracle(runner, scenario.options, status, std::move(calibration.baseline));
  oracle.set_jobs(config.jobs);
  oracle.set_cache(cache_use);
  job.result = search::run_search(oracle, static_cast<int>(scenario.options.size()),
                                  job_config(std::move(config), oracle, scenario, status));
  job.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  job.cached_count = oracle.cached_count();
  job.trials = oracle.take_trials(job.result.trials);
  job.infrastructure_trouble = oracle.saw_infrastructure_trouble();
  job.findings = job_findings(job.trials);
  for (const auto& finding : job.findings) status.warning("finding: " + trial::finding_headline(finding));
  return job;
}

std::vector<trial::Finding> job_findings(const std::vector<TrialEntry>& trials) {
  std::vector<trial::Finding> findings;
  for (const auto& entry : trials) trial::merge_findings(findings, entry.result.findings);
  return findings;
}

std::vector<DrillDownResult> drill_down_culprits(runtime::ContainerRuntime& runtime, const BisectJob& job,
                                                 const scenario::Scenario& scenario,
                                                 const search::SearchConfig& config, Status& status) {
  std::vector<DrillDownResult> results;
  if (job.result.status != search::SearchStatus::Found) return results;
  std::vector<options::Directive> base;
  for (int index : job.result.safe_set) {
    const auto& item = scenario.options.at(static_cast<size_t>(index));
    base.insert(base.end(), item.directives.begin(), item.directives.end());
  }
  trial::TrialRunner runner(runtime, job.prepared.plan, trial::check_enforcement);
  search::SearchConfig inner = config;
  inner.on_trial = nullptr;
  inner.on_start = nullptr;
  inner.weights.clear();
  for (const auto& culprit : job.result.culprits) {
    // Only lines the safe template drops: a culprit kept in context passes as it is.
    if (culprit.size() != 1 ||
        !std::binary_search(job.result.removal.begin(), job.result.removal.end(), culprit.front()))
      continue;
    const auto& item = scenario.options.at(static_cast<size_t>(culprit.front()));
    if (item.directives.size() != 1 || !can_drill_down(item.directives.front())) continue;
    if (auto result = drill_down(runner, base, item.directives.front(), inner, status)) {
      status.info(result->search.status == search::SearchStatus::Found
                      ? "drill-down: " + result->summary()
                      : "drill-down of " + item.name + ": " + result->search.message);
      results.push_back(std::move(*result));
    }
  }
  return results;
}

std::vector<double> exposure_weights(const scenario::Scenario& scenario, const trial::Evidence& baseline,
                                     const trial::Evidence& full) {
  if (!baseline.exposure || !full.exposure || baseline.exposure_rows.empty()) return {};
  auto row_keys = [](const std::string& name) {
    // "SystemCallFilter=~@mount" -> SystemCallFilter; "User=/DynamicUser=" -> User, DynamicUser.
    std::vector<std::string> keys;
    for (size_t start = 0; start <= name.size();) {
      size_t end = name.find('/', start);
      if (end == std::string::npos) end = name.size();
      const std::string part = name.substr(start, end - start);
      const auto eq = part.find('=');
      if (eq != std::string::npos && eq > 0) keys.push_back(part.substr(0, eq));
      start = end + 1;
    }
    return keys;
  };
  std::map<std::string, double> full_rows;
  for (const auto& row : full.exposure_rows) full_rows[row.name] = row.exposure.value_or(0.0);
  // Lines per directive key.
  std::map<std::string, std::vector<size_t>> lines_of;
  for (size_t i = 0; i < scenario.options.size(); ++i)
    for (const auto& d : scenario.options[i].directives) {
      auto& lines = lines_of[d.key];
      if (lines.empty() || lines.back() != i) lines.push_back(i);
    }
  std::vector<double> contribution(scenario.options.size(), 0.0);
  for (const auto& row : baseline.exposure_rows) {
    auto after = full_rows.find(row.name);
    if (after == full_rows.end()) continue;
    const double drop = row.exposure.value_or(0.0) - after->second;
    if (drop <= 0) continue;
    std::vector<size_t> lines;
    for (const auto& key : row_keys(row.name))
      if (auto it = lines_of.find(key); it != lines_of.end())
        lines.insert(lines.end(), it->second.begin(), it->second.end());
    std::sort(lines.begin(), lines.end());
    lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
    for (size_t i : lines) contribution[i] += drop / static_cast<double>(lines.size());
  }
  std::vector<double> weights;
  for (double c : contribution) weights.push_back(1.0 + 10.0 * c);
  return weights;
}

std::vector<std::string> option_names(const scenario::Scenario& scenario, const search::OptionSet& set) {
  std::vector<std::string> names;
  for (int index : set) names.push_back(scenario.options.at(static_cast<size_t>(index)).name);
  return names;
}

std::string set_label(const scenario::Scenario& scenario, const search::OptionSet& set) {
  if (set.empty()) return "(no options)";
  if (set.size() == scenario.options.size()) return fmt::format("(all {} options)", set.size());
  if (set.size() <= 3) return util::join(option_names(scenario, set), ", ");
  return fmt::format("{} options", set.size());
}

int bisect_exit_code(const BisectJob& job) {
  switch (job.result.status) {
    case search::SearchStatus::Found:
      return kExitCulprit;
    case search::SearchStatus::NothingBreaks:
      return kExitOk;
    case search::SearchStatus::BaselineFails:
      return kExitUsage;
    case search::SearchStatus::FlakyBaseline:
      return kExitUnresolved;
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
  for (const auto& set : result.culprits) sets.push_back(option_names(scenario, set));
  return normalized(sets);
}

}  // namespace hb::job
