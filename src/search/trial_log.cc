#include "search/trial_log.h"

#include <algorithm>

#include "search/estimate.h"

namespace hb::search {

TrialLog::Mask TrialLog::mask_of(const OptionSet& set) const {
  Mask mask((m_option_count + 63) / 64 + 1, 0);
  for (int option : set) mask[option / 64] |= std::uint64_t{1} << (option % 64);
  return mask;
}

bool TrialLog::is_subset(const Mask& a, const Mask& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if ((a[i] & ~b[i]) != 0) return false;
  }
  return true;
}

const TrialLog::Entry* TrialLog::find_entry(const OptionSet& set) const {
  for (const auto& e : m_entries) {
    if (e.set == set) return &e;
  }
  return nullptr;
}

TrialLog::Entry& TrialLog::entry(const OptionSet& set) {
  for (auto& e : m_entries) {
    if (e.set == set) return e;
  }
  m_entries.push_back(Entry{set, mask_of(set), {}});
  return m_entries.back();
}

SetStats TrialLog::stats(const OptionSet& set) const {
  const Entry* e = find_entry(set);
  return e ? e->stats : SetStats{};
}

void TrialLog::check_budget(int more) const {
  if (m_config.max_trials > 0 && run_count() + more > m_config.max_trials) throw BudgetExhausted();
}

int TrialLog::estimate(Phase phase, int runs) const {
  const int search_runs =
      static_cast<int>(std::count_if(m_log.begin(), m_log.end(), [](const TrialRecord& r) {
        return r.phase == Phase::Search || r.phase == Phase::Confirm;
      }));
  return estimate_total_runs(
      {m_option_count, phase, runs, search_runs, static_cast<int>(m_entries.size()), m_config.max_trials});
}

void TrialLog::announce(const OptionSet& set, Phase phase, int run, int index) const {
  if (!m_config.on_start) return;
  TrialRecord started{index, phase, set, {Verdict::Unresolved, "running"}, run};
  started.estimate = estimate(phase, index + 1);
  m_config.on_start(started);
}

void TrialLog::report(TrialRecord& record) const {
  record.estimate = estimate(record.phase, std::max(run_count(), record.index + 1));
  if (m_config.on_trial) m_config.on_trial(record);
}

void TrialLog::record(const OptionSet& set, Phase phase, int run, const Outcome& outcome) {
  count(set, outcome);
  m_log.push_back(TrialRecord{run_count(), phase, set, outcome, run});
  report(m_log.back());
}

void TrialLog::count(const OptionSet& set, const Outcome& outcome) {
  SetStats& s = entry(set).stats;
  switch (outcome.verdict) {
    case Verdict::Pass:
      ++s.passes;
      break;
    case Verdict::Fail:
      ++s.fails;
      break;
    case Verdict::Unresolved:
      ++s.unresolved;
      break;
  }
}

Outcome TrialLog::run(const OptionSet& set, Phase phase, int run) {
  for (auto it = m_speculated.begin(); it != m_speculated.end(); ++it) {
    if (it->set != set) continue;
    TrialRecord& record = m_log.at(static_cast<std::size_t>(it->trial));
    record.phase = phase;  // reported when it ended; logged now under the phase that asks for it
    m_speculated.erase(it);
    count(set, record.outcome);
    return record.outcome;
  }
  check_budget(1);
  announce(set, phase, run, run_count());
  Outcome outcome = m_oracle.test(set);
  record(set, phase, run, outcome);
  return outcome;
}

Outcome TrialLog::run_retrying(const OptionSet& set, Phase phase) {
  Outcome outcome;
  for (int attempt = 0; attempt <= m_config.unresolved_retries; ++attempt) {
    outcome = run(set, phase, attempt + 1);
    if (outcome.verdict != Verdict::Unresolved) break;
  }
  return outcome;
}

std::vector<Outcome> TrialLog::run_batch(const OptionSet& set, Phase phase, int count, int first_run) {
  check_budget(count);
  for (int i = 0; i < count; ++i) announce(set, phase, first_run + i, run_count() + i);
  std::vector<Outcome> outcomes =
      m_oracle.test_many(std::vector<OptionSet>(static_cast<std::size_t>(count), set));
  for (int i = 0; i < count; ++i) record(set, phase, first_run + i, outcomes[static_cast<std::size_t>(i)]);
  return outcomes;
}

std::vector<Outcome> TrialLog::run_sets(const std::vector<OptionSet>& sets, Phase phase, int run) {
  check_budget(static_cast<int>(sets.size()));
  for (std::size_t j = 0; j < sets.size(); ++j)
    announce(sets[j], phase, run, run_count() + static_cast<int>(j));
  std::vector<Outcome> outcomes = m_oracle.test_many(sets);
  for (std::size_t j = 0; j < sets.size(); ++j) record(sets[j], phase, run, outcomes.at(j));
  return outcomes;
}

TrialLog::Started TrialLog::start_logged(const OptionSet& set, Phase phase, int run) {
  announce(set, phase, run, run_count());
  Started started{m_oracle.start(set), run_count()};
  m_log.push_back(TrialRecord{started.trial, phase, set, {Verdict::Unresolved, "still running"}, run});
  return started;
}

Outcome TrialLog::finish(const Started& started) {
  TrialRecord& record = m_log.at(static_cast<std::size_t>(started.trial));
  record.outcome = m_oracle.wait(started.ticket);
  count(record.options, record.outcome);
  report(record);
  return record.outcome;
}

Outcome TrialLog::run_beside(const OptionSet& set, const std::vector<OptionSet>& beside, Phase phase) {
  check_budget(static_cast<int>(beside.size()) + 1);
  const SetStats before = stats(set);
  const Started asked = start_logged(set, phase, before.passes + before.fails + before.unresolved + 1);
  std::vector<Started> started;
  for (const auto& s : beside) started.push_back(start_logged(s, phase, stats(s).passes + 1));
  Outcome outcome = finish(asked);
  // Every speculative run ends before the next question: which runs start
  // next then never depends on how long a trial took, so the trial log, and
  // a cached replay of it, is the same every time. Its outcome goes into its
  // record, not into the counts, until the search asks for that set; it is
  // reported now, so progress comes in trial order.
  for (const Started& run : started) {
    TrialRecord& record = m_log.at(static_cast<std::size_t>(run.trial));
    record.outcome = m_oracle.wait(run.ticket);
    record.speculative = true;
    m_speculated.push_back({record.options, run.trial});
    report(record);
  }
  return outcome;
}

bool TrialLog::speculated(const OptionSet& set) const {
  return std::any_of(m_speculated.begin(), m_speculated.end(), [&](const auto& s) { return s.set == set; });
}

void TrialLog::settle() {
  for (const auto& s : m_speculated) {
    TrialRecord& record = m_log.at(static_cast<std::size_t>(s.trial));
    record.unasked = true;  // reported when it ended
  }
  m_speculated.clear();
}

}  // namespace hb::search
