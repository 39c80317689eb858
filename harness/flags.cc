#include "flags.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <thread>

#include "image/image_builder.h"
#include "job/plan.h"
#include "options/catalogue.h"
#include "options/privilege.h"
#include "scenario/loader.h"
#include "trial/trial_runner.h"
#include "util/edit_distance.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"
#include "util/parse.h"

namespace hb::cli {

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
// Every subcommand's --jobs, to tell a given value from the default (only
// the subcommand that runs has parsed one).
std::vector<const CLI::Option*>& jobs_options() {
  static std::vector<const CLI::Option*> options;
  return options;
}
// A count the user bounds something with: 0 or less would run nothing or
// lose the bound, so it is refused (exit 2) rather than read as "no limit".
CLI::Validator at_least_one() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        std::optional<long long> value = util::parse_int(text);
        if (value && *value >= 1) return {};
        return "must be a whole number of 1 or more, got '" + text + "' (leave the flag out for the default)";
      },
      "INT>=1");
}
// A failure rate: strictly between 0 and 1 (0 would need endless runs, 1
// rules out nothing).
CLI::Validator failure_rate() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        std::optional<double> value = util::parse_double(text);
        if (value && *value > 0.0 && *value < 1.0) return {};
        return "must be a failure rate between 0 and 1 (exclusive), e.g. 0.1 for one run in ten, got '" +
               text + "'";
      },
      "0<P<1");
}

// The flaky-failure flags of add_search_flags (search.h, SearchConfig).
void add_failure_rate_flags(CLI::App& app, search::SearchConfig& config) {
  app.add_flag("--expect-failure", config.expect_failure,
               "You have seen the service fail: run the full template until it fails (at most the runs that "
               "would show a 1-in-20 failure at --confidence, 59 at 0.95, and --max-trials), size the search "
               "for the failure rate seen; never ends nothing-breaks (unresolved, with the rate ruled out)");
  app.add_option("--min-failure-rate", config.min_failure_rate,
                 "Lowest failure rate a passing full template rules out before nothing-breaks (default 0.3: "
                 "9 runs at --confidence 0.95; at most --max-repeats runs)")
      ->check(failure_rate());
}
}  // namespace

int pool_jobs(Context& context, int jobs) {
  bool given = std::any_of(jobs_options().begin(), jobs_options().end(),
                           [](const CLI::Option* option) { return option->count() > 0; });
  if (given || !context.pool()) return jobs;
  return context.pool()->capacity();
}

void add_cache_flags(CLI::App& app) {
  app.add_option("--cache-dir", cache_flags().dir,
                 "Trial result cache (default $XDG_CACHE_HOME/hardbisect or ~/.cache/hardbisect)");
  app.add_flag("--no-cache", cache_flags().off,
               "Run every trial, neither reading nor writing the result cache");
}

std::unique_ptr<job::ResultCache> open_result_cache(Context& context) {
  if (cache_flags().off || context.flags().dry_run) return nullptr;
  // Host things that change outcomes and are not in a trial's plan.
  std::string environment = fmt::format("connection={};oci={};cgroup={}", context.host_flags().connection,
                                        context.host_flags().oci_runtime, context.facts().cgroup_layout());
  auto cache = std::make_unique<job::ResultCache>(
      cache_flags().dir.empty() ? job::default_cache_dir() : cache_flags().dir, environment);
  // On stderr, warnings even with -q: the run goes on without storing.
  job::Status& status = context.log_status();
  cache->set_reporters([&status](const std::string& line) { status.warning(line); },
                       [&status](const std::string& line) { status.note(line); });
  cache->check_writable();
  return cache;
}

void add_search_flags(CLI::App& app, search::SearchConfig& config) {
  app.add_option("--strategy", config.strategy, "bisect (default), ddmin, progressive or linear");
  app.add_option("--confidence", config.confidence,
                 "Wanted detection probability per test when flaky (default 0.95)")
      ->check(CLI::Range(0.5, 0.9999));
  app.add_option("--max-repeats", config.max_repeats,
                 "Cap on the runs of one option set when flaky (default 30)")
      ->check(at_least_one());
  app.add_option("--max-trials", config.max_trials, "Stop after this many trials (default: no limit)")
      ->check(at_least_one());
  config.jobs = default_jobs();
  jobs_options().push_back(
      app.add_option("--jobs,-j", config.jobs,
                     "Trials in parallel containers when a set runs several times (default: from cores and "
                     "memory; with --connection, the hosts' shares added up)")
          ->check(CLI::Range(1, 64)));
  add_failure_rate_flags(app, config);
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

void add_adhoc_flags(CLI::App& app, scenario::AdhocFlags& flags) {
  app.add_option("--base", flags.base, "Debian release of the image: bookworm or trixie");
  app.add_option("--image", flags.image, "Use this existing image instead of building one");
  app.add_option("--packages", flags.packages, "Debian packages to add to the image, comma-separated");
  add_containerfile_flag(app, flags.containerfile);
  app.add_option("--unit", flags.unit, "The unit under test, e.g. nginx.service");
  app.add_option("--unit-file", flags.unit_file,
                 "Install this unit file (else the unit must be in the image)");
  app.add_option("--workload", flags.workload,
                 "Shell line run in the container as the test, e.g. 'curl -sf http://127.0.0.1/'");
  app.add_option("--workload-timeout", flags.workload_timeout, "Bound on the workload (default 30s)");
  app.add_option("--template", flags.template_path, "A drop-in file whose lines are the options");
  app.add_option("--option", flags.options, "One option line, e.g. 'ProtectSystem=strict' (repeatable)");
  app.add_option("--privilege", flags.privilege, "auto, minimal, sys-admin or privileged");
}

void add_containerfile_flag(CLI::App& app, std::string& path) {
  app.add_option(scenario::AdhocFlagNames::kContainerfile, path,
                 "Build the trial image from this Containerfile (its folder is the build context); it must "
                 "start FROM hardbisect-base, which becomes the base image of the chosen release");
}

std::vector<std::string> apply_containerfile_flag(scenario::Scenario& scenario, const std::string& path) {
  if (path.empty()) return {};
  scenario::AdhocFlags flags;
  flags.containerfile = path;
  flags.given.insert(scenario::AdhocFlagNames::kContainerfile);
  return scenario::apply_flags(scenario, flags);
}

bool has_adhoc_flags(const scenario::AdhocFlags& flags) {
  return !flags.unit.empty() || !flags.workload.empty() || !flags.unit_file.empty();
}

void note_given_flags(const CLI::App& app, scenario::AdhocFlags& flags) {
  using Flag = scenario::AdhocFlagNames;
  for (const char* name :
       {Flag::kBase, Flag::kImage, Flag::kPackages, Flag::kContainerfile, Flag::kUnit, Flag::kUnitFile,
        Flag::kWorkload, Flag::kWorkloadTimeout, Flag::kTemplate, Flag::kOption, Flag::kPrivilege}) {
    const CLI::Option* option = app.get_option_no_throw(name);
    if (option && option->count() > 0) flags.given.insert(name);
  }
}

LoadedScenario load_scenario_or_flags(const std::string& path, const scenario::AdhocFlags& flags) {
  if (!path.empty()) {
    LoadedScenario loaded{scenario::load_scenario_file(path), {}};
    loaded.overrides = scenario::apply_flags(loaded.scenario, flags);
    return loaded;
  }
  if (!has_adhoc_flags(flags))
    throw UserError("nothing to run",
                    "give a scenario file (hardbisect run scenarios/X.yaml) or the ad-hoc flags "
                    "--unit and --workload");
  return {scenario::scenario_from_flags(flags), {}};
}

void report_loaded(job::Status& status, const LoadedScenario& loaded) {
  for (const auto& line : loaded.overrides) status.info(line);
  for (const auto& line : loaded.scenario.warnings) status.warning(line);
  for (const auto& line : unknown_to_base(loaded.scenario)) status.warning(line);
}

std::vector<std::string> unknown_to_base(const scenario::Scenario& scenario) {
  std::vector<std::string> lines;
  const int version = scenario.image.name.empty() ? image::systemd_version_of(scenario.image.base) : 0;
  if (version == 0) return lines;  // an image of its own: its systemd is read by the trials
  for (const auto& item : scenario.options)
    for (const auto& directive : item.directives)
      if (auto error = options::check_known(directive.key, version))
        lines.push_back(fmt::format(
            "{}{}: {} (base {}): systemd ignores the line, as a host with it would; "
            "the trials go on and report it as a finding",
            item.loc.file.empty() ? "" : item.loc.str() + ": ", item.name, *error, scenario.image.base));
  return lines;
}

std::vector<std::string> output_flag_names() {
  std::vector<std::string> names{"--json", "--safe-out"};
  for (const auto& format : report::report_formats()) names.emplace_back(format.flag);
  return names;
}

void check_output_flags(const CLI::App& app) {
  for (const auto& name : output_flag_names()) {
    const CLI::Option* option = app.get_option_no_throw(name);
    if (!option || option->count() == 0) continue;
    for (const auto& path : option->results()) util::check_writable(path, name);
  }
}

int dry_run_one_trial(Context& context, const scenario::Scenario& scenario) {
  context.require_podman();
  job::PreparedScenario prepared = job::prepare_scenario(scenario, context.images(), job::new_run_id());
  trial::TrialPlan plan = prepared.plan;
  plan.host_kernel_log = false;
  plan.local_host = context.host_flags().connection.empty();
  // Evidence never comes from a container that was not started: the trial
  // stops after `podman start`, and `podman rm` runs in the foreground.
  plan.stop_after_start = true;
  plan.remove_in_background = false;
  context.status().info(
      fmt::format("dry run: the podman commands of one trial of {} (its baseline, no options), "
                  "on {} at privilege {}; nothing ran",
                  scenario.name, plan.image, options::privilege_name(plan.privilege)));
  trial::TrialRunner(context.runtime(), plan).run({});
  return kExitOk;
}

void add_report_flags(CLI::App& app, report::ReportPaths& paths) {
  for (const auto& format : report::report_formats())
    app.add_option(format.flag, paths.path(format.name), format.help);
}

void write_report_files(const report::ReportSet& set, const report::ReportPaths& paths) {
  for (const auto& line : report::write_reports(set, paths)) std::cout << line << "\n";
}

job::BisectRunner bisect_runner(Context& context, const search::SearchConfig& config,
                                const job::ResultCache* cache) {
  return [&context, config, cache](const scenario::Scenario& scenario) {
    search::SearchConfig pooled = config;
    pooled.jobs = pool_jobs(context, config.jobs);
    return job::run_bisect_job(context.runtime(), context.images(), scenario, pooled, context.status(), cache,
                               context.host_flags().connection.empty());
  };
}

std::string cached_trials_line(const job::BisectJob& job, const job::ResultCache* cache) {
  if (job.cached_count == 0 || !cache) return "";
  return fmt::format("{} of the {} trials served from the result cache in {} (--no-cache runs them again)\n",
                     job.cached_count, job.result.trial_count, cache->dir());
}

void add_drill_down_flag(CLI::App& app, bool& drill) {
  app.add_flag(
      "--drill-down", drill,
      "For a culprit that is a list (SystemCallFilter, CapabilityBoundingSet, paths...), find the smallest "
      "relaxation that passes");
}

nlohmann::json drill_down_json(const std::vector<job::DrillDownResult>& drilled) {
  nlohmann::json json = nlohmann::json::array();
  for (const auto& d : drilled) {
    const bool found = d.search.status == search::SearchStatus::Found;
    std::vector<std::string> fix;
    if (found)
      for (const auto& line : d.fix) fix.push_back(line.line());
    json.push_back({{"option", d.original.line()},
                    {"outcome", search::status_name(d.search.status)},
                    {"relaxed", found ? d.relaxed.line() : ""},
                    {"changed", d.changed},
                    {"allow_list", d.allow_list},
                    {"reallow", d.reallow},
                    {"fix", fix},
                    {"verified", found && d.verified_trial >= 0},
                    {"exposure", util::json_or_null(d.exposure)},
                    {"summary", found ? d.summary() : d.search.message},
                    {"trial_count", d.search.trial_count}});
  }
  return json;
}

}  // namespace hb::cli
