#pragma once
// Small set algebra on OptionSet (sorted, unique vectors).
#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "search/oracle.h"
#include "util/strings.h"

namespace hb::search {

inline OptionSet set_union(const OptionSet& a, const OptionSet& b) {
  OptionSet out;
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

inline OptionSet set_minus(const OptionSet& a, const OptionSet& b) {
  OptionSet out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

inline bool is_subset_of(const OptionSet& a, const OptionSet& b) {
  return std::includes(b.begin(), b.end(), a.begin(), a.end());
}

inline bool contains(const OptionSet& set, int option) {
  return std::binary_search(set.begin(), set.end(), option);
}

inline OptionSet all_options(int option_count) {
  OptionSet out(option_count);
  for (int i = 0; i < option_count; ++i) out[i] = i;
  return out;
}

// "{0,3,5}": option indices for notes and messages.
inline std::string format_set(const OptionSet& set) {
  std::vector<std::string> indices;
  for (int option : set) indices.push_back(std::to_string(option));
  return "{" + util::join(indices, ",") + "}";
}

// Sorted, unique copy.
inline OptionSet normalized(OptionSet set) {
  std::sort(set.begin(), set.end());
  set.erase(std::unique(set.begin(), set.end()), set.end());
  return set;
}

}  // namespace hb::search
