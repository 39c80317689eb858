#include "search/search.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "search/bisect.h"
#include "search/ddmin.h"
#include "search/hitting_set.h"
#include "search/linear.h"
#include "search/option_set.h"
#include "search/progressive.h"
#include "search/set_tester.h"

namespace hb::search {

const char* phase_name(Phase phase) {
  switch (phase) {
    case Phase::Baseline:
      return "baseline";
    case Phase::Full:
      return "full";
    case Phase::Search:
      return "search";
    case Phase::Confirm:
      return "confirm";
    case Phase::Safe:
      return "safe";
    case Phase::Context:
      return "context";
    case Phase::Explain:
      return "explain";
  }
  return "?";
}

const char* status_name(SearchStatus status) {
  switch (status) {
    case SearchStatus::Found:
      return "found";
    case SearchStatus::NothingBreaks:
      return "nothing-breaks";
    case SearchStatus::BaselineFails:
      return "baseline-fails";
    case SearchStatus::FlakyBaseline:
      return "flaky-baseline";
    case SearchStatus::Unresolved:
      return "unresolved";
  }
  return "?";
}

std::vector<std::string> strategy_names() { return {"bisect", "ddmin", "progressive", "linear"}; }

std::unique_ptr<Strategy> make_strategy(std::string_view name) {
  if (name == "bisect") return std::make_unique<Bisect>();
  if (name == "ddmin") return std::make_unique<Ddmin>();
  if (name == "progressive") return std::make_unique<Progressive>();
  if (name == "linear") return std::make_unique<Linear>();
  return nullptr;
}

namespace {

// Restarts after contradictions before giving up as Unresolved.
constexpr int kMaxRestarts = 6;
// More culprit sets than this means the failure is not explained by the
// options (or is flaky in a way the estimate missed); stop before the
// removal enumeration explodes.
constexpr std::size_t kMaxCulpritSets = 40;

// Probability that r runs of a set failing with rate p all pass, averaged
// over p ~ Beta(fails + 1, passes + 1): what we believe about p after those
// runs, starting from a uniform prior. Product form of B(a, b + r) / B(a, b).
double miss_probability(int fails, int passes, int r) {
  double miss = 1.0;
  for (int i = 0; i < r; ++i) miss *= (passes + 1.0 + i) / (fails + passes + 2.0 + i);
  return miss;
}

int repeats_for(int fails, int passes, double confidence, int max_repeats) {
  int r = 1;
  while (r < max_repeats && miss_probability(fails, passes, r) > 1.0 - confidence) ++r;
  return r;
}

// Runs so that a set failing with rate p shows it with `confidence`.
int repeats_for_rate(double p, double confidence, int max_repeats) {
  if (p >= 1.0) return 1;
  if (p <= 0.0) return max_repeats;
  const int r = static_cast<int>(std::ceil(std::log(1.0 - confidence) / std::log(1.0 - p) - 1e-9));
  return std::clamp(r, 1, max_repeats);
}

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

// "Does the kept culprit set pass with these other kept options?", over
// positions into `others` (kept options in key order), for find_culprit_set:
// bad = passes. Assumes more kept options never make it fail again.
class PassesWith : public Predicate {
 public:
  PassesWith(SetTester& tester, OptionSet culprit, std::vector<int> others)
      : m_tester(tester), m_culprit(std::move(culprit)), m_others(std::move(others)) {}

  OptionSet options(const OptionSet& positions) const {
    OptionSet set = m_culprit;
    for (int p : positions) set.push_back(m_others.at(static_cast<std::size_t>(p)));
    return normalized(set);
  }

  Verdict test(const OptionSet& positions, Phase) override {
    if (auto k = known(positions)) return *k;
    const Verdict v = m_tester.test_exact(options(positions), Phase::Explain);
    if (v == Verdict::Unresolved) return v;
    const Verdict bad = v == Verdict::Pass ? Verdict::Fail : Verdict::Pass;
    m_memory.emplace_back(positions, bad);
    return bad;
  }

  // The next questions of the bisection go beside this one (one trial at a
  // time sees the same answers, see SetTester::test_speculating).
  Verdict test_speculating(const OptionSet& positions, const std::vector<OptionSet>& next,
                           Phase phase) override {
    if (auto k = known(positions)) return *k;
    std::vector<OptionSet> sets;
    for (const auto& n : next) {
      if (!known(n)) sets.push_back(options(n));
    }
    m_tester.test_exact_speculating(options(positions), sets, Phase::Explain);
    return test(positions, phase);
  }
  int parallelism() const override { return m_tester.parallelism(); }

  std::optional<Verdict> known(const OptionSet& positions) const override {
    const SetStats s = m_tester.stats(options(positions));
    if (s.fails > 0) return Verdict::Pass;
    if (s.passes >= m_tester.repeats()) return Verdict::Fail;
    for (const auto& [set, v] : m_memory) {
      if (v == Verdict::Fail && is_subset_of(set, positions)) return Verdict::Fail;
      if (v == Verdict::Pass && is_subset_of(positions, set)) return Verdict::Pass;
    }
    return std::nullopt;
  }

 private:
  SetTester& m_tester;
  OptionSet m_culprit;
  std::vector<int> m_others;
  std::vector<std::pair<OptionSet, Verdict>> m_memory;
};

class Engine {
 public:
  Engine(Oracle& oracle, int option_count, const SearchConfig& config, Strategy& strategy)
      : m_config(config),
        m_strategy(strategy),
        m_tester(oracle, option_count, config),
        m_option_count(option_count),
        m_weights(config.weights) {
    m_result.strategy = config.strategy;
    m_result.option_count = option_count;
    // Canonical order: by key, then index (only for equal keys).
    std::vector<int> order = all_options(option_count);
    if (!config.keys.empty()) {
      std::stable_sort(order.begin(), order.end(),
                       [&](int a, int b) { return config.keys[a] < config.keys[b]; });
    }
    m_rank.assign(static_cast<std::size_t>(option_count), 0);
    for (int i = 0; i < option_count; ++i) m_rank[static_cast<std::size_t>(order[i])] = i;
  }

  SearchResult run() {
    try {
      if (check_baseline() && check_full() && (!m_flaky || m_strategy.weighs_runs() || recheck_baseline())) {
        learn_weights();
        for (int restarts = 0;; ++restarts) {
          try {
            search();
            // Inside the loop: a restored line seen both passing and failing
            // is a contradiction too (flaky), and the search restarts.
            in_context();
            break;
          } catch (const Contradiction& c) {
            if (restarts >= kMaxRestarts) {
              stop(SearchStatus::Unresolved,
                   "trials kept contradicting each other; the failure may not be monotone in the options");
              break;
            }
            if (!full_set_failure_reproduces(c)) break;
            on_contradiction(c);
            if (!m_strategy.weighs_runs() && !recheck_baseline()) break;
          }
        }
        explain_kept();
      }
    } catch (const BudgetExhausted&) {
      stop(SearchStatus::Unresolved,
           "trial budget of " + std::to_string(m_config.max_trials) + " runs exhausted");
    }
    finish();
    return std::move(m_result);
  }

 private:
  void stop(SearchStatus status, std::string message) {
    m_result.status = status;
    m_result.message = std::move(message);
  }

  void note(std::string text) { m_result.notes.push_back(std::move(text)); }

  bool check_baseline() {
    const Outcome first = m_tester.run_once({}, Phase::Baseline);
    if (first.verdict == Verdict::Unresolved) {
      stop(SearchStatus::Unresolved, "the baseline (no options) could not be decided: " + first.reason);
      return false;
    }
    if (first.verdict == Verdict::Fail) {
      // Two more runs tell a baseline that always fails from a flaky one.
      for (int i = 0; i < 2; ++i) m_tester.run_once({}, Phase::Baseline);
      const SetStats s = m_tester.stats({});
      if (s.passes > 0) {
        stop(SearchStatus::FlakyBaseline, flaky_baseline_message());
      } else {
        stop(SearchStatus::BaselineFails,
             "the baseline fails without any option applied: not a hardening problem (" + first.reason + ")");
      }
      return false;
    }
    if (m_option_count == 0) {
      stop(SearchStatus::NothingBreaks, "no options to test");
      return false;
    }
    return true;
  }

  std::string flaky_baseline_message() const {
    const SetStats s = m_tester.stats({});
    return "the baseline fails only sometimes (" + std::to_string(s.fails) + " of " +
           std::to_string(s.fails + s.passes) + " runs) without any option applied: not blamed on an option";
  }

  // In flaky mode the baseline, like any passing set, needs `repeats` passes.
  bool recheck_baseline() { return baseline_holds(m_tester.repeats() - m_tester.stats({}).passes); }

  // Runs the baseline `runs` more times; false (with the status set) when it fails.
  bool baseline_holds(int runs) {
    for (int i = 0; i < runs; ++i) {
      const Outcome o = m_tester.run_once({}, Phase::Baseline);
      if (o.verdict == Verdict::Fail) {
        blame_nothing();
        return false;
      }
      if (o.verdict == Verdict::Unresolved) {
        stop(SearchStatus::Unresolved, "the baseline (no options) could not be decided: " + o.reason);
        return false;
      }
    }
    return true;
  }

  // With parallel trials, the full set's first run goes with a run of the
  // first half of the options, the first question a bisection of the full
  // set asks in deterministic mode (speculative: SetTester::
  // test_speculating): a round saved when the full set fails, one trial more
  // otherwise.
  Outcome first_full_run() {
    std::vector<OptionSet> next;
    if (m_strategy.finds_all() && m_universe.size() >= 4) {
      next.emplace_back(m_universe.begin(), m_universe.begin() + static_cast<long>(m_universe.size() / 2));
    }
    return m_tester.run_once_speculating(m_universe, next, Phase::Full);
  }

  // Sets aside the options that make the full set UNRESOLVED, then checks
  // that the rest fails and whether it fails every time.
  bool check_full() {
    m_universe = all_options(m_option_count);
    Outcome first;
    for (bool once = true;; once = false) {
      first = once ? first_full_run() : m_tester.run_once(m_universe, Phase::Full);
      if (first.verdict != Verdict::Unresolved) break;
      UnresolvedPredicate predicate(m_tester);
      predicate.remember(m_universe, Verdict::Fail);
      const CulpritSearch found = find_culprit_set(predicate, {}, m_universe);
      if (!found.culprit) {
        stop(SearchStatus::Unresolved,
             "the full set could not be decided (" + first.reason +
                 ") and the options responsible could not be isolated: " + found.stuck);
        return false;
      }
      m_result.undecided = set_union(m_result.undecided, *found.culprit);
      m_universe = set_minus(m_universe, *found.culprit);
      note("options " + format_set(*found.culprit) + " set aside: trials with them are unresolved (" +
           first.reason + ")");
      if (m_universe.empty()) {
        stop(SearchStatus::Unresolved, "every option makes trials unresolved (" + first.reason + ")");
        return false;
      }
    }
    if (first.verdict == Verdict::Fail) {
      // Failing every time so far: deterministic until a contradiction says
      // otherwise.
      int attempts = 0;
      while (m_config.deterministic_after > 0 && m_tester.stats(m_universe).passes == 0 &&
             m_tester.stats(m_universe).fails < m_config.deterministic_after &&
             attempts++ < 2 * m_config.deterministic_after + 2) {
        m_tester.run_once(m_universe, Phase::Full);
      }
      const SetStats s = m_tester.stats(m_universe);
      if (m_config.deterministic_after > 0 && s.passes == 0 && s.fails >= m_config.deterministic_after) {
        m_tester.set_repeats(1);
        return true;
      }
    } else {
      const int needed =
          repeats_for_rate(m_config.min_failure_rate, m_config.confidence, m_config.max_repeats);
      int attempts = 0;
      while (m_tester.stats(m_universe).fails == 0 && m_tester.stats(m_universe).passes < needed &&
             attempts < 2 * needed + 2) {
        const int runs_before = m_tester.run_count();
        m_tester.run_several(m_universe, Phase::Full, needed - m_tester.stats(m_universe).passes);
        attempts += m_tester.run_count() - runs_before;
      }
      const SetStats s = m_tester.stats(m_universe);
      // One failure among passes: blamed on the options only once it reproduces.
      if (s.fails == 1 && !full_set_fails_again({})) return false;
      if (s.fails == 0) {
        if (s.passes < needed) {
          stop(SearchStatus::Unresolved, "the full set could not be decided often enough");
        } else if (!m_result.undecided.empty()) {
          stop(SearchStatus::Unresolved, "the other options pass; options " + format_set(m_result.undecided) +
                                             " could not be decided (trials with them are unresolved)");
        } else {
          stop(SearchStatus::NothingBreaks, "the full set passed " + std::to_string(s.passes) + " of " +
                                                std::to_string(s.passes) + " runs");
        }
        return false;
      }
    }
    m_flaky = true;
    estimate();
    return true;
  }

  // Runs the full set up to `estimate_runs` decided runs and derives the
  // repeat count from every run pooled so far.
  void estimate() {
    int attempts = 0;
    while (!m_strategy.weighs_runs()) {
      const SetStats s = m_tester.stats(m_universe);
      if (s.passes + s.fails >= m_config.estimate_runs || attempts++ > 2 * m_config.estimate_runs) break;
      m_tester.run_several(m_universe, Phase::Full, m_config.estimate_runs - (s.passes + s.fails));
    }
    update_repeats(std::max(2, m_tester.repeats()));
  }

  std::pair<int, int> pooled() const {
    // The posterior's culprit runs estimate its own rate (use_posterior).
    if (m_posterior_fails + m_posterior_passes > 0) return {m_posterior_fails, m_posterior_passes};
    const SetStats s = m_tester.stats(m_universe);
    return {s.fails + m_pool_fails, s.passes + m_pool_passes};
  }

  void update_repeats(int at_least) {
    const auto [fails, passes] = pooled();
    int r = repeats_for(fails, passes, m_config.confidence, m_config.max_repeats);
    r = std::min(std::max(r, at_least), std::max(1, m_config.max_repeats));
    m_tester.set_repeats(r);
    if (miss_probability(fails, passes, r) > 1.0 - m_config.confidence) {
      note("repeat count capped at max_repeats = " + std::to_string(r) + ": confidence below the requested " +
           std::to_string(m_config.confidence));
    }
  }

  void on_contradiction(const Contradiction& c) {
    const SetStats failing = m_tester.stats(c.failing);
    const SetStats passed = m_tester.stats(c.passed);
    const std::string switching = std::string(": switching to ") + (m_flaky ? "more repeats" : "flaky mode");
    if (!c.why.empty()) {
      note(format_set(c.failing) + " failed " + std::to_string(failing.fails) + " time(s) but " + c.why +
           switching);
    } else {
      note(format_set(c.failing) + " failed although " + format_set(c.passed) + " had passed " +
           std::to_string(passed.passes) + " run(s)" + switching);
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
      m_flaky = true;
      estimate();
    } else {
      update_repeats(previous + 1);
    }
  }

  // The whole template failed, and neither its own rerun (passed or
  // unresolved) nor any other set failed: the signature of a failure that
  // does not belong to the options (a host's hiccup, a flake outside the
  // template). Before any search blames the whole set for it, the failure
  // must reproduce (full_set_fails_again). True when it did (or another set
  // failed): the search goes on, flaky-aware; false with the status set.
  bool full_set_failure_reproduces(const Contradiction& c) {
    if (c.failing != m_universe || c.passed != m_universe) return true;
    for (const auto& t : m_tester.log()) {
      if (t.outcome.verdict == Verdict::Fail && t.options != m_universe) return true;
    }
    return full_set_fails_again(c.why);
  }

  // The full set failed once among passing runs (or runs that could not be
  // decided): it runs as a full set that passed its first run would
  // (check_full), until it fails again or passes often enough that a failure
  // rate of min_failure_rate would have shown with `confidence` twice over
  // (17 runs at 0.3 and 0.95: 0.7^17 < 0.05^2). True when
  // it failed again; otherwise no option is blamed (NothingBreaks, or
  // Unresolved when it could not be decided often enough) and false.
  bool full_set_fails_again(const std::string& why) {
    // Missing a real failure here costs what missing it in check_full costs,
    // squared: a failing set must fail again, not only show once.
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
    const SetStats s = m_tester.stats(m_universe);
    const std::string seen =
        std::to_string(s.fails) + " of " + std::to_string(s.fails + s.passes) + " decided runs";
    m_flaky = true;
    m_tester.set_repeats(needed);
    clear_answer();
    if (passes < needed) {
      stop(SearchStatus::Unresolved, "the full set failed " + seen +
                                         " and could not be run again often enough to tell whether the "
                                         "failure is the options'" +
                                         (why.empty() ? "" : " (" + why + ")"));
      return false;
    }
    note("the full set failed " + seen + ", not in its last " + std::to_string(passes) +
         ", and no subset failed: the failure did not reproduce, so no option is blamed for it");
    stop(SearchStatus::NothingBreaks,
         "the full set's failure did not reproduce (" + seen + "; no subset failed): no option is blamed");
    return false;
  }

  void add_culprit(const OptionSet& culprit) {
    std::erase_if(m_culprits, [&](const OptionSet& c) { return is_subset_of(culprit, c); });
    m_culprits.push_back(culprit);
    std::sort(m_culprits.begin(), m_culprits.end());
  }

  void search() {
    m_culprits.clear();
    for (;;) {
      const auto transversals = minimal_transversals(m_culprits, m_weights, 2048, m_rank);
      if (!transversals) {
        stop(SearchStatus::Unresolved, "too many ways to remove the " + std::to_string(m_culprits.size()) +
                                           " culprit sets found to check them all");
        return;
      }
      std::optional<OptionSet> chosen;
      bool all_decided = true;
      bool found_more = false;
      for (std::size_t t = 0; t < transversals->size(); ++t) {
        const OptionSet& removal = (*transversals)[t];
        const OptionSet rest = set_minus(m_universe, removal);
        std::vector<OptionSet> next = next_rests(*transversals, t + 1);
        if (auto q = m_strategy.first_question(m_tester, rest)) next.push_back(std::move(*q));
        const Verdict v = m_tester.test_speculating(rest, next, Phase::Safe);
        if (v == Verdict::Unresolved) {
          all_decided = false;
          continue;
        }
        if (v == Verdict::Pass) {
          if (!chosen) chosen = removal;
          if (m_strategy.finds_all()) continue;
          break;
        }
        // `rest` contains no culprit set found so far and still fails.
        m_tester.set_found_before(!m_culprits.empty());
        StrategyFind found = m_strategy.find(m_tester, rest);
        if (found.flaky_baseline) {
          blame_nothing();
          return;
        }
        if (found.culprits.empty()) {
          stop(SearchStatus::Unresolved,
               (m_culprits.empty() ? ""
                                   : "after " + std::to_string(m_culprits.size()) +
                                         " culprit set(s), the remainder still fails and ") +
                   found.stuck);
          report_partial();
          return;
        }
        if (found.by_posterior) use_posterior(found);
        for (const auto& c : found.culprits) {
          if (std::find(m_culprits.begin(), m_culprits.end(), c) != m_culprits.end()) {
            stop(SearchStatus::Unresolved, "the search found " + format_set(c) + " again; giving up");
            report_partial();
            return;
          }
          if (!found.by_posterior && !verify_culprit(c)) return;
          add_culprit(c);
        }
        if (m_culprits.size() > kMaxCulpritSets) {
          stop(SearchStatus::Unresolved, "more than " + std::to_string(kMaxCulpritSets) +
                                             " culprit sets: the failure does not depend on the options in a "
                                             "way this search can explain");
          report_partial();
          return;
        }
        found_more = true;
        break;
      }
      if (found_more) continue;
      if (!chosen) {
        stop(SearchStatus::Unresolved, "no candidate safe set could be decided");
        report_partial();
        return;
      }
      report(*chosen, all_decided);
      return;
    }
  }

  // A culprit found by the posterior (flaky mode, posterior.h): its
  // probability is the answer's confidence, and the runs with it estimate
  // its own failure rate better than the full set's runs (which add up every
  // culprit's): the repeat count that checks the rest follows from them,
  // never lower than another culprit's found so far. Its "all but one"
  // subset, the baseline, is not rerun: its runs are in the posterior.
  void use_posterior(const StrategyFind& found) {
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

  // The remainder the loop in search() tests first once `culprit` is added:
  // what a confirmation of it runs beside.
  std::vector<OptionSet> first_rest_with(const OptionSet& culprit) const {
    if (m_tester.parallelism() <= 1) return {};
    std::vector<OptionSet> culprits = m_culprits;
    std::erase_if(culprits, [&](const OptionSet& c) { return is_subset_of(culprit, c); });
    culprits.push_back(culprit);
    std::sort(culprits.begin(), culprits.end());
    const auto transversals = minimal_transversals(culprits, m_weights, 2048, m_rank);
    if (!transversals || transversals->empty()) return {};
    return {set_minus(m_universe, transversals->front())};
  }

  // The remainders the loop in search() tests after the one at `from` - 1,
  // in its order, as far as parallel trials can run them alongside.
  std::vector<OptionSet> next_rests(const std::vector<OptionSet>& transversals, std::size_t from) const {
    std::vector<OptionSet> next;
    for (std::size_t t = from;
         t < transversals.size() && static_cast<int>(next.size()) < m_tester.parallelism(); ++t) {
      next.push_back(set_minus(m_universe, transversals[t]));
    }
    return next;
  }

  // Checks a culprit set as soon as it is found, before anything builds on
  // it. It rests on one failure of the set and on passes of its subsets.
  // Deterministic mode: run it again (a pass contradicts the failure: the
  // failure is flaky, the culprit's or the baseline's) and run each "all but
  // one" subset again (a failure contradicts a pass). Flaky mode: each pass
  // behind it could be one of the 1 - confidence misses, so run each "all but
  // one" subset again with fresh repeats; for single options that subset is
  // the baseline. False (status set) when the baseline turns out flaky.
  bool verify_culprit(const OptionSet& culprit) {
    if (!m_flaky) {
      // The first culprit set, a single option that failed alone, is the
      // answer, flaky or not, unless the baseline is flaky (then the safe set
      // fails at the baseline's rate). A set of several is where a flaky
      // failure that looked deterministic shows (the bisection took a pass
      // of a set with the culprit for a pass), and one more culprit set after
      // the first is where a flaky baseline does.
      if (m_config.confirm_runs <= 0 || (culprit.size() < 2 && m_culprits.empty())) return true;
      // Reported as a deterministic culprit only once its failure
      // reproduced: a rerun that stays unresolved (a remote host's trouble)
      // reproduces nothing, and one failure with every subset passing is the
      // signature of a failure that does not belong to the set.
      while (m_tester.stats(culprit).fails < 1 + m_config.confirm_runs) {
        const Outcome o = m_tester.rerun_failing(culprit, Phase::Confirm, first_rest_with(culprit));
        if (o.verdict == Verdict::Unresolved)
          throw Contradiction(culprit, culprit, "its rerun was unresolved (" + o.reason + ")");
      }
    } else if (culprit.size() == 1) {
      if (m_baseline_rechecked) return true;
      m_baseline_rechecked = true;
      return baseline_holds(m_tester.repeats());
    }
    if (culprit.size() < 2) return true;
    const int runs = m_flaky ? m_tester.repeats() : 1;
    for (int option : culprit) {
      const OptionSet rest = set_minus(culprit, {option});
      const Verdict v = m_tester.retest(rest, Phase::Confirm, runs);
      if (v == Verdict::Fail) throw Contradiction(rest, culprit);
      if (v == Verdict::Unresolved) note("could not recheck that " + format_set(rest) + " passes");
    }
    return true;
  }

  void report_partial() { m_result.culprits = m_culprits; }

  // The baseline failed after an answer was reported (a search restarted
  // after a contradiction): no option is blamed.
  void blame_nothing() {
    stop(SearchStatus::FlakyBaseline, flaky_baseline_message());
    clear_answer();
  }

  // No culprit, no removal, no safe set: an answer reported before a restart is withdrawn.
  void clear_answer() {
    m_result.culprits.clear();
    m_result.removal.clear();
    m_result.removals.clear();
    m_result.restored.clear();
    m_result.safe_set.clear();
    m_result.safe_trial = -1;
    m_result.maximal = false;
    m_result.complete = false;
  }

  void report(const OptionSet& removal, bool all_decided) {
    const OptionSet safe = set_minus(m_universe, removal);
    // The safe set must have passing runs of its own, not only inferred
    // (the runs it lacks side by side, `jobs` at a time).
    const int unresolved_before = m_tester.stats(safe).unresolved;
    while (m_tester.stats(safe).fails == 0 && m_tester.stats(safe).passes < m_tester.repeats()) {
      m_tester.run_several(safe, Phase::Safe, m_tester.repeats() - m_tester.stats(safe).passes);
      if (m_tester.stats(safe).fails > 0) throw Contradiction(safe, safe);
      if (m_tester.stats(safe).unresolved - unresolved_before > m_config.unresolved_retries) {
        const int last = last_run(safe, Verdict::Unresolved);
        stop(SearchStatus::Unresolved, "the safe set could not be decided: " +
                                           m_tester.log().at(static_cast<std::size_t>(last)).outcome.reason);
        report_partial();
        return;
      }
    }
    if (m_tester.stats(safe).fails > 0) throw Contradiction(safe, safe);
    m_result.culprits = m_culprits;
    m_result.removal = removal;
    m_result.safe_set = safe;
    m_result.removals.clear();
    m_result.restored.clear();
    for (const auto& t : m_tester.log()) {
      if (t.options == safe && t.outcome.verdict == Verdict::Pass) m_result.safe_trial = t.index;
    }
    for (int option : removal) {
      Removal r;
      r.option = option;
      for (const auto& c : m_culprits) {
        if (!contains(c, option)) continue;
        if (c.size() == 1) {
          r.fails_alone = true;
        } else {
          r.together_with.push_back(set_minus(c, {option}));
        }
      }
      m_result.removals.push_back(std::move(r));
    }
    m_result.complete = m_strategy.finds_all() && all_decided;
    if (m_strategy.finds_all() && !all_decided) {
      note("some ways of removing the culprits could not be decided: other culprit sets may exist");
    }
    set_summary();
  }

  void set_summary() {
    std::string summary = std::to_string(m_culprits.size()) + " culprit set(s); remove " +
                          format_set(m_result.removal) + ", keep " +
                          std::to_string(m_result.safe_set.size()) + " option(s)";
    if (!m_result.restored.empty()) summary += " (" + format_set(m_result.restored) + " kept in context)";
    if (!m_result.undecided.empty()) {
      stop(SearchStatus::Unresolved, summary + "; options " + format_set(m_result.undecided) +
                                         " could not be decided (trials with them are unresolved)");
    } else {
      stop(SearchStatus::Found, summary);
    }
  }

  void learn_weights() {
    if (!m_config.weigh) return;
    std::vector<double> learned = m_config.weigh(m_tester.log());
    if (learned.size() == static_cast<std::size_t>(m_option_count)) m_weights = std::move(learned);
  }

  double weight(int option) const {
    return static_cast<std::size_t>(option) < m_weights.size() ? m_weights[option] : 1.0;
  }

  int last_run(const OptionSet& set, Verdict verdict) const {
    int index = -1;
    for (const auto& t : m_tester.log()) {
      if (t.options == set && t.outcome.verdict == verdict) index = t.index;
    }
    return index;
  }

  // Step 2 of search.h: add back each removed option, most valuable first,
  // while the template passes; repeat until none comes back.
  void in_context() {
    if (m_result.safe_trial < 0 || m_result.removal.empty()) return;
    const int runs_before = m_tester.run_count();
    OptionSet safe = m_result.safe_set;
    // In flaky mode a line comes back only after as many passes as would show
    // a failure rate of min_failure_rate with the requested confidence: the
    // full set's rate, which sets repeats(), adds up several flaky lines and
    // overstates each one's.
    const int repeats = m_tester.repeats();
    if (m_flaky) {
      m_tester.set_repeats(std::max(
          repeats, repeats_for_rate(m_config.min_failure_rate, m_config.confidence, m_config.max_repeats)));
    }
    if (m_config.context) add_back(safe);
    m_tester.set_repeats(repeats);
    m_result.context_trials = m_tester.run_count() - runs_before;
    m_result.restored = set_minus(safe, m_result.safe_set);
    m_result.safe_set = safe;
    m_result.removal = set_minus(m_result.removal, m_result.restored);
    if (!m_result.restored.empty()) m_result.safe_trial = last_run(safe, Verdict::Pass);
    std::erase_if(m_result.removals, [&](const Removal& r) { return contains(m_result.restored, r.option); });
    m_result.maximal = true;
    for (auto& r : m_result.removals) {
      const OptionSet with = set_union(safe, {r.option});
      r.add_back_trial = m_tester.stats(with).fails > 0 ? last_run(with, Verdict::Fail) : -1;
      if (r.add_back_trial < 0) m_result.maximal = false;
    }
    if (m_config.context && !m_result.maximal) {
      note(
          "some removed options could not be added back to the safe set decisively: it may not be 1-maximal");
    }
    if (m_result.status == SearchStatus::Found || !m_result.undecided.empty()) set_summary();
  }

  // The loop of step 2: each removed option, most valuable first, added back
  // to `safe` when the template still passes; rounds until none comes back.
  // Each question goes with the questions that come next if it fails and if
  // it passes (SetTester::test_exact_speculating).
  void add_back(OptionSet& safe) {
    std::vector<int> order = m_result.removal;
    std::sort(order.begin(), order.end(), [&](int a, int b) {
      if (weight(a) != weight(b)) return weight(a) > weight(b);
      return m_rank[a] < m_rank[b];
    });
    std::map<int, OptionSet>
        failed_beside;  // option -> the safe set it last failed (or stayed unresolved) with
    const auto asked = [&](int option, const OptionSet& beside) {
      if (contains(beside, option)) return false;
      const auto it = failed_beside.find(option);
      return it == failed_beside.end() || it->second != beside;
    };
    // The first question run after position `from` beside `beside`, going
    // round to the start when the loop would (`wrap`); `skip` has just
    // failed. A set that failed before is answered without a run.
    const auto next_question = [&](std::size_t from, const OptionSet& beside, bool wrap,
                                   int skip) -> std::vector<OptionSet> {
      for (std::size_t k = from; k < order.size() + (wrap ? from : 0); ++k) {
        const int o = order[k % order.size()];
        if (o == skip || !asked(o, beside)) continue;
        OptionSet question = set_union(beside, {o});
        if (m_tester.stats(question).fails == 0) return {std::move(question)};
      }
      return {};
    };
    for (bool added = true; added;) {
      added = false;
      for (std::size_t i = 0; i < order.size(); ++i) {
        const int option = order[i];
        if (!asked(option, safe)) continue;
        const OptionSet with = set_union(safe, {option});
        const std::vector<OptionSet> if_passes = next_question(i + 1, with, true, -1);
        std::vector<OptionSet> next = next_question(i + 1, safe, added, option);
        next.insert(next.end(), if_passes.begin(), if_passes.end());
        if (m_tester.test_exact_speculating(with, next, Phase::Context) == Verdict::Pass) {
          confirm_restored(with, if_passes);
          safe = with;
          added = true;
        } else {
          failed_beside[option] = safe;
        }
      }
    }
  }

  // In deterministic mode one pass decides, but a pass where a subset was
  // seen failing is where a flaky failure hides (or a relaxation works):
  // rerun it confirm_runs times (beside `next`, the question that follows);
  // a failure there means flaky, restart.
  void confirm_restored(const OptionSet& with, const std::vector<OptionSet>& next) {
    if (m_flaky || m_tester.known(with) != Verdict::Fail) return;
    for (int i = 0; i < m_config.confirm_runs; ++i) {
      if (m_tester.run_once_speculating(with, next, Phase::Context, true).verdict == Verdict::Fail) {
        throw Contradiction(with, with);
      }
    }
  }

  // Step 3 of search.h: what each culprit set kept in the template passes with.
  void explain_kept() {
    if (!m_config.explain_kept || m_result.safe_trial < 0) return;
    const int runs_before = m_tester.run_count();
    for (const auto& culprit : m_result.culprits) {
      if (!is_subset_of(culprit, m_result.safe_set)) continue;
      std::vector<int> others = set_minus(m_result.safe_set, culprit);
      std::sort(others.begin(), others.end(), [&](int a, int b) { return m_rank[a] < m_rank[b]; });
      KeptCulprit kept;
      kept.culprit = culprit;
      PassesWith predicate(m_tester, culprit, others);
      const CulpritSearch found =
          find_culprit_set(predicate, {}, all_options(static_cast<int>(others.size())));
      if (found.culprit) {
        kept.passes_with = set_minus(predicate.options(*found.culprit), culprit);
        kept.trial = last_run(predicate.options(*found.culprit), Verdict::Pass);
      } else {
        note("could not find what " + format_set(culprit) + " passes with: " + found.stuck);
      }
      m_result.kept.push_back(std::move(kept));
    }
    m_result.explain_trials = m_tester.run_count() - runs_before;
  }

  void finish() {
    m_tester.settle();
    m_result.trials = m_tester.log();
    m_result.trial_count = m_tester.run_count();
    m_result.distinct_sets = m_tester.distinct_sets();
    for (const auto& t : m_result.trials) {
      if (t.outcome.verdict == Verdict::Unresolved) {
        m_result.unresolved.push_back({t.index, t.options, t.outcome.reason});
      }
    }
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
    m_result.weights = m_weights;
    if (m_result.message.empty()) m_result.message = status_name(m_result.status);
  }

  const SearchConfig& m_config;
  Strategy& m_strategy;
  SetTester m_tester;
  int m_option_count;
  std::vector<double> m_weights;
  std::vector<int> m_rank;  // each option's place in the canonical order (keys)
  SearchResult m_result;
  OptionSet m_universe;
  std::vector<OptionSet> m_culprits;
  bool m_flaky = false;
  bool m_baseline_rechecked = false;    // in flaky mode, for single-option culprits
  double m_posterior_confidence = 1.0;  // lowest posterior of a culprit it found
  int m_posterior_repeats = 1;
  int m_posterior_fails = 0;  // runs with the culprit that sets the repeats
  int m_posterior_passes = 0;
  int m_pool_fails = 0;
  int m_pool_passes = 0;
};

}  // namespace

SearchResult run_search(Oracle& oracle, int option_count, const SearchConfig& config) {
  auto strategy = make_strategy(config.strategy);
  if (!strategy) throw std::invalid_argument("unknown search strategy '" + config.strategy + "'");
  if (option_count < 0) throw std::invalid_argument("negative option count");
  if (!config.weights.empty() && config.weights.size() != static_cast<std::size_t>(option_count)) {
    throw std::invalid_argument("weights must have one entry per option");
  }
  if (!config.keys.empty() && config.keys.size() != static_cast<std::size_t>(option_count)) {
    throw std::invalid_argument("keys must have one entry per option");
  }
  if (!(config.confidence > 0.0 && config.confidence < 1.0)) {
    throw std::invalid_argument("confidence must be between 0 and 1");
  }
  Engine engine(oracle, option_count, config, *strategy);
  return engine.run();
}

}  // namespace hb::search
