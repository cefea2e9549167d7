#pragma once
// Random numbers that are the same on every platform and standard library:
// std::uniform_real_distribution is implementation-defined, so tests and the
// bootstrap use these instead. Each replicate seeds its own engine from
// (seed, stream) so results do not depend on the number of threads.

#include <cstdint>
#include <random>

namespace hyperbolic::text {

using RandomEngine = std::mt19937_64;

// Uniform in (0, 1): never 0 or 1, so logs and inverse CDFs stay finite.
inline double uniform_open01(RandomEngine& engine) {
  return (static_cast<double>(engine() >> 11) + 0.5) * 0x1.0p-53;
}

// SplitMix64 mixing so neighbouring streams get unrelated seeds.
inline std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

inline RandomEngine make_engine(std::uint64_t seed, std::uint64_t stream = 0) {
  return RandomEngine(mix_seed(seed, stream));
}

}  // namespace hyperbolic::text
