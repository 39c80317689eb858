#include "job/trial_oracle.h"

#include "util/error.h"
#include "util/parallel.h"

namespace hb::job {

Calibrated calibrate(runtime::ContainerRuntime& runtime, const trial::TrialPlan& plan,
                     const trial::EnforcementCheck& check, Status& status, const CacheUse& cache) {
  // The key of a calibration names the privilege it started from.
  TrialKey key;
  key.image_id = cache.image_id;
  key.privilege = plan.privilege;
  key.calibration = true;
  Calibrated out;
  Baseline baseline;
  std::optional<CachedTrial> hit = cache.on() ? cache.cache->load(cache.cache->key(plan, key)) : std::nullopt;
  if (hit) {
    baseline = Baseline{std::move(hit->result), hit->privilege_after};
  } else {
    baseline = run_baseline(runtime, plan, check, status);
    if (cache.on())
      cache.cache->store(cache.cache->key(plan, key), CachedTrial{baseline.result, baseline.privilege, {}});
  }
  out.calibration = calibration_of(plan, baseline);
  if (!out.calibration.bounds.note.empty()) status.note(out.calibration.bounds.note);
  out.baseline = TrialEntry{{}, std::move(baseline.result), hit.has_value()};
  return out;
}

TrialOracle::TrialOracle(trial::TrialRunner& runner, const std::vector<scenario::OptionItem>& options,
                         Status& status, std::optional<TrialEntry> baseline)
    : m_runner(runner), m_options(options), m_baseline(std::move(baseline)), m_status(status) {}

const TrialEntry* TrialOracle::trial(const search::Outcome& outcome) const {
  auto it = m_trials.find(outcome.trial);
  return it == m_trials.end() ? nullptr : &it->second;
}

std::vector<TrialEntry> TrialOracle::take_trials(const std::vector<search::TrialRecord>& log) {
  std::vector<TrialEntry> trials;
  for (const auto& record : log) {
    auto it = m_trials.find(record.outcome.trial);
    if (it == m_trials.end()) continue;
    trials.push_back(std::move(it->second));
    trials.back().record = record;
    m_trials.erase(it);
  }
  return trials;
}

int TrialOracle::cached_count() const {
  return static_cast<int>(
      std::count_if(m_trials.begin(), m_trials.end(), [](const auto& t) { return t.second.cached; }));
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
  key.image_id = m_cache.image_id;
  key.privilege = m_runner.plan().privilege;
  key.directives = directives_of(set);
  key.occurrence = ++m_occurrences[set];
  return key;
}

std::optional<trial::TrialResult> TrialOracle::lookup(const TrialKey& key) {
  if (!m_cache.on()) return std::nullopt;
  std::optional<CachedTrial> entry = m_cache.cache->load(m_cache.cache->key(m_runner.plan(), key));
  if (!entry) return std::nullopt;
  return std::move(entry->result);
}

void TrialOracle::remember(const TrialKey& key, const trial::TrialResult& result) {
  if (!m_cache.on()) return;
  m_cache.cache->store(m_cache.cache->key(m_runner.plan(), key),
                       CachedTrial{result, m_runner.plan().privilege, {}});
}

search::Outcome TrialOracle::keep(search::Ticket id, TrialEntry entry) {
  const trial::TrialResult& result = entry.result;
  if (result.cause == trial::Cause::UnitNotFound)
    throw UserError(result.reason,
                    "install it with image.packages / --packages, or give the unit file "
                    "(service.unit_file / --unit-file)");
  if (trial::harness_trouble(result.cause)) m_infrastructure = true;
  search::Outcome outcome{result.verdict, result.reason, id};
  m_trials[id] = std::move(entry);
  return outcome;
}

search::Ticket TrialOracle::start(const search::OptionSet& set) {
  const search::Ticket id = m_next++;
  if (set.empty() && m_baseline) {
    TrialEntry baseline = std::move(*m_baseline);
    m_baseline.reset();
    m_known.emplace(id, keep(id, std::move(baseline)));
    return id;
  }
  TrialKey key = next_key(set);
  if (std::optional<trial::TrialResult> hit = lookup(key)) {
    m_known.emplace(id, keep(id, TrialEntry{{}, std::move(*hit), true}));
    return id;
  }
  const int run = m_running.start([this, directives = key.directives] { return m_runner.run(directives); });
  m_running_trials.emplace(id, Running{std::move(key), run});
  return id;
}

search::Outcome TrialOracle::wait(search::Ticket ticket) {
  if (auto known = m_known.find(ticket); known != m_known.end()) {
    search::Outcome outcome = std::move(known->second);
    m_known.erase(known);
    return outcome;
  }
  Running running = std::move(m_running_trials.at(ticket));
  m_running_trials.erase(ticket);
  trial::TrialResult result = m_running.wait(running.run);
  remember(running.key, result);
  return keep(ticket, TrialEntry{{}, std::move(result), false});
}

}  // namespace hb::job
