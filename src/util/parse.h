#pragma once
// Numbers from text that say when they are not numbers (std::from_chars):
// nullopt for empty text, trailing garbage, a sign where none is allowed or
// a value out of range. Never a silent 0, never an exception: evidence that
// cannot be parsed is a reason for UNRESOLVED, not a default (STYLE.md).
#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>

namespace hb::util {

template <class Int>
std::optional<Int> parse_integer(std::string_view text, int base = 10) {
  Int value{};
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

inline std::optional<long long> parse_int(std::string_view text) { return parse_integer<long long>(text); }
inline std::optional<unsigned long long> parse_unsigned(std::string_view text, int base = 10) {
  if (!text.empty() && text.front() == '-') return std::nullopt;
  return parse_integer<unsigned long long>(text, base);
}
// Hexadecimal without a prefix, as /proc/PID/status writes CapBnd: and the like.
inline std::optional<unsigned long long> parse_hex(std::string_view text) { return parse_unsigned(text, 16); }

inline std::optional<double> parse_double(std::string_view text) {
  double value = 0;
  if (text.empty()) return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace hb::util
