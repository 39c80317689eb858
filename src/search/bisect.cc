#include "search/bisect.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>
#include <vector>

#include "search/option_set.h"
#include "search/posterior.h"

namespace hb::search {
namespace {

// The split point nearest the middle of (lo, hi) whose test is not known to
// be unresolved; -1 when every one is.
int pick_mid(int lo, int hi, const std::set<int>& unresolved) {
  const int middle = lo + (hi - lo) / 2;
  int best = -1;
  for (int m = lo + 1; m < hi; ++m) {
    if (unresolved.count(m)) continue;
    if (best < 0 || std::abs(m - middle) < std::abs(best - middle)) best = m;
  }
  return best;
}

struct Narrowed {
  int hi = 0;                        // prefix(hi - 1) good, prefix(hi) bad
  std::optional<OptionSet> culprit;  // found early, by a test alone
  std::string stuck;                 // when neither
};

// The sets the narrowing asks about: the fixed options with a prefix of the
// candidates, or with one candidate alone.
class Questions {
 public:
  Questions(const OptionSet& fixed, const OptionSet& candidates) : m_fixed(fixed), m_candidates(candidates) {}

  OptionSet prefix(int length) const {
    return set_union(m_fixed, OptionSet(m_candidates.begin(), m_candidates.begin() + length));
  }
  OptionSet alone(int index) const { return set_union(m_fixed, {m_candidates[index]}); }
  int candidate(int index) const { return m_candidates[index]; }

  // The question Narrowing::run asks first for the range (lo, hi), if any:
  // what a parallel predicate runs alongside, one step ahead.
  std::optional<OptionSet> first(int lo, int hi, const std::set<int>& unresolved) const {
    if (hi - lo <= 1) return std::nullopt;
    if (hi - lo == 2 && lo > 0) return alone(lo);
    const int mid = pick_mid(lo, hi, unresolved);
    if (mid < 0) return std::nullopt;
    return prefix(mid);
  }

 private:
  const OptionSet& m_fixed;
  const OptionSet& m_candidates;
};

class Narrowing : private Questions {
 public:
  Narrowing(Predicate& predicate, const OptionSet& fixed, const OptionSet& candidates)
      : Questions(fixed, candidates), m_predicate(predicate) {}

  // Binary search for the shortest bad prefix, given that prefix(lo) is good
  // and prefix(hi) bad. Each question goes with the next question of each
  // possible answer, the larger side first (SetTester::test_speculating): the
  // questions and the answer are those of one trial at a time.
  Narrowed run(int lo, int hi) {
    while (hi - lo > 1) {
      if (hi - lo == 2 && lo > 0) {
        // Two candidates left, with other options still in the prefix: try
        // each with the fixed options alone. In the common case of a single
        // culprit this test also confirms the result, saving a trial on
        // average; when it passes, it is remembered and not run again.
        if (m_predicate.test_speculating(alone(lo), {alone(lo + 1)}, Phase::Confirm) == Verdict::Fail)
          return {hi, alone(lo), {}};
        if (m_predicate.test(alone(lo + 1), Phase::Confirm) == Verdict::Fail) return {hi, alone(lo + 1), {}};
      }
      const int mid = pick_mid(lo, hi, m_unresolved);
      if (mid < 0) {
        return {hi, std::nullopt,
                "every trial that could narrow down the options " + std::to_string(candidate(lo)) + ".." +
                    std::to_string(candidate(hi - 1)) + " was unresolved"};
      }
      std::vector<OptionSet> next;
      for (auto [l, h] : mid - lo >= hi - mid ? std::vector<std::pair<int, int>>{{lo, mid}, {mid, hi}}
                                              : std::vector<std::pair<int, int>>{{mid, hi}, {lo, mid}}) {
        if (auto q = first(l, h, m_unresolved)) next.push_back(std::move(*q));
      }
      switch (m_predicate.test_speculating(prefix(mid), next, Phase::Search)) {
        case Verdict::Fail:
          hi = mid;
          break;
        case Verdict::Pass:
          lo = mid;
          break;
        case Verdict::Unresolved:
          m_unresolved.insert(mid);
          break;
      }
    }
    return {hi, std::nullopt, {}};
  }

 private:
  Predicate& m_predicate;
  std::set<int> m_unresolved;
};

// Invariant of the narrowing: prefix(lo) is good, prefix(hi) is bad. Earlier
// searches often already know longer good prefixes (free with monotonicity).
std::pair<int, int> known_range(const Predicate& predicate, const OptionSet& fixed,
                                const OptionSet& candidates) {
  int lo = 0;
  int hi = static_cast<int>(candidates.size());
  for (int length = 1; length < hi; ++length) {
    const auto k =
        predicate.known(set_union(fixed, OptionSet(candidates.begin(), candidates.begin() + length)));
    if (k == Verdict::Pass) lo = length;
    if (k == Verdict::Fail) {
      hi = length;
      break;
    }
  }
  return {lo, hi};
}

}  // namespace

std::optional<OptionSet> first_culprit_question(const Predicate& predicate, const OptionSet& fixed,
                                                const OptionSet& candidates) {
  if (candidates.empty()) return std::nullopt;
  const auto [lo, hi] = known_range(predicate, fixed, candidates);
  return Questions(fixed, candidates).first(lo, hi, {});
}

CulpritSearch find_culprit_set(Predicate& predicate, OptionSet fixed, OptionSet candidates) {
  while (!candidates.empty()) {
    auto [lo, hi] = known_range(predicate, fixed, candidates);
    const Narrowed narrowed = Narrowing(predicate, fixed, candidates).run(lo, hi);
    if (narrowed.culprit) return {narrowed.culprit, {}};
    if (!narrowed.stuck.empty()) return {std::nullopt, narrowed.stuck};
    hi = narrowed.hi;
    // prefix(hi - 1) is good and prefix(hi) bad: the last option of
    // prefix(hi) is needed, together with options before it, if any.
    fixed = set_union(fixed, {candidates[hi - 1]});
    candidates.resize(hi - 1);
    if (candidates.empty()) break;
    // Beside it: its rerun if a failure makes it the culprit, else the
    // narrowing's next question if it passes.
    std::vector<OptionSet> next;
    if (predicate.reruns_culprit(fixed)) {
      next.push_back(fixed);
    } else if (auto q = first_culprit_question(predicate, fixed, candidates)) {
      next.push_back(std::move(*q));
    }
    switch (predicate.test_speculating(fixed, next, Phase::Confirm)) {
      case Verdict::Fail:
        return {fixed, {}};
      case Verdict::Pass:
        break;
      case Verdict::Unresolved: {
        return {std::nullopt, "could not decide whether " + format_set(fixed) + " fails by itself"};
      }
    }
  }
  return {fixed, {}};
}

std::optional<OptionSet> Bisect::first_question(const SetTester& tester, const OptionSet& failing) const {
  if (tester.repeats() > 1) return std::nullopt;  // the posterior chooses
  return first_culprit_question(tester, {}, failing);
}

StrategyFind Bisect::find(SetTester& tester, const OptionSet& failing) {
  if (tester.repeats() > 1) {
    // Flaky mode: the posterior first, within about twice what repeated
    // bisection would cost; repeated bisection when it does not settle.
    const int levels = static_cast<int>(std::ceil(std::log2(failing.size() + 1.0)));
    const int budget = 2 * tester.repeats() * (levels + 1);
    const PosteriorFind found = find_by_posterior(tester, failing, tester.config().confidence, budget);
    if (found.baseline) {
      StrategyFind out{{}, "the baseline failed"};
      out.flaky_baseline = true;
      return out;
    }
    if (found.culprit) {
      StrategyFind out{{{*found.culprit}}, {}};
      out.by_posterior = true;
      out.confidence = found.confidence;
      out.culprit_fails = found.fails;
      out.culprit_passes = found.passes;
      return out;
    }
  }
  CulpritSearch found = find_culprit_set(tester, {}, failing);
  if (!found.culprit) return {{}, found.stuck};
  return {{*found.culprit}, {}};
}

}  // namespace hb::search
