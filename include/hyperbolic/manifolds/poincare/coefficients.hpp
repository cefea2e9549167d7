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

// projx(x) = a x: a = m / |x| beyond the radius m = max_norm, else 1
// (n = |x|; NaN compares false and passes through).
template <class S>
HYP_HD_INLINE S projx_scale(S n, S max_norm) {
  return math::where(
      n > max_norm, [&] { return max_norm / n; }, [&] { return S(1); });
}

// egrad2rgrad(x, g) = a g: the Euclidean gradient over lambda_x^2,
// a = ((1 - c|x|^2) / 2)^2.
template <class S>
HYP_HD_INLINE S egrad2rgrad_scale(S c, S xx) {
  const S b = (S(1) - c * xx) / S(2);
  return b * b;
}

// Above this value of c q^2, asinh(s q) equals log(2 s q) to rounding.
template <class S>
HYP_HD_INLINE auto asinh_log_regime() {
  using T = math::scalar_of_t<decltype(math::value(S(0)))>;
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
// Per lane: a where m holds, else b (math::where on lanes, core/lanes.hpp).
template <class Mask, class S>
HYP_HD_INLINE Pair<S> select(const Mask& m, const Pair<S>& a, const Pair<S>& b) {
  return {math::select(m, a.a, b.a), math::select(m, a.b, b.b)};
}

// x (+) y = a x + b y; bx = 1 - c|x|^2 (boundary.hpp).
// The x factor as 1 + c|y|^2 bx / den: the numerator 1 + 2c<x,y> + c|y|^2
// exceeds den by exactly c|y|^2 bx, and the quotient of the two (both ~1
// for small y) loses that difference, and its derivatives (expmap_backward)
// lose it ~1/bx times amplified.
template <class S>
HYP_HD_INLINE Pair<S> mobius_add(S c, S bx, S xx, S yy, S xy) {
  const S den = S(1) + S(2) * c * xy + c * c * xx * yy;
  return {S(1) + c * yy * bx / den, bx / den};
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

// expmap's backward pass as factors the drivers combine per coordinate:
//   dL/dx_i = gx_g g_i + gx_x x_i + gx_u u_i,  dL/du_i = gu_g g_i + gu_u u_i + gu_x x_i,
// dL/dc = dc, from bx (boundary.hpp), xx = |x|^2, uu, xu = <x, u>, gx = <g, x>
// and gu = <g, u>. Differentiated in w = lambda_x u (|w| is the Riemannian
// norm), where expmap = x (+) tau(|w|) w has no 1/(1 - c|x|^2) factor; the
// chain through lambda_x is added in closed form (dw/dx = c lambda^2 u x^T,
// dw/dc = (lambda |x|^2 / 2) w). Differentiating in u instead assembled dL/dx
// from partials ~lambda that cancel to O(1): e^r ULP far out (1.7e4 ULP per
// unit of condition at r ~ 10 in double).
template <class T>
struct ExpmapBackward {
  T gx_g, gx_x, gx_u, gu_g, gu_u, gu_x, dc;
};
template <class T>
HYP_HD_INLINE ExpmapBackward<T> expmap_backward(T c, T bx, T xx, T uu, T xu, T gx, T gu) {
  using D = Dual<T, 4>;  // c, |x|^2, |w|^2, <x, w>
  const T lam = T(2) / bx;
  const T ww = lam * lam * uu, xw = lam * xu, gw = lam * gu;
  const D cd = D::variable(c, 0), xd = D::variable(xx, 1), wwd = D::variable(ww, 2),
          xwd = D::variable(xw, 3);
  const D tau = tanhc_sq(cd * wwd / T(4)) / T(2);  // v = tau w = tanh(s|w|/2) w / (s|w|)
  const Pair<D> m = mobius_add(cd, boundary_of(cd, xd, bx), xd, tau * tau * wwd, tau * xwd);
  const D bw = m.b * tau;  // out = m.a x + bw w
  const D L = m.a * gx + bw * gw;
  // <w, dL/dw>: dL/dw_i = bw g_i + 2 L_ww w_i + L_xw x_i.
  const T w_gw = bw.v * gw + T(2) * L.d[2] * ww + L.d[3] * xw;
  return {m.a.v,
          T(2) * L.d[1] + c * lam * w_gw,
          L.d[3] * lam,
          lam * bw.v,
          T(2) * L.d[2] * lam * lam,
          lam * L.d[3],
          L.d[0] + lam * xx / T(2) * w_gw};
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
  return math::where(
      math::value(q2) > asinh_log_regime<S>(),
      [&] {
        // asinh(sqrt(q2)) = log(2 sqrt(q2)) to rounding: scale = (log 2 + lq / 2) / (q2 by)
        // with lq = log q2, written so that nothing overflows.
        const S lq = math::log(c * dd) - math::log(bx) - math::log(by);
        const S k = (math::log(S(2)) + lq / S(2)) * bx;
        return Pair<S>{k * bx / (c * dd), -k};
      },
      [&] {
        // (2 / (s lambda_x)) artanh(s|w|) / |w| / den, simplified.
        const S scale = asinhc_sq(q2) / (by * math::sqrt(S(1) + q2));
        return Pair<S>{scale * bx, -scale * c * dd};
      });
}

// logmap0(y) = artanh(s|y|) y / (s|y|) = a y.
template <class S>
HYP_HD_INLINE S logmap0(S c, S yy) {
  return artanhc_sq(c * yy);
}
// The same factor from |y| and the boundary factor by = 1 - c|y|^2
// (boundary.hpp): a = dist0 / (2|y|), whose log1p form stays finite for
// points whose s|y| rounds to 1 (artanh(1) = inf: trained float embeddings
// at r > ~17).
template <class S>
HYP_HD_INLINE S logmap0(S c, S n_y, S by) {
  const S cnn = c * n_y * n_y;
  if (!(math::value(cnn) > 0.25)) return artanhc_sq(cnn);
  return dist0(c, n_y, by) / (S(2) * n_y);
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
// The same from |x| and bx = 1 - c|x|^2: artanh(s|x|) through logmap0's
// boundary form, finite where s|x| rounds to 1.
template <class S>
HYP_HD_INLINE S mobius_scalar_mul(S c, S r, S n_x, S bx) {
  const S a = logmap0(c, n_x, bx);
  return r * tanhc_sq(r * r * c * n_x * n_x * a * a) * a;
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
