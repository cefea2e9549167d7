#pragma once
// The two chords of a pair of sphere points, a = |x - y| and b = |x + y|, the
// inputs of the distance d = (2/s) atan2(a, b) and of logmap and transp. On
// the sphere a^2 + b^2 = 4/c: a is the small one for close pairs and b for
// near-antipodal ones, and each is formed from the coordinates' differences
// (sums), so neither loses digits where it matters (acos(c<x, y>) loses all
// of them at both ends). Both sums of squares are rescaled by a power of two
// (exactly) where a square over- or underflowed, as robust_norm.hpp does.
// Shared by the scalar class and the CPU kernels.

#include "../../core/config.hpp"
#include "../../core/robust_norm.hpp"
#include "../../core/scalar_math.hpp"

namespace hyperbolic::sphere {

template <class C>
struct Chords {
  C a, b;  // |x - y|, |x + y|
};

namespace detail {
// |x + sign y| from its plain sum of squares and largest term: the sum itself
// where no square lost bits, else a second pass with the terms scaled.
template <class C, class P>
HYP_HD C chord_from_sum(const P* x, const P* y, index_t n, C sign, C sum, C largest) {
  if (!hyperbolic::detail::squares_need_rescale(sum, largest)) return math::sqrt(sum);
  const int k = hyperbolic::detail::rescale_exponent(largest);
  sum = C(0);
  for (index_t i = 0; i < n; ++i) {
    const C v = math::ldexp(C(x[i]) + sign * C(y[i]), k);
    sum += v * v;
  }
  return math::ldexp(math::sqrt(sum), -k);
}
}  // namespace detail

// |x - y| and |x + y| over the n coordinates, storage type P, computed in C.
template <class C, class P>
HYP_HD Chords<C> chords(const P* x, const P* y, index_t n) {
  C dd(0), ss(0), ld(0), ls(0);
  for (index_t i = 0; i < n; ++i) {
    const C xi = C(x[i]), yi = C(y[i]);
    const C e = xi - yi, f = xi + yi;
    dd += e * e;
    ss += f * f;
    ld = math::max_nan(ld, math::abs(e));
    ls = math::max_nan(ls, math::abs(f));
  }
  return {detail::chord_from_sum(x, y, n, C(-1), dd, ld),
          detail::chord_from_sum(x, y, n, C(1), ss, ls)};
}

}  // namespace hyperbolic::sphere
