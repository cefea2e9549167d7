#pragma once
// The boundary clamp of hierarchy-embedding trainers (Nickel & Kiela's
// reference keeps every point at Euclidean norm <= 1 - 1e-5 of the unit
// ball): a row farther out than a given norm is scaled back onto it along its
// ray from the origin, a row inside is left as it is (bit for bit).
//
// For curvature -c the ball's radius is 1/sqrt(c); the clamp is stated as a
// fraction of it, so that the same fraction bounds the same scaled distance
// s d = 2 artanh(fraction) from the origin for every c (s = sqrt(c)). At
// c = 1 the fraction is the reference's max_norm itself.
//
// Unlike PoincareBall::projx (which keeps rows at (1 - 4 eps)/s, the largest
// radius still strictly inside after rounding), the clamp's bound is the
// caller's: a trainer keeps rows well away from the boundary, where the
// distance's gradient stops carrying information.

#include "../../core/config.hpp"
#include "../../core/row_view.hpp"
#include "../../core/scalar_math.hpp"

namespace hyperbolic::poincare {

// The largest Euclidean norm the clamp allows: `fraction` (in (0, 1)) of the
// radius 1/sqrt(c). Exactly `fraction` at c = 1.
template <class T>
HYP_HD_INLINE T clamp_norm_at(T c, T fraction) {
  return fraction / math::sqrt(c);
}

// Scales x onto |x| = max_norm if |x| > max_norm; otherwise x is unchanged.
// |x| is summed in coordinate order (NaN compares false and passes through).
// Returns whether the row was scaled. A clamped row's norm is max_norm to a
// few rounding errors: with max_norm = clamp_norm_at(c, f), f <= 1 - 8 eps,
// it is strictly inside the ball (c |x|^2 < 1).
template <class T>
HYP_HD_INLINE bool clamp_norm(Row<T> x, T max_norm) {
  T norm2 = T(0);
  for (index_t i = 0; i < x.size(); ++i)
    norm2 += x[i] * x[i];
  const T norm = math::sqrt(norm2);
  if (!(norm > max_norm)) return false;
  for (index_t i = 0; i < x.size(); ++i)
    x[i] *= max_norm / norm;
  return true;
}

}  // namespace hyperbolic::poincare
