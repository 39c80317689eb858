#pragma once
// `check`: a whole hardening template applied to one or more services. Each
// scenario is one bisection (bisect_job.h); this file decides its verdict,
// --threshold on systemd-analyze security's exposure, and the exit code.
// Plain data in and out: the CLI prints and writes reports from the result.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "job/bisect_job.h"
#include "scenario/scenario.h"
#include "scenario/template.h"
#include "search/search.h"
#include "util/names.h"

namespace hb::job {

enum class CheckVerdict { Pass, Fail, Unresolved };
inline constexpr auto kCheckVerdictNames = std::to_array<util::EnumName<CheckVerdict>>({
    {CheckVerdict::Pass, "pass"},
    {CheckVerdict::Fail, "fail"},
    {CheckVerdict::Unresolved, "unresolved"},
});
const char* check_verdict_name(CheckVerdict verdict);  // "pass", "fail", "unresolved"

// The scenario with the template's lines as its options (its own
// expect_culprits dropped: they named its own options).
scenario::Scenario with_template(scenario::Scenario scenario, const scenario::ParsedTemplate& parsed,
                                 const std::string& template_path);

// systemd-analyze security's overall exposure (0 best, 10 worst) of a
// search's baseline, full set (the whole template) and safe subset's
// verifying trial; nullopt where no such trial ran or systemd could not rate it.
struct Exposures {
  std::optional<double> baseline, full, safe;
};
Exposures job_exposures(const search::SearchResult& result, const std::vector<TrialEntry>& trials);

// One scenario's answer.
struct CheckOutcome {
  CheckVerdict verdict = CheckVerdict::Unresolved;
  int exit_code = 0;
  std::string threshold_note;  // why --threshold failed the check or could not decide; "" otherwise
  // Lines of the template systemd ignores (BisectJob::findings): they fail
  // a check that would pass, unless allowed (--allow-ignored); "" when none.
  std::string findings_note;
};

// The verdict of a finished bisection: NothingBreaks passes unless the
// template's exposure is above `threshold` (fail) or unmeasured
// (unresolved); Found fails (a safe subset above `threshold` only adds a
// note); anything else is unresolved with bisect_exit_code's code.
// A template with lines systemd ignores (job.findings) does not say what it
// means: it fails unless `allow_ignored`, which passes it with the note.
CheckOutcome judge_check(const BisectJob& job, const Exposures& exposures, std::optional<double> threshold,
                         bool allow_ignored = false);

// Any failure is the answer (1); otherwise the worst other code (0 when none).
int check_exit_code(const std::vector<CheckOutcome>& outcomes);
// The verdict of a whole check from its exit code.
CheckVerdict overall_verdict(int exit_code);

struct CheckResult {
  BisectJob job;
  Exposures exposures;
  CheckOutcome outcome;
};

struct CheckRun {
  std::vector<CheckResult> results;  // one per scenario, in order
  int exit_code = 0;
};

// Called around each scenario's bisection (the CLI prints there).
struct CheckHooks {
  std::function<void(const scenario::Scenario&)> started;
  std::function<void(const scenario::Scenario&, const CheckResult&)> finished;
};

// Bisects each scenario through `bisect` and judges it.
CheckRun run_check(const std::vector<scenario::Scenario>& scenarios, std::optional<double> threshold,
                   const BisectRunner& bisect, const CheckHooks& hooks = {}, bool allow_ignored = false);

}  // namespace hb::job
