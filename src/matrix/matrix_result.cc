#include "matrix/matrix_result.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "report/json_report.h"
#include "report/search_report.h"
#include "util/error.h"
#include "util/files.h"
#include "util/json.h"

using nlohmann::json;

namespace hb::matrix {

namespace {

json cell_to_json(const CellResult& c) {
  const report::ReportCell& r = c.cell;
  return {
      {"id", c.id},
      {"scenario", r.scenario},
      {"scenario_file", c.scenario_file},
      {"options", r.options_label},
      {"base", c.base},
      {"image", r.image},
      {"privilege", c.privilege},
      {"verdict", search::verdict_name(r.verdict)},
      {"outcome", c.status},
      {"reason", r.reason},
      {"culprits", r.culprits},
      {"safe", r.safe},
      {"exposure_before", util::json_or_null(r.exposure_before)},
      {"exposure_after", util::json_or_null(r.exposure_after)},
      {"trial_count", r.trials},
      {"cached_trials", c.cached_trials},
      {"seconds", r.seconds},
      {"regression", r.regression},
      {"previous_verdict",
       c.previous_verdict ? json(search::verdict_name(*c.previous_verdict)) : json(nullptr)},
      {"evidence", r.evidence},
      {"findings", report::findings_to_json(r.findings)},
      {"trial_grid", r.grid ? report::grid_to_json(*r.grid) : json(nullptr)},
      {"exposure_bars", report::bars_to_json(r.exposure_bars)},
      {"trials_not_passed", c.trials_not_passed},
  };
}

CellResult cell_from_json(const json& j, const std::string& where) {
  CellResult c;
  report::ReportCell& r = c.cell;
  c.id = j.at("id").get<std::string>();
  r.name = c.id;
  const std::string cell_where = where + ": cell " + c.id;
  r.scenario = j.at("scenario").get<std::string>();
  c.scenario_file = j.value("scenario_file", "");
  r.options_label = j.at("options").get<std::string>();
  c.base = j.at("base").get<std::string>();
  r.image = j.value("image", "");
  c.privilege = j.value("privilege", "");
  r.verdict = report::verdict_from_json(j.at("verdict"), cell_where);
  c.status = j.value("outcome", "");
  r.reason = j.value("reason", "");
  r.culprits = j.value("culprits", std::vector<std::vector<std::string>>{});
  r.safe = j.value("safe", std::vector<std::string>{});
  r.exposure_before = util::optional_number<double>(j.value("exposure_before", json(nullptr)));
  r.exposure_after = util::optional_number<double>(j.value("exposure_after", json(nullptr)));
  r.trials = j.value("trial_count", 0);
  c.cached_trials = j.value("cached_trials", 0);
  r.seconds = j.value("seconds", 0.0);
  r.regression = j.value("regression", false);
  json previous = j.value("previous_verdict", json(nullptr));
  if (!previous.is_null())
    c.previous_verdict = report::verdict_from_json(previous, cell_where + " (previous)");
  r.evidence = j.value("evidence", "");
  if (j.contains("trials_not_passed") && j["trials_not_passed"].is_array())
    c.trials_not_passed = j["trials_not_passed"];
  r.findings = report::findings_from_json(j.value("findings", json::array()));
  r.grid = report::grid_from_json(j.value("trial_grid", json(nullptr)), cell_where);
  r.exposure_bars = report::bars_from_json(j.value("exposure_bars", json::array()));
  return c;
}

}  // namespace

CellResult error_cell(const MatrixCell& cell, const std::string& reason) {
  CellResult c;
  c.id = cell.id;
  c.scenario_file = cell.scenario_file;
  c.base = cell.base;
  c.status = "error";
  c.cell.name = cell.id;
  c.cell.scenario = cell.scenario_name;
  c.cell.options_label = cell.options.label;
  c.cell.verdict = search::Verdict::Unresolved;
  c.cell.reason = reason;
  c.cell.evidence = reason;
  return c;
}

void flag_regressions(MatrixResult& result, const MatrixResult& previous) {
  std::map<std::string, const CellResult*> before;
  for (const auto& cell : previous.cells) before[cell.id] = &cell;
  for (auto& cell : result.cells) {
    auto it = before.find(cell.id);
    cell.previous_verdict =
        it == before.end() ? std::nullopt : std::optional<search::Verdict>(it->second->cell.verdict);
    cell.cell.regression =
        cell.previous_verdict == search::Verdict::Pass && cell.cell.verdict == search::Verdict::Fail;
  }
}

MatrixResult merge_results(const std::vector<MatrixResult>& results) {
  if (results.empty()) throw UserError("nothing to merge", "give the shards' JSON results");
  MatrixResult merged;
  merged.source = results.front().source;
  merged.matrix_hash = results.front().matrix_hash;
  merged.cell_ids = results.front().cell_ids;
  merged.merged_from = 0;
  std::map<std::string, size_t> owner;
  for (size_t i = 0; i < results.size(); ++i) {
    const MatrixResult& part = results[i];
    if (part.matrix_hash != merged.matrix_hash)
      throw UserError(fmt::format("result {} is of another matrix than result 1 ({} cells vs {})", i + 1,
                                  part.cell_ids.size(), merged.cell_ids.size()),
                      "merge the shards of one matrix run (same matrix file, scenarios and templates)");
    merged.merged_from += std::max(1, part.merged_from);
    merged.wall_seconds = std::max(merged.wall_seconds, part.wall_seconds);
    for (const auto& cell : part.cells) {
      if (auto [it, fresh] = owner.emplace(cell.id, i); !fresh)
        throw UserError(
            fmt::format("the cell {} is in result {} and in result {}", cell.id, it->second + 1, i + 1),
            "each shard i/N must be given once");
      merged.cells.push_back(cell);
    }
  }
  for (const auto& id : merged.cell_ids) {
    if (owner.count(id)) continue;
    CellResult missing;
    missing.id = id;
    missing.status = "missing";
    missing.cell.name = id;
    missing.cell.verdict = search::Verdict::Unresolved;
    missing.cell.reason = "no result: no merged shard ran this cell";
    // "scenario/options/base"
    size_t first = id.find('/');
    size_t last = id.rfind('/');
    missing.cell.scenario = id.substr(0, first);
    if (first != last) missing.cell.options_label = id.substr(first + 1, last - first - 1);
    missing.base = id.substr(last + 1);
    merged.cells.push_back(missing);
  }
  std::sort(merged.cells.begin(), merged.cells.end(),
            [](const CellResult& a, const CellResult& b) { return a.id < b.id; });
  return merged;
}

namespace {
// A result of another JSON contract is refused rather than half read; one
// written before schema_version existed reads as far as it agrees (its
// verdicts, culprits and cells: what --previous compares).
void check_schema_version(const json& j, const std::string& where) {
  if (!j.contains("schema_version")) return;
  const json& version = j["schema_version"];
  if (version.is_number_integer() && version.get<int>() == report::kSchemaVersion) return;
  throw UserError(fmt::format("{}: JSON schema_version {}, this hardbisect reads {}", where, version.dump(),
                              report::kSchemaVersion),
                  "give a result written by this version of hardbisect (docs/json.md)");
}
}  // namespace

json to_json(const MatrixResult& result) {
  json cells = json::array();
  for (const auto& cell : result.cells) cells.push_back(cell_to_json(cell));
  std::vector<report::ReportCell> report_cells;
  int regressions = 0;
  int cached = 0;
  for (const auto& cell : result.cells) {
    report_cells.push_back(cell.cell);
    regressions += cell.cell.regression;
    cached += cell.cached_trials;
  }
  report::VerdictCounts counts = report::count_verdicts(report_cells);
  json j = report::report_envelope("matrix");
  j.update({
      {"source", result.source},
      {"matrix_hash", result.matrix_hash},
      {"cell_ids", result.cell_ids},
      {"shard", {{"index", result.shard.index}, {"count", result.shard.count}}},
      {"merged_from", result.merged_from},
      {"wall_seconds", result.wall_seconds},
      {"summary",
       {{"cells", result.cells.size()},
        {"pass", counts.pass},
        {"fail", counts.fail},
        {"unresolved", counts.unresolved},
        {"regressions", regressions},
        {"cached_trials", cached}}},
      {"cells", cells},
  });
  return j;
}

MatrixResult from_json(const json& j, const std::string& where) {
  if (!j.is_object() || j.value("command", "") != "matrix" || !j.contains("cells"))
    throw UserError(where + " is not a hardbisect matrix result",
                    "give a file written by `hardbisect matrix --json`");
  check_schema_version(j, where);
  try {
    MatrixResult result;
    result.source = j.value("source", "");
    result.matrix_hash = j.value("matrix_hash", "");
    result.cell_ids = j.value("cell_ids", std::vector<std::string>{});
    if (j.contains("shard")) {
      result.shard.index = j["shard"].value("index", 1);
      result.shard.count = j["shard"].value("count", 1);
    }
    result.merged_from = j.value("merged_from", 0);
    result.wall_seconds = j.value("wall_seconds", 0.0);
    for (const auto& cell : j.at("cells")) result.cells.push_back(cell_from_json(cell, where));
    return result;
  } catch (const json::exception& e) {
    throw UserError(where + ": not a readable matrix result: " + e.what());
  }
}

MatrixResult read_result_file(const std::string& path) {
  json j = json::parse(util::read_file(path), nullptr, false);
  if (j.is_discarded())
    throw UserError(path + " is not JSON", "give a file written by `hardbisect matrix --json`");
  return from_json(j, path);
}

std::string format_table(const MatrixResult& result) {
  std::string text;
  size_t width = 20;
  for (const auto& cell : result.cells) width = std::max(width, cell.id.size());
  for (const auto& cell : result.cells) {
    const report::ReportCell& r = cell.cell;
    std::string verdict = r.regression ? "REGRESSION" : search::verdict_upper(r.verdict);
    std::string trials =
        cell.status == "error" || cell.status == "missing"
            ? ""
            : fmt::format("{:>3} trials{} {:>6.1f} s", r.trials,
                          cell.cached_trials ? fmt::format(" ({} cached)", cell.cached_trials) : "",
                          r.seconds);
    std::string detail;
    if (r.verdict == search::Verdict::Fail)
      detail = "culprits " + report::sets_text(r.culprits);
    else if (r.verdict != search::Verdict::Pass)
      detail = r.reason;
    if (r.regression) detail += " (passed in the previous result)";
    text += fmt::format("{:<11}{:<{}}  {}  {}\n", verdict, cell.id, width, trials, detail);
  }
  std::vector<report::ReportCell> cells;
  int regressions = 0;
  for (const auto& cell : result.cells) {
    cells.push_back(cell.cell);
    regressions += cell.cell.regression;
  }
  report::VerdictCounts counts = report::count_verdicts(cells);
  text += fmt::format("{} cell(s): {} pass, {} fail, {} unresolved", cells.size(), counts.pass, counts.fail,
                      counts.unresolved);
  if (regressions) text += fmt::format(", {} regression(s)", regressions);
  if (result.shard.count > 1)
    text += fmt::format(" (shard {}/{} of {} cells)", result.shard.index, result.shard.count,
                        result.cell_ids.size());
  return text + "\n";
}

int matrix_exit_code(const MatrixResult& result, bool compared_with_previous) {
  bool fail = false;
  bool regression = false;
  bool unresolved = false;
  for (const auto& cell : result.cells) {
    fail |= cell.cell.verdict == search::Verdict::Fail;
    regression |= cell.cell.regression;
    unresolved |= cell.cell.verdict == search::Verdict::Unresolved;
  }
  if (regression || (fail && !compared_with_previous)) return kExitCulprit;
  if (unresolved) return kExitUnresolved;
  return kExitOk;
}

report::ReportSet report_set(const MatrixResult& result) {
  report::ReportSet set;
  set.command = "matrix";
  set.title = fmt::format("hardbisect matrix: {} cell(s)", result.cells.size());
  if (!result.source.empty() && result.source != "flags") set.title += " from " + result.source;
  if (result.shard.count > 1)
    set.title += fmt::format(" (shard {}/{})", result.shard.index, result.shard.count);
  // The overview: scenarios as rows, each options source's bases as columns.
  for (const auto& cell : result.cells) {
    set.cells.push_back(cell.cell);
    set.cells.back().place =
        report::ReportCell::Place{cell.cell.scenario, cell.cell.options_label, cell.base};
  }
  return set;
}

}  // namespace hb::matrix
