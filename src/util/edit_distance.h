#pragma once
// "Did you mean" for keys, directives and subcommands.
#include <string>
#include <string_view>
#include <vector>

namespace hb::util {

// Levenshtein distance, case-insensitive.
int edit_distance(std::string_view a, std::string_view b);

// The closest candidate when it is close enough to be a plausible typo
// (distance <= max(2, len/3)); empty when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace hb::util
