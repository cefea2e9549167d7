#pragma once
// The scalar step of every Poincare-ball primitive: given curvature c and the
// row reductions, return the coefficients of the output combination (or the
// scalar result). Templated on S so that the same code runs on T (forward)
// and on Dual<T, N> (partial derivatives for the backward pass), and on host
// and device. Written with the f(z)/z functions so that c = 0 is exact
// (it gives the Euclidean limit with metric 4|dx|^2).
//
// Notation: x, y points; u a tangent vector; xx = |x|^2, uu = |u|^2;
// dd = |y - x|^2 and n_diff = |y - x| from the differences; s = sqrt(c).
// Squared norms are used wherever the result is smooth in them, so that
// gradients need no division by a norm.

#include "../../core/scalar_traits.hpp"
#include "../../core/special_functions.hpp"
#include "boundary.hpp"

namespace hyperbolic::poincare {

using math::artanhc_sq;
using math::asinhc_sq;
using math::tanhc_sq;

// Conformal factor lambda_x = 2 / (1 - c|x|^2).
template <class S>
HYP_HD_INLINE S lambda(S c, S xx) {
  return S(2) / (S(1) - c * xx);
}

// Above this value of c q^2, asinh(s q) equals log(2 s q) to rounding.
template <class S>
HYP_HD_INLINE auto asinh_log_regime() {
  using T = decltype(math::value(S(0)));
  return T(1) / scalar_traits<T>::epsilon;
}

// d(x, y) = (2/s) asinh(s |x - y| / sqrt((1 - c|x|^2)(1 - c|y|^2))), from the
// boundary factors bx = 1 - c|x|^2, by = 1 - c|y|^2 (boundary.hpp: accurate
// to the last bit near the boundary) and n_diff = |x - y| from the
// differences. Exactly 0 for n_diff = 0, symmetric in (bx, by); far out the
// asinh is taken in logarithms, so no intermediate overflows (float q
// reaches 1e45 before the points round onto the boundary).
template <class S>
HYP_HD_INLINE S dist(S c, S bx, S by, S n_diff) {
  if (math::value(n_diff) == 0 && math::value(bx) >= 0 && math::value(by) >= 0) return n_diff;
  const S root = math::sqrt(bx) * math::sqrt(by);
  const S q = n_diff / root;
  const S cqq = c * q * q;
  if (math::value(cqq) > asinh_log_regime<S>()) {
    // (2/s) log(2 s q), each factor in logarithms; bx = 0 gives +inf.
    const S s = math::sqrt(c);
    // The two boundary terms summed first: d(x, y) = d(y, x) exactly.
    return (S(2) * math::log(S(2) * s) + S(2) * math::log(n_diff) -
            (math::log(bx) + math::log(by))) /
           s;
  }
  return S(2) * q * asinhc_sq(cqq);
}

// For c > 0 the same distance is (2/s) asinh(t) with this t: the split lets
// batched callers evaluate asinh on SIMD registers across rows (t may
// overflow to inf far out; those rows take dist instead).
template <class S>
HYP_HD_INLINE S dist_asinh_argument(S c, S bx, S by, S dd) {
  return math::sqrt(c * dd) / (math::sqrt(bx) * math::sqrt(by));
}

// d(0, x) = (2/s) artanh(s |x|), bx = 1 - c|x|^2. Beyond s|x| = 1/2 as
// (1/s) log1p(2z / (1 - z)), z = s|x|, with 1 - z = bx / (1 + z): the
// accurate boundary factor instead of the cancelling 1 - z.
template <class S>
HYP_HD_INLINE S dist0(S c, S n_x, S bx) {
  const S cnn = c * n_x * n_x;
  if (!(math::value(cnn) > 0.25)) return S(2) * n_x * artanhc_sq(cnn);
  const S s = math::sqrt(c), z = s * n_x, num = S(2) * z * (S(1) + z);
  const S u = num / bx;
  if (math::isfinite(math::value(u))) return math::log1p(u) / s;
  return (math::log(num) - math::log(bx)) / s;  // bx below ~1e-38 (float): u overflowed
}

// For c > 0: u with dist0 = (1/s) log1p(u) (batched callers; non-finite u
// takes dist0 instead).
template <class S>
HYP_HD_INLINE S dist0_log1p_argument(S c, S n_x, S bx) {
  const S z = math::sqrt(c) * n_x;
  return S(2) * z * (S(1) + z) / bx;
}

template <class S>
struct Pair {
  S a, b;
};

// x (+) y = a x + b y; bx = 1 - c|x|^2 (boundary.hpp).
template <class S>
HYP_HD_INLINE Pair<S> mobius_add(S c, S bx, S xx, S yy, S xy) {
  const S num_x = S(1) + S(2) * c * xy + c * yy;
  const S num_y = bx;
  const S den = S(1) + S(2) * c * xy + c * c * xx * yy;
  return {num_x / den, num_y / den};
}

// expmap(x, u) = x (+) (tanh(s lambda |u| / 2) u / (s |u|)) = a x + b u;
// bx = 1 - c|x|^2 (boundary.hpp), lambda_x = 2 / bx.
template <class S>
HYP_HD_INLINE Pair<S> expmap(S c, S bx, S xx, S uu, S xu) {
  const S lam = S(2) / bx;
  const S t = lam / S(2) * tanhc_sq(c * lam * lam * uu / S(4));  // v = t u
  const Pair<S> m = mobius_add(c, bx, xx, t * t * uu, t * xu);
  return {m.a, m.b * t};
}

// expmap0(u) = tanh(s|u|) u / (s|u|) = a u.
template <class S>
HYP_HD_INLINE S expmap0(S c, S uu) {
  return tanhc_sq(c * uu);
}

// logmap(x, y) = a (y - x) + b x.
// With w = (-x) (+) y written as [(1 - c|x|^2)(y - x) - c dd x] / den, where
// den = c dd + (1 - c|x|^2)(1 - c|y|^2) > 0, the difference y - x enters
// directly. The length factor artanh(s|w|) / (s|w|) is evaluated in the asinh
// form the distance uses: with q2 = c dd / ((1 - c|x|^2)(1 - c|y|^2)),
// c|w|^2 = q2 / (1 + q2) and artanh(s|w|) = asinh(sqrt(q2)), so nothing
// cancels however far apart the points are (artanh of s|w| ~ 1 would round
// to inf once d(x, y) exceeds ~18 / s in float and ~37 / s in double).
template <class S>
HYP_HD_INLINE Pair<S> logmap(S c, S bx, S by, S dd) {
  const S q2 = c * dd / bx / by;
  if (math::value(q2) > asinh_log_regime<S>()) {
    // asinh(sqrt(q2)) = log(2 sqrt(q2)) to rounding: scale = (log 2 + lq / 2) / (q2 by)
    // with lq = log q2, written so that nothing overflows.
    const S lq = math::log(c * dd) - math::log(bx) - math::log(by);
    const S k = (math::log(S(2)) + lq / S(2)) * bx;
    return {k * bx / (c * dd), -k};
  }
  // (2 / (s lambda_x)) artanh(s|w|) / |w| / den, simplified.
  const S scale = asinhc_sq(q2) / (by * math::sqrt(S(1) + q2));
  return {scale * bx, -scale * c * dd};
}

// logmap0(y) = artanh(s|y|) y / (s|y|) = a y.
template <class S>
HYP_HD_INLINE S logmap0(S c, S yy) {
  return artanhc_sq(c * yy);
}

// Parallel transport P_{x->y}(v) = (lambda_x / lambda_y) gyr[y, -x] v
// = a_v v + a_y y + a_x x, from the boundary factors bx, by, dd = |y - x|^2, xv = <x, v> and
// dv = <y - x, v>. The textbook coefficients use 1 - 2c<x,y> + c^2|x|^2|y|^2,
// which cancels for close points near the boundary; it equals
// (1 - c|x|^2)(1 - c|y|^2) + c dd, and with <y, v> = xv + dv the numerators
// become sums of like-signed terms as well.
template <class S>
struct Transport {
  S v, y, x;
};
template <class S>
HYP_HD_INLINE Transport<S> transp(S c, S bx, S by, S dd, S xv, S dv) {
  const S den = bx * by + c * dd;
  const S A = -c * (xv * (by + c * dd) + (S(1) - bx) * dv);
  const S B = -c * (xv * by + dv);
  const S scale = by / bx;
  return {scale, scale * S(2) * A / den, -scale * S(2) * B / den};
}

// Signed distance from x to the gyroplane through p with normal a:
// (1/s) asinh(2 s <(-p)(+)x, a> / ((1 - c|(-p)(+)x|^2) |a|)), expanded in the
// reductions pp = |p|^2, e = <x - p, a>, dd = |x - p|^2, pa = <p, a>.
template <class S>
HYP_HD_INLINE S dist2plane(S c, S xx, S pp, S e, S dd, S pa, S n_a) {
  const S bp = S(1) - c * pp;
  const S q = S(2) * (bp * e - c * dd * pa) / (bp * (S(1) - c * xx) * n_a);
  return q * asinhc_sq(c * q * q);
}

// Mobius scalar multiplication r (x) x = tanh(r artanh(s|x|)) x / (s|x|) = a x.
template <class S>
HYP_HD_INLINE S mobius_scalar_mul(S c, S r, S xx) {
  const S a = artanhc_sq(c * xx);  // artanh(s|x|) = s |x| a
  return r * tanhc_sq(r * r * c * xx * a * a) * a;
}

// Klein -> Poincare: x = k / (1 + sqrt(1 - c|k|^2)) = a k.
template <class S>
HYP_HD_INLINE S klein_to_poincare(S c, S kk) {
  return S(1) / (S(1) + math::sqrt(S(1) - c * kk));
}

// Poincare -> Klein: k = 2x / (1 + c|x|^2) = a x.
template <class S>
HYP_HD_INLINE S poincare_to_klein(S c, S xx) {
  return S(2) / (S(1) + c * xx);
}

// Function objects for the radial maps, so that backward code can evaluate
// them on dual numbers through one generic helper (device-safe, no lambdas).
struct Expmap0 {
  template <class S>
  HYP_HD S operator()(S c, S uu) const {
    return expmap0(c, uu);
  }
};
struct Logmap0 {
  template <class S>
  HYP_HD S operator()(S c, S yy) const {
    return logmap0(c, yy);
  }
};

}  // namespace hyperbolic::poincare
