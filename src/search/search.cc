#include "search/search.h"

#include <stdexcept>

#include "search/answer.h"
#include "search/baseline.h"
#include "search/bisect.h"
#include "search/ddmin.h"
#include "search/explain.h"
#include "search/flakiness.h"
#include "search/full_set.h"
#include "search/in_context.h"
#include "search/linear.h"
#include "search/progressive.h"
#include "search/proved_culprits.h"
#include "search/removal_search.h"
#include "search/repeats.h"
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

// Runs the phases in order (search.h): the preconditions (baseline.h,
// full_set.h), the search (removal_search.h), restarted on contradictions
// with flakiness handled by flakiness.h, the context step (in_context.h) and
// the explain step (explain.h). Each phase gets only what it uses.
class Engine {
 public:
  Engine(Oracle& oracle, int option_count, const SearchConfig& config, Strategy& strategy)
      : m_config(config),
        m_strategy(strategy),
        m_tester(oracle, option_count, config),
        m_option_count(option_count),
        m_ranking(option_count, config),
        m_flakiness(m_tester, config, m_universe, strategy.weighs_runs(), m_result),
        m_baseline(m_tester, m_result),
        m_search(m_tester, config, strategy, m_ranking, m_universe, m_flakiness, m_baseline, m_result) {
    m_result.strategy = config.strategy;
    m_result.option_count = option_count;
  }

  SearchResult run() {
    try {
      if (preconditions_hold()) {
        m_ranking.learn(m_config, m_tester.log());
        search_until_consistent();
        list_proved_culprits(m_tester.entries(), m_config, m_tester.repeats(), m_result);
        if (m_config.explain_kept && m_result.safe_trial >= 0) explain_kept(m_tester, m_ranking, m_result);
      }
    } catch (const BudgetExhausted&) {
      stop(m_result, SearchStatus::Unresolved,
           "trial budget of " + std::to_string(m_config.max_trials) + " runs exhausted");
    }
    finish();
    return std::move(m_result);
  }

 private:
  bool preconditions_hold() {
    FullSetCheck full(m_tester, m_config, m_strategy.finds_all(), m_flakiness, m_universe, m_result);
    return m_baseline.check(m_option_count) && full.check(m_option_count) &&
           (!m_flakiness.flaky() || m_strategy.weighs_runs() || m_baseline.recheck());
  }

  // The search and the context step, restarted (flaky-aware) after each
  // contradiction, kMaxRestarts times at most.
  void search_until_consistent() {
    for (int restarts = 0;; ++restarts) {
      try {
        m_search.search();
        // Inside the loop: a restored line seen both passing and failing
        // is a contradiction too (flaky), and the search restarts.
        add_back_in_context(m_tester, m_config, m_ranking, m_flakiness.flaky(), m_search.culprit_count(),
                            m_result);
        return;
      } catch (const Contradiction& c) {
        if (restarts >= kMaxRestarts) {
          stop(m_result, SearchStatus::Unresolved,
               "trials kept contradicting each other; the failure may not be monotone in the options");
          return;
        }
        if (!m_flakiness.failure_reproduces(c)) return;
        m_flakiness.on_contradiction(c);
        if (!m_strategy.weighs_runs() && !m_baseline.recheck()) return;
      }
    }
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
    m_flakiness.report();
    state_ruled_out();
    m_result.weights = m_ranking.weights();
    if (m_result.message.empty()) m_result.message = status_name(m_result.status);
  }

  // What a passing verdict rules out (SearchResult::ruled_out); with
  // expect_failure, a NothingBreaks left by any path becomes Unresolved.
  void state_ruled_out() {
    const bool full_never_failed = m_tester.stats(m_universe).fails == 0;
    if (m_config.expect_failure && m_result.status == SearchStatus::NothingBreaks) {
      m_result.status = SearchStatus::Unresolved;
      m_result.message += " (--expect-failure: you have seen it fail, so this is not nothing-breaks)";
    }
    if (m_result.status == SearchStatus::NothingBreaks ||
        (m_config.expect_failure && m_result.status == SearchStatus::Unresolved && full_never_failed)) {
      m_result.ruled_out = passes_since_failure(m_universe);
    } else if (m_result.status == SearchStatus::Found && m_result.flaky && m_result.safe_trial >= 0) {
      m_result.ruled_out = passes_since_failure(m_result.safe_set);
    }
  }

  // The runs of `set` that passed after its last failure.
  RuledOut passes_since_failure(const OptionSet& set) const {
    int runs = 0;
    for (const auto& t : m_result.trials) {
      if (t.options != set || t.unasked) continue;
      if (t.outcome.verdict == Verdict::Fail) runs = 0;
      if (t.outcome.verdict == Verdict::Pass) ++runs;
    }
    return {ruled_out_rate(runs, m_config.confidence), m_config.confidence, runs};
  }

  const SearchConfig& m_config;
  Strategy& m_strategy;
  SetTester m_tester;
  int m_option_count;
  Ranking m_ranking;
  SearchResult m_result;
  OptionSet m_universe;  // the options searched: all but those set aside as undecided
  Flakiness m_flakiness;
  Baseline m_baseline;
  RemovalSearch m_search;
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
