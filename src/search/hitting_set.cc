#include "search/hitting_set.h"

#include <algorithm>

#include "search/option_set.h"

namespace hb::search {
namespace {

// The ranks of a set's options, ascending: compares sets in a canonical order.
std::vector<int> ranked(const OptionSet& set, const std::vector<int>& rank) {
  std::vector<int> out;
  for (int option : set) out.push_back(rank.at(static_cast<std::size_t>(option)));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

double total_weight(const OptionSet& set, const std::vector<double>& weights) {
  double total = 0;
  for (int option : set) {
    total += static_cast<std::size_t>(option) < weights.size() ? weights[option] : 1.0;
  }
  return total;
}

std::optional<std::vector<OptionSet>> minimal_transversals(const std::vector<OptionSet>& sets,
                                                           const std::vector<double>& weights,
                                                           std::size_t limit, const std::vector<int>& rank) {
  // Berge's incremental algorithm: extend every transversal of the sets so
  // far that misses the next set by each of its options, keep the minimal.
  std::vector<OptionSet> current{{}};
  for (const auto& set : sets) {
    std::vector<OptionSet> next;
    for (const auto& t : current) {
      bool hits = false;
      for (int option : set) hits |= contains(t, option);
      if (hits) {
        next.push_back(t);
        continue;
      }
      for (int option : set) next.push_back(set_union(t, {option}));
    }
    std::sort(next.begin(), next.end(), [](const OptionSet& a, const OptionSet& b) {
      return a.size() != b.size() ? a.size() < b.size() : a < b;
    });
    next.erase(std::unique(next.begin(), next.end()), next.end());
    current.clear();
    for (const auto& t : next) {
      bool has_smaller = false;
      for (const auto& kept : current) has_smaller |= is_subset_of(kept, t);
      if (!has_smaller) current.push_back(t);
    }
    if (current.size() > limit) return std::nullopt;
  }
  std::stable_sort(current.begin(), current.end(), [&](const OptionSet& a, const OptionSet& b) {
    const double wa = total_weight(a, weights);
    const double wb = total_weight(b, weights);
    if (wa != wb) return wa < wb;
    if (a.size() != b.size()) return a.size() < b.size();
    if (rank.empty()) return a < b;
    return ranked(a, rank) < ranked(b, rank);
  });
  return current;
}

}  // namespace hb::search
