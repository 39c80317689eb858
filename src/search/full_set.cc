#include "search/full_set.h"

#include <algorithm>

#include "search/answer.h"
#include "search/bisect.h"
#include "search/option_set.h"
#include "search/repeats.h"

namespace hb::search {

namespace {

// "Does this set make trials UNRESOLVED?", to isolate the options whose
// trials cannot be decided. Bad = unresolved, good = decided either way.
class UnresolvedPredicate : public Predicate {
 public:
  explicit UnresolvedPredicate(SetTester& tester) : m_tester(tester) {}

  Verdict test(const OptionSet& set, Phase phase) override {
    if (auto k = known(set)) return *k;
    const Outcome outcome = m_tester.run_once(set, phase);
    const Verdict v = outcome.verdict == Verdict::Unresolved ? Verdict::Fail : Verdict::Pass;
    m_memory.emplace_back(set, v);
    return v;
  }

  std::optional<Verdict> known(const OptionSet& set) const override {
    if (set.empty()) return Verdict::Pass;  // the baseline was decided
    for (const auto& [s, v] : m_memory) {
      if (v == Verdict::Fail && is_subset_of(s, set)) return Verdict::Fail;
      if (v == Verdict::Pass && is_subset_of(set, s)) return Verdict::Pass;
    }
    return std::nullopt;
  }

  void remember(const OptionSet& set, Verdict v) { m_memory.emplace_back(set, v); }

 private:
  SetTester& m_tester;
  std::vector<std::pair<OptionSet, Verdict>> m_memory;
};

}  // namespace

bool FullSetCheck::check(int option_count) {
  m_universe = all_options(option_count);
  Outcome first;
  for (bool once = true;; once = false) {
    first = once ? first_run() : m_tester.run_once(m_universe, Phase::Full);
    if (first.verdict != Verdict::Unresolved) break;
    if (!set_aside_unresolved(first.reason)) return false;
  }
  if (first.verdict == Verdict::Fail) {
    // Failing every time so far: deterministic until a contradiction says
    // otherwise.
    if (fails_every_time()) return true;
  } else if (!fails_after_passing()) {
    return false;
  }
  m_flakiness.enter();
  return true;
}

// With parallel trials, the full set's first run goes with a run of the
// first half of the options, the first question a bisection of the full
// set asks in deterministic mode (speculative: SetTester::
// test_speculating): a round saved when the full set fails, one trial more
// otherwise.
Outcome FullSetCheck::first_run() {
  std::vector<OptionSet> next;
  if (m_finds_all && m_universe.size() >= 4) {
    next.emplace_back(m_universe.begin(), m_universe.begin() + static_cast<long>(m_universe.size() / 2));
  }
  return m_tester.run_once(m_universe, Phase::Full, next);
}

bool FullSetCheck::set_aside_unresolved(const std::string& reason) {
  UnresolvedPredicate predicate(m_tester);
  predicate.remember(m_universe, Verdict::Fail);
  const CulpritSearch found = find_culprit_set(predicate, {}, m_universe);
  if (!found.culprit) {
    stop(m_result, SearchStatus::Unresolved,
         "the full set could not be decided (" + reason +
             ") and the options responsible could not be isolated: " + found.stuck);
    return false;
  }
  m_result.undecided = set_union(m_result.undecided, *found.culprit);
  m_universe = set_minus(m_universe, *found.culprit);
  note(m_result, "options " + format_set(*found.culprit) + " set aside: trials with them are unresolved (" +
                     reason + ")");
  if (m_universe.empty()) {
    stop(m_result, SearchStatus::Unresolved, "every option makes trials unresolved (" + reason + ")");
    return false;
  }
  return true;
}

bool FullSetCheck::fails_every_time() {
  const int after = m_config.deterministic_after;
  int attempts = 0;
  while (after > 0 && m_tester.stats(m_universe).passes == 0 && m_tester.stats(m_universe).fails < after &&
         attempts++ < 2 * after + 2) {
    m_tester.run_once(m_universe, Phase::Full);
  }
  const SetStats s = m_tester.stats(m_universe);
  if (after > 0 && s.passes == 0 && s.fails >= after) {
    m_tester.set_repeats(1);
    return true;
  }
  return false;
}

int expect_failure_cap(const SearchConfig& config) {
  return repeats_for_rate(std::min(1.0 / 20, config.min_failure_rate), config.confidence, 100000);
}

bool FullSetCheck::fails_after_passing() {
  const int needed = m_config.expect_failure ? expect_failure_cap(m_config)
                                             : repeats_for_rate(m_config.min_failure_rate,
                                                                m_config.confidence, m_config.max_repeats);
  int attempts = 0;
  while (m_tester.stats(m_universe).fails == 0 && m_tester.stats(m_universe).passes < needed &&
         attempts < 2 * needed + 2) {
    const int runs_before = m_tester.run_count();
    m_tester.run_several(m_universe, Phase::Full, needed - m_tester.stats(m_universe).passes);
    attempts += m_tester.run_count() - runs_before;
  }
  const SetStats s = m_tester.stats(m_universe);
  // One failure among passes: blamed on the options only once it reproduces
  // (or the user has seen it fail: expect_failure).
  if (s.fails == 1 && !m_config.expect_failure && !m_flakiness.fails_again({})) return false;
  if (s.fails > 0) return true;
  if (s.passes < needed) {
    stop(m_result, SearchStatus::Unresolved, "the full set could not be decided often enough");
  } else if (m_config.expect_failure) {
    stop(m_result, SearchStatus::Unresolved,
         "the full set " + did_not_fail_message(s.passes, m_config.confidence) +
             " (--expect-failure: you have seen it fail; a rarer failure, or one outside the options?)");
  } else if (!m_result.undecided.empty()) {
    stop(m_result, SearchStatus::Unresolved,
         "the other options pass; options " + format_set(m_result.undecided) +
             " could not be decided (trials with them are unresolved)");
  } else {
    stop(m_result, SearchStatus::NothingBreaks,
         "the full set passed " + std::to_string(s.passes) + " of " + std::to_string(s.passes) + " runs");
  }
  return false;
}

}  // namespace hb::search
