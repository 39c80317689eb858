#include <gtest/gtest.h>

#include "matrix/matrix_result.h"
#include "matrix/matrix_runner.h"
#include "report/json_report.h"
#include "util/error.h"

namespace hb::matrix {
namespace {
job::SilentStatus silent;

const std::string kScenarios = std::string(HARDBISECT_SOURCE_DIR) + "/scenarios";

std::vector<MatrixCell> demo_cells() {
  return expand_cells(
      load_matrix_string("version: 1\n"
                         "scenarios: [quickstart.yaml, protect-system-writer.yaml, two-culprits.yaml]\n"
                         "templates: [scenario, templates/seed-004-hardened-api.conf]\n"
                         "bases: [bookworm, trixie]\n",
                         kScenarios + "/matrix.yaml"));
}

// A cell's answer decided by its id, as a real cell's is by its scenario.
CellResult fake_cell(const MatrixCell& cell, int, job::Status&) {
  CellResult r;
  r.id = cell.id;
  r.base = cell.base;
  r.scenario_file = cell.scenario_file;
  r.cell.name = cell.id;
  r.cell.scenario = cell.scenario_name;
  r.cell.options_label = cell.options.label;
  r.cell.trials = static_cast<int>(cell.id.size());
  if (cell.id.find("seed-004") != std::string::npos) {
    r.status = "found";
    r.cell.verdict = search::Verdict::Fail;
    r.cell.culprits = {{"ProtectSystem=strict"}};
  } else {
    r.status = "nothing-breaks";
    r.cell.verdict = search::Verdict::Pass;
  }
  return r;
}

MatrixResult run(const std::vector<MatrixCell>& all, Shard shard, int jobs = 1) {
  MatrixResult result;
  result.source = "matrix.yaml";
  result.matrix_hash = matrix_hash(all);
  for (const auto& cell : all) result.cell_ids.push_back(cell.id);
  result.shard = shard;
  result.cells = run_cells(shard_cells(all, shard), jobs, fake_cell, silent);
  return result;
}

TEST(MatrixResult, MergedShardsEqualTheWhole) {
  std::vector<MatrixCell> all = demo_cells();
  nlohmann::json whole = to_json(run(all, Shard{1, 1}))["cells"];
  for (int n = 1; n <= 5; ++n) {
    std::vector<MatrixResult> parts;
    // Through JSON, as CI hands them over.
    for (int i = n; i >= 1; --i) parts.push_back(from_json(to_json(run(all, Shard{i, n}, 2)), "shard"));
    MatrixResult merged = merge_results(parts);
    EXPECT_EQ(to_json(merged)["cells"], whole) << "N=" << n;
    EXPECT_EQ(merged.merged_from, n);
    EXPECT_EQ(merged.shard.count, 1);
  }
}

TEST(MatrixResult, MergeRefusesOverlapAndOtherMatrices) {
  std::vector<MatrixCell> all = demo_cells();
  MatrixResult first = run(all, Shard{1, 2});
  EXPECT_THROW(merge_results({first, first}), UserError);
  std::vector<MatrixCell> fewer(all.begin(), all.end() - 1);
  EXPECT_THROW(merge_results({first, run(fewer, Shard{2, 2})}), UserError);
}

TEST(MatrixResult, MissingShardLeavesUnresolvedRows) {
  std::vector<MatrixCell> all = demo_cells();
  MatrixResult merged = merge_results({run(all, Shard{1, 3}), run(all, Shard{3, 3})});
  ASSERT_EQ(merged.cells.size(), all.size());
  int missing = 0;
  for (const auto& cell : merged.cells) {
    if (cell.status != "missing") continue;
    ++missing;
    EXPECT_EQ(cell.cell.verdict, search::Verdict::Unresolved);
    EXPECT_FALSE(cell.base.empty());
  }
  EXPECT_EQ(missing, static_cast<int>(shard_cells(all, Shard{2, 3}).size()));
  EXPECT_EQ(matrix_exit_code(merged, true), kExitUnresolved);
}

TEST(MatrixResult, RegressionIsAPassThatNowFails) {
  std::vector<MatrixCell> all = demo_cells();
  MatrixResult previous = run(all, Shard{1, 1});
  MatrixResult now = previous;
  // quickstart/scenario/bookworm passed, now fails; a seed-004 cell failed
  // and now passes (fixed, not a regression).
  for (auto& cell : now.cells) {
    if (cell.id == "quickstart/scenario/bookworm") {
      cell.cell.verdict = search::Verdict::Fail;
      cell.cell.culprits = {{"PrivateTmp=yes"}};
    }
    if (cell.id == "quickstart/seed-004-hardened-api/trixie") cell.cell.verdict = search::Verdict::Pass;
  }
  flag_regressions(now, from_json(to_json(previous), "previous"));
  int regressions = 0;
  for (const auto& cell : now.cells) {
    regressions += cell.cell.regression;
    EXPECT_EQ(cell.cell.regression, cell.id == "quickstart/scenario/bookworm") << cell.id;
    EXPECT_TRUE(cell.previous_verdict.has_value());
  }
  EXPECT_EQ(regressions, 1);
  EXPECT_EQ(matrix_exit_code(now, true), kExitCulprit);
  EXPECT_NE(format_table(now).find("REGRESSION quickstart/scenario/bookworm"), std::string::npos)
      << format_table(now);
  EXPECT_EQ(to_json(now)["summary"]["regressions"], 1);
  // Known failures alone do not fail a run compared with a previous one.
  MatrixResult same = previous;
  flag_regressions(same, previous);
  EXPECT_EQ(matrix_exit_code(same, true), kExitOk);
  EXPECT_EQ(matrix_exit_code(same, false), kExitCulprit);
}

TEST(MatrixResult, JsonRoundTripAndReportSet) {
  std::vector<MatrixCell> all = demo_cells();
  MatrixResult result = run(all, Shard{2, 3});
  result.cells.front().cell.exposure_before = 9.2;
  result.cells.front().cached_trials = 3;
  // The pictures travel with the cell, so a merged report draws them too.
  report::TrialGrid grid{
      {"A=1", "B=<2>"}, {{1, "baseline", search::Verdict::Pass, {}, "", 1.5, 9.6, false}}, {1}, {1}};
  grid.trials.push_back({2, "full", search::Verdict::Fail, {0, 1}, "exit 1", 2.0, std::nullopt, true});
  result.cells.front().cell.grid = grid;
  result.cells.front().cell.exposure_bars = {{"baseline", 9.6}, {"full template", std::nullopt}};
  nlohmann::json json = to_json(result);
  EXPECT_EQ(json["cells"][0]["trial_grid"]["rows"][1]["applied"], nlohmann::json({0, 1}));
  EXPECT_EQ(json["cells"][0]["exposure_bars"][1]["exposure"], nullptr);
  EXPECT_EQ(json["cells"][1]["trial_grid"], nullptr);
  MatrixResult back = from_json(json, "x");
  ASSERT_TRUE(back.cells.front().cell.grid.has_value());
  EXPECT_EQ(back.cells.front().cell.grid->options, grid.options);
  EXPECT_EQ(back.cells.front().cell.grid->culprits, grid.culprits);
  EXPECT_EQ(back.cells.front().cell.grid->trials[1].reason, "exit 1");
  EXPECT_TRUE(back.cells.front().cell.grid->trials[1].cached);
  EXPECT_EQ(back.cells.front().cell.exposure_bars[0].exposure, 9.6);
  EXPECT_FALSE(back.cells[1].cell.grid.has_value());
  // An unreadable grid is left out, not an error.
  json["cells"][0]["trial_grid"] = {{"options", 3}};
  EXPECT_FALSE(from_json(json, "x").cells.front().cell.grid.has_value());
  json = to_json(result);
  EXPECT_EQ(json["command"], "matrix");
  EXPECT_EQ(json["shard"]["index"], 2);
  EXPECT_EQ(to_json(from_json(json, "x")), json);
  EXPECT_THROW(from_json(nlohmann::json{{"command", "bisect"}}, "x.json"), UserError);
  report::ReportSet set = report_set(result);
  EXPECT_EQ(set.command, "matrix");
  EXPECT_EQ(set.cells.size(), result.cells.size());
  EXPECT_EQ(set.cells.front().name, result.cells.front().id);
}

// A shard's verdicts are read by name, in any case; another word is the
// user's mistake, named with the file and the cell, never a quiet UNRESOLVED.
TEST(MatrixResult, ShardVerdictsAreReadByName) {
  std::vector<MatrixCell> all = demo_cells();
  nlohmann::json json = to_json(run(all, Shard{1, 1}));
  ASSERT_GE(json["cells"].size(), 2u);
  const std::string first = json["cells"][0]["id"].get<std::string>();
  json["cells"][0]["verdict"] = "FAIL";
  json["cells"][1]["previous_verdict"] = "pass";
  MatrixResult back = from_json(json, "shard-1.json");
  EXPECT_EQ(back.cells[0].cell.verdict, search::Verdict::Fail);
  EXPECT_EQ(back.cells[1].previous_verdict, search::Verdict::Pass);
  for (const nlohmann::json& bad : {nlohmann::json("ok"), nlohmann::json("skipped"), nlohmann::json(1)}) {
    json["cells"][0]["verdict"] = bad;
    try {
      from_json(json, "shard-1.json");
      ADD_FAILURE() << "accepted verdict " << bad.dump();
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find("shard-1.json: cell " + first + ": unknown verdict"),
                std::string::npos)
          << e.what();
      EXPECT_NE(e.hint().find("pass, fail or unresolved"), std::string::npos) << e.hint();
    }
  }
  // A grid trial's verdict too.
  json = to_json(run(all, Shard{1, 1}));
  json["cells"][0]["trial_grid"] = {{"options", {"A=1"}}, {"rows", {{{"number", 1}, {"verdict", "maybe"}}}}};
  EXPECT_THROW(from_json(json, "shard-1.json"), UserError);
}

// A result of another JSON contract is refused, naming both versions; one
// from before schema_version existed is read as far as it agrees.
TEST(MatrixResult, AnotherSchemaVersionIsRefused) {
  nlohmann::json json = to_json(run(demo_cells(), Shard{1, 1}));
  EXPECT_EQ(json["schema_version"], report::kSchemaVersion);
  json["schema_version"] = report::kSchemaVersion + 1;
  try {
    from_json(json, "old.json");
    ADD_FAILURE() << "accepted another schema_version";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("old.json: JSON schema_version 2, this hardbisect reads 1"),
              std::string::npos)
        << e.what();
  }
  json.erase("schema_version");
  EXPECT_EQ(from_json(json, "older.json").cells.size(), json["cells"].size());
}

}  // namespace
}  // namespace hb::matrix
