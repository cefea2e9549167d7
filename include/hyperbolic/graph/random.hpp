#pragma once
// A small, fast, reproducible random number generator for sampling on graphs: xoshiro256**
// (Blackman & Vigna), seeded through splitmix64. A (seed, stream) pair names an independent
// sequence, so work split into numbered pieces (e.g. one stream per batch) draws the same numbers
// whatever the number of threads.

#include <cstdint>
#include <limits>

namespace hyperbolic::graph {

// One step of splitmix64: advances `state` and returns a well-mixed 64-bit value.
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  state += 0x9E3779B97F4A7C15ull;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class Xoshiro256 {
 public:
  using result_type = std::uint64_t;

  explicit constexpr Xoshiro256(std::uint64_t seed = 0, std::uint64_t stream = 0) {
    std::uint64_t mix = seed;
    const std::uint64_t seed_hash = splitmix64(mix);
    std::uint64_t state = seed_hash ^ (stream * 0xD1B54A32D192ED03ull + 0x8CB92BA72F3D8DD7ull);
    for (auto& word : s_)
      word = splitmix64(state);  // never all zero: splitmix64 is a bijection
  }

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  constexpr result_type operator()() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform integer in [0, n), n > 0, without modulo bias (Lemire's multiply-and-reject).
  constexpr std::uint64_t uniform_index(std::uint64_t n) {
    if (n <= 1) return 0;
    Product128 product = multiply((*this)(), n);
    if (product.low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (product.low < threshold)
        product = multiply((*this)(), n);
    }
    return product.high;
  }

  // Uniform double in [0, 1) with 53 random bits.
  constexpr double uniform_real() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }

 private:
  struct Product128 {
    std::uint64_t high, low;
  };
  // Full 64 x 64 -> 128-bit product in portable C++ (no __int128).
  static constexpr Product128 multiply(std::uint64_t a, std::uint64_t b) {
    const std::uint64_t a_lo = a & 0xFFFFFFFFu, a_hi = a >> 32;
    const std::uint64_t b_lo = b & 0xFFFFFFFFu, b_hi = b >> 32;
    const std::uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo;
    const std::uint64_t lo_hi = a_lo * b_hi, hi_hi = a_hi * b_hi;
    const std::uint64_t middle = (lo_lo >> 32) + (hi_lo & 0xFFFFFFFFu) + lo_hi;
    return {hi_hi + (hi_lo >> 32) + (middle >> 32), (middle << 32) | (lo_lo & 0xFFFFFFFFu)};
  }
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4]{};
};

}  // namespace hyperbolic::graph
