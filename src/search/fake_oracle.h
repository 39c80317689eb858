#pragma once
// An oracle driven by a rule table, for tests, benchmarks and the CLI's
// dry runs: "fails iff {0} or {2,5} is a subset of the applied set", each
// rule optionally firing only with some probability (seeded, reproducible),
// and "unresolved iff option k is applied". Records every call.
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "search/oracle.h"

namespace hb::search {

struct FakeRule {
  OptionSet options;         // the rule applies when all of these are applied
  double probability = 1.0;  // chance that an applying rule makes the trial fail
  bool unresolved = false;   // the trial is UNRESOLVED instead of failing
  OptionSet unless;          // ... and none of these is applied (a relaxation: "fails iff A and not B")
  // > 0: the rule fires only in the first `first_runs` trials it applies to,
  // then never again (a hiccup that does not come back); 0 = every time.
  int first_runs = 0;
};

// Parses "0|2,5@0.3|?7|4!6|1,2#1": rules separated by '|', options by ',';
// "@p" gives the failure probability; a leading '?' makes it an unresolved
// rule; "#k" makes it fire only in the first k trials it applies to (a
// failure that happened once and never again: "0,1,2,3#1");
// "!6,7" lists options whose presence defuses the rule (non-monotone: "4!6"
// fails iff 4 is applied and 6 is not, IPAddressDeny= beside IPAddressAllow=);
// an empty rule applies always (a baseline failure: "|3", "@0.2|3"); an empty
// text has no rules. Throws hb::UserError.
std::vector<FakeRule> parse_fake_rules(std::string_view text);
std::string format_fake_rules(const std::vector<FakeRule>& rules);

class FakeOracle : public Oracle {
 public:
  explicit FakeOracle(std::vector<FakeRule> rules, std::uint64_t seed = 1);

  // Unresolved rules win over failing rules (the trial could not be judged).
  Outcome test(const OptionSet& options) override { return wait(start(options)); }
  // The outcome is drawn at once, in the order trials start; the trial takes
  // one round of a simulated clock on the first of `jobs` slots to be free.
  Ticket start(const OptionSet& options) override;
  // Moves the clock to the trial's end.
  Outcome wait(Ticket ticket) override;

  // Models an oracle that runs `jobs` trials side by side, each taking one
  // round: rounds() is then the wall time in trials (a test() alone is one
  // round, a batch of k is ceil(k / jobs), a trial started while the search
  // waits for another overlaps it).
  void set_jobs(int jobs) { m_free_at.assign(static_cast<std::size_t>(jobs < 1 ? 1 : jobs), m_clock); }
  // How many rounds a trial of a set takes (default: one).
  void set_rounds_of(std::function<int(const OptionSet&)> rounds_of) { m_rounds_of = std::move(rounds_of); }
  int rounds() const { return m_clock; }

  // Ground truth ignoring probabilities: some failing rule applies.
  bool can_fail(const OptionSet& options) const;
  bool is_unresolved(const OptionSet& options) const;

  const std::vector<OptionSet>& calls() const { return m_calls; }
  const std::vector<FakeRule>& rules() const { return m_rules; }
  // Whether `rule` applies to `options`: all of rule.options, none of rule.unless.
  static bool applies(const FakeRule& rule, const OptionSet& options);

 private:
  std::vector<FakeRule> m_rules;
  std::vector<int> m_fired;  // per rule: trials it applied to so far (first_runs)
  std::mt19937_64 m_rng;
  Outcome judge(const OptionSet& options);

  std::vector<OptionSet> m_calls;
  std::vector<int> m_free_at = {0};  // when each slot ends its last trial
  std::function<int(const OptionSet&)> m_rounds_of;
  int m_clock = 0;
  std::map<Ticket, std::pair<Outcome, int>> m_running;  // outcome, end
  Ticket m_next = 0;
};

}  // namespace hb::search
