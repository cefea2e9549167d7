#pragma once
// Deterministic random inputs: a portable generator (splitmix64 with our own
// normal deviates, so the samples are the same with every standard library),
// radius bands, and points at a given hyperbolic distance from the origin,
// built in 256 bits and then rounded to the type under test.

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "high_precision.hpp"

namespace hyperbolic::accuracy {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in (0, 1).
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  double log_uniform(double lo, double hi) { return std::exp(uniform(std::log(lo), std::log(hi))); }
  double normal() {  // Box-Muller; one deviate per call keeps the stream simple
    return std::sqrt(-2.0 * std::log(uniform())) * std::cos(6.283185307179586 * uniform());
  }
  double sign() { return (next() >> 63) ? 1.0 : -1.0; }

 private:
  std::uint64_t state_;
};

// FNV-1a: stable seeds from names.
inline std::uint64_t seed_of(std::string_view s, std::uint64_t salt = 0) {
  std::uint64_t h = 0xcbf29ce484222325ull ^ salt;
  for (const char ch : s)
    h = (h ^ static_cast<unsigned char>(ch)) * 0x100000001b3ull;
  return h;
}

// Where the inputs of one table row come from.
enum class BandKind {
  radius,   // points at distance in [lo, hi) from the origin
  close,    // x at distance in [lo, hi), y within 1e-12 .. 1e-3 of x
  outside,  // (projx) points off the manifold
  mixed,    // x at distance in [1e-3, 1), y at distance in [lo, hi)
};
struct Band {
  std::string name;
  BandKind kind;
  double lo, hi;
};

// A uniformly random unit vector of R^d.
inline RVec random_direction(Rng& rng, std::size_t d) {
  RVec v(d);
  for (auto& x : v)
    x = Real(rng.normal());
  return scaled(Real(1) / norm(v), v);
}

inline RVec random_vector(Rng& rng, std::size_t d) {
  RVec v(d);
  for (auto& x : v)
    x = Real(rng.normal());
  return v;
}

// Points at hyperbolic distance r from the origin along the unit vector dir.
inline RVec poincare_point(const Real& c, const Real& r, const RVec& dir) {
  const Real s = sqrt(c);
  return scaled(tanh(s * r / Real(2)) / s, dir);
}
inline RVec klein_point(const Real& c, const Real& r, const RVec& dir) {
  const Real s = sqrt(c);
  return scaled(tanh(s * r) / s, dir);
}
inline RVec lorentz_point(const Real& c, const Real& r, const RVec& dir) {
  const Real s = sqrt(c);
  return with_time(cosh(s * r) / s, scaled(sinh(s * r) / s, dir));
}

}  // namespace hyperbolic::accuracy
