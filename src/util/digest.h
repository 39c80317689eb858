#pragma once
// Cryptographic primitives (OpenSSL libcrypto): SHA-256, secrets from the
// kernel's random source, and a comparison that takes the same time however
// much of the two values agrees (for MACs).
#include <cstddef>
#include <string>
#include <string_view>

namespace hb::util {

// SHA-256 of the bytes, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

// `bytes` bytes from getrandom(2), as lowercase hex; throws InfraError when
// the kernel has none to give (a secret must never fall back to a weak one).
std::string random_hex(std::size_t bytes);

// a == b, in time that depends only on their lengths.
bool equal_in_constant_time(std::string_view a, std::string_view b);

}  // namespace hb::util
