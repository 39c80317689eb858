#pragma once
// Tests option sets for the strategies; it runs no trial itself (the Oracle
// does, through the TrialLog, which logs, counts and reports every run).
// Repeats a set as the flakiness estimate requires and answers from the
// counted runs by monotonicity (a superset of a failing set fails, a subset
// of a passing set passes). Strategies only see Predicate.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "search/oracle.h"
#include "search/search.h"
#include "search/trial_log.h"

namespace hb::search {

// A yes/no/unknown question about option sets, monotone in the set: "bad"
// is Verdict::Fail, "good" is Verdict::Pass, Verdict::Unresolved is neither.
class Predicate {
 public:
  virtual ~Predicate() = default;
  virtual Verdict test(const OptionSet& set, Phase phase) = 0;
  // The verdict if it is already known, without running anything.
  virtual std::optional<Verdict> known(const OptionSet& set) const = 0;
  // Questions independent of each other's answers, asked at once (a parallel
  // oracle runs them side by side); the default asks them one by one.
  virtual std::vector<Verdict> test_many(const std::vector<OptionSet>& sets, Phase phase) {
    std::vector<Verdict> verdicts;
    for (const auto& set : sets) verdicts.push_back(test(set, phase));
    return verdicts;
  }
  // test(set), telling which sets may be asked next (a parallel tester runs
  // them alongside, see SetTester::test_speculating); default: test(set).
  virtual Verdict test_speculating(const OptionSet& set, const std::vector<OptionSet>& next, Phase phase) {
    (void)next;
    return test(set, phase);
  }
  // How many questions test_many() answers in the time of one; 1 = no gain
  // in asking several (a search then asks only what it needs next).
  virtual int parallelism() const { return 1; }
  // Whether a culprit set found now is run once more as soon as it is found
  // (search.h, confirm_runs): a speculating search runs it twice at once.
  virtual bool reruns_culprit(const OptionSet& culprit) const {
    (void)culprit;
    return false;
  }
};

// A set failed although a superset of it had passed enough runs to be
// trusted: that pass was wrong. The engine re-estimates and starts again.
// Also thrown when a failure could not be reproduced at all (`why` says how:
// its rerun stayed unresolved): one failure is no deterministic culprit.
struct Contradiction : std::runtime_error {
  Contradiction(OptionSet failing_set, OptionSet passed_set, std::string why_text = {})
      : std::runtime_error("contradiction"),
        failing(std::move(failing_set)),
        passed(std::move(passed_set)),
        why(std::move(why_text)) {}
  OptionSet failing;
  OptionSet passed;
  std::string why;  // empty: `passed` passed
};

class SetTester : public Predicate {
 public:
  SetTester(Oracle& oracle, int option_count, const SearchConfig& config);

  // From memory when known; otherwise runs the set until it fails once,
  // passes `repeats()` times in all, or stays unresolved.
  Verdict test(const OptionSet& set, Phase phase) override;
  std::optional<Verdict> known(const OptionSet& set) const override;
  // Same as test() for sets independent of each other: each round of runs
  // goes to the oracle as one batch.
  std::vector<Verdict> test_many(const std::vector<OptionSet>& sets, Phase phase) override;
  // config.jobs while each set runs once (deterministic mode); 1 in flaky
  // mode, where the repeats of one set already fill the jobs.
  int parallelism() const override { return m_repeats == 1 ? std::max(1, m_config.jobs) : 1; }
  // The engine's rule (RemovalSearch::verify_culprit): in deterministic mode, a set
  // of two or more options, or any culprit after the first.
  bool reruns_culprit(const OptionSet& culprit) const override {
    return m_repeats == 1 && m_config.confirm_runs > 0 && (culprit.size() >= 2 || m_found_before);
  }
  void set_found_before(bool found) { m_found_before = found; }

  // test() of `set`, and with parallel trials, in the same batch, runs of
  // the sets the caller may ask next (`next`, up to parallelism() - 1 of
  // them not known yet). Those speculative runs are logged when they run but
  // stay out of the memory until the caller asks for that set (its run is
  // then taken from them): every verdict and every inference is the one a
  // search one trial at a time would see, so the answers are the same, even
  // where failures are not monotone.
  Verdict test_speculating(const OptionSet& set, const std::vector<OptionSet>& next, Phase phase) override;

  // This exact set, judged only by its own runs (no inference from other
  // sets, no contradiction): FAIL once it has failed, PASS after `repeats()`
  // passes. For questions where failures are not monotone (the template's
  // context: does IPAddressDeny= pass beside IPAddressAllow=?). The exact
  // questions that may come next (`next`) run speculatively beside it as in
  // test_speculating (a set whose own runs already decide it is not run
  // again; inference from other sets is not used).
  Verdict test_exact(const OptionSet& set, Phase phase, const std::vector<OptionSet>& next = {});
  // Runs `set` up to `runs` more times whatever memory says, stopping at its
  // first failure (which throws Contradiction when a trusted pass contains it).
  Verdict retest(const OptionSet& set, Phase phase, int runs);

  // One run, retried while UNRESOLVED up to the retry limit; no inference.
  // With `next`, the sets that may come next run beside it as in
  // test_speculating (`exact`: skip only the sets whose own runs decide
  // them, as test_exact would).
  Outcome run_once(const OptionSet& set, Phase phase, const std::vector<OptionSet>& next = {},
                   bool exact = false);
  // Up to `count` runs of a set at once (config.jobs at most); for estimates.
  void run_several(const OptionSet& set, Phase phase, int count);

  // Reports the speculative runs never asked for (TrialLog::settle).
  void settle() { m_log.settle(); }

  void set_repeats(int repeats) { m_repeats = repeats; }
  int repeats() const { return m_repeats; }
  SetStats stats(const OptionSet& set) const { return m_log.stats(set); }
  int run_count() const { return m_log.run_count(); }
  int distinct_sets() const { return static_cast<int>(m_log.entries().size()); }
  const std::vector<TrialRecord>& log() const { return m_log.records(); }
  // Each distinct set with its counted runs (speculative ones once asked).
  const std::vector<TrialLog::Entry>& entries() const { return m_log.entries(); }
  const SearchConfig& config() const { return m_config; }

 private:
  // Runs `set` and, beside it, the sets that may come next (up to
  // parallelism() - 1), and returns the set's outcome; nullopt when nothing
  // ran: nothing to speculate, or the set ran speculatively already (the
  // log's run() takes that run). `exact`: skip only the sets whose own runs
  // decide them (test_exact's questions), not those decided by inference.
  std::optional<Outcome> run_with_speculation(const OptionSet& set, const std::vector<OptionSet>& next,
                                              Phase phase, bool exact = false);
  bool decided_exactly(const OptionSet& set) const;
  // Throws Contradiction when `failing` is inside a trusted pass.
  void check_contradiction(const OptionSet& failing) const;

  TrialLog m_log;
  const SearchConfig& m_config;
  int m_repeats = 1;
  bool m_found_before = false;  // a culprit set was found before this search (reruns_culprit)
};

}  // namespace hb::search
