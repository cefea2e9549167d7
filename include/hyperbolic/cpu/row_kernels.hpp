#pragma once
// RowKernels<M>: SIMD implementations of one manifold's primitives on one row
// (pointers + length d). Each is reduce_row -> the core's coefficient function
// (on T, or on Dual<T, N> for a backward pass, exactly as the scalar class
// evaluates it) -> combine_row. A primitive a specialisation does not provide
// falls back to the manifold's own scalar member function in the batched API,
// so any type modelling the Manifold concept can be batched.

#include "../core/scalar_math.hpp"

namespace hyperbolic::cpu {

template <class M>
struct RowKernels {};

namespace detail {
using math::nonnegative;  // Lorentzian squares clamped at 0 as the scalar class does
}  // namespace detail

}  // namespace hyperbolic::cpu
