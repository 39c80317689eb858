#pragma once
// Every [Unit] and [Service] key systemd 252 and 257 accept, catalogued or
// not, so a real key that is not a hardening line (ExecStartPre=, After=) is
// refused with why rather than called unknown, and the version checks know
// every key. The catalogue (catalogue.h) is the curated subset hardbisect
// knows how to enforce and probe, and the only lines a scenario may test.
#include <span>
#include <string_view>

namespace hb::options {

struct KnownDirective {
  std::string_view name;
  std::string_view section;  // "Unit" or "Service"
  bool in_systemd_252;
  bool in_systemd_257;
};

// Sorted by name.
std::span<const KnownDirective> known_systemd_directives();

// nullptr when systemd 252 and 257 both reject the key.
const KnownDirective* find_known_systemd_directive(std::string_view name);

}  // namespace hb::options
