// hardbisect bisect: find which options break the service.
#include <fmt/format.h>
#include <iostream>
#include <thread>
#include <unistd.h>

#include "commands.h"
#include "report/report_cell.h"
#include "report/search_report.h"
#include "scenario/adhoc.h"
#include "search/search.h"
#include "job/bisect_job.h"
#include "util/edit_distance.h"
#include "util/error.h"
#include "util/files.h"

namespace hb::cli {

void add_adhoc_flags(CLI::App& app, scenario::AdhocFlags& flags);
void add_report_flags(CLI::App& app, report::ReportPaths& paths);
void write_report_files(const report::ReportSet& set, const report::ReportPaths& paths);
scenario::Scenario load_scenario_or_flags(const std::string& path, const scenario::AdhocFlags& flags);

// Parallel trials: one per core, and no more than memory allows (a trial
// container with systemd takes well under 256 MiB), at most 8.
int default_jobs() {
  long cores = std::max(1u, std::thread::hardware_concurrency());
  long pages = sysconf(_SC_AVPHYS_PAGES);
  long page = sysconf(_SC_PAGE_SIZE);
  long by_memory = pages > 0 && page > 0 ? (pages / 1024) * page / (256L * 1024) : cores;
  return static_cast<int>(std::clamp<long>(std::min(cores, by_memory), 1, 8));
}

namespace {
// The cache flags: one subcommand runs per process, so one set of them.
struct CacheFlags {
  std::string dir;
  bool off = false;
};
CacheFlags& cache_flags() {
  static CacheFlags flags;
  return flags;
}
}  // namespace

void add_cache_flags(CLI::App& app) {
  app.add_option("--cache-dir", cache_flags().dir,
                 "Trial result cache (default $XDG_CACHE_HOME/hardbisect or ~/.cache/hardbisect)");
  app.add_flag("--no-cache", cache_flags().off, "Run every trial, neither reading nor writing the result cache");
}

std::unique_ptr<job::ResultCache> open_result_cache(const Context& context) {
  if (cache_flags().off || context.flags().dry_run) return nullptr;
  // Host things that change outcomes and are not in a trial's plan.
  std::string environment = fmt::format("connection={};oci={};cgroup={}", context.host_flags().connection,
                                        context.host_flags().oci_runtime, context.facts().cgroup_layout());
  return std::make_unique<job::ResultCache>(
      cache_flags().dir.empty() ? job::default_cache_dir() : cache_flags().dir, environment);
}

void add_search_flags(CLI::App& app, search::SearchConfig& config) {
  app.add_option("--strategy", config.strategy, "bisect (default), ddmin, progressive or linear");
  app.add_option("--confidence", config.confidence, "Wanted detection probability per test when flaky (default 0.95)")
      ->check(CLI::Range(0.5, 0.9999));
  app.add_option("--max-repeats", config.max_repeats, "Cap on the runs of one option set when flaky (default 30)");
  app.add_option("--max-trials", config.max_trials, "Stop after this many trials (0 = no limit)");
  config.jobs = default_jobs();
  app.add_option("--jobs,-j", config.jobs,
                 "Trials in parallel containers when a set runs several times (default: from cores and memory)")
      ->check(CLI::Range(1, 64));
  add_cache_flags(app);
}

void check_strategy(const std::string& strategy) {
  std::vector<std::string> strategies = search::strategy_names();
  if (std::find(strategies.begin(), strategies.end(), strategy) != strategies.end()) return;
  std::string suggestion = util::did_you_mean(strategy, strategies);
  throw UserError("unknown strategy '" + strategy + "'",
                  (suggestion.empty() ? "" : "did you mean '" + suggestion + "'? ") +
                      "strategies: bisect, ddmin, progressive, linear");
}

Action setup_bisect(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto flags = std::make_shared<scenario::AdhocFlags>();
  auto json_path = std::make_shared<std::string>();
  auto safe_path = std::make_shared<std::string>();
  auto config = std::make_shared<search::SearchConfig>();
  app.add_option("scenario", *path, "Scenario YAML file");
  add_adhoc_flags(app, *flags);
  add_search_flags(app, *config);
  app.add_option("--json", *json_path, "Write a machine-readable report to FILE");
  app.add_option("--safe-out", *safe_path, "Write the safe template (a drop-in) to FILE");
  auto reports = std::make_shared<report::ReportPaths>();
  add_report_flags(app, *reports);
  auto drill = std::make_shared<bool>(false);
  app.add_flag("--drill-down", *drill,
               "For a culprit that is a list (SystemCallFilter, CapabilityBoundingSet, paths...), find the smallest "
               "relaxation that passes");
  return [=](Context& context) {
    check_strategy(config->strategy);
    scenario::Scenario scenario = load_scenario_or_flags(*path, *flags);
    context.require_podman();
    std::unique_ptr<job::ResultCache> cache = open_result_cache(context);
    job::BisectJob job = job::run_bisect_job(
        context.runtime(), context.images(), scenario, *config,
        context.status(), cache.get(),
        context.host_flags().connection.empty());
    report::SearchReportInput input = report::search_report_input(scenario, job);
    std::cout << report::format_search_summary(input);
    std::vector<job::DrillDownResult> drilled;
    if (*drill) {
      std::cout << "\n";
      drilled = job::drill_down_culprits(context.runtime(), job, scenario, *config, context.status());
      if (drilled.empty()) std::cout << "drill-down: no culprit is a single list-valued line\n";
    }
    if (job.cached_count > 0)
      std::cout << fmt::format("{} of the {} trials served from the result cache in {} (--no-cache runs them again)\n",
                               job.cached_count, job.result.trial_count, cache->dir());
    if (!safe_path->empty() && job.result.status == search::SearchStatus::Found) {
      util::write_file_atomically(*safe_path, report::safe_dropin(scenario, job.result));
      std::cout << "safe template written to " << *safe_path << "\n";
    }
    if (!json_path->empty()) {
      nlohmann::json json = report::search_to_json(input);
      nlohmann::json drill_json = nlohmann::json::array();
      for (const auto& d : drilled)
        drill_json.push_back({{"option", d.original.line()},
                              {"status", search::status_name(d.search.status)},
                              {"relaxed", d.search.status == search::SearchStatus::Found ? d.relaxed.line() : ""},
                              {"changed", d.changed},
                              {"allow_list", d.allow_list},
                              {"trials", d.search.trial_count}});
      json["drill_down"] = drill_json;
      util::write_file_atomically(*json_path, json.dump(2) + "\n");
    }
    if (reports->any())
      write_report_files({"hardbisect bisect: " + scenario.name, "bisect",
                          {report::cell_from_search(input, report::options_label(scenario))}},
                         *reports);
    return job::bisect_exit_code(job);
  };
}

}  // namespace hb::cli
