#pragma once
// Machine-readable reports (--json FILE).
#include <nlohmann/json.hpp>
#include <string>

#include "trial/trial_result.h"

namespace hb::report {

const char* verdict_name(search::Verdict verdict);  // "pass", "fail", "unresolved"

// One trial: its options, verdict, cause, reason, timings and evidence.
nlohmann::json trial_to_json(const std::string& label, const trial::TrialResult& result);

// The JSON `findings` array: line, ignored, whole_line, why, corrected,
// advice, systemd (version), messages.
nlohmann::json findings_to_json(const std::vector<trial::Finding>& findings);

// Envelope common to every report: tool, version, command.
nlohmann::json report_envelope(const std::string& command);

}  // namespace hb::report
