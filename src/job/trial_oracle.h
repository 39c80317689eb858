#pragma once
// The real oracle of the search engine: an option set becomes a drop-in, a
// trial runs it in a fresh container, the verdict is the outcome. Every
// trial's full result is kept for the report, under the id its outcome
// carries (search::Outcome::trial), so a record of the search finds its
// trial whatever order the trials started and ended in.
#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "job/events.h"
#include "job/plan.h"
#include "job/result_cache.h"
#include "job/trial_entry.h"
#include "scenario/scenario.h"
#include "search/oracle.h"
#include "trial/trial_runner.h"
#include "util/parallel.h"

namespace hb::job {

// The result cache as one job uses it: PASS and FAIL served from `cache`
// and stored in it for the image with this id (`podman image inspect`).
// Without a cache or an id, every trial runs.
struct CacheUse {
  const ResultCache* cache = nullptr;
  std::string image_id;
  bool on() const { return cache && !image_id.empty(); }
};

// The baseline's first run (from the cache when it holds it) and what it
// calibrated: the job builds its plan from `calibration` once, then its
// runner and its oracle, which serves `baseline` as the search's first run
// of the empty set.
struct Calibrated {
  TrialEntry baseline;
  Calibration calibration;
};
Calibrated calibrate(runtime::ContainerRuntime& runtime, const trial::TrialPlan& plan,
                     const trial::EnforcementCheck& check, Status& status, const CacheUse& cache = {});

class TrialOracle : public search::Oracle {
 public:
  // Every trial runs with `runner`'s plan. `baseline`, when given, answers
  // the search's first run of the empty set (the calibration's trial).
  TrialOracle(trial::TrialRunner& runner, const std::vector<scenario::OptionItem>& options, Status& status,
              std::optional<TrialEntry> baseline = std::nullopt);
  // Throws UserError when the unit is not in the image (a scenario error,
  // not something a search can work around).
  search::Outcome test(const search::OptionSet& options) override { return wait(start(options)); }
  // A trial in a container of its own, `jobs` at a time (a cached result at
  // once). The ticket is the trial's id in its outcome.
  search::Ticket start(const search::OptionSet& options) override;
  search::Outcome wait(search::Ticket ticket) override;
  void set_jobs(int jobs) { m_running.set_limit(jobs); }
  // Serves PASS and FAIL from the cache and stores new ones (see result_cache.h).
  void set_cache(CacheUse cache) { m_cache = cache.on() ? std::move(cache) : CacheUse{}; }
  void set_cache(const ResultCache* cache, std::string image_id) {
    set_cache(CacheUse{cache, std::move(image_id)});
  }

  // The directives of an option set, in scenario order.
  std::vector<options::Directive> directives_of(const search::OptionSet& options) const;
  // The trial an outcome of this oracle came from (Outcome::trial); null
  // for an outcome of no trial of this oracle, or one still running.
  const TrialEntry* trial(const search::Outcome& outcome) const;
  // Every trial of `log` (the search's), each with its record, in the log's order.
  std::vector<TrialEntry> take_trials(const std::vector<search::TrialRecord>& log);
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
  // Checks, counts and keeps a trial under its id; returns its outcome.
  search::Outcome keep(search::Ticket id, TrialEntry entry);

  // A trial running in the background: its cache key and its run's ticket.
  struct Running {
    TrialKey key;
    int run = 0;
  };
  std::map<search::Ticket, Running> m_running_trials;
  std::map<search::Ticket, search::Outcome> m_known;  // known at start (cache, calibration)
  search::Ticket m_next = 0;

  std::map<search::Ticket, TrialEntry> m_trials;  // by id, once its outcome is known
  std::optional<TrialEntry> m_baseline;
  CacheUse m_cache;
  std::map<search::OptionSet, int> m_occurrences;
  bool m_infrastructure = false;
  Status& m_status;
  util::Background<trial::TrialResult> m_running;  // last: its threads end first
};

}  // namespace hb::job
