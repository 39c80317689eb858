#pragma once
// The only thing the search algorithms see of the world: give an option set,
// get an outcome. The real oracle runs a trial in a container; tests use fake
// oracles driven by rule tables.
#include <map>
#include <string>
#include <vector>

#include "search/verdict.h"

namespace hb::search {

// Indices into the scenario's ordered option list, sorted ascending, unique.
using OptionSet = std::vector<int>;

struct Outcome {
  Verdict verdict = Verdict::Unresolved;
  std::string reason;  // why it failed or could not be decided; empty on Pass
  // The oracle's id for the trial that gave this outcome (the real oracle's
  // ticket), so the search's record of a run leads back to its trial
  // whatever order trials start and end in; -1 when the oracle gives none.
  int trial = -1;
};

// A trial started by Oracle::start(); its outcome is taken once by wait().
using Ticket = int;

class Oracle {
 public:
  virtual ~Oracle() = default;
  // Runs ONE trial with exactly these options applied on top of the baseline.
  virtual Outcome test(const OptionSet& options) = 0;

  // Runs independent trials; outcomes in the same order as `sets`. The
  // search hands over batches of trials it needs regardless of each other's
  // verdicts. The default starts them all, then waits for each.
  virtual std::vector<Outcome> test_many(const std::vector<OptionSet>& sets) {
    std::vector<Ticket> tickets;
    for (const auto& set : sets) tickets.push_back(start(set));
    std::vector<Outcome> outcomes;
    outcomes.reserve(sets.size());
    for (Ticket ticket : tickets) outcomes.push_back(wait(ticket));
    return outcomes;
  }

  // Starts ONE trial and returns; a parallel oracle runs it in the background
  // (its jobs at most at once, the rest queue in the order started), and
  // wait() takes each outcome when the search needs it. Trials count in the
  // order they are started (the n-th start is the search's n-th run). The
  // default runs it now, with test().
  virtual Ticket start(const OptionSet& options) {
    m_ready.emplace(m_next, test(options));
    return m_next++;
  }
  // The outcome of a started trial, once; waits for it.
  virtual Outcome wait(Ticket ticket) {
    Outcome outcome = m_ready.at(ticket);
    m_ready.erase(ticket);
    return outcome;
  }

 private:
  std::map<Ticket, Outcome> m_ready;
  Ticket m_next = 0;
};

}  // namespace hb::search
