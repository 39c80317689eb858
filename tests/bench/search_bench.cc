// Trial counts of each search strategy on fake oracles: one culprit, two
// independent culprits, one pair that only fails together, and one culprit
// failing 30% of the time (confidence 0.95). Averaged over seeds, with the
// culprits at random positions. Prints a table; see search_trials.sh.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "search/fake_oracle.h"
#include "search/option_set.h"
#include "search/search.h"

using namespace hb::search;

namespace {

struct Scenario {
  const char* name;
  int culprits;     // options drawn
  bool pair;        // the options form one pair rule
  double probability;
};

struct Cell {
  double runs = 0;        // mean oracle runs
  int worst = 0;
  double correct = 0;     // share of seeds with the exact answer
};

std::vector<FakeRule> make_rules(const Scenario& s, int n, std::mt19937_64& rng) {
  OptionSet picked;
  while (static_cast<int>(picked.size()) < s.culprits) {
    picked.push_back(std::uniform_int_distribution<int>(0, n - 1)(rng));
    picked = normalized(picked);
  }
  std::vector<FakeRule> rules;
  if (s.pair) {
    rules.push_back({picked, s.probability, false});
  } else {
    for (int o : picked) rules.push_back({{o}, s.probability, false});
  }
  return rules;
}

Cell measure(const std::string& strategy, const Scenario& s, int n, int seeds, int confirm_runs) {
  Cell cell;
  for (int seed = 1; seed <= seeds; ++seed) {
    std::mt19937_64 rng(seed * 7919 + n);
    const auto rules = make_rules(s, n, rng);
    FakeOracle oracle(rules, seed);
    SearchConfig config;
    config.strategy = strategy;
    config.confirm_runs = confirm_runs;
    const SearchResult r = run_search(oracle, n, config);
    cell.runs += r.trial_count;
    cell.worst = std::max(cell.worst, r.trial_count);
    std::vector<OptionSet> truth;
    for (const auto& rule : rules) truth.push_back(rule.options);
    std::sort(truth.begin(), truth.end());
    cell.correct += r.status == SearchStatus::Found && r.culprits == truth && !oracle.can_fail(r.safe_set);
  }
  cell.runs /= seeds;
  cell.correct /= seeds;
  return cell;
}

}  // namespace

int main(int argc, char** argv) {
  const int seeds = argc > 1 ? std::atoi(argv[1]) : 50;
  const std::vector<Scenario> scenarios = {
      {"1 culprit", 1, false, 1.0},
      {"2 independent", 2, false, 1.0},
      {"1 pair {A,B}", 2, true, 1.0},
      {"1 culprit @30%", 1, false, 0.3},
  };
  const std::vector<int> sizes = {8, 16, 32, 64};
  std::printf("hardbisect search benchmark: oracle runs (trials) per search, mean over %d seeds\n", seeds);
  std::printf("(worst case in brackets; 'ok' = share of seeds with the exact culprit sets and a safe set that\n");
  std::printf(" really passes; runs include baseline, full-set runs, confirmations and the safe-set run)\n\n");
  std::printf("%-22s %-15s", "strategy", "scenario");
  for (int n : sizes) std::printf(" | n=%-2d runs [max]   ok", n);
  std::printf("\n");
  auto row = [&](const std::string& label, const std::string& strategy, int confirm_runs) {
    for (const auto& s : scenarios) {
      std::printf("%-22s %-15s", label.c_str(), s.name);
      for (int n : sizes) {
        const Cell c = measure(strategy, s, n, seeds, confirm_runs);
        std::printf(" | %7.1f [%4d] %4.0f%%", c.runs, c.worst, 100 * c.correct);
      }
      std::printf("\n");
    }
  };
  for (const auto& name : strategy_names()) row(name, name, SearchConfig{}.confirm_runs);
  row("bisect confirm_runs=0", "bisect", 0);
  std::printf("\n%-38s", "target: 1 culprit, ceil(log2 n)+3");
  for (int n : sizes) std::printf(" | %7d %16s", static_cast<int>(std::ceil(std::log2(n))) + 3, "");
  std::printf("\n%-38s", "target: 2 independent, 2(log2 n+1)");
  for (int n : sizes) std::printf(" | %7.0f %16s", 2 * (std::log2(n) + 1), "");
  std::printf("\n%-38s", "linear: n+2");
  for (int n : sizes) std::printf(" | %7d %16s", n + 2, "");
  std::printf("\n");
  return 0;
}
