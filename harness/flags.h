#pragma once
// What several subcommands share: flag groups (search, cache, ad-hoc
// scenario, report files) and the helpers that read them.
#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "context.h"
#include "job/bisect_job.h"
#include "job/drill_down.h"
#include "job/result_cache.h"
#include "report/report_formats.h"
#include "scenario/adhoc.h"
#include "scenario/scenario.h"
#include "search/search.h"

namespace hb::cli {

// Parallel trials: from cores and memory, 1 to 8.
int default_jobs();
// Without --jobs, a pool of hosts (--connection) runs as many trials at once
// as its hosts' shares add up to (known after require_podman); else `jobs`.
int pool_jobs(Context& context, int jobs);

// --strategy, --confidence, --max-repeats, --max-trials, --jobs, and the
// cache flags.
void add_search_flags(CLI::App& app, search::SearchConfig& config);
// Throws UserError ("did you mean") for an unknown --strategy.
void check_strategy(const std::string& strategy);

// --cache-dir, --no-cache. open_result_cache gives the cache they ask for,
// or null (--no-cache, --dry-run).
void add_cache_flags(CLI::App& app);
// An unwritable cache folder is one warning on stderr ("results will not be
// cached: ..."), and corrupt entries one note with their count; the run goes on.
std::unique_ptr<job::ResultCache> open_result_cache(Context& context);

// The ad-hoc scenario flags of run, bisect and check (--unit, --workload...).
void add_adhoc_flags(CLI::App& app, scenario::AdhocFlags& flags);
bool has_adhoc_flags(const scenario::AdhocFlags& flags);
// --containerfile alone, for verify and matrix (the ad-hoc group has it too),
// and applied over one scenario (scenario::apply_flags): its override line.
void add_containerfile_flag(CLI::App& app, std::string& path);
std::vector<std::string> apply_containerfile_flag(scenario::Scenario& scenario, const std::string& path);
// Records in flags.given which of the ad-hoc flags `app` parsed (called
// first thing in the action: over a scenario file only those count).
void note_given_flags(const CLI::App& app, scenario::AdhocFlags& flags);

struct LoadedScenario {
  scenario::Scenario scenario;
  // One line per flag that overrode the file's value, for the header.
  std::vector<std::string> overrides;
};
// The scenario file at `path` with the ad-hoc flags given applied over it
// (scenario::apply_flags: each overrides the file's value or is refused), or
// (empty path) the scenario the ad-hoc flags describe.
LoadedScenario load_scenario_or_flags(const std::string& path, const scenario::AdhocFlags& flags);
// The overrides as header lines (progress: dropped with -q), the scenario's
// warnings as warnings.
// Also warns of each line the base's systemd does not know (unknown_to_base).
void report_loaded(job::Status& status, const LoadedScenario& loaded);
// options::check_known for the systemd of the scenario's base, as `validate`
// does: one warning line per directive that systemd does not know (or no
// longer knows), a finding of the trials, never a reason to stop. Empty for
// an image of its own (its version is not known before it runs).
std::vector<std::string> unknown_to_base(const scenario::Scenario& scenario);

// Every output flag (--json, --safe-out, and each report format's) that
// `app` parsed, checked with util::check_writable before anything runs: a
// typo costs nothing, and `--json ''` is refused. Flags not given are fine.
// The flags that name a report file: --json, --safe-out and each report
// format's (report/report_formats.h).
std::vector<std::string> output_flag_names();
void check_output_flags(const CLI::App& app);

// --dry-run: prints the podman commands of one trial of `scenario` (its
// baseline, the first trial a run makes) through the dry-run runner and
// returns exit 0; nothing runs and nothing waits for evidence.
int dry_run_one_trial(Context& context, const scenario::Scenario& scenario);

// One flag per report format (report::report_formats(): --junit,
// --markdown, --html), shared by check, bisect, verify, harden, matrix and
// report merge. write_report_files writes the wanted ones and says where.
void add_report_flags(CLI::App& app, report::ReportPaths& paths);
void write_report_files(const report::ReportSet& set, const report::ReportPaths& paths);

// One bisection per scenario on the context's runtime, with `cache` (may be
// null), reporting to context.status(): what check and verify run.
job::BisectRunner bisect_runner(Context& context, const search::SearchConfig& config,
                                const job::ResultCache* cache);

// --drill-down (bisect, check): each culprit that is one list-valued line
// narrowed to its smallest verified relaxation.
void add_drill_down_flag(CLI::App& app, bool& drill);
// Each drill-down with its fix: the lines that replace the culprit, ready
// to paste, and the trial that verified them with its exposure.
nlohmann::json drill_down_json(const std::vector<job::DrillDownResult>& drilled);

// "N of the M trials served from the result cache in DIR (...)\n", or "" when none was.
std::string cached_trials_line(const job::BisectJob& job, const job::ResultCache* cache);

}  // namespace hb::cli
