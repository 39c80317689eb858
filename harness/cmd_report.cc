// hardbisect report merge: join the JSON results of matrix shards (one per
// CI runner) into the result of the whole matrix, and write it as JSON,
// JUnit, Markdown or HTML.
#include <fmt/format.h>

#include <iostream>

#include "commands.h"
#include "flags.h"
#include "matrix/matrix_result.h"
#include "report/report_cell.h"
#include "util/error.h"
#include "util/files.h"

namespace hb::cli {

namespace {

struct MergeOptions {
  std::vector<std::string> inputs;
  std::string previous;
  std::string json_path;
  report::ReportPaths reports;
};

}  // namespace

Action setup_report(CLI::App& app) {
  app.require_subcommand(1);
  CLI::App* merge = app.add_subcommand("merge", "Join matrix results (the shards of one matrix) into one");
  auto o = std::make_shared<MergeOptions>();
  merge->add_option("results", o->inputs, "JSON results of `hardbisect matrix --json`")->required();
  merge->add_option("--previous", o->previous,
                    "A previous matrix result: cells that passed there and fail now are regressions");
  merge->add_option("--json", o->json_path, "Write the merged result to FILE");
  add_report_flags(*merge, o->reports);
  return [o, merge](Context&) {
    check_output_flags(*merge);
    std::vector<matrix::MatrixResult> parts;
    for (const auto& path : o->inputs) parts.push_back(matrix::read_result_file(path));
    matrix::MatrixResult merged = matrix::merge_results(parts);
    if (!o->previous.empty()) matrix::flag_regressions(merged, matrix::read_result_file(o->previous));
    int missing = 0;
    for (const auto& cell : merged.cells) missing += cell.status == "missing";
    std::cout << fmt::format("== hardbisect report merge: {} result(s), {} of {} cell(s)\n", parts.size(),
                             merged.cells.size() - static_cast<size_t>(missing), merged.cell_ids.size());
    std::cout << matrix::format_table(merged);
    if (missing)
      std::cout << fmt::format(
          "warning: {} cell(s) missing: a shard's result was not given or did not finish\n", missing);
    if (!o->json_path.empty()) {
      util::write_file_atomically(o->json_path, matrix::to_json(merged).dump(2) + "\n");
      std::cout << "merged result written to " << o->json_path << "\n";
    }
    write_report_files(matrix::report_set(merged), o->reports);
    return matrix::matrix_exit_code(merged, !o->previous.empty());
  };
}

}  // namespace hb::cli
