#include "job/check_job.h"

#include <fmt/format.h>

#include <algorithm>

#include "util/error.h"
#include "util/strings.h"

namespace hb::job {

namespace {
// The exposure of the first rated trial of a phase (all runs of one set rate
// the same unit file, so any rated one will do).
std::optional<double> phase_exposure(const search::SearchResult& result,
                                     const std::vector<TrialEntry>& trials, search::Phase phase) {
  for (size_t i = 0; i < result.trials.size() && i < trials.size(); ++i)
    if (result.trials[i].phase == phase && trials[i].result.exposure) return trials[i].result.exposure;
  return std::nullopt;
}

CheckOutcome judge_pass(const Exposures& exposures, std::optional<double> threshold) {
  CheckOutcome outcome{CheckVerdict::Pass, kExitOk, {}, {}};
  if (!threshold) return outcome;
  if (!exposures.full) {
    outcome.threshold_note =
        "the template's exposure could not be measured, so --threshold cannot be checked";
    outcome.verdict = CheckVerdict::Unresolved;
    outcome.exit_code = kExitUnresolved;
  } else if (*exposures.full > *threshold) {
    outcome.threshold_note = fmt::format("the template's exposure {:.1f} is above --threshold {:.1f}",
                                         *exposures.full, *threshold);
    outcome.verdict = CheckVerdict::Fail;
    outcome.exit_code = kExitCulprit;
  }
  return outcome;
}
CheckOutcome judge_search(const BisectJob& job, const Exposures& exposures, std::optional<double> threshold);
}  // namespace

const char* check_verdict_name(CheckVerdict verdict) { return util::name_of(kCheckVerdictNames, verdict); }

scenario::Scenario with_template(scenario::Scenario s, const scenario::ParsedTemplate& parsed,
                                 const std::string& template_path) {
  s.options = parsed.options;
  s.template_file = template_path;
  s.expect_culprits.clear();
  s.warnings.insert(s.warnings.end(), parsed.warnings.begin(), parsed.warnings.end());
  return s;
}

Exposures job_exposures(const search::SearchResult& result, const std::vector<TrialEntry>& trials) {
  Exposures e;
  e.baseline = phase_exposure(result, trials, search::Phase::Baseline);
  e.full = phase_exposure(result, trials, search::Phase::Full);
  if (result.safe_trial >= 0 && static_cast<size_t>(result.safe_trial) < trials.size())
    e.safe = trials[static_cast<size_t>(result.safe_trial)].result.exposure;
  return e;
}

CheckOutcome judge_check(const BisectJob& job, const Exposures& exposures, std::optional<double> threshold,
                         bool allow_ignored) {
  CheckOutcome outcome = judge_search(job, exposures, threshold);
  if (job.findings.empty()) return outcome;
  std::string lines =
      util::counted(job.findings.size(), "line") + " of the template systemd ignores in whole or part";
  if (allow_ignored) {
    outcome.findings_note = lines + " (allowed by --allow-ignored)";
  } else {
    outcome.findings_note = lines + ": the template does not do what it says (--allow-ignored lets it pass)";
    // A known defect of the template decides even a search that could not.
    if (outcome.verdict != CheckVerdict::Fail) {
      outcome.verdict = CheckVerdict::Fail;
      outcome.exit_code = kExitCulprit;
    }
  }
  return outcome;
}

namespace {
// The verdict of the search alone (findings aside).
CheckOutcome judge_search(const BisectJob& job, const Exposures& exposures, std::optional<double> threshold) {
  switch (job.result.status) {
    case search::SearchStatus::NothingBreaks:
      return judge_pass(exposures, threshold);
    case search::SearchStatus::Found: {
      CheckOutcome outcome{CheckVerdict::Fail, bisect_exit_code(job), {}, {}};
      if (threshold && !exposures.safe)
        outcome.threshold_note = "the safe subset's exposure could not be measured for --threshold";
      else if (threshold && *exposures.safe > *threshold)
        outcome.threshold_note =
            fmt::format("the safe subset's exposure {:.1f} is also above --threshold {:.1f}", *exposures.safe,
                        *threshold);
      return outcome;
    }
    default:
      return {CheckVerdict::Unresolved, bisect_exit_code(job), {}, {}};
  }
}

}  // namespace

int check_exit_code(const std::vector<CheckOutcome>& outcomes) {
  int code = kExitOk;
  for (const auto& outcome : outcomes) {
    if (outcome.exit_code == kExitCulprit) return kExitCulprit;
    code = std::max(code, outcome.exit_code);
  }
  return code;
}

CheckVerdict overall_verdict(int exit_code) {
  if (exit_code == kExitOk) return CheckVerdict::Pass;
  if (exit_code == kExitCulprit) return CheckVerdict::Fail;
  return CheckVerdict::Unresolved;
}

CheckRun run_check(const std::vector<scenario::Scenario>& scenarios, std::optional<double> threshold,
                   const BisectRunner& bisect, const CheckHooks& hooks, bool allow_ignored) {
  CheckRun run;
  std::vector<CheckOutcome> outcomes;
  for (const auto& s : scenarios) {
    if (hooks.started) hooks.started(s);
    CheckResult result;
    result.job = bisect(s);
    result.exposures = job_exposures(result.job.result, result.job.trials);
    result.outcome = judge_check(result.job, result.exposures, threshold, allow_ignored);
    if (hooks.finished) hooks.finished(s, result);
    outcomes.push_back(result.outcome);
    run.results.push_back(std::move(result));
  }
  run.exit_code = check_exit_code(outcomes);
  return run;
}

}  // namespace hb::job
