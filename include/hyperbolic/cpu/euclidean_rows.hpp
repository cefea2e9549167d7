#pragma once
// Row kernels of flat space (see row_kernels.hpp), mirroring
// manifolds/euclidean.hpp; the curvature gradients are 0.

#include "../manifolds/euclidean.hpp"
#include "row_kernels.hpp"
#include "row_passes.hpp"

namespace hyperbolic::cpu {

template <class T>
struct RowKernels<Euclidean<T>> {
  using M = Euclidean<T>;

  // ---- forward ---------------------------------------------------------------
  static T dist(const M&, const T* x, const T* y, index_t d) noexcept {
    return math::sqrt(squared_distance(x, y, d));
  }
  static T dist0(const M&, const T* x, index_t d) noexcept {
    return math::sqrt(squared_norm(x, d));
  }
  static T dist2plane(const M&, const T* x, const T* p, const T* a, index_t d) noexcept {
    const auto [e, aa] = simd::reduce_row<T>(d, [&](auto at) {
      const auto ai = at(a);
      return std::array{(at(x) - at(p)) * ai, ai * ai};
    });
    return e / math::sqrt(aa);
  }
  static void expmap(const M&, const T* x, const T* u, T* out, index_t d) noexcept {
    simd::combine_row(d, out, [&](auto at) { return at(x) + at(u); });
  }
  static void expmap0(const M&, const T* u, T* out, index_t d) noexcept { copy(u, out, d); }
  static void logmap(const M&, const T* x, const T* y, T* out, index_t d) noexcept {
    simd::combine_row(d, out, [&](auto at) { return at(y) - at(x); });
  }
  static void logmap0(const M&, const T* y, T* out, index_t d) noexcept { copy(y, out, d); }
  static void projx(const M&, const T* x, T* out, index_t d) noexcept { copy(x, out, d); }
  static void proju(const M&, const T*, const T* u, T* out, index_t d) noexcept { copy(u, out, d); }
  static void egrad2rgrad(const M&, const T*, const T* g, T* out, index_t d) noexcept {
    copy(g, out, d);
  }
  static void transp(const M&, const T*, const T*, const T* v, T* out, index_t d) noexcept {
    copy(v, out, d);
  }
  static void mobius_add(const M&, const T* x, const T* y, T* out, index_t d) noexcept {
    simd::combine_row(d, out, [&](auto at) { return at(x) + at(y); });
  }
  static void mobius_scalar_mul(const M&, T r, const T* x, T* out, index_t d) noexcept {
    simd::combine_row(d, out, [&](auto at) { return r * at(x); });
  }

  // ---- backward ----------------------------------------------------------------
  static T dist_backward(const M&, const T* x, const T* y, T g, T* gx, T* gy, index_t d) noexcept {
    const T k = per_norm(g, math::sqrt(squared_distance(x, y, d)));
    simd::combine_rows(d, std::array{gx, gy}, [&](auto at) {
      const auto di = at(x) - at(y);
      return std::array{k * di, -k * di};
    });
    return T(0);
  }
  static T dist0_backward(const M&, const T* x, T g, T* gx, index_t d) noexcept {
    const T k = per_norm(g, math::sqrt(squared_norm(x, d)));
    simd::combine_row(d, gx, [&](auto at) { return k * at(x); });
    return T(0);
  }
  static T expmap_backward(const M&, const T*, const T*, const T* g, T* gx, T* gu,
                           index_t d) noexcept {
    return copy2(g, gx, gu, d);
  }
  static T expmap0_backward(const M&, const T*, const T* g, T* gu, index_t d) noexcept {
    copy(g, gu, d);
    return T(0);
  }
  static T logmap_backward(const M&, const T*, const T*, const T* g, T* gx, T* gy,
                           index_t d) noexcept {
    simd::combine_rows(d, std::array{gx, gy}, [&](auto at) {
      const auto gi = at(g);
      return std::array{-gi, gi};
    });
    return T(0);
  }
  static T logmap0_backward(const M&, const T*, const T* g, T* gy, index_t d) noexcept {
    copy(g, gy, d);
    return T(0);
  }
  static T projx_backward(const M&, const T*, const T* g, T* gx, index_t d) noexcept {
    copy(g, gx, d);
    return T(0);
  }
  static T mobius_add_backward(const M&, const T*, const T*, const T* g, T* gx, T* gy,
                               index_t d) noexcept {
    return copy2(g, gx, gy, d);
  }

 private:
  static T squared_norm(const T* x, index_t d) noexcept {
    return simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at(x);
      return std::array{xi * xi};
    })[0];
  }
  static T squared_distance(const T* x, const T* y, index_t d) noexcept {
    return simd::reduce_row<T>(d, [&](auto at) {
      const auto di = at(x) - at(y);
      return std::array{di * di};
    })[0];
  }
  static void copy(const T* x, T* out, index_t d) noexcept {
    simd::combine_row(d, out, [&](auto at) { return at(x); });
  }
  static T copy2(const T* g, T* a, T* b, index_t d) noexcept {
    simd::combine_rows(d, std::array{a, b}, [&](auto at) {
      const auto gi = at(g);
      return std::array{gi, gi};
    });
    return T(0);
  }
};

}  // namespace hyperbolic::cpu
