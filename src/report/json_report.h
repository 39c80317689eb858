#pragma once
// Machine-readable reports (--json FILE).
#include <nlohmann/json.hpp>
#include <string>

#include "report/trial_grid.h"
#include "trial/trial_result.h"

namespace hb::report {

const char* verdict_name(search::Verdict verdict);  // "pass", "fail", "unresolved"

// One trial: its options, verdict, cause, reason, timings and evidence.
nlohmann::json trial_to_json(const std::string& label, const trial::TrialResult& result);

// The JSON `findings` array: line, ignored, whole_line, why, corrected,
// advice, systemd (version), messages.
nlohmann::json findings_to_json(const std::vector<trial::Finding>& findings);

// The inverse of findings_to_json (a merged matrix report reads its shards);
// entries it cannot read are skipped.
std::vector<trial::Finding> findings_from_json(const nlohmann::json& json);

// The HTML pictures of a search, so a merged matrix report draws them too:
// the grid (options, culprits, removed, trials) and the exposure bars.
nlohmann::json grid_to_json(const TrialGrid& grid);
// nullopt when absent or unreadable (the page is drawn without it).
std::optional<TrialGrid> grid_from_json(const nlohmann::json& json);
nlohmann::json bars_to_json(const std::vector<ExposureBar>& bars);
std::vector<ExposureBar> bars_from_json(const nlohmann::json& json);

// Envelope common to every report: tool, version, command.
nlohmann::json report_envelope(const std::string& command);

}  // namespace hb::report
