#pragma once
// Small text helpers shared by every area: one join, one trim, one split,
// one change of case.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace hb::util {

// "a, b, c": words joined by `separator` (an empty word adds nothing).
inline std::string join(const std::vector<std::string>& words, const std::string& separator) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : separator) + word;
  return text;
}

// `text` without leading and trailing spaces, tabs, CRs and newlines.
inline std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

// The space-separated words of `text` (runs of blanks count as one).
inline std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < text.size()) {
    size_t begin = text.find_first_not_of(" \t\r\n", at);
    if (begin == std::string_view::npos) break;
    size_t end = text.find_first_of(" \t\r\n", begin);
    if (end == std::string_view::npos) end = text.size();
    out.emplace_back(text.substr(begin, end - begin));
    at = end;
  }
  return out;
}

// `text` in ASCII capitals ("FAIL") or small letters; other bytes unchanged.
inline std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  return text;
}
inline std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// "1 culprit set", "2 culprit sets", "0 culprit sets": a count and its noun,
// singular for one (the nouns hardbisect counts all take an s).
inline std::string counted(size_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}
inline std::string counted(int count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

}  // namespace hb::util
