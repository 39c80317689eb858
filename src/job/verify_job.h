#pragma once
// `verify`: bisect every scenario that states its expected answer
// (expect_culprits, and expect_removal when stated) and compare. Plain data in and out: the CLI prints and
// writes reports from the result.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "job/bisect_job.h"
#include "job/events.h"
#include "scenario/scenario.h"
#include "search/search.h"
#include "util/names.h"

namespace hb::job {

enum class VerifyVerdict {
  Ok,         // culprits found, and they are the expected ones (and so is the removal, when stated)
  Wrong,      // culprits found, other than expected, or another removal than expected
  Undecided,  // the search did not find culprits (nothing breaks, unresolved...)
};
inline constexpr auto kVerifyVerdictNames = std::to_array<util::EnumName<VerifyVerdict>>({
    {VerifyVerdict::Ok, "ok"},
    {VerifyVerdict::Wrong, "WRONG"},
    {VerifyVerdict::Undecided, "UNDECIDED"},
});
const char* verify_verdict_name(VerifyVerdict verdict);  // "ok", "WRONG", "UNDECIDED"
// The verdict as the CI reports class it: pass, fail, unresolved.
search::Verdict verify_report_verdict(VerifyVerdict verdict);

using CulpritSets = std::vector<std::vector<std::string>>;

// One scenario's answer: the found and expected culprit sets, each set and
// the list of them sorted, so the order a scenario lists them in is no matter.
struct VerifyOutcome {
  VerifyVerdict verdict = VerifyVerdict::Undecided;
  CulpritSets found;
  CulpritSets expected;
  // The lines the safe template drops, sorted; expected only when the
  // scenario states expect_removal.
  std::vector<std::string> found_removal;
  std::optional<std::vector<std::string>> expected_removal;
};
VerifyOutcome judge_verify(const scenario::Scenario& scenario, const search::SearchResult& result);

struct VerifyCounts {
  int ok = 0, wrong = 0, undecided = 0;
  int total() const { return ok + wrong + undecided; }
};
VerifyCounts count_verify(const std::vector<VerifyOutcome>& outcomes);

// 1 when any answer is wrong, else 3 when any is undecided, else 0.
int verify_exit_code(const VerifyCounts& counts);

struct VerifyResult {
  BisectJob job;
  VerifyOutcome outcome;
};

struct VerifyRun {
  std::vector<VerifyResult> results;  // one per scenario, in order
  VerifyCounts counts;
  int exit_code = 0;
};

// One bisection of a scenario with `jobs` parallel trials, its progress
// told to `status`: run_bisect_job bound to a runtime, or a fake in tests.
using VerifyBisect = std::function<BisectJob(const scenario::Scenario& scenario, int jobs, Status& status)>;

// Bisects each scenario through `bisect` and compares its answer. With
// jobs > 1 and several scenarios, up to `jobs` scenarios run side by side
// (jobs / side-by-side trials each); each one's progress reaches `status`
// in one block when it ends (a "== name" header, then its events), and one
// line says when each starts. Results stay in the order of `scenarios`, and
// each search is the one --jobs 1 runs when jobs <= the scenario count.
// An exception in one scenario starts no further one and is rethrown.
VerifyRun run_verify(const std::vector<scenario::Scenario>& scenarios, const VerifyBisect& bisect, int jobs,
                     Status& status);

}  // namespace hb::job
