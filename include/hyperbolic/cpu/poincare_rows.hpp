#pragma once
// Row kernels of the Poincare ball (see row_kernels.hpp): the definitions of
// manifolds/poincare/rows.hpp, the same the scalar class runs, driven by the
// SIMD row pass.

#include "../manifolds/poincare/poincare_ball.hpp"
#include "../manifolds/poincare/rows.hpp"
#include "row_kernels.hpp"
#include "simd_row_pass.hpp"

namespace hyperbolic::cpu {

template <class T>
struct RowKernels<PoincareBall<T>> {
  using M = PoincareBall<T>;

  // ---- forward ---------------------------------------------------------------
  static T dist(const M& m, const T* x, const T* y, index_t d) noexcept {
    return poincare::rows::dist(SimdRowPass<T>{d}, m.c(), x, y);
  }
  // For c > 0: t with dist = (2 / sqrt(c)) asinh(t) (batched dist).
  static T dist_asinh_argument(const M& m, const T* x, const T* y, index_t d) noexcept {
    return poincare::rows::dist_asinh_argument(SimdRowPass<T>{d}, m.c(), x, y);
  }
  // For c > 0: u with dist0 = (1/s) log1p(u) (non-finite: the row takes dist0).
  static T dist0_argument(const M& m, const T* x, index_t d) noexcept {
    return poincare::rows::dist0_log1p_argument(SimdRowPass<T>{d}, m.c(), x);
  }
  static T dist0(const M& m, const T* x, index_t d) noexcept {
    return poincare::rows::dist0(SimdRowPass<T>{d}, m.c(), x);
  }
  static T dist2plane(const M& m, const T* x, const T* p, const T* a, index_t d) noexcept {
    return poincare::rows::dist2plane(SimdRowPass<T>{d}, m.c(), x, p, a);
  }
  static void expmap(const M& m, const T* x, const T* u, T* out, index_t d) noexcept {
    poincare::rows::expmap(SimdRowPass<T>{d}, m.c(), x, u, out);
  }
  static void expmap0(const M& m, const T* u, T* out, index_t d) noexcept {
    poincare::rows::expmap0(SimdRowPass<T>{d}, m.c(), u, out);
  }
  static void logmap(const M& m, const T* x, const T* y, T* out, index_t d) noexcept {
    poincare::rows::logmap(SimdRowPass<T>{d}, m.c(), x, y, out);
  }
  static void logmap0(const M& m, const T* y, T* out, index_t d) noexcept {
    poincare::rows::logmap0(SimdRowPass<T>{d}, m.c(), y, out);
  }
  static void projx(const M& m, const T* x, T* out, index_t d) noexcept {
    poincare::rows::projx(SimdRowPass<T>{d}, m.max_norm(), x, out);
  }
  static void proju(const M&, const T*, const T* u, T* out, index_t d) noexcept {
    poincare::rows::scale(SimdRowPass<T>{d}, T(1), u, out);
  }
  static void egrad2rgrad(const M& m, const T* x, const T* g, T* out, index_t d) noexcept {
    poincare::rows::egrad2rgrad(SimdRowPass<T>{d}, m.c(), x, g, out);
  }
  static void transp(const M& m, const T* x, const T* y, const T* v, T* out, index_t d) noexcept {
    poincare::rows::transp(SimdRowPass<T>{d}, m.c(), x, y, v, out);
  }
  static void mobius_add(const M& m, const T* x, const T* y, T* out, index_t d) noexcept {
    poincare::rows::mobius_add(SimdRowPass<T>{d}, m.c(), x, y, out);
  }
  static void mobius_scalar_mul(const M& m, T r, const T* x, T* out, index_t d) noexcept {
    poincare::rows::mobius_scalar_mul(SimdRowPass<T>{d}, m.c(), r, x, out);
  }

  // ---- backward: overwrite the input gradients, return dL/dc -----------------
  static T dist_backward(const M& m, const T* x, const T* y, T g, T* gx, T* gy,
                         index_t d) noexcept {
    return poincare::rows::dist_backward(SimdRowPass<T>{d}, m.c(), x, y, g, gx, gy);
  }
  static T dist0_backward(const M& m, const T* x, T g, T* gx, index_t d) noexcept {
    return poincare::rows::dist0_backward(SimdRowPass<T>{d}, m.c(), x, g, gx);
  }
  static T dist2plane_backward(const M& m, const T* x, const T* p, const T* a, T g, T* gx, T* gp,
                               T* ga, index_t d) noexcept {
    return poincare::rows::dist2plane_backward(SimdRowPass<T>{d}, m.c(), x, p, a, g, gx, gp, ga);
  }
  static T expmap_backward(const M& m, const T* x, const T* u, const T* g, T* gx, T* gu,
                           index_t d) noexcept {
    return poincare::rows::expmap_backward(SimdRowPass<T>{d}, m.c(), x, u, g, gx, gu);
  }
  static T expmap0_backward(const M& m, const T* u, const T* g, T* gu, index_t d) noexcept {
    return poincare::rows::expmap0_backward(SimdRowPass<T>{d}, m.c(), u, g, gu);
  }
  static T logmap0_backward(const M& m, const T* y, const T* g, T* gy, index_t d) noexcept {
    return poincare::rows::logmap0_backward(SimdRowPass<T>{d}, m.c(), y, g, gy);
  }
  static T logmap_backward(const M& m, const T* x, const T* y, const T* g, T* gx, T* gy,
                           index_t d) noexcept {
    return poincare::rows::logmap_backward(SimdRowPass<T>{d}, m.c(), x, y, g, gx, gy);
  }
  static T mobius_add_backward(const M& m, const T* x, const T* y, const T* g, T* gx, T* gy,
                               index_t d) noexcept {
    return poincare::rows::mobius_add_backward(SimdRowPass<T>{d}, m.c(), x, y, g, gx, gy);
  }
  static T projx_backward(const M& m, const T* x, const T* g, T* gx, index_t d) noexcept {
    return poincare::rows::projx_backward(SimdRowPass<T>{d}, m.c(), m.max_norm(), x, g, gx);
  }
};

}  // namespace hyperbolic::cpu
