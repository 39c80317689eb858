#pragma once
// How many runs a set needs in flaky mode (search.h, "Flakiness").

namespace hb::search {

// Probability that r runs of a set failing with rate p all pass, averaged
// over p ~ Beta(fails + 1, passes + 1): what we believe about p after those
// runs, starting from a uniform prior. Product form of B(a, b + r) / B(a, b).
double miss_probability(int fails, int passes, int r);

// The smallest r (at most max_repeats) whose miss_probability is at most
// 1 - confidence.
int repeats_for(int fails, int passes, double confidence, int max_repeats);

// Runs so that a set failing with rate p shows it with `confidence`.
int repeats_for_rate(double p, double confidence, int max_repeats);

// The failure rate that `runs` passing runs rule out with `confidence`: a set
// failing more often would have failed in one of them, 1 - (1 - C)^(1/N)
// (1 for no runs).
double ruled_out_rate(int runs, double confidence);

}  // namespace hb::search
