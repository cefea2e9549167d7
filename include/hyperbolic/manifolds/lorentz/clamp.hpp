#pragma once
// The hyperboloid's counterpart of the ball's boundary clamp
// (poincare/clamp.hpp): a point farther than r from the origin
// o = (1/s, 0, ..., 0) is pulled back along its ray to distance r; a point
// within r is left as it is (bit for bit). A point at distance r has time
// coordinate cosh(s r)/s and space norm sinh(s r)/s (s = sqrt(c)), so the
// test is one comparison of x0 and the pull-back rescales the space part
// and sets x0.
//
// Why a trainer wants it: beyond s r ~ 16 the coordinates (~e^{s r}/(2s))
// make the Minkowski square of a tangent vector cancel to within double
// rounding (docs/wordnet.md, "Lorentz radius").

#include "../../core/config.hpp"
#include "../../core/row_view.hpp"
#include "../../core/scalar_math.hpp"

namespace hyperbolic::lorentz {

// Time coordinate and space norm of the points at distance r from the origin.
template <class T>
struct RadiusBound {
  T time = T(0);   // cosh(s r) / s
  T space = T(0);  // sinh(s r) / s
};

// The bound for distance r >= 0 on the hyperboloid of curvature -c. At c = 1
// exactly {cosh r, sinh r}. (s r beyond ~710 overflows cosh in double.)
template <class T>
HYP_HD_INLINE RadiusBound<T> radius_bound(T c, T r) {
  const T s = math::sqrt(c), sr = s * r;
  return {math::cosh(sr) / s, math::sinh(sr) / s};
}

// Pulls x (time coordinate first) back to the bound's distance along its ray
// if it lies beyond it (x0 > b.time); returns whether it did. The result lies
// on the hyperboloid to rounding: -time^2 + space^2 = -1/c. A row with a NaN
// time coordinate is left as it is.
template <class T>
HYP_HD_INLINE bool clamp_radius(Row<T> x, const RadiusBound<T>& b) {
  if (!(x[0] > b.time)) return false;
  T space = T(0);
  for (index_t i = 1; i < x.size(); ++i)
    space += x[i] * x[i];
  const T scale = b.space / math::sqrt(space);
  for (index_t i = 1; i < x.size(); ++i)
    x[i] *= scale;
  x[0] = b.time;
  return true;
}

}  // namespace hyperbolic::lorentz
