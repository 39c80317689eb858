#include "search/flakiness.h"

#include <algorithm>

#include "search/answer.h"
#include "search/option_set.h"
#include "search/repeats.h"
#include "util/strings.h"

namespace hb::search {

void Flakiness::enter() {
  m_flaky = true;
  estimate();
}

void Flakiness::estimate() {
  int attempts = 0;
  while (!m_weighs_runs) {
    const SetStats s = m_tester.stats(m_universe);
    if (s.passes + s.fails >= m_config.estimate_runs || attempts++ > 2 * m_config.estimate_runs) break;
    m_tester.run_several(m_universe, Phase::Full, m_config.estimate_runs - (s.passes + s.fails));
  }
  update_repeats(std::max(2, m_tester.repeats()));
}

std::pair<int, int> Flakiness::pooled() const {
  // The posterior's culprit runs estimate its own rate (use_posterior).
  if (m_posterior_fails + m_posterior_passes > 0) return {m_posterior_fails, m_posterior_passes};
  const SetStats s = m_tester.stats(m_universe);
  return {s.fails + m_pool_fails, s.passes + m_pool_passes};
}

void Flakiness::update_repeats(int at_least) {
  const auto [fails, passes] = pooled();
  int r = repeats_for(fails, passes, m_config.confidence, m_config.max_repeats);
  r = std::min(std::max(r, at_least), std::max(1, m_config.max_repeats));
  m_tester.set_repeats(r);
  if (miss_probability(fails, passes, r) > 1.0 - m_config.confidence) {
    note(m_result, "repeat count capped at max_repeats = " + std::to_string(r) +
                       ": confidence below the requested " + std::to_string(m_config.confidence));
  }
}

void Flakiness::on_contradiction(const Contradiction& c) {
  const SetStats failing = m_tester.stats(c.failing);
  const SetStats passed = m_tester.stats(c.passed);
  const std::string switching = std::string(": switching to ") + (m_flaky ? "more repeats" : "flaky mode");
  if (!c.why.empty()) {
    note(m_result, format_set(c.failing) + " failed " + util::counted(failing.fails, "time") + " but " +
                       c.why + switching);
  } else {
    note(m_result, format_set(c.failing) + " failed although " + format_set(c.passed) + " had passed " +
                       util::counted(passed.passes, "run") + switching);
  }
  // Pool the runs that disagreed: they show a lower failure rate than the
  // full set's (several flaky culprits add up in the full set).
  if (c.failing != m_universe) {
    m_pool_fails += failing.fails;
    m_pool_passes += failing.passes;
  }
  if (c.passed != m_universe && c.passed != c.failing) m_pool_passes += passed.passes;
  const int previous = m_tester.repeats();
  if (!m_flaky) {
    enter();
  } else {
    update_repeats(previous + 1);
  }
}

bool Flakiness::failure_reproduces(const Contradiction& c) {
  if (c.failing != m_universe || c.passed != m_universe) return true;
  for (const auto& t : m_tester.log()) {
    if (t.outcome.verdict == Verdict::Fail && t.options != m_universe) return true;
  }
  return fails_again(c.why);
}

bool Flakiness::fails_again(const std::string& why) {
  // Missing a real failure here costs what missing it in the first check of
  // the full set costs, squared: a failing set must fail again, not only show once.
  const double miss = 1.0 - m_config.confidence;
  const int needed = repeats_for_rate(m_config.min_failure_rate, 1.0 - miss * miss, m_config.max_repeats);
  const SetStats before = m_tester.stats(m_universe);
  int passes = 0;
  for (int attempts = 0; passes < needed && attempts < 2 * needed + 2;) {
    const int runs_before = m_tester.run_count();
    m_tester.run_several(m_universe, Phase::Full, needed - passes);
    attempts += m_tester.run_count() - runs_before;
    const SetStats now = m_tester.stats(m_universe);
    if (now.fails > before.fails) return true;
    passes = now.passes - before.passes;
  }
  give_up_on_full_set(needed, passes, why);
  return false;
}

// The full set's failure did not reproduce in `passes` runs (of `needed`):
// no option is blamed.
void Flakiness::give_up_on_full_set(int needed, int passes, const std::string& why) {
  const SetStats s = m_tester.stats(m_universe);
  const std::string seen =
      std::to_string(s.fails) + " of " + std::to_string(s.fails + s.passes) + " decided runs";
  m_flaky = true;
  m_tester.set_repeats(needed);
  clear_answer(m_result);
  if (passes < needed) {
    stop(m_result, SearchStatus::Unresolved,
         "the full set failed " + seen +
             " and could not be run again often enough to tell whether the failure is the options'" +
             (why.empty() ? "" : " (" + why + ")"));
    return;
  }
  if (m_config.expect_failure) {
    stop(m_result, SearchStatus::Unresolved,
         "the full set failed " + seen + " and then " + did_not_fail_message(passes, m_config.confidence) +
             ", and no subset failed: no option is blamed (--expect-failure: never nothing-breaks)");
    return;
  }
  note(m_result, "the full set failed " + seen + ", not in its last " + std::to_string(passes) +
                     ", and no subset failed: the failure did not reproduce, so no option is blamed for it");
  stop(m_result, SearchStatus::NothingBreaks,
       "the full set's failure did not reproduce (" + seen + "; no subset failed): no option is blamed");
}

void Flakiness::use_posterior(const StrategyFind& found) {
  m_posterior_confidence = std::min(m_posterior_confidence, found.confidence);
  const int r =
      repeats_for(found.culprit_fails, found.culprit_passes, m_config.confidence, m_config.max_repeats);
  if (r >= m_posterior_repeats) {  // the culprit with the lowest rate sets the repeats
    m_posterior_repeats = r;
    m_posterior_fails = found.culprit_fails;
    m_posterior_passes = found.culprit_passes;
  }
  m_tester.set_repeats(std::max(2, m_posterior_repeats));
}

void Flakiness::report() {
  const SetStats full = m_tester.stats(m_universe);
  m_result.full_runs = full.passes + full.fails;
  m_result.full_failures = full.fails;
  m_result.failure_rate = m_result.full_runs ? double(full.fails) / m_result.full_runs : 0.0;
  if (m_posterior_fails + m_posterior_passes > 0) {
    m_result.failure_rate = double(m_posterior_fails) / (m_posterior_fails + m_posterior_passes);
  }
  m_result.flaky = m_flaky;
  m_result.repeats = m_tester.repeats();
  if (m_flaky) {
    const auto [fails, passes] = pooled();
    m_result.confidence = 1.0 - miss_probability(fails, passes, m_tester.repeats());
  }
  m_result.posterior = m_posterior_confidence;
}

}  // namespace hb::search
