#include "search/set_tester.h"

#include <algorithm>

namespace hb::search {

SetTester::SetTester(Oracle& oracle, int option_count, const SearchConfig& config)
    : m_oracle(oracle), m_option_count(option_count), m_config(config) {}

SetTester::Mask SetTester::mask_of(const OptionSet& set) const {
  Mask mask((m_option_count + 63) / 64 + 1, 0);
  for (int option : set) mask[option / 64] |= std::uint64_t{1} << (option % 64);
  return mask;
}

bool SetTester::is_subset(const Mask& a, const Mask& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if ((a[i] & ~b[i]) != 0) return false;
  }
  return true;
}

const SetTester::Entry* SetTester::find_entry(const OptionSet& set) const {
  for (const auto& e : m_entries) {
    if (e.set == set) return &e;
  }
  return nullptr;
}

SetTester::Entry& SetTester::entry(const OptionSet& set) {
  for (auto& e : m_entries) {
    if (e.set == set) return e;
  }
  m_entries.push_back(Entry{set, mask_of(set), {}});
  return m_entries.back();
}

SetStats SetTester::stats(const OptionSet& set) const {
  const Entry* e = find_entry(set);
  return e ? e->stats : SetStats{};
}

std::optional<Verdict> SetTester::known(const OptionSet& set) const {
  const Mask mask = mask_of(set);
  // A failure is never discarded, even in flaky mode: the set can fail.
  for (const auto& e : m_entries) {
    if (e.stats.fails > 0 && is_subset(e.mask, mask)) return Verdict::Fail;
  }
  for (const auto& e : m_entries) {
    if (e.stats.fails == 0 && e.stats.passes >= m_repeats && is_subset(mask, e.mask)) {
      return Verdict::Pass;
    }
  }
  if (const Entry* e = find_entry(set);
      e && e->stats.unresolved > m_config.unresolved_retries && e->stats.passes < m_repeats) {
    return Verdict::Unresolved;
  }
  return std::nullopt;
}

void SetTester::check_budget(int more) const {
  if (m_config.max_trials > 0 && run_count() + more > m_config.max_trials) throw BudgetExhausted();
}

void SetTester::record(const OptionSet& set, Phase phase, int run, const Outcome& outcome) {
  count(set, outcome);
  m_log.push_back(TrialRecord{run_count(), phase, set, outcome, run});
  if (m_config.on_trial) m_config.on_trial(m_log.back());
}

void SetTester::count(const OptionSet& set, const Outcome& outcome) {
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

Outcome SetTester::run_raw(const OptionSet& set, Phase phase, int run) {
  for (auto it = m_speculated.begin(); it != m_speculated.end(); ++it) {
    if (it->set != set) continue;
    TrialRecord& record = m_log.at(static_cast<std::size_t>(it->trial));
    record.phase = phase;  // logged when it started, reported now under the phase that asks for it
    m_speculated.erase(it);
    count(set, record.outcome);
    if (m_config.on_trial) m_config.on_trial(record);
    return record.outcome;
  }
  check_budget(1);
  Outcome outcome = m_oracle.test(set);
  record(set, phase, run, outcome);
  return outcome;
}

SetTester::Started SetTester::start_logged(const OptionSet& set, Phase phase, int run) {
  Started started{m_oracle.start(set), run_count()};
  m_log.push_back(TrialRecord{started.trial, phase, set, {Verdict::Unresolved, "still running"}, run});
  return started;
}

Outcome SetTester::finish(const Started& started) {
  TrialRecord& record = m_log.at(static_cast<std::size_t>(started.trial));
  record.outcome = m_oracle.wait(started.ticket);
  count(record.options, record.outcome);
  if (m_config.on_trial) m_config.on_trial(record);
  return record.outcome;
}

bool SetTester::speculated(const OptionSet& set) const {
  return std::any_of(m_speculated.begin(), m_speculated.end(), [&](const auto& s) { return s.set == set; });
}

void SetTester::settle() {
  for (const auto& s : m_speculated) {
    TrialRecord& record = m_log.at(static_cast<std::size_t>(s.trial));
    record.unasked = true;
    if (m_config.on_trial) m_config.on_trial(record);
  }
  m_speculated.clear();
}

std::vector<Outcome> SetTester::run_batch(const OptionSet& set, Phase phase, int count, int first_run) {
  check_budget(count);
  std::vector<Outcome> outcomes =
      m_oracle.test_many(std::vector<OptionSet>(static_cast<std::size_t>(count), set));
  for (int i = 0; i < count; ++i) record(set, phase, first_run + i, outcomes[static_cast<std::size_t>(i)]);
  return outcomes;
}

bool SetTester::decided_exactly(const OptionSet& set) const {
  const SetStats s = stats(set);
  return s.fails > 0 || s.passes >= m_repeats;
}

std::optional<Outcome> SetTester::run_with_speculation(const OptionSet& set,
                                                       const std::vector<OptionSet>& next, Phase phase,
                                                       bool exact) {
  if (parallelism() <= 1 || speculated(set)) return std::nullopt;
  std::vector<OptionSet> more;
  for (const auto& s : next) {
    if (static_cast<int>(more.size()) + 1 >= parallelism()) break;
    const bool decided = exact ? decided_exactly(s) : known(s).has_value();
    // `set` itself may come again: a second run of it, for its rerun.
    if (decided || speculated(s) || std::find(more.begin(), more.end(), s) != more.end()) continue;
    more.push_back(s);
  }
  if (more.empty()) return std::nullopt;
  check_budget(static_cast<int>(more.size()) + 1);
  const SetStats before = stats(set);
  const Started asked = start_logged(set, phase, before.passes + before.fails + before.unresolved + 1);
  std::vector<Started> beside;
  for (const auto& s : more) beside.push_back(start_logged(s, phase, stats(s).passes + 1));
  const Outcome outcome = finish(asked);
  // Every speculative run ends before the next question: which runs start
  // next then never depends on how long a trial took, so the trial log, and
  // a cached replay of it, is the same every time. Its outcome goes into its
  // record, not into the memory, until the search asks for that set.
  for (const Started& run : beside) {
    m_log.at(static_cast<std::size_t>(run.trial)).outcome = m_oracle.wait(run.ticket);
    m_speculated.push_back({m_log[static_cast<std::size_t>(run.trial)].options, run.trial});
  }
  return outcome;
}

Verdict SetTester::test_speculating(const OptionSet& set, const std::vector<OptionSet>& next, Phase phase) {
  if (known(set)) return test(set, phase);
  const std::optional<Outcome> outcome = run_with_speculation(set, next, phase);
  if (outcome && outcome->verdict == Verdict::Fail) {
    check_contradiction(set);
    return Verdict::Fail;
  }
  return test(set, phase);  // a pass is known now; an unresolved run is retried as usual
}

Outcome SetTester::run_once(const OptionSet& set, Phase phase, const std::vector<OptionSet>& next,
                            bool exact) {
  const std::optional<Outcome> outcome = run_with_speculation(set, next, phase, exact);
  if (!outcome || outcome->verdict == Verdict::Unresolved) return run_retrying(set, phase);
  return *outcome;
}

void SetTester::run_several(const OptionSet& set, Phase phase, int count) {
  if (m_config.jobs <= 1 || count <= 1) {
    run_retrying(set, phase);
    return;
  }
  run_batch(set, phase, std::min(count, m_config.jobs), 1);
}

void SetTester::check_contradiction(const OptionSet& failing) const {
  const Mask mask = mask_of(failing);
  for (const auto& e : m_entries) {
    if (e.set != failing && e.stats.fails == 0 && e.stats.passes >= m_repeats && is_subset(mask, e.mask)) {
      throw Contradiction(failing, e.set);
    }
  }
}

Outcome SetTester::run_retrying(const OptionSet& set, Phase phase) {
  Outcome outcome;
  for (int attempt = 0; attempt <= m_config.unresolved_retries; ++attempt) {
    outcome = run_raw(set, phase, attempt + 1);
    if (outcome.verdict != Verdict::Unresolved) break;
  }
  return outcome;
}

Verdict SetTester::retest(const OptionSet& set, Phase phase, int runs) {
  int unresolved_now = 0;
  for (int run = 1, passes = 0; passes < runs; ++run) {
    const Outcome outcome = run_raw(set, phase, run);
    if (outcome.verdict == Verdict::Fail) {
      check_contradiction(set);
      return Verdict::Fail;
    }
    if (outcome.verdict == Verdict::Pass) ++passes;
    if (outcome.verdict == Verdict::Unresolved && ++unresolved_now > m_config.unresolved_retries) {
      return Verdict::Unresolved;
    }
  }
  return Verdict::Pass;
}

Verdict SetTester::test_exact(const OptionSet& set, Phase phase, const std::vector<OptionSet>& next) {
  if (m_repeats == 1 && !decided_exactly(set)) run_with_speculation(set, next, phase, true);
  int unresolved_now = 0;
  for (;;) {
    const SetStats s = stats(set);
    if (s.fails > 0) return Verdict::Fail;
    if (s.passes >= m_repeats) return Verdict::Pass;
    const int run = s.passes + s.fails + s.unresolved + 1;
    const int count = m_config.jobs > 1 ? std::min(m_config.jobs, m_repeats - s.passes) : 1;
    const std::vector<Outcome> outcomes =
        count > 1 ? run_batch(set, phase, count, run) : std::vector<Outcome>{run_raw(set, phase, run)};
    for (const auto& o : outcomes) {
      if (o.verdict == Verdict::Unresolved) ++unresolved_now;
    }
    if (stats(set).fails > 0) return Verdict::Fail;
    if (unresolved_now > m_config.unresolved_retries) return Verdict::Unresolved;
  }
}

Verdict SetTester::test(const OptionSet& set, Phase phase) {
  if (auto k = known(set)) return *k;
  int unresolved_now = 0;
  for (int run = 1;; ++run) {
    const SetStats before = entry(set).stats;
    if (before.passes >= m_repeats) return Verdict::Pass;
    if (m_config.jobs > 1 && m_repeats - before.passes > 1) {
      // Several runs at once; a failure among them decides as it would alone.
      const int count = std::min(m_config.jobs, m_repeats - before.passes);
      const std::vector<Outcome> outcomes = run_batch(set, phase, count, run);
      run += count - 1;
      bool failed = false;
      for (const auto& o : outcomes) {
        if (o.verdict == Verdict::Fail) failed = true;
        if (o.verdict == Verdict::Unresolved) ++unresolved_now;
      }
      if (failed) {
        check_contradiction(set);
        return Verdict::Fail;
      }
      if (unresolved_now > m_config.unresolved_retries) return Verdict::Unresolved;
      continue;
    }
    const Outcome outcome = run_raw(set, phase, run);
    if (outcome.verdict == Verdict::Fail) {
      check_contradiction(set);
      return Verdict::Fail;
    }
    if (outcome.verdict == Verdict::Unresolved && ++unresolved_now > m_config.unresolved_retries) {
      return Verdict::Unresolved;
    }
  }
}

std::vector<Verdict> SetTester::test_many(const std::vector<OptionSet>& sets, Phase phase) {
  std::vector<std::optional<Verdict>> verdicts(sets.size());
  std::vector<int> unresolved_now(sets.size(), 0);
  for (int round = 1;; ++round) {
    std::vector<std::size_t> pending;
    for (std::size_t i = 0; i < sets.size(); ++i) {
      if (verdicts[i]) continue;
      if (round == 1) {
        if (auto k = known(sets[i])) {
          verdicts[i] = *k;
          continue;
        }
      }
      if (stats(sets[i]).passes >= m_repeats) {
        verdicts[i] = Verdict::Pass;
        continue;
      }
      pending.push_back(i);
    }
    if (pending.empty()) break;
    std::vector<OptionSet> batch;
    for (std::size_t i : pending) batch.push_back(sets[i]);
    check_budget(static_cast<int>(batch.size()));
    const std::vector<Outcome> outcomes = m_oracle.test_many(batch);
    for (std::size_t j = 0; j < pending.size(); ++j) {
      const std::size_t i = pending[j];
      const Outcome& outcome = outcomes.at(j);
      record(sets[i], phase, round, outcome);
      if (outcome.verdict == Verdict::Fail) verdicts[i] = Verdict::Fail;
      if (outcome.verdict == Verdict::Unresolved && ++unresolved_now[i] > m_config.unresolved_retries) {
        verdicts[i] = Verdict::Unresolved;
      }
    }
    // Only after the whole batch is recorded, so the log stays complete.
    for (std::size_t i : pending) {
      if (verdicts[i] == Verdict::Fail) check_contradiction(sets[i]);
    }
  }
  std::vector<Verdict> out;
  for (const auto& v : verdicts) out.push_back(*v);
  return out;
}

}  // namespace hb::search
