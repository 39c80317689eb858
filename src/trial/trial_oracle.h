#pragma once
// The real oracle of the search engine: an option set becomes a drop-in, a
// trial runs it in a fresh container, the verdict is the outcome. Every
// trial's full result is kept for the report.
#include <algorithm>
#include <functional>
#include <vector>

#include "scenario/scenario.h"
#include "search/oracle.h"
#include "trial/trial_runner.h"

namespace hb::trial {

class TrialOracle : public search::Oracle {
 public:
  TrialOracle(TrialRunner& runner, const std::vector<scenario::OptionItem>& options,
              std::function<void(const std::string&)> log = {});
  // Throws UserError when the unit is not in the image (a scenario error,
  // not something a search can work around).
  search::Outcome test(const search::OptionSet& options) override;
  // Runs the sets in parallel containers, `jobs` at a time.
  std::vector<search::Outcome> test_many(const std::vector<search::OptionSet>& sets) override;
  void set_jobs(int jobs) { m_jobs = std::max(1, jobs); }

  // The directives of an option set, in scenario order.
  std::vector<options::Directive> directives_of(const search::OptionSet& options) const;
  // Results in the order the trials ran (parallel to SearchResult::trials).
  const std::vector<TrialResult>& results() const { return m_results; }
  // True when any trial failed for the harness's or the host's reasons.
  bool saw_infrastructure_trouble() const { return m_infrastructure; }

 private:
  TrialRunner& m_runner;
  const std::vector<scenario::OptionItem>& m_options;
  std::vector<TrialResult> m_results;
  bool m_infrastructure = false;
  bool m_baseline_calibrated = false;
  int m_jobs = 1;
  std::function<void(const std::string&)> m_log;
};

}  // namespace hb::trial
