#include "job/verify_job.h"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <mutex>

#include "util/error.h"
#include "util/parallel.h"

namespace hb::job {

const char* verify_verdict_name(VerifyVerdict verdict) { return util::name_of(kVerifyVerdictNames, verdict); }

search::Verdict verify_report_verdict(VerifyVerdict verdict) {
  switch (verdict) {
    case VerifyVerdict::Ok:
      return search::Verdict::Pass;
    case VerifyVerdict::Wrong:
      return search::Verdict::Fail;
    case VerifyVerdict::Undecided:
      return search::Verdict::Unresolved;
  }
  return search::Verdict::Unresolved;
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

namespace {

std::string header(const scenario::Scenario& s) { return "\n== " + s.name + " (" + s.loc.file + ")"; }

// Scenarios side by side: each worker takes the next scenario, runs it into
// a buffer and hands the buffer to `status` whole when it ends.
std::vector<BisectJob> run_side_by_side(const std::vector<scenario::Scenario>& scenarios,
                                        const VerifyBisect& bisect, int jobs, Status& status) {
  const size_t count = scenarios.size();
  const int threads = std::clamp<int>(jobs, 1, static_cast<int>(count));
  const int per_scenario = std::max(1, jobs / threads);
  status.info(
      fmt::format("{} scenarios, {} side by side ({} parallel trial(s) each); each one's progress "
                  "is printed when it ends",
                  count, threads, per_scenario));
  std::vector<BisectJob> jobs_done(count);
  std::mutex print_mutex;  // one block at a time
  // The first error stops new scenarios and is rethrown once all have ended.
  util::for_each_index(count, threads, [&](size_t i) {
    {
      std::lock_guard<std::mutex> lock(print_mutex);
      status.info(fmt::format("started {} ({}/{})", scenarios[i].name, i + 1, count));
    }
    BufferedStatus buffer;
    buffer.info(header(scenarios[i]));
    std::exception_ptr failed;
    try {
      jobs_done[i] = bisect(scenarios[i], per_scenario, buffer);
    } catch (...) {
      failed = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(print_mutex);
      buffer.replay(status);
    }
    if (failed) std::rethrow_exception(failed);
  });
  return jobs_done;
}

}  // namespace

VerifyRun run_verify(const std::vector<scenario::Scenario>& scenarios, const VerifyBisect& bisect, int jobs,
                     Status& status) {
  std::vector<BisectJob> jobs_done;
  if (jobs > 1 && scenarios.size() > 1) {
    jobs_done = run_side_by_side(scenarios, bisect, jobs, status);
  } else {
    for (const auto& s : scenarios) {
      status.info(header(s));
      jobs_done.push_back(bisect(s, std::max(1, jobs), status));
    }
  }
  VerifyRun run;
  std::vector<VerifyOutcome> outcomes;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    VerifyResult result;
    result.job = std::move(jobs_done[i]);
    result.outcome = judge_verify(scenarios[i], result.job.result);
    outcomes.push_back(result.outcome);
    run.results.push_back(std::move(result));
  }
  run.counts = count_verify(outcomes);
  run.exit_code = verify_exit_code(run.counts);
  return run;
}

}  // namespace hb::job
