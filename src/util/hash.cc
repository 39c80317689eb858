#include "util/hash.h"

#include <fmt/format.h>

namespace hb::util {

void StableHash::add(std::string_view bytes) {
  for (unsigned char c : bytes) {
    m_hash ^= c;
    m_hash *= 1099511628211ULL;
  }
}

std::string StableHash::hex() const { return fmt::format("{:016x}", m_hash); }

std::string stable_hash(std::string_view text) {
  StableHash hash;
  hash.add(text);
  return hash.hex();
}

}  // namespace hb::util
