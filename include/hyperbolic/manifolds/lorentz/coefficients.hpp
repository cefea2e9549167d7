#pragma once
// The scalar step of every hyperboloid primitive (see poincare/coefficients.hpp
// for the pattern). Points satisfy <x, x>_L = -1/c with the time coordinate
// first; <a, b>_L = -a0 b0 + sum a_i b_i. The Minkowski chord
// n = sqrt(<y - x, y - x>_L) comes from chord.hpp (accurate for close and for
// distant pairs); acosh(-c<x, y>_L) is never used.

#include "../../core/dual.hpp"
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

// projx(x): the space coordinates kept, the time coordinate
// sqrt(1/c + |x_s|^2) from ss = |x_s|^2.
template <class S>
HYP_HD_INLINE S projx_time(S c, S ss) {
  return math::sqrt(S(1) / c + ss);
}

// expmap(x, u) = cosh(s|u|_L) x + sinh(s|u|_L) / (s|u|_L) u, uu = <u, u>_L.
template <class S>
HYP_HD_INLINE Pair<S> expmap(S c, S uu) {
  return {cosh_sq(c * uu), sinhc_sq(c * uu)};
}

// logmap(x, y) = [(y - x) - (c q / 2) x] / sinhc(s d(x, y)), q = n^2, n the
// chord. (s d)^2 = c q asinhc(s n/2)^2 needs no square root. Far out
// (t = s n / 2 beyond 1/sqrt(eps), where q may overflow): sinh(s d) =
// 2 t sqrt(1 + t^2) = 2 t^2 to rounding, so the factors are d / (n t) and
// -s d, with d in logarithms.
template <class S>
HYP_HD_INLINE Pair<S> logmap(S c, S n) {
  const S w = c * n * n / S(4);  // t^2
  if (math::value(w) > poincare::asinh_log_regime<S>()) {
    const S s = math::sqrt(c), d = dist(c, n);
    return {d / n / (s * n / S(2)), -s * d};
  }
  const S A = asinhc_sq(w);
  const S inv = S(1) / sinhc_sq(S(4) * w * A * A);
  return {inv, S(-2) * w * inv};
}

// logmap's backward pass as factors the drivers combine per coordinate:
//   dL/dy_i = a g_i + kq eta_i (y_i - x_i),  dL/dx_i = b g_i - dL/dy_i,  dL/dc = dc,
// from g_diff = <g, y - x> (the time term through the chord's gap) and
// g_x = <g, x>. kq = (dL/dn) / n. Far out (logmap's log regime) dL/dn ~ 1/n^2
// and its dual-number evaluation underflows (float: n beyond ~1e18, a point
// near the origin with one at r > ~40): there kq is written out,
//   kq = 4 (1/s - d) / s * g_diff / n^4 - 2 g_x / n^2,
// divided by n one step at a time so that no intermediate leaves the range.
template <class T>
struct LogmapBackward {
  T a, b, kq, dc;
};
template <class T>
HYP_HD_INLINE LogmapBackward<T> logmap_backward(T c, T n, T g_diff, T g_x) {
  if (!(c * n * n / T(4) > poincare::asinh_log_regime<T>())) {
    using D = Dual<T, 2>;
    const auto k = logmap(D::variable(c, 0), D::variable(n, 1));
    const D L = k.a * g_diff + k.b * g_x;
    return {k.a.v, k.b.v, n > T(0) ? L.d[1] / n : T(0), L.d[0]};
  }
  using D = Dual<T, 1>;
  const auto k = logmap(D::variable(c, 0), D(n));
  const D L = k.a * g_diff + k.b * g_x;
  const T s = math::sqrt(c), d = dist(c, n);
  const T kq = T(4) * (T(1) / s - d) / s * (((g_diff / n) / n) / n) / n - T(2) * (g_x / n) / n;
  return {k.a.v, k.b.v, kq, L.d[0]};
}

// logmap0(y): time 0, space asinh(s|y_s|) / (s|y_s|) y_s, from ss = |y_s|^2.
template <class S>
HYP_HD_INLINE S logmap0(S c, S ss) {
  return asinhc_sq(c * ss);
}
// The same factor from the norm n = |y_s| (whose square may overflow: float
// points beyond r ~ 44), the asinh in logarithms far out.
template <class S>
HYP_HD_INLINE S logmap0_of_norm(S c, S n) {
  const S w = c * n * n;
  if (math::value(w) > poincare::asinh_log_regime<S>()) return dist0(c, n) / n;
  return asinhc_sq(w);
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

// The same from the ball coordinates' sums pp = |p|^2, qq = |q|^2, pq = <p, q>
// (p = hx xs with hx = mobius_add_ball_scale(c, x0), likewise q): far out
// |xs|^2 overflows (float: r > 44) while |p| < 1/s, and bp bq underflows, so
// 2 k / (bp bq) is divided one factor at a time. The forward drivers use this
// form; the backward passes differentiate the one above.
template <class S>
HYP_HD_INLINE S mobius_add_ball_scale(S c, S x0) {
  return S(1) / (S(1) + math::sqrt(c) * x0);
}
template <class S>
HYP_HD_INLINE GyroSum<S> mobius_add_ball(S c, S x0, S y0, S pp, S qq, S pq) {
  const S s = math::sqrt(c);
  const S bp = S(2) * mobius_add_ball_scale(c, x0), bq = S(2) * mobius_add_ball_scale(c, y0);
  const S k = c * (pp + S(2) * pq + qq);  // c|p + q|^2
  return {(S(1) + S(2) * (k / bp) / bq) / s, (k + bp) / bq, S(1)};
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
