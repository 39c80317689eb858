#pragma once
// The result of a matrix (or of one shard of it): one row per cell, as JSON
// (`--json`, the input of `report merge` and `--previous`), as a terminal
// table, and as report cells for the JUnit, Markdown and HTML writers.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "matrix/matrix_spec.h"
#include "report/report_cell.h"

namespace hb::matrix {

struct CellResult {
  std::string id;  // "scenario/options/base"
  std::string scenario_file;
  std::string base;
  std::string status;  // the search's status ("found", "nothing-breaks"...) or "error", "missing"
  std::string privilege;
  int cached_trials = 0;
  std::optional<search::Verdict> previous_verdict;  // the cell's verdict in --previous; nullopt = not there
  // verdict (pass, fail, unresolved), reason, culprits, safe, exposures,
  // trials, seconds, evidence, regression; name = id.
  report::ReportCell cell;
  // The trials that did not pass, in the reports' one trial shape
  // (report::trials_to_json): their causes, reasons and findings explain a
  // FAIL or an UNRESOLVED cell without running it again (--evidence adds
  // their evidence, in a file of its own).
  nlohmann::json trials_not_passed = nlohmann::json::array();
};

struct MatrixResult {
  std::string source;                 // the matrix file, or "flags"
  std::string matrix_hash;            // of the whole matrix's cell ids
  std::vector<std::string> cell_ids;  // the whole matrix, sorted (so a merge knows what is missing)
  Shard shard;                        // {1, 1} when unsharded or merged
  int merged_from = 0;                // results joined by `report merge`; 0 = a run
  double wall_seconds = 0;
  std::vector<CellResult> cells;  // sorted by id
};

// A cell that could not run at all (scenario error, image build failure).
CellResult error_cell(const MatrixCell& cell, const std::string& reason);

// Marks each cell with its previous verdict; a cell that passed before and
// fails now is a regression.
void flag_regressions(MatrixResult& result, const MatrixResult& previous);

// Joins shard results of one matrix: UserError when they come from
// different matrices or share a cell; a cell of the matrix that no result
// holds becomes UNRESOLVED (status "missing").
MatrixResult merge_results(const std::vector<MatrixResult>& results);

nlohmann::json to_json(const MatrixResult& result);
// UserError naming `where` when the JSON is not a matrix result.
MatrixResult from_json(const nlohmann::json& json, const std::string& where);
MatrixResult read_result_file(const std::string& path);

// The terminal rows and summary line.
std::string format_table(const MatrixResult& result);

// 1 when a cell regressed, or (without a previous result) when any cell
// fails; otherwise 3 when any is unresolved; otherwise 0.
int matrix_exit_code(const MatrixResult& result, bool compared_with_previous);

// For the JUnit, Markdown and HTML writers.
report::ReportSet report_set(const MatrixResult& result);

}  // namespace hb::matrix
