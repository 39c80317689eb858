#include "search/in_context.h"

#include <algorithm>
#include <map>

#include "search/option_set.h"
#include "search/repeats.h"

namespace hb::search {

namespace {

// The loop of step 2: each removed option, most valuable first, added back
// to `safe` when the template still passes; rounds until none comes back.
// Each question goes with the questions that come next if it fails and if
// it passes (SetTester::test_exact).
class AddBack {
 public:
  AddBack(SetTester& tester, const SearchConfig& config, bool flaky, std::vector<int> order)
      : m_tester(tester), m_config(config), m_flaky(flaky), m_order(std::move(order)) {}

  void run(OptionSet& safe) {
    for (bool added = true; added;) {
      added = false;
      for (std::size_t i = 0; i < m_order.size(); ++i) {
        const int option = m_order[i];
        if (!asked(option, safe)) continue;
        const OptionSet with = set_union(safe, {option});
        const std::vector<OptionSet> if_passes = next_question(i + 1, with, true, -1);
        std::vector<OptionSet> next = next_question(i + 1, safe, added, option);
        next.insert(next.end(), if_passes.begin(), if_passes.end());
        if (m_tester.test_exact(with, Phase::Context, next) == Verdict::Pass) {
          confirm_restored(with, if_passes);
          safe = with;
          added = true;
        } else {
          m_failed_beside[option] = safe;
        }
      }
    }
  }

 private:
  bool asked(int option, const OptionSet& beside) const {
    if (contains(beside, option)) return false;
    const auto it = m_failed_beside.find(option);
    return it == m_failed_beside.end() || it->second != beside;
  }

  // The first question run after position `from` beside `beside`, going
  // round to the start when the loop would (`wrap`); `skip` has just
  // failed. A set that failed before is answered without a run.
  std::vector<OptionSet> next_question(std::size_t from, const OptionSet& beside, bool wrap, int skip) const {
    for (std::size_t k = from; k < m_order.size() + (wrap ? from : 0); ++k) {
      const int o = m_order[k % m_order.size()];
      if (o == skip || !asked(o, beside)) continue;
      OptionSet question = set_union(beside, {o});
      if (m_tester.stats(question).fails == 0) return {std::move(question)};
    }
    return {};
  }

  // In deterministic mode one pass decides, but a pass where a subset was
  // seen failing is where a flaky failure hides (or a relaxation works):
  // rerun it confirm_runs times (beside `next`, the question that follows);
  // a failure there means flaky, restart.
  void confirm_restored(const OptionSet& with, const std::vector<OptionSet>& next) {
    if (m_flaky || m_tester.known(with) != Verdict::Fail) return;
    for (int i = 0; i < m_config.confirm_runs; ++i) {
      if (m_tester.run_once(with, Phase::Context, next, true).verdict == Verdict::Fail) {
        throw Contradiction(with, with);
      }
    }
  }

  SetTester& m_tester;
  const SearchConfig& m_config;
  bool m_flaky;
  std::vector<int> m_order;
  std::map<int, OptionSet>
      m_failed_beside;  // option -> the safe set it last failed (or stayed unresolved) with
};

// The answer after the context step: `safe` is the safe set it ended with.
void record_context(const SetTester& tester, const SearchConfig& config, const OptionSet& safe,
                    SearchResult& result) {
  result.restored = set_minus(safe, result.safe_set);
  result.safe_set = safe;
  result.removal = set_minus(result.removal, result.restored);
  if (!result.restored.empty()) result.safe_trial = last_run(tester, safe, Verdict::Pass);
  std::erase_if(result.removals, [&](const Removal& r) { return contains(result.restored, r.option); });
  result.maximal = true;
  for (auto& r : result.removals) {
    const OptionSet with = set_union(safe, {r.option});
    r.add_back_trial = tester.stats(with).fails > 0 ? last_run(tester, with, Verdict::Fail) : -1;
    if (r.add_back_trial < 0) result.maximal = false;
  }
  if (config.context && !result.maximal) {
    note(result,
         "some removed options could not be added back to the safe set decisively: it may not be 1-maximal");
  }
}

}  // namespace

void add_back_in_context(SetTester& tester, const SearchConfig& config, const Ranking& ranking, bool flaky,
                         std::size_t culprit_sets, SearchResult& result) {
  if (result.safe_trial < 0 || result.removal.empty()) return;
  const int runs_before = tester.run_count();
  OptionSet safe = result.safe_set;
  // In flaky mode a line comes back only after as many passes as would show
  // a failure rate of min_failure_rate with the requested confidence: the
  // full set's rate, which sets repeats(), adds up several flaky lines and
  // overstates each one's.
  const int repeats = tester.repeats();
  if (flaky) {
    tester.set_repeats(
        std::max(repeats, repeats_for_rate(config.min_failure_rate, config.confidence, config.max_repeats)));
  }
  if (config.context) {
    std::vector<int> order = result.removal;
    std::sort(order.begin(), order.end(), [&](int a, int b) {
      if (ranking.weight(a) != ranking.weight(b)) return ranking.weight(a) > ranking.weight(b);
      return ranking.rank(a) < ranking.rank(b);
    });
    AddBack(tester, config, flaky, std::move(order)).run(safe);
  }
  tester.set_repeats(repeats);
  result.context_trials = tester.run_count() - runs_before;
  record_context(tester, config, safe, result);
  if (result.status == SearchStatus::Found || !result.undecided.empty()) set_summary(result, culprit_sets);
}

}  // namespace hb::search
