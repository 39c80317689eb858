#include "search/removal_search.h"

#include <algorithm>

#include "search/hitting_set.h"
#include "search/option_set.h"
#include "search/proved_culprits.h"
#include "util/strings.h"

namespace hb::search {

namespace {

// More culprit sets than this means the failure is not explained by the
// options (or is flaky in a way the estimate missed); stop before the
// removal enumeration explodes.
constexpr std::size_t kMaxCulpritSets = 40;

}  // namespace

void RemovalSearch::search() {
  m_culprits.clear();
  for (;;) {
    const auto transversals = minimal_transversals(m_culprits, m_ranking.weights(), 2048, m_ranking.rank());
    if (!transversals) {
      stop(m_result, SearchStatus::Unresolved,
           "too many ways to remove the " + std::to_string(m_culprits.size()) +
               " culprit sets found to check them all");
      return;
    }
    const Round round = try_removals(*transversals);
    if (round.stopped) return;
    if (round.found_more) continue;
    if (!round.chosen) {
      stop(m_result, SearchStatus::Unresolved, "no candidate safe set could be decided");
      report_partial();
      return;
    }
    report(*round.chosen, round.all_decided);
    return;
  }
}

RemovalSearch::Round RemovalSearch::try_removals(const std::vector<OptionSet>& transversals) {
  Round round;
  for (std::size_t t = 0; t < transversals.size(); ++t) {
    const OptionSet& removal = transversals[t];
    const OptionSet rest = set_minus(m_universe, removal);
    std::vector<OptionSet> next = next_rests(transversals, t + 1);
    if (auto q = m_strategy.first_question(m_tester, rest)) next.push_back(std::move(*q));
    const Verdict v = m_tester.test_speculating(rest, next, Phase::Safe);
    if (v == Verdict::Unresolved) {
      round.all_decided = false;
      continue;
    }
    if (v == Verdict::Pass) {
      if (!round.chosen) round.chosen = removal;
      if (m_strategy.finds_all()) continue;
      break;
    }
    // `rest` contains no culprit set found so far and still fails.
    round.stopped = !find_in(rest);
    round.found_more = !round.stopped;
    break;
  }
  return round;
}

bool RemovalSearch::find_in(const OptionSet& rest) {
  m_tester.set_found_before(!m_culprits.empty());
  const StrategyFind found = m_strategy.find(m_tester, rest);
  if (found.flaky_baseline) {
    m_baseline.blame_nothing();
    return false;
  }
  if (found.culprits.empty()) {
    stop(m_result, SearchStatus::Unresolved,
         (m_culprits.empty() ? ""
                             : "after " + util::counted(m_culprits.size(), "culprit set") +
                                   ", the remainder still fails and ") +
             found.stuck);
    report_partial();
    return false;
  }
  if (found.by_posterior) m_flakiness.use_posterior(found);
  return add_found(found);
}

bool RemovalSearch::add_found(const StrategyFind& found) {
  for (const auto& c : found.culprits) {
    if (std::find(m_culprits.begin(), m_culprits.end(), c) != m_culprits.end()) {
      stop(m_result, SearchStatus::Unresolved, "the search found " + format_set(c) + " again; giving up");
      report_partial();
      return false;
    }
    if (!found.by_posterior && !verify_culprit(c)) return false;
    add_culprit(c);
  }
  if (m_culprits.size() > kMaxCulpritSets) {
    stop(m_result, SearchStatus::Unresolved,
         "more than " + std::to_string(kMaxCulpritSets) +
             " culprit sets: the failure does not depend on the options in a way this search can explain");
    report_partial();
    return false;
  }
  return true;
}

void RemovalSearch::add_culprit(const OptionSet& culprit) {
  std::erase_if(m_culprits, [&](const OptionSet& c) { return is_subset_of(culprit, c); });
  m_culprits.push_back(culprit);
  std::sort(m_culprits.begin(), m_culprits.end());
}

// The culprit set rests on one failure of the set and on passes of its
// subsets. Deterministic mode: run it again (a pass contradicts the failure:
// the failure is flaky, the culprit's or the baseline's) and run each "all
// but one" subset again (a failure contradicts a pass). Flaky mode: each pass
// behind it could be one of the 1 - confidence misses, so run each "all but
// one" subset again with fresh repeats; for single options that subset is
// the baseline.
bool RemovalSearch::verify_culprit(const OptionSet& culprit) {
  if (!m_flakiness.flaky()) {
    // The first culprit set, a single option that failed alone, is the
    // answer, flaky or not, unless the baseline is flaky (then the safe set
    // fails at the baseline's rate). A set of several is where a flaky
    // failure that looked deterministic shows (the bisection took a pass
    // of a set with the culprit for a pass), and one more culprit set after
    // the first is where a flaky baseline does.
    if (m_config.confirm_runs <= 0 || (culprit.size() < 2 && m_culprits.empty())) return true;
    confirm_rerun(culprit);
  } else if (culprit.size() == 1) {
    if (m_baseline_rechecked) return true;
    m_baseline_rechecked = true;
    return m_baseline.holds(m_tester.repeats());
  }
  if (culprit.size() < 2) return true;
  const int runs = m_flakiness.flaky() ? m_tester.repeats() : 1;
  for (int option : culprit) {
    const OptionSet rest = set_minus(culprit, {option});
    const Verdict v = m_tester.retest(rest, Phase::Confirm, runs);
    if (v == Verdict::Fail) throw Contradiction(rest, culprit);
    if (v == Verdict::Unresolved) note(m_result, "could not recheck that " + format_set(rest) + " passes");
  }
  return true;
}

// Reported as a deterministic culprit only once its failure reproduced: a
// rerun that stays unresolved (a remote host's trouble) reproduces nothing,
// and one failure with every subset passing is the signature of a failure
// that does not belong to the set.
void RemovalSearch::confirm_rerun(const OptionSet& culprit) {
  while (m_tester.stats(culprit).fails < 1 + m_config.confirm_runs) {
    const Outcome o = m_tester.run_once(culprit, Phase::Confirm, first_rest_with(culprit));
    if (o.verdict == Verdict::Pass && m_tester.stats(culprit).fails > 0)
      throw Contradiction(culprit, culprit);
    if (o.verdict == Verdict::Unresolved) {
      throw Contradiction(culprit, culprit, "its rerun was unresolved (" + o.reason + ")");
    }
  }
}

// The remainder the loop in search() tests first once `culprit` is added:
// what a confirmation of it runs beside.
std::vector<OptionSet> RemovalSearch::first_rest_with(const OptionSet& culprit) const {
  if (m_tester.parallelism() <= 1) return {};
  std::vector<OptionSet> culprits = m_culprits;
  std::erase_if(culprits, [&](const OptionSet& c) { return is_subset_of(culprit, c); });
  culprits.push_back(culprit);
  std::sort(culprits.begin(), culprits.end());
  const auto transversals = minimal_transversals(culprits, m_ranking.weights(), 2048, m_ranking.rank());
  if (!transversals || transversals->empty()) return {};
  return {set_minus(m_universe, transversals->front())};
}

// The remainders the loop in search() tests after the one at `from` - 1,
// in its order, as far as parallel trials can run them alongside.
std::vector<OptionSet> RemovalSearch::next_rests(const std::vector<OptionSet>& transversals,
                                                 std::size_t from) const {
  std::vector<OptionSet> next;
  for (std::size_t t = from;
       t < transversals.size() && static_cast<int>(next.size()) < m_tester.parallelism(); ++t) {
    next.push_back(set_minus(m_universe, transversals[t]));
  }
  return next;
}

void RemovalSearch::report(const OptionSet& removal, bool all_decided) {
  const OptionSet safe = set_minus(m_universe, removal);
  if (!confirm_safe(safe)) return;
  m_result.culprits = m_culprits;
  m_result.removal = removal;
  m_result.safe_set = safe;
  m_result.removals.clear();
  m_result.restored.clear();
  for (const auto& t : m_tester.log()) {
    if (t.options == safe && t.outcome.verdict == Verdict::Pass) m_result.safe_trial = t.index;
  }
  explain_removals(removal);
  m_result.complete = m_strategy.finds_all() && all_decided;
  if (m_strategy.finds_all() && !all_decided) {
    note(m_result, "some ways of removing the culprits could not be decided: other culprit sets may exist");
  }
  set_summary(m_result, m_culprits.size());
}

// The safe set must have passing runs of its own, not only inferred (the
// runs it lacks side by side, `jobs` at a time).
bool RemovalSearch::confirm_safe(const OptionSet& safe) {
  const int unresolved_before = m_tester.stats(safe).unresolved;
  while (m_tester.stats(safe).fails == 0 && m_tester.stats(safe).passes < m_tester.repeats()) {
    m_tester.run_several(safe, Phase::Safe, m_tester.repeats() - m_tester.stats(safe).passes);
    if (m_tester.stats(safe).fails > 0) throw Contradiction(safe, safe);
    if (m_tester.stats(safe).unresolved - unresolved_before > m_config.unresolved_retries) {
      const int last = last_run(m_tester, safe, Verdict::Unresolved);
      stop(m_result, SearchStatus::Unresolved,
           "the safe set could not be decided: " +
               m_tester.log().at(static_cast<std::size_t>(last)).outcome.reason);
      report_partial();
      return false;
    }
  }
  if (m_tester.stats(safe).fails > 0) throw Contradiction(safe, safe);
  return true;
}

// Why each removed option is removed: it fails alone, or with which others.
void RemovalSearch::explain_removals(const OptionSet& removal) {
  for (int option : removal) {
    Removal r;
    r.option = option;
    reason_removal(r, m_culprits);
    m_result.removals.push_back(std::move(r));
  }
}

}  // namespace hb::search
