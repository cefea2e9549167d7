#pragma once
// The ball's boundary factor 1 - c|x|^2 (manifolds/poincare/boundary.hpp) for
// the CPU kernels: the same compensated sum (Dekker's TwoProduct, Sum2) on
// SIMD registers, so that rows near the boundary - most of a trained
// embedding - cost a second pass over a row already in cache instead of a
// scalar loop (measured in bench/cpu_accuracy_cost). Double rows keep
// double-double accuracy; float rows get float-float lanes summed in double
// (~2^-48 of |x|^2), enough unless 1 - c|x|^2 < 2^-20 (points beyond ~15 from
// the origin, past float's representable radius), which take the scalar
// path's exact double accumulation.

#include "../manifolds/poincare/boundary.hpp"
#include "simd.hpp"

namespace hyperbolic::cpu {

template <class T>
inline T boundary_factor(T c, T xx, const T* x, index_t d) noexcept {
  const T cxx = c * xx;
  if (!(cxx > T(poincare::compensated_above))) return T(1) - cxx;  // NaN passes through
  using B = simd::batch<T>;
  constexpr index_t W = simd::lanes<T>;
  static_assert(W % 2 == 0, "the float path sums lane pairs");
  // Two accumulators hide the add latency of the TwoSum chain.
  error_free::CompensatedSum<B> lanes{B(T(0)), B(T(0))}, odd{B(T(0)), B(T(0))};
  index_t i = 0;
  for (; i + 2 * W <= d; i += 2 * W) {
    lanes.add(error_free::two_square<T>(B::load_unaligned(x + i)));
    odd.add(error_free::two_square<T>(B::load_unaligned(x + i + W)));
  }
  for (; i + W <= d; i += W)
    lanes.add(error_free::two_square<T>(B::load_unaligned(x + i)));
  lanes.add({odd.hi, odd.lo});
  alignas(64) T hi[W], lo[W];
  lanes.hi.store_aligned(hi);
  lanes.lo.store_aligned(lo);
  if constexpr (sizeof(T) == 4) {
    // float: the lanes' float-float parts are exact in double, and their plain
    // double sum (error ~2^-48 of |x|^2 at most) leaves 1 - c|x|^2 accurate to
    // float precision down to 2^-20; a long scalar TwoSum chain over 16 lanes
    // cost more than the SIMD pass itself.
    double even = 0, odd_sum = 0;
    for (index_t k = 0; k < W; k += 2) {
      even += double(hi[k]) + double(lo[k]);
      odd_sum += double(hi[k + 1]) + double(lo[k + 1]);
    }
    for (; i < d; ++i)
      even += double(x[i]) * double(x[i]);
    const double b = 1.0 - double(c) * (even + odd_sum);
    if (!(b > 0x1p-20)) return poincare::boundary_factor_compensated(c, x, d);
    return T(b);
  } else {
    error_free::CompensatedSum<T> sum{T(0), T(0)};
    for (index_t k = 0; k < W; ++k)
      sum.add({hi[k], lo[k]});
    for (; i < d; ++i)
      sum.add(error_free::two_square<T>(x[i]));
    const error_free::Sum<T> scaled = error_free::two_product<T>(c, sum.hi);
    const T scaled_lo = scaled.lo + c * sum.lo;
    const error_free::Sum<T> diff = error_free::two_sum(T(1), -scaled.hi);
    return diff.hi + (diff.lo - scaled_lo);
  }
}

}  // namespace hyperbolic::cpu
