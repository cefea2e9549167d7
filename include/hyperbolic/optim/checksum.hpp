#pragma once
// FNV-1a, 64 bit (Fowler, Noll, Vo): the checkpoint checksum. Not
// cryptographic; it detects truncation, flipped bytes and foreign files.

#include <cstddef>
#include <cstdint>

namespace hyperbolic::optim {

inline constexpr std::uint64_t fnv1a64_offset = 0xcbf29ce484222325ull;
inline constexpr std::uint64_t fnv1a64_prime = 0x100000001b3ull;

// Continues a running hash (start from fnv1a64_offset).
inline std::uint64_t fnv1a64(const void* data, std::size_t n,
                             std::uint64_t h = fnv1a64_offset) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= fnv1a64_prime;
  }
  return h;
}

}  // namespace hyperbolic::optim
