#pragma once
// Every oracle run of one search, in order (TrialRecord): starts and waits
// for runs through the Oracle, keeps to the trial budget, logs and reports
// each run (SearchConfig::on_trial), counts the runs of each distinct set,
// and holds speculative runs out of those counts until the search asks for
// that set. Progress (on_start, on_trial) comes in trial order. It judges nothing: SetTester does, from these
// counts.
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "search/oracle.h"
#include "search/search.h"

namespace hb::search {

struct BudgetExhausted : std::runtime_error {
  BudgetExhausted() : std::runtime_error("trial budget exhausted") {}
};

// Runs of one distinct set.
struct SetStats {
  int passes = 0;
  int fails = 0;
  int unresolved = 0;
};

class TrialLog {
 public:
  using Mask = std::vector<std::uint64_t>;
  // A distinct set, its bit mask (for subset tests) and its counted runs.
  struct Entry {
    OptionSet set;
    Mask mask;
    SetStats stats;
  };

  TrialLog(Oracle& oracle, int option_count, const SearchConfig& config)
      : m_oracle(oracle), m_option_count(option_count), m_config(config) {}

  // One run (number `run` of this set); a speculative run of the set, if
  // any, is taken instead (counted now and logged under `phase`; it was
  // reported when it ended).
  Outcome run(const OptionSet& set, Phase phase, int run);
  // run(), retried while UNRESOLVED up to the retry limit (runs 1, 2, ...).
  Outcome run_retrying(const OptionSet& set, Phase phase);
  // `count` runs of one set at once (runs first_run...).
  std::vector<Outcome> run_batch(const OptionSet& set, Phase phase, int count, int first_run);
  // One run of each set at once, each logged as run `run`.
  std::vector<Outcome> run_sets(const std::vector<OptionSet>& sets, Phase phase, int run);
  // Runs `set` and `beside` at once and returns the set's outcome; each run
  // of `beside` ends before this returns (the log never depends on timing)
  // and is held as speculative: logged, not counted until asked for.
  Outcome run_beside(const OptionSet& set, const std::vector<OptionSet>& beside, Phase phase);
  bool speculated(const OptionSet& set) const;
  // Marks the speculative runs never asked for as unasked (each was
  // reported when it ended, under the phase it ran beside).
  void settle();

  SetStats stats(const OptionSet& set) const;
  // stats(set), entering `set` as a distinct set if it is not one yet.
  SetStats enter(const OptionSet& set) { return entry(set).stats; }
  const std::vector<Entry>& entries() const { return m_entries; }
  const Entry* find_entry(const OptionSet& set) const;  // nullptr when `set` is no distinct set yet
  Mask mask_of(const OptionSet& set) const;
  static bool is_subset(const Mask& a, const Mask& b);
  int run_count() const { return static_cast<int>(m_log.size()); }
  const std::vector<TrialRecord>& records() const { return m_log; }

 private:
  // A run started and logged (its record waits for the outcome).
  struct Started {
    Ticket ticket = 0;
    int trial = 0;  // its record in the log
  };
  struct Speculated {
    OptionSet set;
    int trial = 0;  // its record in the log, outcome filled in
  };

  void check_budget(int more) const;
  // The search's total runs as estimated now, with `runs` logged (estimate.h).
  int estimate(Phase phase, int runs) const;
  // on_start for the run that will be log entry `index`.
  void announce(const OptionSet& set, Phase phase, int run, int index) const;
  // on_trial for a run that ended, with the estimate filled in.
  void report(TrialRecord& record) const;
  Entry& entry(const OptionSet& set);
  void record(const OptionSet& set, Phase phase, int run, const Outcome& outcome);
  void count(const OptionSet& set, const Outcome& outcome);
  Started start_logged(const OptionSet& set, Phase phase, int run);
  // Waits for a started run, completes its record, counts it and reports it.
  Outcome finish(const Started& started);

  Oracle& m_oracle;
  int m_option_count;
  const SearchConfig& m_config;
  std::vector<Entry> m_entries;
  std::vector<TrialRecord> m_log;
  std::vector<Speculated> m_speculated;  // ran, not asked for yet
};

}  // namespace hb::search
