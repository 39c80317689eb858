#pragma once
// The only thing the search algorithms see of the world: give an option set,
// get an outcome. The real oracle runs a trial in a container; tests use fake
// oracles driven by rule tables.
#include <string>
#include <vector>

namespace hb::search {

// Indices into the scenario's ordered option list, sorted ascending, unique.
using OptionSet = std::vector<int>;

enum class Verdict { Pass, Fail, Unresolved };

struct Outcome {
  Verdict verdict = Verdict::Unresolved;
  std::string reason;  // why it failed or could not be decided; empty on Pass
};

class Oracle {
 public:
  virtual ~Oracle() = default;
  // Runs ONE trial with exactly these options applied on top of the baseline.
  virtual Outcome test(const OptionSet& options) = 0;

  // Runs independent trials; outcomes in the same order as `sets`. The
  // search hands over batches of trials it needs regardless of each other's
  // verdicts, so a parallel oracle can run them in concurrent containers.
  // The default runs them one after the other.
  virtual std::vector<Outcome> test_many(const std::vector<OptionSet>& sets) {
    std::vector<Outcome> outcomes;
    outcomes.reserve(sets.size());
    for (const auto& set : sets) outcomes.push_back(test(set));
    return outcomes;
  }
};

}  // namespace hb::search
