#pragma once
// The row primitives of flat space, defined once over a row pass
// (row_pass.hpp) like the curved models' (poincare/rows.hpp): Euclidean runs
// them with the sequential pass, the CPU backend with its SIMD pass. Norms
// come from the pass, so distances of points closer than ~1e-19 or farther
// than ~1e19 apart (float; squares under- or overflow) are still right.
// The curvature gradients are 0.

#include <array>

#include "../core/combine.hpp"

namespace hyperbolic::euclidean::rows {

template <class P, class T>
HYP_HD_INLINE void copy(const P& pass, const T* x, T* out) {
  pass.combine(out, [&](auto at) { return at(x); });
}

// ---- forward ------------------------------------------------------------------

template <class P, class T>
HYP_HD_INLINE T dist(const P& pass, const T* x, const T* y) {
  const auto [dd] = pass.reduce([&](auto at) {
    const auto di = at(x) - at(y);
    return std::array{di * di};
  });
  return pass.difference_norm(dd, x, y);
}
template <class P, class T>
HYP_HD_INLINE T dist0(const P& pass, const T* x) {
  const auto [xx] = pass.reduce([&](auto at) {
    const auto xi = at(x);
    return std::array{xi * xi};
  });
  return pass.norm(xx, x);
}
// Signed distance to the hyperplane through p with normal a.
template <class P, class T>
HYP_HD_INLINE T dist2plane(const P& pass, const T* x, const T* p, const T* a) {
  const auto [e, aa] = pass.reduce([&](auto at) {
    const auto ai = at(a);
    return std::array{(at(x) - at(p)) * ai, ai * ai};
  });
  return e / pass.norm(aa, a);
}
template <class P, class T>
HYP_HD_INLINE void add(const P& pass, const T* x, const T* u, T* out) {
  pass.combine(out, [&](auto at) { return at(x) + at(u); });
}
template <class P, class T>
HYP_HD_INLINE void difference(const P& pass, const T* x, const T* y, T* out) {  // y - x
  pass.combine(out, [&](auto at) { return at(y) - at(x); });
}
template <class P, class T>
HYP_HD_INLINE void scale(const P& pass, T r, const T* x, T* out) {
  pass.combine(out, [&](auto at) { return r * at(x); });
}

// ---- backward -----------------------------------------------------------------

template <class P, class T>
HYP_HD_INLINE void dist_backward(const P& pass, const T* x, const T* y, T g, T* gx, T* gy) {
  const T k = per_norm(g, dist(pass, x, y));
  pass.combine(std::array{gx, gy}, [&](auto at) {
    const auto di = at(x) - at(y);
    return std::array{k * di, -k * di};
  });
}
template <class P, class T>
HYP_HD_INLINE void dist0_backward(const P& pass, const T* x, T g, T* gx) {
  scale(pass, per_norm(g, dist0(pass, x)), x, gx);
}
template <class P, class T>
HYP_HD_INLINE void dist2plane_backward(const P& pass, const T* x, const T* p, const T* a, T g,
                                       T* gx, T* gp, T* ga) {
  const auto [e, aa] = pass.reduce([&](auto at) {
    const auto ai = at(a);
    return std::array{(at(x) - at(p)) * ai, ai * ai};
  });
  const T na = pass.norm(aa, a), f = e / na;
  pass.combine(std::array{gx, gp, ga}, [&](auto at) {
    const auto ai = at(a), di = at(x) - at(p);
    return std::array{g * ai / na, -g * ai / na, g * (di - f * ai / na) / na};
  });
}
// g into two outputs (the backward pass of x + u and of mobius_add).
template <class P, class T>
HYP_HD_INLINE void copy2(const P& pass, const T* g, T* a, T* b) {
  pass.combine(std::array{a, b}, [&](auto at) {
    const auto gi = at(g);
    return std::array{gi, gi};
  });
}
// Backward of y - x: (-g, g).
template <class P, class T>
HYP_HD_INLINE void difference_backward(const P& pass, const T* g, T* gx, T* gy) {
  pass.combine(std::array{gx, gy}, [&](auto at) {
    const auto gi = at(g);
    return std::array{-gi, gi};
  });
}

}  // namespace hyperbolic::euclidean::rows
