#pragma once
// What several subcommands share: flag groups (search, cache, ad-hoc
// scenario, report files) and the helpers that read them.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "context.h"
#include "job/bisect_job.h"
#include "job/result_cache.h"
#include "report/report_cell.h"
#include "scenario/adhoc.h"
#include "scenario/scenario.h"
#include "search/search.h"

namespace hb::cli {

// Parallel trials: from cores and memory, 1 to 8.
int default_jobs();

// --strategy, --confidence, --max-repeats, --max-trials, --jobs, and the
// cache flags.
void add_search_flags(CLI::App& app, search::SearchConfig& config);
// Throws UserError ("did you mean") for an unknown --strategy.
void check_strategy(const std::string& strategy);

// --cache-dir, --no-cache. open_result_cache gives the cache they ask for,
// or null (--no-cache, --dry-run).
void add_cache_flags(CLI::App& app);
std::unique_ptr<job::ResultCache> open_result_cache(const Context& context);

// The ad-hoc scenario flags of run, bisect and check (--unit, --workload...).
void add_adhoc_flags(CLI::App& app, scenario::AdhocFlags& flags);
bool has_adhoc_flags(const scenario::AdhocFlags& flags);
// The scenario file at `path`, or (empty path) the scenario the ad-hoc flags
// describe; --privilege overrides a file's container.privilege.
scenario::Scenario load_scenario_or_flags(const std::string& path, const scenario::AdhocFlags& flags);

// --junit, --markdown, --html: shared by check, bisect, verify, matrix and
// report merge. write_report_files writes the wanted ones and says where.
void add_report_flags(CLI::App& app, report::ReportPaths& paths);
void write_report_files(const report::ReportSet& set, const report::ReportPaths& paths);

// One bisection per scenario on the context's runtime, with `cache` (may be
// null), reporting to context.status(): what check and verify run.
job::BisectRunner bisect_runner(Context& context, const search::SearchConfig& config,
                                const job::ResultCache* cache);

// "N of the M trials served from the result cache in DIR (...)\n", or "" when none was.
std::string cached_trials_line(const job::BisectJob& job, const job::ResultCache* cache);

}  // namespace hb::cli
