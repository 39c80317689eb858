#include "job/verify_job.h"

#include <algorithm>

#include "util/error.h"

namespace hb::job {

const char* verify_verdict_name(VerifyVerdict verdict) {
  switch (verdict) {
    case VerifyVerdict::Ok:
      return "ok";
    case VerifyVerdict::Wrong:
      return "WRONG";
    case VerifyVerdict::Undecided:
      return "UNDECIDED";
  }
  return "UNDECIDED";
}

const char* verify_report_verdict(VerifyVerdict verdict) {
  switch (verdict) {
    case VerifyVerdict::Ok:
      return "pass";
    case VerifyVerdict::Wrong:
      return "fail";
    case VerifyVerdict::Undecided:
      return "unresolved";
  }
  return "unresolved";
}

VerifyOutcome judge_verify(const scenario::Scenario& scenario, const search::SearchResult& result) {
  VerifyOutcome outcome;
  outcome.found = culprit_names(scenario, result);
  outcome.expected = normalized(scenario.expect_culprits);
  outcome.found_removal = option_names(scenario, result.removal);
  std::sort(outcome.found_removal.begin(), outcome.found_removal.end());
  if (scenario.expect_removal) {
    outcome.expected_removal = *scenario.expect_removal;
    std::sort(outcome.expected_removal->begin(), outcome.expected_removal->end());
  }
  if (result.status != search::SearchStatus::Found)
    outcome.verdict = VerifyVerdict::Undecided;
  else if (outcome.found != outcome.expected ||
           (outcome.expected_removal && outcome.found_removal != *outcome.expected_removal))
    outcome.verdict = VerifyVerdict::Wrong;
  else
    outcome.verdict = VerifyVerdict::Ok;
  return outcome;
}

VerifyCounts count_verify(const std::vector<VerifyOutcome>& outcomes) {
  VerifyCounts counts;
  for (const auto& outcome : outcomes) {
    switch (outcome.verdict) {
      case VerifyVerdict::Ok:
        ++counts.ok;
        break;
      case VerifyVerdict::Wrong:
        ++counts.wrong;
        break;
      case VerifyVerdict::Undecided:
        ++counts.undecided;
        break;
    }
  }
  return counts;
}

int verify_exit_code(const VerifyCounts& counts) {
  if (counts.wrong) return kExitCulprit;
  if (counts.undecided) return kExitUnresolved;
  return kExitOk;
}

VerifyRun run_verify(const std::vector<scenario::Scenario>& scenarios, const BisectRunner& bisect,
                     const VerifyStarted& started) {
  VerifyRun run;
  std::vector<VerifyOutcome> outcomes;
  for (const auto& s : scenarios) {
    if (started) started(s);
    VerifyResult result;
    result.job = bisect(s);
    result.outcome = judge_verify(s, result.job.result);
    outcomes.push_back(result.outcome);
    run.results.push_back(std::move(result));
  }
  run.counts = count_verify(outcomes);
  run.exit_code = verify_exit_code(run.counts);
  return run;
}

}  // namespace hb::job
