#pragma once
// How an optimizer moves a point along a tangent step, shared by SGD and Adam.

#include <cstdint>

#include "../core/config.hpp"

namespace hyperbolic::optim {

enum class StepMap : std::uint8_t {
  exponential = 0,  // exact geodesic step expmap_x(u)
  retraction = 1,   // first-order retr_x(u) (x + u, then put back on the manifold)
};

// Options common to both optimizers that decide where points and moments live.
struct ManifoldPolicy {
  StepMap step_map = StepMap::exponential;
  // projx before the step (heals points handed in on or past the boundary)
  // and after it (the exponential map itself is exact only in exact
  // arithmetic: tanh rounds to 1 near the Poincare boundary, and the
  // hyperboloid constraint drifts by rounding). Identity on Euclidean space.
  bool project = true;
  // Every k-th step of a row (counted per row), also project that row's
  // transported moment(s) back onto the tangent space with proju (geoopt's
  // "stabilize"). 0 = never.
  std::int64_t stabilize_every = 0;
};

}  // namespace hyperbolic::optim
