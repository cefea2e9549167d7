#pragma once
// Row kernels of flat space (see row_kernels.hpp): the definitions of
// manifolds/euclidean_rows.hpp, the same the scalar class runs, driven by the
// SIMD row pass; the curvature gradients are 0.

#include "../manifolds/euclidean.hpp"
#include "../manifolds/euclidean_rows.hpp"
#include "row_kernels.hpp"
#include "simd_row_pass.hpp"

namespace hyperbolic::cpu {

template <class T>
struct RowKernels<Euclidean<T>> {
  using M = Euclidean<T>;
  using P = SimdRowPass<T>;

  // ---- forward ---------------------------------------------------------------
  static T dist(const M&, const T* x, const T* y, index_t d) noexcept {
    return euclidean::rows::dist(P{d}, x, y);
  }
  static T dist0(const M&, const T* x, index_t d) noexcept {
    return euclidean::rows::dist0(P{d}, x);
  }
  static T dist2plane(const M&, const T* x, const T* p, const T* a, index_t d) noexcept {
    return euclidean::rows::dist2plane(P{d}, x, p, a);
  }
  static void expmap(const M&, const T* x, const T* u, T* out, index_t d) noexcept {
    euclidean::rows::add(P{d}, x, u, out);
  }
  static void expmap0(const M&, const T* u, T* out, index_t d) noexcept {
    euclidean::rows::copy(P{d}, u, out);
  }
  static void logmap(const M&, const T* x, const T* y, T* out, index_t d) noexcept {
    euclidean::rows::difference(P{d}, x, y, out);
  }
  static void logmap0(const M&, const T* y, T* out, index_t d) noexcept {
    euclidean::rows::copy(P{d}, y, out);
  }
  static void projx(const M&, const T* x, T* out, index_t d) noexcept {
    euclidean::rows::copy(P{d}, x, out);
  }
  static void proju(const M&, const T*, const T* u, T* out, index_t d) noexcept {
    euclidean::rows::copy(P{d}, u, out);
  }
  static void egrad2rgrad(const M&, const T*, const T* g, T* out, index_t d) noexcept {
    euclidean::rows::copy(P{d}, g, out);
  }
  static void transp(const M&, const T*, const T*, const T* v, T* out, index_t d) noexcept {
    euclidean::rows::copy(P{d}, v, out);
  }
  static void mobius_add(const M&, const T* x, const T* y, T* out, index_t d) noexcept {
    euclidean::rows::add(P{d}, x, y, out);
  }
  static void mobius_scalar_mul(const M&, T r, const T* x, T* out, index_t d) noexcept {
    euclidean::rows::scale(P{d}, r, x, out);
  }

  // ---- backward ----------------------------------------------------------------
  static T dist_backward(const M&, const T* x, const T* y, T g, T* gx, T* gy, index_t d) noexcept {
    euclidean::rows::dist_backward(P{d}, x, y, g, gx, gy);
    return T(0);
  }
  static T dist0_backward(const M&, const T* x, T g, T* gx, index_t d) noexcept {
    euclidean::rows::dist0_backward(P{d}, x, g, gx);
    return T(0);
  }
  static T dist2plane_backward(const M&, const T* x, const T* p, const T* a, T g, T* gx, T* gp,
                               T* ga, index_t d) noexcept {
    euclidean::rows::dist2plane_backward(P{d}, x, p, a, g, gx, gp, ga);
    return T(0);
  }
  static T expmap_backward(const M&, const T*, const T*, const T* g, T* gx, T* gu,
                           index_t d) noexcept {
    euclidean::rows::copy2(P{d}, g, gx, gu);
    return T(0);
  }
  static T expmap0_backward(const M&, const T*, const T* g, T* gu, index_t d) noexcept {
    euclidean::rows::copy(P{d}, g, gu);
    return T(0);
  }
  static T logmap_backward(const M&, const T*, const T*, const T* g, T* gx, T* gy,
                           index_t d) noexcept {
    euclidean::rows::difference_backward(P{d}, g, gx, gy);
    return T(0);
  }
  static T logmap0_backward(const M&, const T*, const T* g, T* gy, index_t d) noexcept {
    euclidean::rows::copy(P{d}, g, gy);
    return T(0);
  }
  static T projx_backward(const M&, const T*, const T* g, T* gx, index_t d) noexcept {
    euclidean::rows::copy(P{d}, g, gx);
    return T(0);
  }
  static T mobius_add_backward(const M&, const T*, const T*, const T* g, T* gx, T* gy,
                               index_t d) noexcept {
    euclidean::rows::copy2(P{d}, g, gx, gy);
    return T(0);
  }
};

}  // namespace hyperbolic::cpu
