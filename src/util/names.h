#pragma once
// One name table per enum: a constexpr array of {value, "name"} pairs, read
// both ways. Each enum writes its names once, beside its declaration, and
// every printer and parser goes through that table.
//
//   inline constexpr auto kColourNames = std::to_array<util::EnumName<Colour>>({
//       {Colour::Red, "red"}, {Colour::Blue, "blue"}});
//   util::name_of(kColourNames, Colour::Red)    // "red"
//   util::parse_name(kColourNames, "blue")      // Colour::Blue
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace hb::util {

template <typename Enum>
struct EnumName {
  Enum value;
  const char* name;
};

template <typename Enum, std::size_t N>
using NameTable = std::array<EnumName<Enum>, N>;

// The value's name; "?" for a value the table does not list (a cast integer).
template <typename Enum, std::size_t N>
constexpr const char* name_of(const NameTable<Enum, N>& table, Enum value) {
  for (const auto& entry : table)
    if (entry.value == value) return entry.name;
  return "?";
}

// The value named exactly `name`; nullopt for any other word.
template <typename Enum, std::size_t N>
constexpr std::optional<Enum> parse_name(const NameTable<Enum, N>& table, std::string_view name) {
  for (const auto& entry : table)
    if (name == entry.name) return entry.value;
  return std::nullopt;
}

// "a, b or c": the names, for an error's hint.
template <typename Enum, std::size_t N>
std::string names_text(const NameTable<Enum, N>& table) {
  std::string text;
  for (std::size_t i = 0; i < N; ++i)
    text += std::string(i == 0 ? "" : i + 1 == N ? " or " : ", ") + table[i].name;
  return text;
}

}  // namespace hb::util
