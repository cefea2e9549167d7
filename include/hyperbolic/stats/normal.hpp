#pragma once
// Standard normal tail and quantile (the z of Wilson intervals and the
// large-sample limit of Student's t). erfc keeps the far tail accurate.

#include <cmath>
#include <numbers>

#include "hyperbolic/stats/tail_inverse.hpp"

namespace hyperbolic::stats {

// P[Z > z].
inline double normal_upper_tail(double z) {
  return 0.5 * std::erfc(z / std::numbers::sqrt2);
}

// The z with P[Z > z] = q; 1.959964 for q = 0.025.
inline double normal_upper_quantile(double q) {
  return detail::invert_symmetric_upper_tail(normal_upper_tail, q, "normal_upper_quantile");
}

}  // namespace hyperbolic::stats
