#pragma once
// Human-readable lines for the terminal.
#include <string>

#include "trial/trial_runner.h"

namespace hb::report {

// "baseline (no options)   PASS   1.21 s" plus, for FAIL/UNRESOLVED, the
// reason and the last journal lines as evidence.
std::string format_trial(const std::string& label, const trial::TrialResult& result, bool with_evidence);

// "exposure 9.6 -> 4.2 (systemd-analyze security: baseline -> full set)\n";
// empty when either trial has no rating.
std::string format_exposure(const trial::TrialResult& before, const trial::TrialResult& after);

}  // namespace hb::report
