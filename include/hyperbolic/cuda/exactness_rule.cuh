#pragma once
// When the GEMM form of a squared distance may not be trusted.
//
// Pairwise distances read the squared (Lorentzian, on the hyperboloid)
// distance of rows x, y from the Gram matrix: dd = q(x) + q(y) - 2 b(x, y),
// with q, b the model's quadratic and bilinear forms. Each of the three terms
// is bounded by the Euclidean squared norms, |q(x)| <= |x|^2 and
// 2|b(x, y)| <= |x|^2 + |y|^2, so the rounding error of dd is at most about
// 2 gamma (|x|^2 + |y|^2), gamma ~ d u the error of a d-term dot product (u
// the unit roundoff; typical sums do much better, ~sqrt(d) u). Relative to dd
// that is 2 gamma (|x|^2 + |y|^2) / dd: the cancellation factor. The rule
// accepts the GEMM value only where
//     dd_gemm >= ratio * (|x|^2 + |y|^2),
// which bounds the relative error of dd by 2 gamma / ratio (32 gamma at the
// default ratio 1/16, the CPU backend's recompute_below, cpu/pairwise.hpp:
// both backends flag the same pairs up to rounding) and of the distance, which grows like sqrt(dd)
// or slower, by half of that plus the coefficient's own rounding. Every other pair (close points,
// points far from the origin relative to their separation, NaN) is recomputed from the differences
// of the rows, which is exact to rounding like the scalar path. Plain C++ so it is tested on the
// CPU.

#include "../core/config.hpp"

namespace hyperbolic::cuda {

inline constexpr double default_exactness_ratio = 1.0 / 16.0;

// dd_gemm: the GEMM-form squared distance; ee: |x|^2 + |y|^2 (Euclidean).
// NaN compares false, so NaN pairs are always recomputed.
template <class C>
HYP_HD_INLINE constexpr bool needs_exact_recompute(C dd_gemm, C ee, C ratio) {
  return !(dd_gemm >= ratio * ee);
}

}  // namespace hyperbolic::cuda
