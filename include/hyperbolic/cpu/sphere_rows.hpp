#pragma once
// Row kernels of the sphere (see row_kernels.hpp): the definitions of
// manifolds/sphere/rows.hpp, the same the scalar class runs, driven by the
// SIMD row pass (whose chords |x - y|, |x + y| are one SIMD reduction).

#include "../manifolds/sphere/rows.hpp"
#include "../manifolds/sphere/sphere.hpp"
#include "row_kernels.hpp"
#include "simd_row_pass.hpp"

namespace hyperbolic::cpu {

template <class T>
struct RowKernels<Sphere<T>> {
  using M = Sphere<T>;

  // ---- forward ---------------------------------------------------------------
  static T dist(const M& m, const T* x, const T* y, index_t d) noexcept {
    return sphere::rows::dist(SimdRowPass<T>{d}, m.c(), x, y);
  }
  static T dist0(const M& m, const T* x, index_t d) noexcept {
    return sphere::rows::dist0(SimdRowPass<T>{d}, m.c(), x);
  }
  static T dist2plane(const M& m, const T* x, const T* a, index_t d) noexcept {
    return sphere::rows::dist2plane(SimdRowPass<T>{d}, m.c(), x, a);
  }
  static void expmap(const M& m, const T* x, const T* u, T* out, index_t d) noexcept {
    sphere::rows::expmap(SimdRowPass<T>{d}, m.c(), x, u, out);
  }
  static void expmap0(const M& m, const T* u, T* out, index_t d) noexcept {
    sphere::rows::expmap0(SimdRowPass<T>{d}, m.c(), u, out);
  }
  static void logmap(const M& m, const T* x, const T* y, T* out, index_t d) noexcept {
    sphere::rows::logmap(SimdRowPass<T>{d}, m.c(), x, y, out);
  }
  static void logmap0(const M& m, const T* y, T* out, index_t d) noexcept {
    sphere::rows::logmap0(SimdRowPass<T>{d}, m.c(), y, out);
  }
  static void projx(const M& m, const T* x, T* out, index_t d) noexcept {
    sphere::rows::projx(SimdRowPass<T>{d}, m.c(), x, out);
  }
  static void proju(const M& m, const T* x, const T* u, T* out, index_t d) noexcept {
    sphere::rows::proju(SimdRowPass<T>{d}, m.c(), x, u, out);
  }
  static void egrad2rgrad(const M& m, const T* x, const T* g, T* out, index_t d) noexcept {
    sphere::rows::proju(SimdRowPass<T>{d}, m.c(), x, g, out);
  }
  static void transp(const M& m, const T* x, const T* y, const T* v, T* out, index_t d) noexcept {
    sphere::rows::transp(SimdRowPass<T>{d}, m.c(), x, y, v, out);
  }

  // ---- backward: overwrite the input gradients, return dL/dc -----------------
  static T dist_backward(const M& m, const T* x, const T* y, T g, T* gx, T* gy,
                         index_t d) noexcept {
    return sphere::rows::dist_backward(SimdRowPass<T>{d}, m.c(), x, y, g, gx, gy);
  }
  static T dist0_backward(const M& m, const T* x, T g, T* gx, index_t d) noexcept {
    return sphere::rows::dist0_backward(SimdRowPass<T>{d}, m.c(), x, g, gx);
  }
  static T dist2plane_backward(const M& m, const T* x, const T* a, T g, T* gx, T* ga,
                               index_t d) noexcept {
    return sphere::rows::dist2plane_backward(SimdRowPass<T>{d}, m.c(), x, a, g, gx, ga);
  }
  static T expmap_backward(const M& m, const T* x, const T* u, const T* g, T* gx, T* gu,
                           index_t d) noexcept {
    return sphere::rows::expmap_backward(SimdRowPass<T>{d}, m.c(), x, u, g, gx, gu);
  }
  static T expmap0_backward(const M& m, const T* u, const T* g, T* gu, index_t d) noexcept {
    return sphere::rows::expmap0_backward(SimdRowPass<T>{d}, m.c(), u, g, gu);
  }
  static T logmap_backward(const M& m, const T* x, const T* y, const T* g, T* gx, T* gy,
                           index_t d) noexcept {
    return sphere::rows::logmap_backward(SimdRowPass<T>{d}, m.c(), x, y, g, gx, gy);
  }
  static T logmap0_backward(const M& m, const T* y, const T* g, T* gy, index_t d) noexcept {
    return sphere::rows::logmap0_backward(SimdRowPass<T>{d}, m.c(), y, g, gy);
  }
  static T projx_backward(const M& m, const T* x, const T* g, T* gx, index_t d) noexcept {
    return sphere::rows::projx_backward(SimdRowPass<T>{d}, m.c(), x, g, gx);
  }
};

}  // namespace hyperbolic::cpu
