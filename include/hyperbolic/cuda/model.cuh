#pragma once
// Which model a manifold type is, for the kernels' `if constexpr` branches,
// and the small per-model helpers the row reductions need.

#include <cuda_runtime.h>

#include "../manifolds/euclidean.hpp"
#include "../manifolds/lorentz/lorentz.hpp"
#include "../manifolds/poincare/poincare_ball.hpp"

namespace hyperbolic::cuda {

enum class Model { poincare, lorentz, euclidean };

template <class M>
struct model_of;
template <class T>
struct model_of<PoincareBall<T>> {
  static constexpr Model value = Model::poincare;
};
template <class T>
struct model_of<Lorentz<T>> {
  static constexpr Model value = Model::lorentz;
};
template <class T>
struct model_of<Euclidean<T>> {
  static constexpr Model value = Model::euclidean;
};
template <class M>
inline constexpr Model model_v = model_of<M>::value;

namespace detail {
// The Lorentzian metric sign of coordinate j (time first).
template <class C>
__device__ __forceinline__ C time_sign(index_t j) {
  return j == 0 ? C(-1) : C(1);
}
// As Lorentz's private clamp: a Lorentzian square that should be >= 0 and is
// negative only by rounding becomes 0; NaN is kept.
template <class C>
__device__ __forceinline__ C nonnegative(C v) {
  return v < C(0) ? C(0) : v;
}
}  // namespace detail

}  // namespace hyperbolic::cuda
