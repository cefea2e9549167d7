#pragma once
// Inverts the upper tail Q(t) = P[T > t] of a distribution symmetric about 0
// by bracketing and bisection to full double precision. Bisection needs only
// that Q is decreasing, and a quantile is asked for once per interval, so its
// ~100 tail evaluations cost nothing next to the data.

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace hyperbolic::stats::detail {

// The t with Q(t) = q, for q in (0, 1).
template <class UpperTail>
double invert_symmetric_upper_tail(UpperTail&& upper_tail, double q, const char* who) {
  if (!(q > 0 && q < 1))
    throw std::invalid_argument(std::string(who) + ": tail probability must be in (0, 1), got " +
                                std::to_string(q));
  if (q == 0.5) return 0;
  // Symmetry: Q(-t) = 1 - Q(t); solve on the side where the tail is below 1/2.
  if (q > 0.5) return -invert_symmetric_upper_tail(upper_tail, 1 - q, who);
  double lo = 0, hi = 1;
  while (upper_tail(hi) > q) {
    lo = hi;
    hi *= 2;
    if (!std::isfinite(hi))
      throw std::runtime_error(std::string(who) +
                               ": quantile beyond double range for q = " + std::to_string(q));
  }
  for (int i = 0; i < 2000; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;  // lo and hi are adjacent doubles
    (upper_tail(mid) > q ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace hyperbolic::stats::detail
