#pragma once
// One way to write an optional into JSON (null when empty) and to read it back.
#include <nlohmann/json.hpp>
#include <optional>

namespace hb::util {

template <class T>
nlohmann::json json_or_null(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

// The number at `value`, nullopt when it is null, missing or not a number.
template <class T>
std::optional<T> optional_number(const nlohmann::json& value) {
  return value.is_number() ? std::optional<T>(value.get<T>()) : std::nullopt;
}

}  // namespace hb::util
