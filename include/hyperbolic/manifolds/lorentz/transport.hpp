#pragma once
// The factor k of the hyperboloid's parallel transport
//   P_{x->y}(v) = v + k (x + y),  k = c <y, v>_L / (1 - c <x, y>_L),
// with 1 - c <x, y>_L = 2 + c n^2 / 2 (n the chord of chord.hpp), to the
// accuracy the coordinates allow. Shared by the scalar class, the CPU kernels
// and the CUDA kernels (they reduce the three sums their own way and call
// transport_factor_from_sums; rows whose sums overflow take
// transport_factor on every lane).
//
// v is read through its space coordinates, as the points are
// (v0 = <xs, vs> / x0). Two exact forms of <y, v>_L, each accurate where the
// other is not:
//  - close pairs:  <ys - xs, vs> + (gap / x0) <xs, vs>, gap = x0 - y0 from
//    chord.hpp (accurate to ~eps |xs - ys|). The plain -y0 v0 + <ys, vs>
//    cancels to the pair's distance and the rounding of y0 v0 (~eps y0 |v|)
//    would be most of the answer (20-50 ULP/kappa in float far out).
//  - pairs apart (|xs - ys| >= y0): the plain <ys, vs> - y0 v0 with the
//    stored v0, whose error ~eps y0 |v| does not grow with |xs - ys| (the
//    close form's does: e^(r_x - r_y) times worse for x far beyond y), and
//    which for a v nearly orthogonal to xs is closer to the intended vector
//    than <xs, vs> / x0 (that cancels there).
// Far out the products overflow (float: r_x + r_y > 88): the sums are then
// taken again with v and the points scaled by powers of two, and k formed
// from <y, v>_L / n, which does not overflow.

#include "../../core/config.hpp"
#include "../../core/scalar_math.hpp"
#include "chord.hpp"

namespace hyperbolic::lorentz {

// Sums over the space coordinates 1..n-1.
template <class C>
struct TransportSums {
  C diff_v, x_v, y_v;  // <ys - xs, vs>, <xs, vs>, <ys, vs>
};

template <class C>
HYP_HD_INLINE bool transport_sums_finite(const TransportSums<C>& s) {
  return math::isfinite(s.diff_v) && math::isfinite(s.x_v) && math::isfinite(s.y_v);
}

// <y, v>_L from the sums, the times (scaled alike, or not at all), v0
// (scaled like vs) and the chord's gap (scaled like the times): the form for
// the pair's regime.
template <class C>
HYP_HD_INLINE C transport_inner(const TransportSums<C>& s, C x0, C y0, C v0, C n, C gap) {
  if (math::hypot(n, gap) < y0) return s.diff_v + gap / x0 * s.x_v;  // |xs - ys| < y0
  return s.y_v - y0 * v0;
}

// k from <y, v>_L and the chord, dividing through by n where n^2 may overflow.
template <class C>
HYP_HD_INLINE C transport_factor_of_inner(C c, C n, C yv) {
  if (n > C(1)) return c * (yv / n) / (C(2) / n + c * n / C(2));
  return c * yv / (C(2) + c * n * n / C(2));
}

template <class C>
HYP_HD_INLINE C transport_factor_from_sums(C c, const TransportSums<C>& s, C x0, C y0, C v0,
                                           const Chord<C>& ch) {
  return transport_factor_of_inner(c, ch.n, transport_inner(s, x0, y0, v0, ch.n, ch.gap));
}

// The sums of one row, coordinates scaled by sp (points) and sv (v).
template <class C, class P>
HYP_HD TransportSums<C> transport_sums(const P* x, const P* y, const P* v, index_t n, C sp, C sv) {
  TransportSums<C> s{C(0), C(0), C(0)};
  for (index_t i = 1; i < n; ++i) {
    const C xi = C(x[i]) * sp, yi = C(y[i]) * sp, vi = C(v[i]) * sv;
    s.diff_v += (yi - xi) * vi;
    s.x_v += xi * vi;
    s.y_v += yi * vi;
  }
  return s;
}

// The whole factor of one row (n coordinates, time first) given its chord:
// the sums, and where they overflow, again with the coordinates scaled.
template <class C, class P>
HYP_HD C transport_factor(C c, const P* x, const P* y, const P* v, index_t n, const Chord<C>& ch) {
  const C x0 = C(x[0]), y0 = C(y[0]), v0 = C(v[0]);
  const TransportSums<C> s = transport_sums(x, y, v, n, C(1), C(1));
  if (transport_sums_finite(s) && math::isfinite(y0 * v0))
    return transport_factor_from_sums(c, s, x0, y0, v0, ch);
  C largest_v(0);
  for (index_t i = 0; i < n; ++i)
    largest_v = math::max_nan(largest_v, math::abs(C(v[i])));
  const C largest_p = math::max_nan(math::abs(x0), math::abs(y0));  // times bound the space parts
  if (!math::isfinite(largest_v) || !math::isfinite(largest_p) || !(largest_v > C(0)) ||
      !(largest_p > C(0)))
    return transport_factor_from_sums(c, s, x0, y0, v0, ch);  // NaN/inf in: propagates
  // Powers of two that bring the largest terms near 1 (exact scalings).
  const int ev = -math::ilogb(largest_v) - 1, ep = -math::ilogb(largest_p) - 1;
  const C sv = math::ldexp(C(1), ev), sp = math::ldexp(C(1), ep);
  const TransportSums<C> scaled = transport_sums(x, y, v, n, sp, sv);
  // <y, v>_L * 2^(ev + ep): the ratios gap / x0 and y0 / x0 do not change.
  const C yv_scaled = transport_inner(scaled, x0 * sp, y0 * sp, v0 * sv, ch.n * sp, ch.gap * sp);
  if (!(ch.n > C(0))) return c * math::ldexp(yv_scaled, -(ev + ep)) / C(2);            // x = y
  if (!math::isfinite(ch.n)) return transport_factor_from_sums(c, s, x0, y0, v0, ch);  // overflowed
  // <y, v>_L / n with n brought to [1, 2) first: no intermediate underflows.
  const int en = math::ilogb(ch.n);
  const C yv_over_n = math::ldexp(yv_scaled / math::ldexp(ch.n, -en), -(ev + ep) - en);
  return c * yv_over_n / (C(2) / ch.n + c * ch.n / C(2));
}

}  // namespace hyperbolic::lorentz
