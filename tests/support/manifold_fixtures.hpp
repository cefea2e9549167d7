#pragma once
// Shared helpers for the manifold property suites: random points and tangent
// vectors at controlled distances from the origin, and tolerances per type.

#include <hyperbolic/hyperbolic.hpp>

#include <cmath>
#include <random>
#include <vector>

namespace hyperbolic::testing {

// Tolerance for identities that compose a few primitives on points within
// distance ~4 of the origin: the result is well conditioned there, so the
// error is a modest multiple of epsilon times the magnitudes involved
// (coordinates of size up to e^4 in the hyperboloid).
template <class T>
constexpr T tolerance() {
  if constexpr (std::is_same_v<T, float>)
    return T(2e-3);
  else
    return T(1e-9);
}

template <class M>
struct Fixture {
  using T = typename M::scalar;
  M m;
  index_t n;  // intrinsic dimension
  std::mt19937_64 rng;

  // Lengths given to point() and tangent() are in units of the curvature
  // radius 1/sqrt(c), so that the conditioning (which depends on sqrt(c) times
  // the distance) is the same for every c.
  T unit;

  Fixture(M manifold, index_t dim, std::uint64_t seed = 7)
      : m(manifold), n(dim), rng(seed), unit(curvature_radius(manifold)) {}

  static T curvature_radius(const M& manifold) {
    if constexpr (std::is_same_v<M, Euclidean<T>>)
      return T(1);
    else
      return T(1) / std::sqrt(manifold.c());
  }

  index_t d() const { return M::ambient_dim(n); }
  std::vector<T> zeros() const { return std::vector<T>(d(), T(0)); }

  // A point whose distance from the origin is about `radius` (random direction).
  std::vector<T> point(T radius = T(1)) {
    std::vector<T> out = zeros(), v = zeros();
    std::normal_distribution<double> normal;
    const index_t first = M::ambient_dim(0);  // 1 for the hyperboloid's time slot
    double nn = 0;
    for (index_t i = first; i < d(); ++i) {
      v[i] = T(normal(rng));
      nn += double(v[i]) * double(v[i]);
    }
    // Scale to Riemannian length `radius` at the origin.
    std::vector<T> o = zeros();
    m.origin(o);
    const double len = double(m.norm(o, v));
    for (auto& vi : v)
      vi = T(double(vi) * radius * unit / len);
    m.expmap0(v, out);
    return out;
  }

  // A tangent vector at x with Riemannian length `length`.
  std::vector<T> tangent(const std::vector<T>& x, T length = T(1)) {
    std::vector<T> v = zeros(), u = zeros();
    std::normal_distribution<double> normal;
    for (auto& vi : v)
      vi = T(normal(rng));
    m.proju(x, v, u);
    const double len = double(m.norm(x, u));
    for (auto& ui : u)
      ui = T(double(ui) * length * unit / len);
    return u;
  }
};

template <class T>
T max_abs_diff(const std::vector<T>& a, const std::vector<T>& b) {
  T m = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

template <class T>
T max_abs(const std::vector<T>& a) {
  T m = 0;
  for (auto v : a)
    m = std::max(m, std::abs(v));
  return m;
}

}  // namespace hyperbolic::testing
