#pragma once
// The step clip of hierarchy-embedding trainers (the Lorentz trainer of
// Nickel & Kiela's reference, "norm_clip"): a Riemannian SGD step
// -lr * u, u the Riemannian gradient at x, moves the point by the distance
// lr * |u|_x (exponential map); the clip shortens it to at most max_length.
//
// Written over the Manifold concept (the Riemannian norm m.norm(x, u)), so
// the length is a distance in the manifold's own metric for every curvature.
// egrad2rgrad is linear in the gradient, so the factor may equally be
// applied to the Euclidean gradient before the step.

#include "../manifolds/concepts.hpp"

namespace hyperbolic::optim {

// The factor in (0, 1] by which to scale u so that lr * |u|_x <= max_length:
// max_length / (lr |u|_x) when the step is longer, else exactly 1. A NaN
// length gives 1 (the NaN stays in u for the caller's divergence check).
template <Manifold M>
HYP_HD_INLINE typename M::scalar step_clip_factor(const M& m, ConstRow<typename M::scalar> x,
                                                  ConstRow<typename M::scalar> u,
                                                  typename M::scalar lr,
                                                  typename M::scalar max_length) {
  using T = typename M::scalar;
  const T length = lr * m.norm(x, u);
  return length > max_length ? max_length / length : T(1);
}

}  // namespace hyperbolic::optim
