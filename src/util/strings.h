#pragma once
#include <string>
#include <vector>

namespace hb::util {

// "a, b, c": words joined by `separator` (an empty word adds nothing).
inline std::string join(const std::vector<std::string>& words, const std::string& separator) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : separator) + word;
  return text;
}

}  // namespace hb::util
