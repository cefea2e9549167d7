#pragma once
// Value types of the coefficient step. Every primitive is reduce ->
// coefficients -> combine (docs/conventions.md); the coefficient functions
// (special_functions.hpp, manifolds/*/coefficients.hpp, the optimizers'
// optim/*_row.hpp) are written once over a value type V:
//   - float / double: one row (the scalar classes, the CUDA kernels);
//   - Dual<T, N>: the same value with its partial derivatives (backward);
//   - a SIMD register of T ("lanes"): the same quantity of several rows, so
//     that a CPU driver evaluates the transcendental step across a block of
//     rows at once (cpu/simd.hpp specializes lane_ops for xsimd batches).
//
// A branch on a value becomes `math::where(mask, f, g)`: f() where the mask
// holds, g() elsewhere. On a scalar (a bool mask) that is exactly
// `mask ? f() : g()`, on lanes it runs only the branches some lane needs and
// blends them with `select`. Lanes never interact: a lane's result is what
// the function gives for that lane's inputs alone, whatever the other lanes
// hold (so a batched result does not depend on how rows were grouped).

#include <type_traits>

#include "config.hpp"
#include "scalar_math.hpp"

namespace hyperbolic {

// Specialized by a backend for its register type V with
//   using scalar = ...;  using mask = ...;
//   static V select(mask, V, V);
//   static V sqrt(V), exp, expm1, log, log1p, sinh, cosh, tanh, asinh, atanh, fabs;
// and lane_mask_ops<mask> with static bool any(mask), all(mask).
template <class V>
struct lane_ops {};
template <class M>
struct lane_mask_ops {};

template <class V>
concept LaneValue = requires {
  typename lane_ops<V>::scalar;
};

namespace math {

// The element type: T for T, the lane type for a register of T.
template <class V>
struct scalar_of {
  using type = V;
};
template <LaneValue V>
struct scalar_of<V> {
  using type = typename lane_ops<V>::scalar;
};
template <class V>
using scalar_of_t = typename scalar_of<V>::type;

HYP_HD_INLINE bool any(bool m) {
  return m;
}
HYP_HD_INLINE bool all(bool m) {
  return m;
}
template <class M>
requires requires(const M& m) {
  lane_mask_ops<M>::any(m);
}
inline bool any(const M& m) {
  return lane_mask_ops<M>::any(m);
}
template <class M>
requires requires(const M& m) {
  lane_mask_ops<M>::all(m);
}
inline bool all(const M& m) {
  return lane_mask_ops<M>::all(m);
}

// a where m holds, else b (both evaluated).
template <class V>
HYP_HD_INLINE V select(bool m, const V& a, const V& b) {
  return m ? a : b;
}
template <LaneValue V>
inline V select(const typename lane_ops<V>::mask& m, const V& a, const V& b) {
  return lane_ops<V>::select(m, a, b);
}

// f() where m holds, g() elsewhere; only the branches that some lane needs
// are evaluated (a scalar evaluates exactly one).
template <class Mask, class F, class G>
HYP_HD_INLINE auto where(const Mask& m, F&& f, G&& g) {
  if constexpr (std::is_same_v<Mask, bool>) {
    if (m) return f();
    return g();
  } else {
    if (all(m)) return f();
    if (!any(m)) return g();
    return select(m, f(), g());
  }
}

// ---- elementary functions on lanes (scalars: scalar_math.hpp) --------------
#define HYP_LANE_UNARY(name)     \
  template <LaneValue V>         \
  inline V name(V x) {           \
    return lane_ops<V>::name(x); \
  }
HYP_LANE_UNARY(sqrt)
HYP_LANE_UNARY(exp)
HYP_LANE_UNARY(expm1)
HYP_LANE_UNARY(log)
HYP_LANE_UNARY(log1p)
HYP_LANE_UNARY(sinh)
HYP_LANE_UNARY(cosh)
HYP_LANE_UNARY(tanh)
HYP_LANE_UNARY(asinh)
HYP_LANE_UNARY(atanh)
HYP_LANE_UNARY(fabs)
#undef HYP_LANE_UNARY

template <LaneValue V>
inline V value(V x) {
  return x;
}
template <LaneValue V>
inline auto isnan(V x) {
  return x != x;
}
template <LaneValue V>
inline auto isfinite(V x) {
  return x - x == x - x;
}
template <LaneValue V>
inline V max_nan(V a, V b) {
  return select((a > b) || (a != a), a, b);
}
template <LaneValue V>
inline V min_nan(V a, V b) {
  return select((a < b) || (a != a), a, b);
}
template <LaneValue V>
inline V nonnegative(V v) {
  return select(v < V(0), V(0), v);
}

}  // namespace math
}  // namespace hyperbolic
