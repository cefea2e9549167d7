#pragma once
// The scalar step of every hyperboloid primitive (see poincare/coefficients.hpp
// for the pattern). Points satisfy <x, x>_L = -1/c with the time coordinate
// first; <a, b>_L = -a0 b0 + sum a_i b_i. The Minkowski chord
// n = sqrt(<y - x, y - x>_L) comes from chord.hpp (accurate for close and for
// distant pairs); acosh(-c<x, y>_L) is never used.

#include "../../core/special_functions.hpp"
#include "../poincare/coefficients.hpp"

namespace hyperbolic::lorentz {

using math::asinhc_sq;
using math::cosh_sq;
using math::sinhc_sq;

template <class S>
struct Pair {
  S a, b;
};

// d(x, y) = (2/s) asinh(s sqrt(q) / 2), q = <x - y, x - y>_L >= 0.
// n_diff from chord.hpp. Far out (c n^2 / 4 beyond 1 / eps, where the square
// may overflow) asinh(z) = log(2 z) is taken in logarithms.
template <class S>
HYP_HD_INLINE S dist(S c, S n_diff) {
  const S w = c * n_diff * n_diff / S(4);
  if (math::value(w) > poincare::asinh_log_regime<S>()) {
    const S s = math::sqrt(c);
    return S(2) * (math::log(s) + math::log(n_diff)) / s;
  }
  return n_diff * asinhc_sq(w);
}

// For c > 0 the same distance is (2/s) asinh(t), t = s n_diff / 2
// (split for batched callers that evaluate asinh on SIMD registers).
template <class S>
HYP_HD_INLINE S dist_asinh_argument(S c, S n_diff) {
  return math::sqrt(c) * n_diff / S(2);
}

// d(o, x) = (1/s) asinh(s |x_space|).
template <class S>
HYP_HD_INLINE S dist0(S c, S n_space) {
  const S w = c * n_space * n_space;
  if (math::value(w) > poincare::asinh_log_regime<S>()) {
    const S s = math::sqrt(c);
    return (math::log(S(2) * s) + math::log(n_space)) / s;
  }
  return n_space * asinhc_sq(w);
}

// expmap(x, u) = cosh(s|u|_L) x + sinh(s|u|_L) / (s|u|_L) u, uu = <u, u>_L.
template <class S>
HYP_HD_INLINE Pair<S> expmap(S c, S uu) {
  return {cosh_sq(c * uu), sinhc_sq(c * uu)};
}

// logmap(x, y) = [(y - x) - (c q / 2) x] / sinhc(s d(x, y)), q = <y - x, y - x>_L.
// (s d)^2 = c q asinhc(s sqrt(q)/2)^2 needs no square root.
template <class S>
HYP_HD_INLINE Pair<S> logmap(S c, S q) {
  const S A = asinhc_sq(c * q / S(4));
  const S inv = S(1) / sinhc_sq(c * q * A * A);
  return {inv, -c * q / S(2) * inv};
}

// logmap0(y): time 0, space asinh(s|y_s|) / (s|y_s|) y_s.
template <class S>
HYP_HD_INLINE S logmap0(S c, S ss) {
  return asinhc_sq(c * ss);
}

// Signed distance to the hyperplane {z : <z, a>_L = 0} (a spacelike):
// (1/s) asinh(s <x, a>_L / |a|_L).
template <class S>
HYP_HD_INLINE S dist2plane(S c, S xa, S aa) {
  const S q = xa / math::sqrt(aa);
  return q * asinhc_sq(c * q * q);
}

// Gyro-addition carried over from the ball (the isometry keeps c): with
// p = x_s / (1 + s x0), q = y_s / (1 + s y0) and r = p (+) q,
// out_0 = (1 + c|r|^2) / (s (1 - c|r|^2)), out_s = 2 r / (1 - c|r|^2)
//       = a x_s + b y_s.
// Written without the ball's cancelling 1 - c|r|^2: the ball factors are
// exact in the time coordinates, bp = 1 - c|p|^2 = 2 / (1 + s x0), and with
// D = 1 + 2c<p,q> + c^2|p|^2|q|^2 = bp bq + c|p + q|^2 (a sum of positives),
// 1 - c|r|^2 = bp bq / D, which gives
//   out_s = ((c|p + q|^2 + bp) / bq) x_s + y_s,
//   out_0 = (1 + 2 c|p + q|^2 / (bp bq)) / s.
template <class S>
struct GyroSum {
  S time, a, b;
};
template <class S>
HYP_HD_INLINE GyroSum<S> mobius_add(S c, S x0, S y0, S xsxs, S ysys, S xsys) {
  const S s = math::sqrt(c);
  const S hx = S(1) / (S(1) + s * x0), hy = S(1) / (S(1) + s * y0);
  const S bp = S(2) * hx, bq = S(2) * hy;
  // c|p + q|^2 (cancels only for p ~ -q, where the sum itself is ill-conditioned)
  const S k = c * (hx * hx * xsxs + S(2) * hx * hy * xsys + hy * hy * ysys);
  return {(S(1) + S(2) * k / (bp * bq)) / s, (k + bp) / bq, S(1)};
}

// expmap0 of a space vector w with |w|^2 = ww: time cosh(s|w|)/s, space
// sinhc(s|w|) w.
template <class S>
struct Radial {
  S time, space;
};
// The space factor alone (no cosh), for callers that drop the time coordinate.
template <class S>
HYP_HD_INLINE S expmap0_space(S c, S ww) {
  return sinhc_sq(c * ww);
}
template <class S>
HYP_HD_INLINE Radial<S> expmap0(S c, S ww) {
  return {cosh_sq(c * ww) / math::sqrt(c), expmap0_space(c, ww)};
}

struct Logmap0 {
  template <class S>
  HYP_HD S operator()(S c, S ss) const {
    return logmap0(c, ss);
  }
};

}  // namespace hyperbolic::lorentz
