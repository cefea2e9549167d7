#pragma once
// A small random generator whose output is fixed by its definition, so that
// bootstrap intervals and p-values are the same on every platform and
// standard library (std::uniform_int_distribution and friends are not).
// SplitMix64 (Steele, Lea and Flood 2014): the state advances by the golden
// gamma 0x9E3779B97F4A7C15 and each output is a mix of the new state.

#include <cmath>
#include <cstdint>
#include <numbers>

namespace hyperbolic::stats {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform on {0, ..., n-1}, n > 0. Rejection of the short top block keeps it
  // unbiased; the threshold 2^64 mod n is below n, so a draw is rarely rejected.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t threshold = (0 - n) % n;
    for (;;) {
      const std::uint64_t x = next();
      if (x >= threshold) return x % n;
    }
  }

  // Uniform in (0, 1), never 0 or 1, so logarithms stay finite.
  double open01() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }

  // Standard normal by Box-Muller (one of the pair; the other is dropped so
  // the stream position depends only on the number of calls).
  double normal() {
    const double r = std::sqrt(-2.0 * std::log(open01()));
    return r * std::cos(2.0 * std::numbers::pi * open01());
  }

 private:
  std::uint64_t state_;
};

// Seed for sub-stream `stream` of `seed`: one SplitMix64 output, so
// neighbouring streams start far apart.
inline std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream) {
  SplitMix64 g(seed ^ (0xD1B54A32D192ED03ull * (stream + 1)));
  return g.next();
}

}  // namespace hyperbolic::stats
