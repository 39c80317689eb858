#pragma once
// Human-readable lines for the terminal.
#include <string>

#include "trial/trial_runner.h"

namespace hb::report {

// "baseline (no options)   PASS   1.21 s" plus, for FAIL/UNRESOLVED, the
// reason and the last journal lines as evidence.
std::string format_trial(const std::string& label, const trial::TrialResult& result, bool with_evidence);

}  // namespace hb::report
