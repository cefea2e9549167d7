#pragma once
// The Minkowski chord n = sqrt(<x - y, x - y>_L) of two hyperboloid points,
// the one input of the distance d = (2/s) asinh(s n / 2) (and of logmap and
// transp), to the accuracy the coordinates allow in every regime. Shared by
// the scalar class, the CPU kernels and the CUDA kernels.
//
// Two exact identities on the hyperboloid, each free of cancellation where
// the other is not:
//  - chord form:  n^2 = |xs - ys|^2 - t^2 with t = x0 - y0 taken from the
//    space coordinates, t = <xs - ys, xs + ys> / (x0 + y0) (a rounded x0
//    carries an absolute error ~ulp(x0), which a difference of time
//    coordinates of close points far out would turn into most of n). Good
//    while t^2 <= |xs - ys|^2 / 2: the subtraction loses at most one bit.
//  - half-angle form (the Poincare ball's |p - q| / sqrt((1 - c|p|^2)(1 - c|q|^2))
//    pulled back): n = |a xs - ys / a| with a = sqrt((1 + s y0) / (1 + s x0)).
//    No subtraction of large like terms for points far apart, e.g. one far
//    out and one near the origin, where |xs - ys|^2 and t^2 agree to ~2 x0
//    out of x0^2 (the chord form returned exactly 0 in float for pairs 20 to
//    29 apart). The textbook acosh(-c<x, y>_L) is poor for close points.
// A row whose squares would overflow (float coordinates beyond ~1e19, r > 44)
// or lose precision to underflow (differences below ~1e-15 in float) is summed
// again with its coordinates scaled by a power of two, which is exact. The
// pair is ordered by time coordinate so that d(x, y) = d(y, x) exactly, and
// x = y gives n = 0 exactly.

#include <limits>

#include "../../core/config.hpp"
#include "../../core/scalar_math.hpp"

namespace hyperbolic::lorentz {

template <class C>
struct ChordSums {
  C ss, sd, vv;  // |xs - ys|^2, <xs - ys, xs + ys>, |a xs - ys / a|^2
};

// The chord from the three sums (space coordinates scaled by sigma).
template <class C>
HYP_HD_INLINE C chord_from_sums(const ChordSums<C>& r, C time_sum) {
  const C t = r.sd / time_sum;  // x0 - y0 (scaled)
  const C tt = t * t;
  if (tt <= r.ss / C(2)) return math::sqrt(r.ss - tt);
  return math::sqrt(r.vv);
}

// a = sqrt((1 + s y0) / (1 + s x0)) of the half-angle form.
template <class C>
HYP_HD_INLINE C chord_half_angle_factor(C c, C x0, C y0) {
  const C s = math::sqrt(c);
  return math::sqrt((C(1) + s * y0) / (C(1) + s * x0));
}

// One pass over the space coordinates 1..n-1 of storage type P in compute type C.
template <class C, class P>
HYP_HD ChordSums<C> chord_sums(C a, const P* x, const P* y, index_t n, C sigma, C* largest) {
  ChordSums<C> r{C(0), C(0), C(0)};
  C m(0);
  for (index_t i = 1; i < n; ++i) {
    const C xi = C(x[i]) * sigma, yi = C(y[i]) * sigma, e = xi - yi, v = a * xi - yi / a;
    r.ss += e * e;
    r.sd += e * (xi + yi);
    r.vv += v * v;
    m = math::max_nan(m, math::max_nan(math::abs(e), math::abs(v)));
  }
  if (largest) *largest = m;
  return r;
}

// Whether the sums of one pass need a rescaled second pass: a square
// overflowed, or the largest term is so small that its square lost bits.
template <class C>
HYP_HD_INLINE bool chord_needs_rescale(const ChordSums<C>& r, C largest) {
  constexpr int p = std::numeric_limits<C>::digits;
  const C tiny = math::ldexp(C(1), (std::numeric_limits<C>::min_exponent + p) / 2);
  const bool overflow = !math::isfinite(r.ss) || !math::isfinite(r.vv) || !math::isfinite(r.sd);
  return overflow || (largest > C(0) && largest < tiny);
}

// n = sqrt(<x - y, x - y>_L) of the rows x, y of n coordinates (time first).
template <class C, class P>
HYP_HD C chord(C c, const P* x, const P* y, index_t n) {
  if (C(y[0]) < C(x[0])) {  // order the pair: exact symmetry
    const P* t = x;
    x = y;
    y = t;
  }
  const C x0 = C(x[0]), y0 = C(y[0]);
  const C a = chord_half_angle_factor(c, x0, y0);
  C largest(0);
  ChordSums<C> r = chord_sums(a, x, y, n, C(1), &largest);
  C sigma(1);
  if (chord_needs_rescale(r, largest)) {
    // A term itself overflowed: scale by the time coordinates, which bound
    // every space coordinate on the hyperboloid.
    if (!math::isfinite(largest) || largest == C(0)) largest = math::max_nan(x0, y0);
    if (!math::isfinite(largest) || !(largest > C(0))) return chord_from_sums(r, x0 + y0);
    sigma = math::ldexp(C(1), -math::ilogb(largest) - 2);
    r = chord_sums(a, x, y, n, sigma, static_cast<C*>(nullptr));
  }
  // (x0 + y0) sigma may overflow where sigma > 1 only for tiny differences,
  // whose time coordinates are moderate.
  return chord_from_sums(r, (x0 + y0) * sigma) / sigma;
}

}  // namespace hyperbolic::lorentz
