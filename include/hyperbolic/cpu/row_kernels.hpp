#pragma once
// RowKernels<M>: SIMD implementations of one manifold's primitives on one row
// (pointers + length d). Each is reduce_row -> the core's coefficient function
// (on T, or on Dual<T, N> for a backward pass, exactly as the scalar class
// evaluates it) -> combine_row. A primitive a specialisation does not provide
// falls back to the manifold's own scalar member function in the batched API,
// so any type modelling the Manifold concept can be batched.

namespace hyperbolic::cpu {

template <class M>
struct RowKernels {};

namespace detail {
// Lorentzian squares of spacelike (or zero) vectors are clamped at 0 like the
// scalar class does: negative values are rounding. NaN is kept.
template <class T>
inline T nonnegative(T v) noexcept {
  return v < T(0) ? T(0) : v;
}
}  // namespace detail

}  // namespace hyperbolic::cpu
