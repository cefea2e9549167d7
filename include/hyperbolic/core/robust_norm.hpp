#pragma once
// Euclidean norms of a row and of a difference of rows that neither overflow
// nor underflow: the plain sum of squares first, and where a square
// overflowed or the largest term is so small that squaring it lost bits
// (float: below ~1e-15, so that two distinct points 1e-23 apart would get
// distance 0), a second pass with the terms scaled by a power of two (exact).
// Shared by the scalar classes, the CPU kernels and the CUDA kernels.

#include <limits>

#include "config.hpp"
#include "scalar_math.hpp"

namespace hyperbolic {

namespace detail {
// Whether a sum of squares with largest term `largest` needs the scaled pass.
template <class C>
HYP_HD_INLINE bool squares_need_rescale(C sum, C largest) {
  constexpr int p = std::numeric_limits<C>::digits;
  const C tiny = math::ldexp(C(1), (std::numeric_limits<C>::min_exponent + p) / 2);
  return (!math::isfinite(sum) && math::isfinite(largest)) || (largest > C(0) && largest < tiny);
}
// The power of two that brings `largest` into [1/2, 1), as an exponent (the
// factor itself may not be representable: 2^149 for a float subnormal).
template <class C>
HYP_HD_INLINE int rescale_exponent(C largest) {
  return -math::ilogb(largest) - 1;
}
}  // namespace detail

// |x[begin..n)|, coordinates of storage type P, computed in C.
template <class C, class P>
HYP_HD C robust_norm(const P* x, index_t begin, index_t n) {
  C sum(0), largest(0);
  for (index_t i = begin; i < n; ++i) {
    const C v = C(x[i]);
    sum += v * v;
    largest = math::max_nan(largest, math::abs(v));
  }
  if (!detail::squares_need_rescale(sum, largest)) return math::sqrt(sum);
  const int k = detail::rescale_exponent(largest);
  sum = C(0);
  for (index_t i = begin; i < n; ++i) {
    const C v = math::ldexp(C(x[i]), k);
    sum += v * v;
  }
  return math::ldexp(math::sqrt(sum), -k);
}

// |x - y| over coordinates [begin, n).
template <class C, class P>
HYP_HD C robust_distance(const P* x, const P* y, index_t begin, index_t n) {
  C sum(0), largest(0);
  for (index_t i = begin; i < n; ++i) {
    const C v = C(x[i]) - C(y[i]);
    sum += v * v;
    largest = math::max_nan(largest, math::abs(v));
  }
  if (!detail::squares_need_rescale(sum, largest)) return math::sqrt(sum);
  const int k = detail::rescale_exponent(largest);
  sum = C(0);
  for (index_t i = begin; i < n; ++i) {
    const C v = math::ldexp(C(x[i]) - C(y[i]), k);
    sum += v * v;
  }
  return math::ldexp(math::sqrt(sum), -k);
}

// Whether a plain sum of squares (from a SIMD or tile reduction) may have
// lost bits to underflow or overflowed: callers then take robust_norm /
// robust_distance for that row. Conservative: a row whose largest term is
// below ~1e-15 (float) has a sum below ~1e-30.
template <class C>
HYP_HD_INLINE bool sum_of_squares_suspect(C sum) {
  constexpr int p = std::numeric_limits<C>::digits;
  const C tiny = math::ldexp(C(1), std::numeric_limits<C>::min_exponent + p);
  return !(sum >= tiny) || !math::isfinite(sum);
}

}  // namespace hyperbolic
