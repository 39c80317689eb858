#pragma once
// The stable hash of image tags, recipe hashes and result-cache keys: 64-bit
// FNV-1a as 16 lowercase hex digits, the same on every host and every run.
// Its start value is not FNV's standard offset basis (a digit short); it is
// kept as it is, because every tag and cache key made so far is made of it.
// Not for secrets or evidence MACs: those take util/digest.h.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hb::util {

// FNV-1a over bytes given in pieces (a file read in blocks): the same hex as
// stable_hash() of the pieces joined.
class StableHash {
 public:
  void add(std::string_view bytes);
  std::string hex() const;

 private:
  std::uint64_t m_hash = 1469598103934665603ULL;
};

std::string stable_hash(std::string_view text);

}  // namespace hb::util
