#pragma once
// Which model a manifold type is, for the kernels' `if constexpr` branches,
// and the small per-model helpers the row reductions need.

#include <cuda_runtime.h>

#include "../manifolds/euclidean.hpp"
#include "../manifolds/lorentz/lorentz.hpp"
#include "../manifolds/poincare/poincare_ball.hpp"

namespace hyperbolic::cuda {

// The library's one model trait (manifolds/model_kind.hpp).
using Model = ModelKind;
template <class M>
inline constexpr Model model_v = model_kind_v<M>;

namespace detail {
// The Lorentzian metric sign of coordinate j (time first).
template <class C>
__device__ __forceinline__ C time_sign(index_t j) {
  return j == 0 ? C(-1) : C(1);
}
using math::nonnegative;  // Lorentzian squares clamped at 0 as the scalar class does
}  // namespace detail

}  // namespace hyperbolic::cuda
