#pragma once
// The subcommands: each file harness/cmd_NAME.cc defines setup_NAME, which
// declares its flags on `app` and returns the action to run.
#include <CLI/CLI.hpp>
#include <functional>
#include <memory>

#include "context.h"
#include "search/search.h"
#include "job/result_cache.h"

namespace hb::cli {

using Action = std::function<int(Context&)>;

Action setup_doctor(CLI::App& app);
Action setup_image(CLI::App& app);
Action setup_run(CLI::App& app);
Action setup_bisect(CLI::App& app);
Action setup_verify(CLI::App& app);
Action setup_check(CLI::App& app);
Action setup_gc(CLI::App& app);
Action setup_matrix(CLI::App& app);
Action setup_report(CLI::App& app);

// Shared flags (harness/cmd_bisect.cc). add_search_flags also adds the
// result cache flags (--cache-dir, --no-cache); open_result_cache gives the
// cache they ask for, or null (--no-cache, --dry-run).
void add_search_flags(CLI::App& app, search::SearchConfig& config);
void add_cache_flags(CLI::App& app);
std::unique_ptr<job::ResultCache> open_result_cache(const Context& context);
int default_jobs();

}  // namespace hb::cli
