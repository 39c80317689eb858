#pragma once
// One line of a drop-in: "Key=Value" in a section ([Unit] or [Service]).
#include <string>

namespace hb::options {

struct Directive {
  std::string section = "Service";  // "Unit" or "Service"
  std::string key;
  std::string value;

  // The line as it is written in a drop-in: "Key=Value".
  std::string line() const { return key + "=" + value; }
  bool operator==(const Directive& other) const = default;
};

}  // namespace hb::options
