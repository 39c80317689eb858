#include "report/json_report.h"

#include "util/error.h"
#include "util/json.h"
#include "util/names.h"
#include "util/strings.h"

namespace hb::report {

nlohmann::json evidence_to_json(const trial::TrialResult& result) {
  const trial::Evidence& e = result.evidence;
  nlohmann::json evidence{
      {"boot_state", e.boot_state},
      {"boot_ms", e.boot_ms},
      {"start_ms", e.start_ms},
      {"workload_ms", e.workload_ms},
      {"workload_timed_out", e.workload_timed_out},
      {"properties", e.properties},
      {"workload_output", e.section("workload_output")},
      {"journal", e.section("journal")},
      {"kernel", e.section("kernel")},
  };
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : e.exposure_rows)
    rows.push_back({{"name", row.name},
                    {"ok", row.ok},
                    {"exposure", util::json_or_null(row.exposure)},
                    {"description", row.description}});
  evidence["exposure_rows"] = rows;
  evidence["exposure_rating"] = e.exposure_rating;
  evidence["security_ms"] = e.security_ms;
  evidence["host_kernel"] = e.section("host_kernel");
  evidence["start_rc"] = util::json_or_null(e.start_rc);
  evidence["workload_rc"] = util::json_or_null(e.workload_rc);
  evidence["container_logs"] = result.container_logs;
  return evidence;
}

nlohmann::json trial_to_json(const TrialMeta& meta, const trial::TrialResult& result, bool with_evidence) {
  nlohmann::json applied = nlohmann::json::array();
  for (const auto& d : result.applied) applied.push_back(d.line());
  nlohmann::json json{
      {"number", meta.number},
      {"phase", meta.phase},
      {"options", meta.options},
      {"applied", applied},
      {"verdict", search::verdict_name(meta.verdict)},
      {"cause", trial::cause_name(result.cause)},
      {"reason", result.reason},
      {"explanation", result.explanation},
      {"exposure", util::json_or_null(result.exposure)},
      {"elapsed_ms", result.elapsed.count()},
      {"run", meta.run},
      {"cached", meta.cached},
      {"unasked", meta.unasked},
      {"notes", result.notes},
      {"findings", findings_to_json(result.findings)},
  };
  if (with_evidence) json["evidence"] = evidence_to_json(result);
  return json;
}

std::string evidence_report(const ReportSet& set) {
  nlohmann::json json = report_envelope(set.command);
  json["kind"] = "evidence";
  json["cells"] = nlohmann::json::array();
  for (const auto& cell : set.cells)
    json["cells"].push_back({{"name", cell.name}, {"trials", cell.trial_evidence}});
  return json.dump(2) + "\n";
}

nlohmann::json findings_to_json(const std::vector<trial::Finding>& findings) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : findings)
    out.push_back({{"line", f.line},
                   {"ignored", f.ignored},
                   {"whole_line", f.whole_line()},
                   {"why", f.why},
                   {"corrected", f.corrected},
                   {"advice", f.advice},
                   {"systemd", f.systemd > 0 ? nlohmann::json(f.systemd) : nlohmann::json(nullptr)},
                   {"messages", f.messages}});
  return out;
}

std::vector<trial::Finding> findings_from_json(const nlohmann::json& json) {
  std::vector<trial::Finding> findings;
  if (!json.is_array()) return findings;
  for (const auto& j : json) {
    if (!j.is_object() || !j.contains("line") || !j["line"].is_string()) continue;
    trial::Finding f;
    f.line = j["line"].get<std::string>();
    auto strings = [&](const char* key) {
      std::vector<std::string> out;
      if (j.contains(key) && j[key].is_array())
        for (const auto& item : j[key])
          if (item.is_string()) out.push_back(item.get<std::string>());
      return out;
    };
    f.ignored = strings("ignored");
    f.corrected = strings("corrected");
    f.messages = strings("messages");
    if (j.contains("why") && j["why"].is_string()) f.why = j["why"].get<std::string>();
    if (j.contains("advice") && j["advice"].is_string()) f.advice = j["advice"].get<std::string>();
    if (j.contains("systemd") && j["systemd"].is_number_integer()) f.systemd = j["systemd"].get<int>();
    findings.push_back(std::move(f));
  }
  return findings;
}

search::Verdict verdict_from_json(const nlohmann::json& value, const std::string& where) {
  const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  if (value.is_string())
    if (auto verdict = util::parse_name(search::kVerdictNames, util::lower(text))) return *verdict;
  throw UserError(where + ": unknown verdict " + text, "a verdict is " +
                                                           util::names_text(search::kVerdictNames) +
                                                           "; give a JSON result written by hardbisect");
}

nlohmann::json grid_to_json(const TrialGrid& grid) {
  nlohmann::json trials = nlohmann::json::array();
  for (const auto& t : grid.trials)
    trials.push_back({{"number", t.number},
                      {"phase", t.phase},
                      {"verdict", search::verdict_name(t.verdict)},
                      {"applied", t.applied},
                      {"reason", t.reason},
                      {"seconds", t.seconds},
                      {"exposure", util::json_or_null(t.exposure)},
                      {"cached", t.cached}});
  return {
      {"options", grid.options}, {"culprits", grid.culprits}, {"removed", grid.removed}, {"rows", trials}};
}

std::optional<TrialGrid> grid_from_json(const nlohmann::json& json, const std::string& where) {
  if (!json.is_object()) return std::nullopt;
  try {
    TrialGrid grid;
    grid.options = json.at("options").get<std::vector<std::string>>();
    grid.culprits = json.value("culprits", std::set<int>{});
    grid.removed = json.value("removed", std::set<int>{});
    for (const auto& j : json.at("rows")) {
      GridTrial t;
      t.number = j.at("number").get<int>();
      t.phase = j.value("phase", "");
      t.verdict = verdict_from_json(j.value("verdict", nlohmann::json(nullptr)),
                                    where + ": trial grid, trial " + std::to_string(t.number));
      t.applied = j.value("applied", std::vector<int>{});
      t.reason = j.value("reason", "");
      t.seconds = j.value("seconds", 0.0);
      t.exposure = util::optional_number<double>(j.value("exposure", nlohmann::json(nullptr)));
      t.cached = j.value("cached", false);
      grid.trials.push_back(std::move(t));
    }
    return grid;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

nlohmann::json bars_to_json(const std::vector<ExposureBar>& bars) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& bar : bars)
    out.push_back({{"label", bar.label}, {"exposure", util::json_or_null(bar.exposure)}});
  return out;
}

std::vector<ExposureBar> bars_from_json(const nlohmann::json& json) {
  std::vector<ExposureBar> bars;
  if (!json.is_array()) return bars;
  for (const auto& j : json)
    if (j.is_object() && j.contains("label") && j["label"].is_string())
      bars.push_back({j["label"].get<std::string>(),
                      util::optional_number<double>(j.value("exposure", nlohmann::json(nullptr)))});
  return bars;
}

nlohmann::json report_envelope(const std::string& command) {
  return {{"schema_version", kSchemaVersion},
          {"tool", "hardbisect"},
          {"version", HARDBISECT_VERSION},
          {"command", command}};
}

}  // namespace hb::report
