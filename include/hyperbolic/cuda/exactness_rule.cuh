#pragma once
// When the GEMM form of a squared distance may not be trusted.
//
// Pairwise distances read the squared distance of rows x, y from the Gram
// matrix of the coordinates the GEMM forms (all of them; Lorentz: the space
// part): dd = |x|^2 + |y|^2 - 2 <x, y>, and for Lorentz minus (x0 - y0)^2,
// which each pair forms from its own two time coordinates. The GEMM terms are
// bounded by |x|^2 + |y|^2 (2|<x, y>| <= |x|^2 + |y|^2), so the rounding error
// of dd is at most about 2 gamma (|x|^2 + |y|^2), gamma ~ d u the error of a
// d-term dot product (u the unit roundoff; typical sums do much better,
// ~sqrt(d) u). Relative to dd that is 2 gamma (|x|^2 + |y|^2) / dd: the
// cancellation factor. (Lorentz: on an accepted pair the time term is at most
// |xs - ys|^2 <= 2 (|xs|^2 + |ys|^2) <= 2 dd / ratio, so its own rounding
// stays within the same bound.) The rule accepts the GEMM value only where
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
