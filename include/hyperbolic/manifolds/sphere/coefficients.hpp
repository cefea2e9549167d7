#pragma once
// The scalar step of every sphere primitive (see poincare/coefficients.hpp
// for the pattern): functions of c and of a few norms or inner products,
// written once over a value type S (T, or Dual<T, k> for the backward passes).
//
// The sphere of curvature +c: |x| = R = 1/s, s = sqrt(c), in R^{n+1}. Angles
// come from pairs of chords, never from acos of an inner product: the angle
// between x and y is 2 atan2(a, b), a = |x - y|, b = |x + y| (chords.hpp),
// which keeps every digit for close pairs (a small) and for near-antipodal
// pairs (b small). The trigonometric "c" functions are the hyperbolic ones of
// core/special_functions.hpp at negative squared argument:
//   atan(z)/z = artanhc_sq(-z^2), asin(z)/z = asinhc_sq(-z^2),
//   sin(z)/z = sinhc_sq(-z^2),    cos(z)    = cosh_sq(-z^2),
// so that small angles are exact in value and derivative (series).

#include "../../core/dual.hpp"
#include "../../core/lanes.hpp"
#include "../../core/special_functions.hpp"

namespace hyperbolic::sphere {

namespace detail {
template <class S>
struct element {
  using type = math::scalar_of_t<S>;
};
template <class T, int N>
struct element<Dual<T, N>> {
  using type = T;
};
// pi/2 rounded to the value type's element type.
template <class S>
HYP_HD_INLINE S half_pi() {
  using E = typename element<S>::type;
  return S(E(1.57079632679489661923132169163975144L));
}
}  // namespace detail

// atan(t)/t from t^2 (t^2 <= 1 where the drivers call it).
template <class S>
HYP_HD_INLINE S atanc_sq(S tt) {
  return math::artanhc_sq(-tt);
}

// atan2(p, q) in [0, pi] for p >= 0: t atanc(t^2) with t = p/q where p <= q
// (the angle below pi/4, exact for tiny p), pi/2 - t atanc(t^2) with t = q/p
// elsewhere (q may be negative: angles up to pi). p = q = 0 gives NaN.
template <class S>
HYP_HD_INLINE S angle(S p, S q) {
  return math::where(
      p <= q,
      [&] {
        const S t = p / q;
        return t * atanc_sq(t * t);
      },
      [&] {
        if (p == S(0)) return S(2) * detail::half_pi<S>();  // q < 0: the antipodal direction
        const S t = q / p;
        return detail::half_pi<S>() - t * atanc_sq(t * t);
      });
}

// d(x, y) = (2/s) atan2(a, b), a = |x - y|, b = |x + y|.
template <class S>
HYP_HD_INLINE S dist(S c, S a, S b) {
  return S(2) * angle(a, b) / math::sqrt(c);
}

// d(o, x) = (1/s) atan2(|x_s|, x0), o = (1/s, 0, ..., 0), x_s = (x1, ..., xn).
template <class S>
HYP_HD_INLINE S dist0(S c, S n_space, S x0) {
  return angle(n_space, x0) / math::sqrt(c);
}

// expmap(x, u) = cos(s|u|) x + sin(s|u|)/(s|u|) u from uu = |u|^2.
template <class S>
struct Pair {
  S a, b;
};
template <class S>
HYP_HD_INLINE Pair<S> expmap(S c, S uu) {
  const S w = -(c * uu);
  return {math::cosh_sq(w), math::sinhc_sq(w)};
}

// expmap at the origin of a vector w in its tangent space (w0 = 0), ww = |w|^2:
// time cos(s|w|)/s, space sin(s|w|)/(s|w|) w.
template <class S>
struct Radial {
  S time, space;
};
template <class S>
HYP_HD_INLINE Radial<S> expmap0(S c, S ww) {
  const S w = -(c * ww);
  return {math::cosh_sq(w) / math::sqrt(c), math::sinhc_sq(w)};
}

// logmap(x, y) = d perp / |perp|, perp the component of y orthogonal to x,
// taken from the small chord's vector v (y - x for close pairs, y + x toward
// the antipode; both have the same orthogonal part) and projected with the
// computed <x, v> (so the result is tangent to rounding even for points a
// little off the sphere):
//   perp = v - (xv / xx) x,  |perp| = |v| sqrt(1 - q),  q = (xv / |v|)^2 / xx,
//   out = A v + B x,  A = d / |perp|,  B = -A xv / xx,
// |v| = a or b from chords.hpp, xv = <x, v>, xx = |x|^2. For close pairs
// A = (2/s) atanc(t^2) / (b sqrt(1 - q)) with t = a/b: no 0/0 as y -> x.
// At the exact antipode (b = 0) the direction is undefined: A = B = 0, the
// zero vector (as geoopt). `toward_antipode` (a > b) selects v = y + x.
template <class S>
struct Logmap {
  S a, b;
  bool toward_antipode;
};
template <class S>
HYP_HD_INLINE Logmap<S> logmap(S c, S a, S b, S xv, S xx) {
  const bool far = !(a <= b);
  const S vn = far ? b : a;                         // |v|
  if (far && b == S(0)) return {S(0), S(0), true};  // NaN takes the formula
  const S r = vn == S(0) ? S(0) : xv / vn;          // y = x: v = 0
  S q = r * r / xx;
  if (q > S(1)) q = S(1);  // rounding; q ~ c |v|^2 / 4 <= 1/2 on the sphere
  const S root = math::sqrt(S(1) - q);
  S A;
  if (far) {
    A = S(2) * angle(a, b) / (math::sqrt(c) * b * root);
  } else {
    const S t = a / b;
    A = S(2) * atanc_sq(t * t) / (math::sqrt(c) * b * root);
  }
  return {A, -A * xv / xx, far};
}

// logmap at the origin: time 0, space F y_s with F = atan2(n, y0) / (s n),
// n = |y_s|: atanc((n/y0)^2) / (s y0) where n <= y0; 0 at the origin's
// antipode (n = 0, y0 < 0: the direction is undefined).
template <class S>
HYP_HD_INLINE S logmap0(S c, S n, S y0) {
  const S s = math::sqrt(c);
  if (n <= y0) {
    const S t = n / y0;
    return atanc_sq(t * t) / (s * y0);
  }
  if (n == S(0)) return S(0);  // NaN takes the formula
  return angle(n, y0) / (s * n);
}

// projx(x) = x / (s |x|): the factor from n = |x| (x = 0 gives inf, NaN out).
template <class S>
HYP_HD_INLINE S projx_scale(S c, S n) {
  return S(1) / (math::sqrt(c) * n);
}

// Parallel transport along the minimising geodesic from x to y, written as the
// rotation of R^{n+1} in the plane of x and y that takes x to y:
//   P(v) = v - k (x + y) + 2c <x, v> y,  k = 2 <x + y, v> / b^2,
// (for tangent v, <x, v> = 0 and this is v - c<y,v>/(1 + c<x,y>) (x + y),
// 1 + c<x,y> = c b^2 / 2). An orthogonal map: an isometry for every v, and
// transp(y, x) undoes it. At the exact antipode (b = 0) the plane is not
// defined: k = 0, so P reflects the normal component and keeps the tangent one.
template <class S>
struct Transport {
  S k_sum, k_y;  // out = v - k_sum (x + y) + k_y y
};
template <class S>
HYP_HD_INLINE Transport<S> transport(S c, S b, S sum_v, S x_v) {
  const S k = b == S(0) ? S(0) : S(2) * sum_v / (b * b);  // NaN propagates
  return {k, S(2) * c * x_v};
}

// Signed distance to the great sphere {z : <z, a> = 0}: (1/s) asin(s <x, a> / |a|),
// from xa = <x, a> and aa = |a|^2 (s q clamped to 1 against rounding).
template <class S>
HYP_HD_INLINE S dist2plane(S c, S xa, S aa) {
  const S q = xa / math::sqrt(aa);
  S w = c * q * q;
  if (w > S(1)) w = S(1);
  return q * math::asinhc_sq(-w);
}

}  // namespace hyperbolic::sphere
