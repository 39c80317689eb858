#pragma once
// Human-readable lines for the terminal.
#include <string>
#include <vector>

#include "trial/trial_result.h"

namespace hb::report {

// "baseline (no options)   PASS   1.21 s" plus, for FAIL/UNRESOLVED, the
// reason and the last journal lines as evidence.
// The last `count` non-empty lines of a text.
std::vector<std::string> last_lines(const std::string& text, size_t count);

// The workload's last output lines, the unit's last journal lines and the
// container's kernel lines, each line prefixed with `indent`.
std::string evidence_excerpt(const trial::Evidence& evidence, const std::string& indent, size_t output_lines,
                             size_t journal_lines);

std::string format_trial(const std::string& label, const trial::TrialResult& result, bool with_evidence);

// The findings as a block of text, `indent` before each line: the line,
// the part ignored, why, systemd's messages and the line(s) to paste.
// Empty when there are none.
std::string format_findings(const std::vector<trial::Finding>& findings, const std::string& indent = "  ");

// "exposure 9.6 -> 4.2 (systemd-analyze security: baseline -> full set)\n";
// empty when either trial has no rating.
std::string format_exposure(const trial::TrialResult& before, const trial::TrialResult& after);

}  // namespace hb::report
