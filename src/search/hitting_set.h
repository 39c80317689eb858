#pragma once
// Removal sets: the minimal ways to take at least one option out of every
// culprit set (minimal transversals, or hitting sets).
#include <optional>
#include <vector>

#include "search/oracle.h"

namespace hb::search {

// Every minimal transversal of `sets`, cheapest first by total weight (weight
// of option i is weights[i], or 1 when `weights` is empty), then fewer
// options, then lexicographic by `rank` (rank[i] is option i's place in a
// canonical order, so that ties do not depend on the order of the lines;
// empty = by index). {} for no sets. nullopt when there would be more than
// `limit` (the enumeration is exponential in the worst case).
std::optional<std::vector<OptionSet>> minimal_transversals(const std::vector<OptionSet>& sets,
                                                           const std::vector<double>& weights,
                                                           std::size_t limit = 4096,
                                                           const std::vector<int>& rank = {});

double total_weight(const OptionSet& set, const std::vector<double>& weights);

}  // namespace hb::search
