#include "trial/trial_oracle.h"

#include <atomic>
#include <thread>

#include "trial/plan.h"
#include "util/error.h"

namespace hb::trial {

TrialOracle::TrialOracle(TrialRunner& runner, const std::vector<scenario::OptionItem>& options,
                         std::function<void(const std::string&)> log)
    : m_runner(runner), m_options(options), m_log(std::move(log)) {}

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

std::optional<TrialResult> TrialOracle::lookup(const TrialKey& key) {
  if (!m_cache) return std::nullopt;
  std::optional<CachedTrial> entry = m_cache->load(m_cache->key(m_runner.plan(), key));
  if (!entry) return std::nullopt;
  if (key.calibration) m_runner.set_privilege(entry->privilege_after);
  return std::move(entry->result);
}

void TrialOracle::remember(const TrialKey& key, const TrialResult& result) {
  if (!m_cache) return;
  CachedTrial entry{result, m_runner.plan().privilege, {}};
  // The key of a calibration names the privilege it started from.
  m_cache->store(m_cache->key(m_runner.plan(), key), entry);
}

search::Outcome TrialOracle::keep(TrialResult result, bool cached) {
  if (result.cause == Cause::UnitNotFound)
    throw UserError(result.reason, "install it with image.packages / --packages, or give the unit file "
                                   "(service.unit_file / --unit-file)");
  if (result.cause == Cause::Harness || result.cause == Cause::Boot) m_infrastructure = true;
  search::Outcome outcome{result.verdict, result.reason};
  m_results.push_back(std::move(result));
  m_cached.push_back(cached);
  return outcome;
}

std::vector<search::Outcome> TrialOracle::test_many(const std::vector<search::OptionSet>& sets) {
  // The baseline calibration and tiny batches stay serial.
  if (m_jobs <= 1 || sets.size() <= 1 || (!m_baseline_calibrated && std::find(sets.begin(), sets.end(),
                                                                              search::OptionSet{}) != sets.end()))
    return Oracle::test_many(sets);
  // Keys in batch order (occurrences as a serial run would count them);
  // only the misses go to containers.
  std::vector<TrialKey> keys;
  std::vector<std::optional<TrialResult>> results(sets.size());
  std::vector<bool> from_cache(sets.size(), false);
  std::vector<size_t> misses;
  for (size_t i = 0; i < sets.size(); ++i) {
    keys.push_back(next_key(sets[i]));
    results[i] = lookup(keys[i]);
    from_cache[i] = results[i].has_value();
    if (!from_cache[i]) misses.push_back(i);
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  int threads = std::min<int>(m_jobs, static_cast<int>(misses.size()));
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (size_t m = next++; m < misses.size(); m = next++) {
        size_t i = misses[m];
        results[i] = m_runner.run(keys[i].directives);
      }
    });
  }
  for (auto& worker : workers) worker.join();
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
    if (std::optional<TrialResult> hit = lookup(key)) return keep(std::move(*hit), true);
    TrialResult result = run_baseline(m_runner, m_log ? m_log : [](const std::string&) {});
    remember(key, result);
    return keep(std::move(result), false);
  }
  TrialKey key = next_key(set);
  if (std::optional<TrialResult> hit = lookup(key)) return keep(std::move(*hit), true);
  TrialResult result = m_runner.run(key.directives);
  remember(key, result);
  return keep(std::move(result), false);
}

}  // namespace hb::trial
