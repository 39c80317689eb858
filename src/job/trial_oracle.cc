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

search::Outcome TrialOracle::keep(size_t entry, trial::TrialResult result, bool cached) {
  if (result.cause == trial::Cause::UnitNotFound)
    throw UserError(result.reason,
                    "install it with image.packages / --packages, or give the unit file "
                    "(service.unit_file / --unit-file)");
  if (trial::harness_trouble(result.cause)) m_infrastructure = true;
  search::Outcome outcome{result.verdict, result.reason};
  m_entries.at(entry) = TrialEntry{{}, std::move(result), cached};
  return outcome;
}

search::Outcome TrialOracle::calibrate(size_t entry) {
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
  return keep(entry, std::move(result), cached);
}

search::Ticket TrialOracle::start(const search::OptionSet& set) {
  Started started;
  started.entry = m_entries.size();
  m_entries.emplace_back();
  if (set.empty() && !m_baseline_calibrated) {
    started.outcome = calibrate(started.entry);
  } else {
    TrialKey key = next_key(set);
    if (std::optional<trial::TrialResult> hit = lookup(key)) {
      started.outcome = keep(started.entry, std::move(*hit), true);
    } else {
      started.run = m_running.start([this, directives = key.directives] { return m_runner.run(directives); });
      started.key = std::move(key);
    }
  }
  m_started.emplace(m_next, std::move(started));
  return m_next++;
}

search::Outcome TrialOracle::wait(search::Ticket ticket) {
  Started started = std::move(m_started.at(ticket));
  m_started.erase(ticket);
  if (started.outcome) return *started.outcome;
  trial::TrialResult result = m_running.wait(started.run);
  remember(*started.key, result);
  return keep(started.entry, std::move(result), false);
}

}  // namespace hb::job
