#pragma once
// The real oracle of the search engine: an option set becomes a drop-in, a
// trial runs it in a fresh container, the verdict is the outcome. Every
// trial's full result is kept for the report.
#include <algorithm>
#include <functional>
#include <map>
#include <vector>

#include "scenario/scenario.h"
#include "search/oracle.h"
#include "trial/result_cache.h"
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
  // Serves PASS and FAIL from `cache` and stores new ones (see
  // result_cache.h); `image_id` is the image's id from `podman image
  // inspect`. Without a cache or an id, every trial runs.
  void set_cache(const ResultCache* cache, std::string image_id);

  // The directives of an option set, in scenario order.
  std::vector<options::Directive> directives_of(const search::OptionSet& options) const;
  // Results in the order the trials ran (parallel to SearchResult::trials).
  const std::vector<TrialResult>& results() const { return m_results; }
  // Parallel to results(): true where the result came from the cache.
  const std::vector<bool>& cached() const { return m_cached; }
  int cached_count() const { return static_cast<int>(std::count(m_cached.begin(), m_cached.end(), true)); }
  // True when any trial failed for the harness's or the host's reasons.
  bool saw_infrastructure_trouble() const { return m_infrastructure; }

 private:
  TrialRunner& m_runner;
  const std::vector<scenario::OptionItem>& m_options;
  // A set's next occurrence in this search (part of its cache key).
  TrialKey next_key(const search::OptionSet& set);
  // The result from the cache, if any.
  std::optional<TrialResult> lookup(const TrialKey& key);
  void remember(const TrialKey& key, const TrialResult& result);
  // Checks, counts and keeps a result; returns its outcome.
  search::Outcome keep(TrialResult result, bool cached);

  std::vector<TrialResult> m_results;
  std::vector<bool> m_cached;
  const ResultCache* m_cache = nullptr;
  std::string m_image_id;
  std::map<search::OptionSet, int> m_occurrences;
  bool m_infrastructure = false;
  bool m_baseline_calibrated = false;
  int m_jobs = 1;
  std::function<void(const std::string&)> m_log;
};

}  // namespace hb::trial
