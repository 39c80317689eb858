#pragma once
// One line of a drop-in: "Key=Value" in a section ([Unit] or [Service]).
#include <string>
#include <string_view>

namespace hb::options {

struct Directive {
  std::string section = "Service";  // "Unit" or "Service"
  std::string key;
  std::string value;

  // The line as it is written in a drop-in: "Key=Value".
  std::string line() const { return key + "=" + value; }
  bool operator==(const Directive& other) const = default;
};

// systemd's "true" spellings of a boolean value (yes, true, 1, on).
inline bool is_true(std::string_view value) {
  return value == "yes" || value == "true" || value == "1" || value == "on";
}

}  // namespace hb::options
