#pragma once
// A learnable curvature c > 0 (sectional curvature -c, <y, y>_L = -1/c, the
// library's convention everywhere) stored as an unconstrained scalar rho with
//   c = softplus(rho) = log(1 + e^rho),   dc/drho = sigmoid(rho),
// so an optimizer can step rho freely and c stays positive; for c >> 1 it
// moves linearly in rho (no exploding steps as with c = e^rho).

#include <cmath>
#include <stdexcept>
#include <string>

namespace hyperbolic::nn {

template <class T>
struct SoftplusCurvature {
  T rho = T(0.5413248546129181);  // softplus^-1(1)
  T grad_rho = T(0);
  bool learned = true;

  static T softplus(T x) { return (x > T(0) ? x : T(0)) + std::log1p(std::exp(-std::fabs(x))); }
  static T sigmoid(T x) {
    if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
    const T e = std::exp(x);
    return e / (T(1) + e);
  }

  T c() const { return softplus(rho); }
  void set_c(T c) {
    if (!(c > T(0)) || !std::isfinite(c))
      throw std::invalid_argument("curvature c must be positive and finite, got " +
                                  std::to_string(c));
    rho = c + std::log(-std::expm1(-c));  // softplus^-1, stable for small and large c
  }
  // Chain rule for a dL/dc from the manifold backward passes.
  void accumulate(T grad_c) {
    if (learned) grad_rho += grad_c * sigmoid(rho);
  }
};

}  // namespace hyperbolic::nn
