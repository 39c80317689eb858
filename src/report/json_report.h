#pragma once
// Machine-readable reports (--json FILE).
#include <nlohmann/json.hpp>
#include <string>

#include "report/trial_grid.h"
#include "trial/trial_result.h"

namespace hb::report {

// A verdict read from a JSON report hardbisect wrote before (a matrix
// shard's cells and trial grids, for `report merge` and --previous): its
// name, in any case; UserError naming `where` for any other value.
search::Verdict verdict_from_json(const nlohmann::json& value, const std::string& where);

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
// A verdict it cannot read is a UserError naming `where`.
std::optional<TrialGrid> grid_from_json(const nlohmann::json& json, const std::string& where);
nlohmann::json bars_to_json(const std::vector<ExposureBar>& bars);
std::vector<ExposureBar> bars_from_json(const nlohmann::json& json);

// Envelope common to every report: tool, version, command.
nlohmann::json report_envelope(const std::string& command);

}  // namespace hb::report
