#include "job/trial_oracle.h"

#include "job/plan.h"
#include "util/error.h"
#include "util/parallel.h"

namespace hb::job {

TrialOracle::TrialOracle(trial::TrialRunner& runner, const std::vector<scenario::OptionItem>& options,
                         Status& status)
    : m_runner(runner), m_options(options), m_status(status) {}

const TrialEntry* TrialOracle::record(const search::TrialRecord& record) {
  size_t at = static_cast<size_t>(record.index);
  if (at >= m_entries.size()) return nullptr;
  m_entries[at].record = record;
  return &m_entries[at];
}

void TrialOracle::learn_bounds(const trial::TrialResult& baseline) {
  HangBounds bounds = learn_hang_bounds(m_runner.plan(), baseline);
  if (bounds.note.empty()) return;
  m_runner.set_hang_bounds(bounds.start, bounds.workload);
  m_status.note(bounds.note);
}

int TrialOracle::cached_count() const {
  return static_cast<int>(
      std::count_if(m_entries.begin(), m_entries.end(), [](const TrialEntry& e) { return e.cached; }));
}

void TrialOracle::set_cache(const ResultCache* cache, std::string image_id) {
  m_cache = image_id.empty() ? nullptr : cache;
  m_image_id = std::move(image_id);
}

std::vector<options::Directive> TrialOracle::directives_of(const search::OptionSet& set) const {
  std::vector<options::Directive> directives;
  for (int index : set) {
    const auto& item = m_options.at(static_cast<size_t>(index));
    directives.insert(directives.end(), item.directives.begin(), item.directives.end());
  }
  return directives;
}

TrialKey TrialOracle::next_key(const search::OptionSet& set) {
  TrialKey key;
  key.image_id = m_image_id;
  key.privilege = m_runner.plan().privilege;
  key.directives = directives_of(set);
  key.occurrence = ++m_occurrences[set];
  return key;
}

std::optional<trial::TrialResult> TrialOracle::lookup(const TrialKey& key) {
  if (!m_cache) return std::nullopt;
  std::optional<CachedTrial> entry = m_cache->load(m_cache->key(m_runner.plan(), key));
  if (!entry) return std::nullopt;
  if (key.calibration) m_runner.set_privilege(entry->privilege_after);
  return std::move(entry->result);
}

void TrialOracle::remember(const TrialKey& key, const trial::TrialResult& result) {
  if (!m_cache) return;
  CachedTrial entry{result, m_runner.plan().privilege, {}};
  // The key of a calibration names the privilege it started from.
  m_cache->store(m_cache->key(m_runner.plan(), key), entry);
}

search::Outcome TrialOracle::keep(trial::TrialResult result, bool cached) {
  if (result.cause == trial::Cause::UnitNotFound)
    throw UserError(result.reason,
                    "install it with image.packages / --packages, or give the unit file "
                    "(service.unit_file / --unit-file)");
  if (result.cause == trial::Cause::Harness || result.cause == trial::Cause::Boot) m_infrastructure = true;
  search::Outcome outcome{result.verdict, result.reason};
  m_entries.push_back(TrialEntry{{}, std::move(result), cached});
  return outcome;
}

std::vector<search::Outcome> TrialOracle::test_many(const std::vector<search::OptionSet>& sets) {
  // The baseline calibration and tiny batches stay serial.
  if (m_jobs <= 1 || sets.size() <= 1 ||
      (!m_baseline_calibrated && std::find(sets.begin(), sets.end(), search::OptionSet{}) != sets.end()))
    return Oracle::test_many(sets);
  // Keys in batch order (occurrences as a serial run would count them);
  // only the misses go to containers.
  std::vector<TrialKey> keys;
  std::vector<std::optional<trial::TrialResult>> results(sets.size());
  std::vector<bool> from_cache(sets.size(), false);
  std::vector<size_t> misses;
  for (size_t i = 0; i < sets.size(); ++i) {
    keys.push_back(next_key(sets[i]));
    results[i] = lookup(keys[i]);
    from_cache[i] = results[i].has_value();
    if (!from_cache[i]) misses.push_back(i);
  }
  util::for_each_index(misses.size(), m_jobs,
                       [&](size_t m) { results[misses[m]] = m_runner.run(keys[misses[m]].directives); });
  std::vector<search::Outcome> outcomes;
  for (size_t i = 0; i < sets.size(); ++i) {
    if (!from_cache[i]) remember(keys[i], *results[i]);
    outcomes.push_back(keep(std::move(*results[i]), from_cache[i]));
  }
  return outcomes;
}

search::Outcome TrialOracle::test(const search::OptionSet& set) {
  if (set.empty() && !m_baseline_calibrated) {
    m_baseline_calibrated = true;
    TrialKey key;
    key.image_id = m_image_id;
    key.privilege = m_runner.plan().privilege;
    key.calibration = true;
    bool cached = false;
    trial::TrialResult result;
    if (std::optional<trial::TrialResult> hit = lookup(key)) {
      result = std::move(*hit);
      cached = true;
    } else {
      result = run_baseline(m_runner, m_status);
      remember(key, result);
    }
    learn_bounds(result);
    return keep(std::move(result), cached);
  }
  TrialKey key = next_key(set);
  if (std::optional<trial::TrialResult> hit = lookup(key)) return keep(std::move(*hit), true);
  trial::TrialResult result = m_runner.run(key.directives);
  remember(key, result);
  return keep(std::move(result), false);
}

}  // namespace hb::job
