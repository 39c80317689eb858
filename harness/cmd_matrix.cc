// hardbisect matrix: scenarios x templates x images, one row per cell;
// cells in parallel, shardable across CI runners (--shard i/N, then
// `hardbisect report merge`), regressions against a previous result.
#include <fmt/format.h>

#include <iostream>

#include "commands.h"
#include "flags.h"
#include "matrix/matrix_result.h"
#include "matrix/matrix_runner.h"
#include "matrix/matrix_spec.h"
#include "report/report_cell.h"
#include "scenario/validate.h"
#include "util/error.h"
#include "util/files.h"
#include "util/strings.h"

namespace hb::cli {

namespace {

struct MatrixOptions {
  std::string matrix_file;
  std::vector<std::string> scenarios;
  std::vector<std::string> templates;
  std::vector<std::string> bases;
  std::string shard;
  std::string containerfile;
  std::string previous;
  std::string json_path;
  search::SearchConfig config;
  report::ReportPaths reports;
  bool list = false;
};

// "a, b" or "(none)".
std::string listed(const std::vector<std::string>& values) {
  return values.empty() ? "(none)" : util::join(values, ", ");
}

// The matrix file, with each axis given by a flag replacing the file's;
// `overrides` gets one line per axis replaced, for the header.
matrix::MatrixSpec spec_of(const MatrixOptions& o, std::vector<std::string>& overrides) {
  matrix::MatrixSpec spec;
  const bool from_file = !o.matrix_file.empty();
  if (from_file) {
    spec = matrix::load_matrix_file(o.matrix_file);
  } else {
    spec.source = "flags";
    if (o.scenarios.empty())
      throw UserError("no matrix",
                      "give a matrix file (hardbisect matrix ci/nightly-matrix.yaml) or --scenario S.yaml "
                      "[--template T.conf] [--base bookworm,trixie]");
  }
  auto replaced = [&](const std::string& axis, const std::vector<std::string>& now, const char* flag,
                      const std::vector<std::string>& was) {
    if (from_file)
      overrides.push_back(
          fmt::format("{}: {} (from {}; the matrix file says {})", axis, listed(now), flag, listed(was)));
  };
  if (!o.scenarios.empty()) {
    replaced("scenarios", o.scenarios, "--scenario", spec.scenarios);
    spec.scenarios = o.scenarios;
  }
  if (!o.templates.empty()) {
    std::vector<std::string> was = spec.templates;
    for (const auto& set : spec.option_sets) was.push_back("option set " + set.first);
    replaced("templates", o.templates, "--template", was);
    spec.templates = o.templates;
    spec.option_sets.clear();
  }
  if (spec.templates.empty() && spec.option_sets.empty()) spec.templates.push_back("scenario");
  if (!o.bases.empty()) {
    replaced("bases", o.bases, "--base", spec.bases);
    spec.bases = o.bases;
  }
  if (!o.containerfile.empty()) {
    spec.containerfile = scenario::check_containerfile_path(o.containerfile, "--containerfile");
    overrides.push_back("containerfile: " + spec.containerfile +
                        " (from --containerfile; every cell's image)");
  }
  return spec;
}

}  // namespace

namespace {
void add_matrix_flags(CLI::App& app, MatrixOptions& o) {
  app.add_option("matrix", o.matrix_file, "Matrix YAML file (schema in docs/ci.md, \"Matrix file\")");
  app.add_option("--scenario", o.scenarios,
                 "Scenario file or folder (repeatable; replaces the file's scenarios)");
  app.add_option(
      "--template", o.templates,
      "Hardening template (drop-in) or folder of *.conf, or 'scenario' for the scenario's own options "
      "(repeatable; replaces the file's templates and option sets)");
  app.add_option("--base", o.bases, "Base images, e.g. bookworm,trixie (replaces the file's bases)")
      ->delimiter(',');
  add_containerfile_flag(app, o.containerfile);
  app.add_option("--shard", o.shard,
                 "Run shard i of N of the cells (i/N), for N CI runners; join with report merge");
  app.add_option("--previous", o.previous,
                 "A previous matrix result (JSON): cells that passed there and fail now are regressions");
  app.add_option("--json", o.json_path,
                 "Write the matrix result to FILE (input of report merge and --previous)");
  app.add_flag("--list", o.list, "Print the cells (of this shard) and exit");
  add_search_flags(app, o.config);
  app.get_option("--jobs")->description(
      "Cells in parallel (a single cell uses them for its repeats); default: from cores and memory");
  add_report_flags(app, o.reports);
}

// Runs this shard's cells (their images first) and times the whole.
matrix::MatrixResult run_matrix_cells(Context& context, MatrixOptions& o, const matrix::MatrixSpec& spec,
                                      const std::vector<matrix::MatrixCell>& all,
                                      const std::vector<matrix::MatrixCell>& cells, matrix::Shard shard) {
  matrix::MatrixResult result;
  result.source = spec.source;
  result.matrix_hash = matrix::matrix_hash(all);
  for (const auto& cell : all) result.cell_ids.push_back(cell.id);
  result.shard = shard;
  auto started = std::chrono::steady_clock::now();
  if (!cells.empty()) {
    context.require_podman();
    o.config.jobs = pool_jobs(context, o.config.jobs);
    std::unique_ptr<job::ResultCache> cache = open_result_cache(context);
    std::map<std::string, std::string> image_errors =
        matrix::build_images(context.images(), cells, context.log_status());
    matrix::CellEnvironment environment{context.runtime(), context.images(), cache.get(), o.config,
                                        context.host_flags().connection.empty()};
    matrix::CellRunner runner = [&](const matrix::MatrixCell& cell, int jobs, job::Status& cell_status) {
      if (auto it = image_errors.find(cell.id); it != image_errors.end())
        return matrix::error_cell(cell, it->second);
      return matrix::run_cell(environment, cell, jobs, cell_status);
    };
    result.cells = matrix::run_cells(cells, o.config.jobs, runner, context.log_status());
  }
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

// The table, the JSON result and the reports.
void write_matrix_outputs(const MatrixOptions& o, const matrix::MatrixResult& result) {
  std::cout << "\n== hardbisect matrix\n" << matrix::format_table(result);
  std::cout << fmt::format("wall time {:.1f} s\n", result.wall_seconds);
  if (!o.json_path.empty()) {
    util::write_file_atomically(o.json_path, matrix::to_json(result).dump(2) + "\n");
    std::cout << "matrix result written to " << o.json_path << "\n";
  }
  write_report_files(matrix::report_set(result), o.reports);
}
}  // namespace

Action setup_matrix(CLI::App& app) {
  auto o = std::make_shared<MatrixOptions>();
  add_matrix_flags(app, *o);
  return [o, &app](Context& context) {
    check_output_flags(app);
    check_strategy(o->config.strategy);
    std::vector<std::string> overrides;
    matrix::MatrixSpec spec = spec_of(*o, overrides);
    std::vector<matrix::MatrixCell> all = matrix::expand_cells(spec);
    matrix::Shard shard = o->shard.empty() ? matrix::Shard{} : matrix::parse_shard(o->shard);
    std::vector<matrix::MatrixCell> cells = matrix::shard_cells(all, shard);
    std::optional<matrix::MatrixResult> previous;
    if (!o->previous.empty()) previous = matrix::read_result_file(o->previous);
    if (o->list) {
      for (const auto& cell : cells) std::cout << cell.id << "\n";
      return static_cast<int>(kExitOk);
    }
    context.status().info(fmt::format(
        "hardbisect matrix: {} of {} cell(s){}, {} at a time", cells.size(), all.size(),
        shard.count > 1 ? fmt::format(" (shard {}/{})", shard.index, shard.count) : "", o->config.jobs));
    for (const auto& line : overrides) context.status().info(line);
    if (context.flags().dry_run) {
      if (cells.empty()) return static_cast<int>(kExitOk);
      context.status().info("first cell: " + cells.front().id);
      return dry_run_one_trial(context, matrix::cell_scenario(cells.front()));
    }
    matrix::MatrixResult result = run_matrix_cells(context, *o, spec, all, cells, shard);
    if (previous) matrix::flag_regressions(result, *previous);
    write_matrix_outputs(*o, result);
    return matrix::matrix_exit_code(result, previous.has_value());
  };
}

}  // namespace hb::cli
