#pragma once
// A distance together with the partial derivatives its backward pass needs.
//
// Losses over many distances (a softmax over one positive and many negatives)
// need every distance before any gradient. dist_partials gives both (the
// value is dist's, bit for bit); the manifold's dist_backward_from(p, x, y, g,
// gx, gy) then writes what dist_backward(x, y, g, gx, gy) writes without
// evaluating the distance a second time: bit for bit on the hyperboloid and in
// Euclidean space (the same dual-number evaluation), to rounding on the ball
// (its partials have a closed form there, cheaper than dual numbers). The
// curvature derivative is left out (use dist_backward for dL/dc).

namespace hyperbolic {

template <class T>
struct DistPartials {
  T value = T(0);  // d(x, y)
  // Partials of d with respect to the reductions it is a function of:
  T d_xx = T(0);    // |x|^2 (Poincare ball; 0 elsewhere)
  T d_yy = T(0);    // |y|^2 (Poincare ball; 0 elsewhere)
  T d_norm = T(0);  // n, the model's norm of x - y (Euclidean, or Minkowski on the hyperboloid)
  T norm = T(0);    // n itself
  // Hyperboloid: x0 - y0 read through the space coordinates (lorentz/chord.hpp),
  // the time component of the gradient direction; without it (has_time_gap
  // false) the stored time coordinates are subtracted.
  T time_gap = T(0);
  bool has_time_gap = false;
};

}  // namespace hyperbolic
