#pragma once
// The Minkowski chord n = sqrt(<x - y, x - y>_L) of two hyperboloid points,
// the one input of the distance d = (2/s) asinh(s n / 2) (and of logmap and
// transp), and the time gap x0 - y0, to the accuracy the coordinates allow
// in every regime. Shared by the scalar class, the CPU kernels and the CUDA
// kernels.
//
// The points are read through their space coordinates, as projx defines
// them (x0 = sqrt(1/c + |xs|^2)): a rounded point's stored x0 carries an
// absolute error ~ulp(x0) that is independent of its space coordinates, and a
// formula that subtracts or divides stored times of close points far out
// turns that into most of the answer. Two exact identities on the
// hyperboloid, each free of cancellation where the other is not:
//  - chord form:  n^2 = |xs - ys|^2 - t^2, t = x0 - y0 = <xs - ys, xs + ys> / (x0 + y0).
//    Good while t^2 <= |xs - ys|^2 / 2: the subtraction loses at most one bit.
//  - radial-angular form: with R = |xs|, X = sqrt(1 + c R^2) = s x0 and the
//    unit directions xh = xs / R,
//      n^2 = (2/s sinh(s (r_y - r_x) / 2))^2 + R_x R_y |xh - yh|^2,
//    a sum of two non-negative terms (cosh d = cosh(r_x - r_y)
//    + 2 R_x R_y sin^2(theta/2)). The radial difference comes from
//    asinh(a) - asinh(b) = asinh((a^2 - b^2) / (a sqrt(1+b^2) + b sqrt(1+a^2))), the
//    angle from the directions' difference: nothing cancels beyond what the
//    coordinates' own rounding does. Used where the chord form would cancel:
//    points far apart (one far out and one near the origin, where
//    |xs - ys|^2 and t^2 agree to ~2 x0 out of x0^2; the old chord form
//    returned exactly 0 in float for pairs 20 to 29 apart) and nearly radial
//    pairs far out. The textbook acosh(-c<x, y>_L) is poor for close points.
// A row whose squares overflow (float coordinates beyond ~1e19, r > 44) is
// summed again with its coordinates scaled by a power of two, one whose
// differences are so small that their squares lose bits (below ~1e-15 in
// float) with its differences scaled up; both exact. d(x, y) = d(y, x)
// exactly (the radial-angular form takes the pair in the order of |xs|), x = y
// gives n = 0 exactly, and distinct points never get 0.

#include <limits>

#include "../../core/config.hpp"
#include "../../core/robust_norm.hpp"
#include "../../core/scalar_math.hpp"

namespace hyperbolic::lorentz {

// The first pass's sums over the space coordinates (coordinates scaled by
// `scale`, differences by `scale * 2^diff_exp`).
template <class C>
struct ChordPass {
  C ss, sd, xx, yy;  // |xs - ys|^2, <xs - ys, xs + ys>, |xs|^2, |ys|^2
};

// The chord and the time gap x0 - y0 (both unscaled).
template <class C>
struct Chord {
  C n, gap;
};

// The time gap x0 - y0 = <xs - ys, xs + ys> / (x0 + y0) from a pass's sd (scaled
// by scale^2 * 2^diff_exp) and the unscaled times: scaled by scale * 2^diff_exp.
template <class C>
HYP_HD_INLINE C chord_gap(C sd, C x0, C y0, C scale) {
  return sd / ((x0 + y0) * scale);
}

// The chord form where it loses at most a bit: true and *n set, else false.
template <class C>
HYP_HD_INLINE bool chord_from_differences(const ChordPass<C>& r, C gap, C* n) {
  const C tt = gap * gap;
  if (!(tt <= r.ss / C(2))) return false;
  *n = math::sqrt(r.ss - tt);
  return true;
}

// The radial term (2/s) sinh(s (r_y - r_x) / 2) from the space norms
// rx <= ry and X = s x0, Y = s y0 (points read through their space
// coordinates: X = sqrt(1 + c rx^2)).
template <class C>
HYP_HD_INLINE C chord_radial_term(C c, C rx, C ry, C X, C Y) {
  if (!(ry > C(0)))
    return C(0);  // both at the origin (NaN compares false: the
                  // angular term carries it)
  const C s = math::sqrt(c), rho = rx / ry;
  // w = sinh(s (r_y - r_x)) = s (ry - rx)(ry + rx) / (ry X + rx Y), divided through by
  // ry so that nothing overflows: no cancellation.
  const C w = s * (ry - rx) * ((C(1) + rho) / (X + rho * Y));
  // sinh(u / 2) = sinh(u) / (2 cosh(u / 2)), cosh(u / 2) = sqrt((1 + cosh u) / 2).
  return (w / s) / math::sqrt((C(1) + math::hypot(C(1), w)) / C(2));
}

// The angular term's factor: with a = sqrt(ry / rx),
// |xs| |ys| |xs/|xs| - ys/|ys||^2 = |a xs - ys / a|^2 (rx <= ry, so that no
// term exceeds sqrt(rx ry)).
template <class C>
HYP_HD_INLINE C chord_angular_factor(C rx, C ry) {
  return math::sqrt(ry) / math::sqrt(rx);  // not sqrt(ry / rx): the ratio may overflow
}

// One pass over the space coordinates 1..n-1 (storage type P, compute type
// C); the largest coordinate and difference magnitudes go to *largest and
// *largest_diff when given.
template <class C, class P>
HYP_HD ChordPass<C> chord_pass(const P* x, const P* y, index_t n, C scale, int diff_exp, C* largest,
                               C* largest_diff) {
  ChordPass<C> r{C(0), C(0), C(0), C(0)};
  C m(0), me(0);
  for (index_t i = 1; i < n; ++i) {
    const C xi = C(x[i]) * scale, yi = C(y[i]) * scale;
    const C e = diff_exp == 0 ? xi - yi : math::ldexp(xi - yi, diff_exp);
    r.ss += e * e;
    r.sd += e * (xi + yi);
    r.xx += xi * xi;
    r.yy += yi * yi;
    m = math::max_nan(m, math::max_nan(math::abs(xi), math::abs(yi)));
    me = math::max_nan(me, math::abs(e));
  }
  if (largest) *largest = m;
  if (largest_diff) *largest_diff = me;
  return r;
}

// |a xs - ys / a|^2 with every term scaled by scale * 2^diff_exp.
template <class C, class P>
HYP_HD C chord_angular_sum(const P* x, const P* y, index_t n, C a, C scale, int diff_exp) {
  C aa(0);
  for (index_t i = 1; i < n; ++i) {
    C v = (a * C(x[i]) - C(y[i]) / a) * scale;
    if (diff_exp != 0) v = math::ldexp(v, diff_exp);
    aa += v * v;
  }
  return aa;
}

// The radial-angular chord of two rows with space norms rx, ry and scaled
// times X = s x0, Y = s y0 (any order); the pass's sums (ss among them) are
// scaled by (scale 2^diff_exp)^2. Distinct points whose norms and directions
// round to the same values get their plain difference norm instead of 0 (the
// coordinates cannot resolve such a pair better).
template <class C, class P>
HYP_HD C chord_far(C c, const P* x, const P* y, index_t n, C rx, C ry, C X, C Y, C ss, C scale,
                   int diff_exp) {
  if (ry < rx) {  // symmetric: the pair in the order of its norms
    const P* t = x;
    x = y;
    y = t;
    C u = rx;
    rx = ry;
    ry = u;
    u = X;
    X = Y;
    Y = u;
  }
  const C radial = chord_radial_term(c, rx, ry, X, Y);
  const C angular = rx > C(0)  // x at the origin: no angle
                        ? chord_angular_sum(x, y, n, chord_angular_factor(rx, ry), scale, diff_exp)
                        : C(0);
  const C out = math::hypot(radial, math::ldexp(math::sqrt(angular), -diff_exp) / scale);
  if (!(out > C(0)) && ss > C(0)) return math::ldexp(math::sqrt(ss), -diff_exp) / scale;
  return out;
}

// Whether a square of magnitude `largest` may have lost bits to underflow.
template <class C>
HYP_HD_INLINE bool chord_terms_tiny(C largest) {
  constexpr int p = std::numeric_limits<C>::digits;
  const C tiny = math::ldexp(C(1), (std::numeric_limits<C>::min_exponent + p) / 2);
  return largest > C(0) && largest < tiny;
}

// n = sqrt(<x - y, x - y>_L) and x0 - y0 of the rows x, y of n coordinates (time first).
template <class C, class P>
HYP_HD Chord<C> chord_and_gap(C c, const P* x, const P* y, index_t n) {
  C largest(0), largest_diff(0);
  ChordPass<C> r = chord_pass(x, y, n, C(1), 0, &largest, &largest_diff);
  C scale(1);        // coordinates (overflow: a power of two below 1, representable)
  int diff_exp = 0;  // differences (underflow: 2^diff_exp may not be representable)
  const bool overflow = !math::isfinite(r.ss) || !math::isfinite(r.sd) || !math::isfinite(r.xx) ||
                        !math::isfinite(r.yy);
  if (overflow) {
    if (!math::isfinite(largest) || !(largest > C(0)))
      return {math::sqrt(r.ss), r.sd};  // NaN/inf in
    scale = math::ldexp(C(1), -math::ilogb(largest) - 2);
    r = chord_pass(x, y, n, scale, 0, static_cast<C*>(nullptr), static_cast<C*>(nullptr));
  } else if (chord_terms_tiny(largest_diff)) {
    diff_exp = -math::ilogb(largest_diff) - 1;
    r = chord_pass(x, y, n, C(1), diff_exp, static_cast<C*>(nullptr), static_cast<C*>(nullptr));
  }
  // The gap's denominator x0 + y0 does not cancel: the stored times serve.
  const C gap = chord_gap(r.sd, C(x[0]), C(y[0]), scale);
  const C gap_out = math::ldexp(gap, -diff_exp) / scale;
  C out;
  if (chord_from_differences(r, gap, &out)) return {math::ldexp(out, -diff_exp) / scale, gap_out};
  // The radial-angular form from the space norms and the times they give
  // (after an overflow, each point's own rescaled norm: one common scale would
  // flush a point near the origin to 0).
  C rx, ry;
  if (overflow) {
    rx = robust_norm<C>(x, 1, n);
    ry = robust_norm<C>(y, 1, n);
  } else {
    rx = math::sqrt(r.xx);
    ry = math::sqrt(r.yy);
  }
  const C s = math::sqrt(c);
  const C X = math::hypot(C(1), s * rx), Y = math::hypot(C(1), s * ry);
  return {chord_far(c, x, y, n, rx, ry, X, Y, r.ss, scale, diff_exp), gap_out};
}

template <class C, class P>
HYP_HD_INLINE C chord(C c, const P* x, const P* y, index_t n) {
  return chord_and_gap(c, x, y, n).n;
}

}  // namespace hyperbolic::lorentz
