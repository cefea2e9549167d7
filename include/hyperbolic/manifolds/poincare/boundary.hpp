#pragma once
// The boundary factor 1 - c|x|^2 of a point of the ball, to full relative
// accuracy. Every ball formula divides by it, and near the boundary it is the
// difference of two nearly equal numbers: formed as 1 - c*xx from a rounded
// |x|^2 it loses everything once 1 - c|x|^2 falls below the rounding of |x|^2
// (float: from distance ~8 from the origin on, NaN or inf from ~17; double:
// ~37), although the stored point is strictly inside the ball.
//
// boundary_factor keeps the plain 1 - c*xx where that is accurate (c|x|^2 <=
// 1/2: its relative error is at most twice that of xx) and otherwise sums the
// squares without error (Dekker's TwoProduct, Sum2) in the accumulation type
// below. Shared by the scalar classes, the CPU kernels and the CUDA kernels.

#include "../../core/config.hpp"
#include "../../core/error_free.hpp"
#include "../../core/scalar_math.hpp"

namespace hyperbolic::poincare {

// float rows accumulate in double (a float squared is exact there, and the
// compensated double sum resolves 1 - c|x|^2 down to ~1e-32); double rows in
// double-double.
template <class C>
struct BoundaryAccumulator {
  using type = C;
};
template <>
struct BoundaryAccumulator<float> {
  using type = double;
};

// Rows with c|x|^2 above this take the compensated sum.
inline constexpr double compensated_above = 0.5;

// 1 - c|x|^2 of the n coordinates at x, compensated (see above). P is the
// storage type (it may be narrower than C, e.g. half on the device).
template <class C, class P>
HYP_HD C boundary_factor_compensated(C c, const P* x, index_t n) {
  using A = typename BoundaryAccumulator<C>::type;
  error_free::CompensatedSum<A> sum{A(0), A(0)};
  for (index_t i = 0; i < n; ++i)
    sum.add(error_free::two_square<A>(A(C(x[i]))));
  const error_free::Sum<A> scaled = error_free::two_product<A>(A(c), sum.hi);
  const A scaled_lo = scaled.lo + A(c) * sum.lo;
  const error_free::Sum<A> diff = error_free::two_sum(A(1), -scaled.hi);
  return C(diff.hi + (diff.lo - scaled_lo));
}

// 1 - c|x|^2 given the plain xx = |x|^2 of the same row.
template <class C, class P>
HYP_HD_INLINE C boundary_factor(C c, C xx, const P* x, index_t n) {
  const C cxx = c * xx;
  if (!(cxx > C(compensated_above))) return C(1) - cxx;  // NaN passes through
  return boundary_factor_compensated(c, x, n);
}

// The boundary factor as a function of (c, xx) for the coefficient code: the
// value `accurate` (from boundary_factor) with, on dual numbers, the
// derivatives of 1 - c xx. On plain scalars it is `accurate` itself.
template <class S, class V>
HYP_HD_INLINE S boundary_of(S c, S xx, V accurate) {
  S b = S(1) - c * xx;
  if constexpr (requires { b.v; })
    b.v = accurate;
  else
    b = accurate;
  return b;
}

}  // namespace hyperbolic::poincare
