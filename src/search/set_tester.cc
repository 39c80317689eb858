#include "search/set_tester.h"

#include <algorithm>

namespace hb::search {

SetTester::SetTester(Oracle& oracle, int option_count, const SearchConfig& config)
    : m_log(oracle, option_count, config), m_config(config) {}

std::optional<Verdict> SetTester::known(const OptionSet& set) const {
  const TrialLog::Mask mask = m_log.mask_of(set);
  // A failure is never discarded, even in flaky mode: the set can fail.
  for (const auto& e : m_log.entries()) {
    if (e.stats.fails > 0 && TrialLog::is_subset(e.mask, mask)) return Verdict::Fail;
  }
  for (const auto& e : m_log.entries()) {
    if (e.stats.fails == 0 && e.stats.passes >= m_repeats && TrialLog::is_subset(mask, e.mask)) {
      return Verdict::Pass;
    }
  }
  if (const TrialLog::Entry* e = m_log.find_entry(set);
      e && e->stats.unresolved > m_config.unresolved_retries && e->stats.passes < m_repeats) {
    return Verdict::Unresolved;
  }
  return std::nullopt;
}

bool SetTester::decided_exactly(const OptionSet& set) const {
  const SetStats s = stats(set);
  return s.fails > 0 || s.passes >= m_repeats;
}

std::optional<Outcome> SetTester::run_with_speculation(const OptionSet& set,
                                                       const std::vector<OptionSet>& next, Phase phase,
                                                       bool exact) {
  if (parallelism() <= 1 || m_log.speculated(set)) return std::nullopt;
  std::vector<OptionSet> more;
  for (const auto& s : next) {
    if (static_cast<int>(more.size()) + 1 >= parallelism()) break;
    const bool decided = exact ? decided_exactly(s) : known(s).has_value();
    // `set` itself may come again: a second run of it, for its rerun.
    if (decided || m_log.speculated(s) || std::find(more.begin(), more.end(), s) != more.end()) continue;
    more.push_back(s);
  }
  if (more.empty()) return std::nullopt;
  return m_log.run_beside(set, more, phase);
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
  if (!outcome || outcome->verdict == Verdict::Unresolved) return m_log.run_retrying(set, phase);
  return *outcome;
}

void SetTester::run_several(const OptionSet& set, Phase phase, int count) {
  if (m_config.jobs <= 1 || count <= 1) {
    m_log.run_retrying(set, phase);
    return;
  }
  m_log.run_batch(set, phase, std::min(count, m_config.jobs), 1);
}

void SetTester::check_contradiction(const OptionSet& failing) const {
  const TrialLog::Mask mask = m_log.mask_of(failing);
  for (const auto& e : m_log.entries()) {
    if (e.set != failing && e.stats.fails == 0 && e.stats.passes >= m_repeats &&
        TrialLog::is_subset(mask, e.mask)) {
      throw Contradiction(failing, e.set);
    }
  }
}

Verdict SetTester::retest(const OptionSet& set, Phase phase, int runs) {
  int unresolved_now = 0;
  for (int run = 1, passes = 0; passes < runs; ++run) {
    const Outcome outcome = m_log.run(set, phase, run);
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
    const std::vector<Outcome> outcomes = count > 1 ? m_log.run_batch(set, phase, count, run)
                                                    : std::vector<Outcome>{m_log.run(set, phase, run)};
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
    const SetStats before = m_log.enter(set);
    if (before.passes >= m_repeats) return Verdict::Pass;
    if (m_config.jobs > 1 && m_repeats - before.passes > 1) {
      // Several runs at once; a failure among them decides as it would alone.
      const int count = std::min(m_config.jobs, m_repeats - before.passes);
      const std::vector<Outcome> outcomes = m_log.run_batch(set, phase, count, run);
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
    const Outcome outcome = m_log.run(set, phase, run);
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
    const std::vector<Outcome> outcomes = m_log.run_sets(batch, phase, round);
    for (std::size_t j = 0; j < pending.size(); ++j) {
      const std::size_t i = pending[j];
      const Outcome& outcome = outcomes.at(j);
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
