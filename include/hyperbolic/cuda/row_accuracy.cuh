#pragma once
// Device side of the accuracy steps every model shares with the scalar
// classes and the CPU kernels: the ball's boundary factor
// (manifolds/poincare/boundary.hpp), the hyperboloid's chord
// (manifolds/lorentz/chord.hpp) and norms safe from under/overflow
// (core/robust_norm.hpp).

#include "../core/robust_norm.hpp"
#include "model.cuh"
#include "vector_slot.cuh"

namespace hyperbolic::cuda::ops {

// The shared accuracy steps (boundary.hpp, chord.hpp, robust_norm.hpp) on a
// tile: the sums are split over the lanes as usual; a row that needs the
// compensated or rescaled pass runs the core's scalar definition over the
// whole row on every lane of its tile (rare: rows near the ball's boundary,
// extreme coordinates), so every lane holds the same value.
template <class C, class S>
__device__ C tile_boundary(C c, C xx, const S* row, index_t n) {
  return poincare::boundary_factor(c, xx, row, n);
}
template <class C, class S>
__device__ C tile_difference_norm(C dd, const S* x, const S* y, index_t n) {
  return sum_of_squares_suspect(dd) ? robust_distance<C>(x, y, 0, n) : math::sqrt(dd);
}
template <class C, class S>
__device__ C tile_norm(C xx, const S* x, index_t begin, index_t n) {
  return sum_of_squares_suspect(xx) ? robust_norm<C>(x, begin, n) : math::sqrt(xx);
}
// sqrt(<x - y, x - y>_L) as lorentz::chord computes it.
template <class C, class S>
__device__ C tile_chord(C c, const S* x, const S* y, index_t n, int lane, int width) {
  const S *p = x, *q = y;
  if (to_compute(q[0]) < to_compute(p[0])) {
    p = y;
    q = x;
  }
  const C p0 = to_compute(p[0]), q0 = to_compute(q[0]);
  const C a = lorentz::chord_half_angle_factor(c, p0, q0);
  C ss(0), sd(0), vv(0);
  for (index_t j = lane; j < n; j += width) {
    if (j == 0) continue;
    const C xi = to_compute(p[j]), yi = to_compute(q[j]), e = xi - yi, v = a * xi - yi / a;
    ss += e * e;
    sd += e * (xi + yi);
    vv += v * v;
  }
  ss = tile_sum(ss, width);
  sd = tile_sum(sd, width);
  vv = tile_sum(vv, width);
  if (!math::isfinite(sd) || sum_of_squares_suspect(ss) || sum_of_squares_suspect(vv))
    return lorentz::chord<C>(c, x, y, n);
  return lorentz::chord_from_sums(lorentz::ChordSums<C>{ss, sd, vv}, p0 + q0);
}

}  // namespace hyperbolic::cuda::ops
