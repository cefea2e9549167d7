#pragma once
// A learnable curvature c > 0 (sectional curvature -c, <y, y>_L = -1/c, the
// library's convention everywhere) stored as an unconstrained scalar rho with
//   c = softplus(rho) = log(1 + e^rho),   dc/drho = sigmoid(rho),
// so an optimizer can step rho freely and c stays positive; for c >> 1 it
// moves linearly in rho (no exploding steps as with c = e^rho).

#include <cmath>
#include <stdexcept>
#include <string>

#include "../optim/curvature.hpp"

namespace hyperbolic::nn {

// The fields are plain scalars so a layer can hand &rho / &grad_rho to the
// optimizer as a 1 x 1 tensor; the parametrization itself (softplus, its
// inverse and derivative) is optim/curvature.hpp's, defined once.
template <class T>
struct SoftplusCurvature {
  T rho = optim::softplus_inverse(T(1));
  T grad_rho = T(0);
  bool learned = true;

  T c() const { return optim::softplus(rho); }
  void set_c(T c) {
    if (!(c > T(0)) || !std::isfinite(c))
      throw std::invalid_argument("curvature c must be positive and finite, got " +
                                  std::to_string(c));
    rho = optim::softplus_inverse(c);
  }
  // Chain rule for a dL/dc from the manifold backward passes.
  void accumulate(T grad_c) {
    if (learned) grad_rho += grad_c * optim::sigmoid(rho);
  }
};

}  // namespace hyperbolic::nn
