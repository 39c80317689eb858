#include "search/posterior.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "search/option_set.h"

namespace hb::search {
namespace {

// Chance that a set without the culprit fails in the model: small, so that
// one such failure weighs like several passes, never zero (see posterior.h).
constexpr double kLeak = 0.005;

struct Counts {
  int fail_in = 0;  // runs of sets with the option
  int pass_in = 0;
  int fail_out = 0;  // runs of sets without it
  int pass_out = 0;
};

struct Belief {
  // Per option of `failing`, then one for "no option" (kBaseline below).
  std::vector<double> prob;  // posterior probability
  std::vector<double> rate;  // posterior mean failure rate if it is the cause
  std::vector<Counts> counts;
};

double entropy(double q) {
  if (q <= 0.0 || q >= 1.0) return 0.0;
  return -q * std::log2(q) - (1.0 - q) * std::log2(1.0 - q);
}

double log_beta(double a, double b) { return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b); }

std::vector<Counts> count_runs(const SetTester& tester, const OptionSet& failing) {
  std::vector<Counts> counts(failing.size());
  for (const auto& t : tester.log()) {
    if (t.outcome.verdict == Verdict::Unresolved || !is_subset_of(t.options, failing)) continue;
    const bool failed = t.outcome.verdict == Verdict::Fail;
    for (std::size_t i = 0; i < failing.size(); ++i) {
      Counts& c = counts[i];
      if (contains(t.options, failing[i])) {
        ++(failed ? c.fail_in : c.pass_in);
      } else {
        ++(failed ? c.fail_out : c.pass_out);
      }
    }
  }
  return counts;
}

// Uniform prior over the options and over the rate p; the likelihood of the
// runs with the option integrates p out: B(1 + fails, 1 + passes).
Belief belief(const SetTester& tester, const OptionSet& failing) {
  Belief b;
  b.counts = count_runs(tester, failing);
  // The last hypothesis: no option, the baseline itself fails sometimes
  // (every set fails at the same rate, the baseline too).
  Counts none;
  for (const auto& t : tester.log()) {
    if (t.outcome.verdict == Verdict::Unresolved || !is_subset_of(t.options, failing)) continue;
    ++(t.outcome.verdict == Verdict::Fail ? none.fail_in : none.pass_in);
  }
  b.counts.push_back(none);
  std::vector<double> log_likelihood;
  for (const Counts& c : b.counts) {
    log_likelihood.push_back(log_beta(1.0 + c.fail_in, 1.0 + c.pass_in) + c.fail_out * std::log(kLeak) +
                             c.pass_out * std::log1p(-kLeak));
    b.rate.push_back((1.0 + c.fail_in) / (2.0 + c.fail_in + c.pass_in));
  }
  const double top = *std::max_element(log_likelihood.begin(), log_likelihood.end());
  double sum = 0.0;
  for (double l : log_likelihood) {
    b.prob.push_back(std::exp(l - top));
    sum += b.prob.back();
  }
  for (double& p : b.prob) p /= sum;
  return b;
}

// Expected information (bits) about the culprit from one run of a set that
// holds probability mass `mass` with sum of P*rate `fail` and of
// P*H(rate) `noise` over its options.
double gain(double mass, double fail, double noise) {
  const double outside = std::max(0.0, 1.0 - mass);
  return entropy(fail + outside * kLeak) - (noise + outside * entropy(kLeak));
}

// The prefix of the options in order of belief, or its complement, or the
// baseline, with the largest expected gain; sets in `skip` (unresolved) are
// not chosen. "No option" is in every set, the baseline's too.
std::optional<OptionSet> most_informative(const Belief& b, const OptionSet& failing,
                                          const std::set<OptionSet>& skip) {
  std::vector<std::size_t> order(failing.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t x, std::size_t y) { return b.prob[x] > b.prob[y]; });
  const std::size_t none = failing.size();
  const double none_fail = b.prob[none] * b.rate[none];
  const double none_noise = b.prob[none] * entropy(b.rate[none]);
  double total_fail = none_fail;
  double total_noise = none_noise;
  for (std::size_t i = 0; i < failing.size(); ++i) {
    total_fail += b.prob[i] * b.rate[i];
    total_noise += b.prob[i] * entropy(b.rate[i]);
  }
  auto make = [&](std::size_t k, bool complement) {
    OptionSet set;
    for (std::size_t j = complement ? k : 0; j < (complement ? order.size() : k); ++j)
      set.push_back(failing[order[j]]);
    return normalized(set);
  };
  double best = -1.0;
  std::optional<OptionSet> chosen;
  if (!skip.count({})) {
    best = gain(b.prob[none], none_fail, none_noise);
    chosen = OptionSet{};
  }
  double mass = b.prob[none];
  double fail = none_fail;
  double noise = none_noise;
  for (std::size_t k = 1; k <= order.size(); ++k) {
    const std::size_t i = order[k - 1];
    mass += b.prob[i];
    fail += b.prob[i] * b.rate[i];
    noise += b.prob[i] * entropy(b.rate[i]);
    const double prefix_gain = gain(mass, fail, noise);
    if (prefix_gain > best && !skip.count(make(k, false))) {
      best = prefix_gain;
      chosen = make(k, false);
    }
    if (k == order.size()) break;
    const double complement_gain =
        gain(1.0 - mass + b.prob[none], total_fail - fail + none_fail, total_noise - noise + none_noise);
    if (complement_gain > best && !skip.count(make(k, true))) {
      best = complement_gain;
      chosen = make(k, true);
    }
  }
  return chosen;
}

}  // namespace

std::vector<double> culprit_posterior(const SetTester& tester, const OptionSet& failing) {
  if (failing.empty()) return {};
  std::vector<double> prob = belief(tester, failing).prob;
  prob.pop_back();
  return prob;
}

PosteriorFind find_by_posterior(SetTester& tester, const OptionSet& failing, double confidence, int budget) {
  PosteriorFind out;
  if (failing.empty()) {
    out.stuck = "no options to search";
    return out;
  }
  std::set<OptionSet> unresolved;
  for (;;) {
    if (tester.stats({}).fails > 0) {
      out.baseline = true;  // never blame an option once the baseline failed
      return out;
    }
    const Belief b = belief(tester, failing);
    const std::size_t top =
        static_cast<std::size_t>(std::max_element(b.prob.begin(), b.prob.end()) - b.prob.begin());
    const bool none = top == failing.size();
    out.confidence = b.prob[top];
    out.fails = b.counts[top].fail_in;
    out.passes = b.counts[top].pass_in;
    const OptionSet alone = none ? OptionSet{} : OptionSet{failing[top]};
    const bool sure = b.prob[top] >= confidence;
    if (sure && !none && tester.stats(alone).fails > 0) {
      out.culprit = failing[top];
      return out;
    }
    if (out.runs >= budget) {
      out.stuck = "the posterior did not settle on one option within " + std::to_string(budget) + " runs";
      return out;
    }
    const std::optional<OptionSet> chosen = sure ? alone : most_informative(b, failing, unresolved);
    if (!chosen || unresolved.count(*chosen)) {
      out.stuck = "every informative set was unresolved";
      return out;
    }
    const OptionSet& next = *chosen;
    const int before = tester.run_count();
    const Outcome outcome = tester.run_once(next, next.empty() ? Phase::Baseline : Phase::Search);
    out.runs += tester.run_count() - before;
    if (outcome.verdict == Verdict::Unresolved) unresolved.insert(next);
  }
}

}  // namespace hb::search
