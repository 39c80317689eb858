#pragma once
// The subcommands: each file harness/cmd_NAME.cc defines setup_NAME, which
// declares its flags on `app` and returns the action to run. Flag groups and
// helpers several subcommands share are in flags.h.
#include <CLI/CLI.hpp>
#include <functional>

#include "context.h"

namespace hb::cli {

using Action = std::function<int(Context&)>;

Action setup_doctor(CLI::App& app);
Action setup_image(CLI::App& app);
Action setup_run(CLI::App& app);
Action setup_bisect(CLI::App& app);
Action setup_verify(CLI::App& app);
Action setup_check(CLI::App& app);
Action setup_harden(CLI::App& app);
Action setup_gc(CLI::App& app);
Action setup_matrix(CLI::App& app);
Action setup_report(CLI::App& app);
Action setup_validate(CLI::App& app);
Action setup_completion(CLI::App& app);
Action setup_manpage(CLI::App& app);

}  // namespace hb::cli
