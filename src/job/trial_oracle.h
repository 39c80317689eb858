#pragma once
// The real oracle of the search engine: an option set becomes a drop-in, a
// trial runs it in a fresh container, the verdict is the outcome. Every
// trial's full result is kept for the report.
#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "job/events.h"
#include "job/result_cache.h"
#include "job/trial_entry.h"
#include "scenario/scenario.h"
#include "search/oracle.h"
#include "trial/trial_runner.h"
#include "util/parallel.h"

namespace hb::job {

class TrialOracle : public search::Oracle {
 public:
  TrialOracle(trial::TrialRunner& runner, const std::vector<scenario::OptionItem>& options, Status& status);
  // Throws UserError when the unit is not in the image (a scenario error,
  // not something a search can work around).
  search::Outcome test(const search::OptionSet& options) override { return wait(start(options)); }
  // A trial in a container of its own, `jobs` at a time (a cached result at
  // once; the baseline's calibration before anything else runs).
  search::Ticket start(const search::OptionSet& options) override;
  search::Outcome wait(search::Ticket ticket) override;
  void set_jobs(int jobs) { m_running.set_limit(jobs); }
  // Serves PASS and FAIL from `cache` and stores new ones (see
  // result_cache.h); `image_id` is the image's id from `podman image
  // inspect`. Without a cache or an id, every trial runs.
  void set_cache(const ResultCache* cache, std::string image_id);

  // The directives of an option set, in scenario order.
  std::vector<options::Directive> directives_of(const search::OptionSet& options) const;
  // Results in the order the trials ran (the n-th is the search's n-th run).
  const std::vector<TrialEntry>& entries() const { return m_entries; }
  std::vector<TrialEntry> take_entries() { return std::move(m_entries); }
  // Joins the search's record of a run to the trial that ran it; null when
  // the run had no trial of this oracle.
  const TrialEntry* record(const search::TrialRecord& record);
  int cached_count() const;
  // True when any trial failed for the harness's or the host's reasons.
  bool saw_infrastructure_trouble() const { return m_infrastructure; }

 private:
  trial::TrialRunner& m_runner;
  const std::vector<scenario::OptionItem>& m_options;
  // A set's next occurrence in this search (part of its cache key).
  TrialKey next_key(const search::OptionSet& set);
  // The result from the cache, if any.
  std::optional<trial::TrialResult> lookup(const TrialKey& key);
  void remember(const TrialKey& key, const trial::TrialResult& result);
  // After the baseline: the start and workload bounds the scenario did not
  // set become learned ones (job/plan.h learn_hang_bounds).
  void learn_bounds(const trial::TrialResult& baseline);
  // Checks, counts and keeps a result in its entry; returns its outcome.
  search::Outcome keep(size_t entry, trial::TrialResult result, bool cached);
  // The baseline's first run: calibrates privilege and hang bounds.
  search::Outcome calibrate(size_t entry);

  // A started trial: its entry (reserved in start order) and, while it runs
  // in the background, its cache key and its run's ticket.
  struct Started {
    size_t entry = 0;
    std::optional<TrialKey> key;
    int run = 0;
    std::optional<search::Outcome> outcome;  // known at start (cache, calibration)
  };
  std::map<search::Ticket, Started> m_started;
  search::Ticket m_next = 0;

  std::vector<TrialEntry> m_entries;
  const ResultCache* m_cache = nullptr;
  std::string m_image_id;
  std::map<search::OptionSet, int> m_occurrences;
  bool m_infrastructure = false;
  bool m_baseline_calibrated = false;
  Status& m_status;
  util::Background<trial::TrialResult> m_running;  // last: its threads end first
};

}  // namespace hb::job
