#include "search/repeats.h"

#include <algorithm>
#include <cmath>

namespace hb::search {

double miss_probability(int fails, int passes, int r) {
  double miss = 1.0;
  for (int i = 0; i < r; ++i) miss *= (passes + 1.0 + i) / (fails + passes + 2.0 + i);
  return miss;
}

int repeats_for(int fails, int passes, double confidence, int max_repeats) {
  int r = 1;
  while (r < max_repeats && miss_probability(fails, passes, r) > 1.0 - confidence) ++r;
  return r;
}

int repeats_for_rate(double p, double confidence, int max_repeats) {
  if (p >= 1.0) return 1;
  if (p <= 0.0) return max_repeats;
  const int r = static_cast<int>(std::ceil(std::log(1.0 - confidence) / std::log(1.0 - p) - 1e-9));
  return std::clamp(r, 1, max_repeats);
}

double ruled_out_rate(int runs, double confidence) {
  if (runs <= 0) return 1.0;
  return 1.0 - std::pow(1.0 - confidence, 1.0 / runs);
}

}  // namespace hb::search
