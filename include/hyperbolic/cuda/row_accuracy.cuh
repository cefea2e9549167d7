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
__device__ C tile_boundary(C c, C xx, const S* row, index_t n, int width) {
  const C cxx = c * xx;  // xx is tile-summed: the branch is the same on every lane
  if (!(cxx > C(poincare::compensated_above))) return C(1) - cxx;
  return tile_converge(poincare::boundary_factor_compensated(c, row, n), width);
}
template <class C, class S>
__device__ C tile_difference_norm(C dd, const S* x, const S* y, index_t n, int width) {
  if (!sum_of_squares_suspect(dd)) return math::sqrt(dd);
  return tile_converge(robust_distance<C>(x, y, 0, n), width);
}
template <class C, class S>
__device__ C tile_norm(C xx, const S* x, index_t begin, index_t n, int width) {
  if (!sum_of_squares_suspect(xx)) return math::sqrt(xx);
  return tile_converge(robust_norm<C>(x, begin, n), width);
}
template <class C>
__device__ lorentz::Chord<C> converged(lorentz::Chord<C> ch, int width) {
  return {tile_converge(ch.n, width), tile_converge(ch.gap, width)};
}

// sqrt(<x - y, x - y>_L) and x0 - y0 as lorentz::chord_and_gap computes them:
// its passes split over the tile, rows that need its rescaled passes (or are
// equal) through lorentz::chord_and_gap on every lane.
template <class C, class S>
__device__ lorentz::Chord<C> tile_chord_and_gap(C c, const S* x, const S* y, index_t n, int lane,
                                                int width) {
  C ss(0), sd(0), xx(0), yy(0);
  for (index_t j = lane; j < n; j += width) {
    if (j == 0) continue;
    const C xi = to_compute(x[j]), yi = to_compute(y[j]), e = xi - yi;
    ss += e * e;
    sd += e * (xi + yi);
    xx += xi * xi;
    yy += yi * yi;
  }
  ss = tile_sum(ss, width);
  sd = tile_sum(sd, width);
  xx = tile_sum(xx, width);
  yy = tile_sum(yy, width);
  if (!math::isfinite(sd) || !math::isfinite(xx) || !math::isfinite(yy) ||
      sum_of_squares_suspect(ss))
    return converged(lorentz::chord_and_gap<C>(c, x, y, n), width);
  const lorentz::ChordPass<C> r{ss, sd, xx, yy};
  const C gap = lorentz::chord_gap(sd, to_compute(x[0]), to_compute(y[0]), C(1));
  C out;
  if (lorentz::chord_from_differences(r, gap, &out)) return {out, gap};
  // The radial-angular form (lorentz::chord_far) with its pass split over the tile.
  C rx = math::sqrt(xx), ry = math::sqrt(yy);
  C X = math::sqrt(C(1) + c * xx), Y = math::sqrt(C(1) + c * yy);  // s x0, s y0
  const S *p = x, *q = y;
  if (ry < rx) {
    p = y;
    q = x;
    C t = rx;
    rx = ry;
    ry = t;
    t = X;
    X = Y;
    Y = t;
  }
  const C radial = lorentz::chord_radial_term(c, rx, ry, X, Y);
  C angular(0);
  if (rx > C(0)) {
    const C a = lorentz::chord_angular_factor(rx, ry);
    for (index_t j = lane; j < n; j += width) {
      if (j == 0) continue;
      const C v = a * to_compute(p[j]) - to_compute(q[j]) / a;
      angular += v * v;
    }
  }
  angular = tile_sum(angular, width);
  const C res = math::sqrt(radial * radial + angular);
  if (!math::isfinite(res) || !(res > C(0)))
    return converged(lorentz::chord_and_gap<C>(c, x, y, n), width);
  return {res, gap};
}
template <class C, class S>
__device__ C tile_chord(C c, const S* x, const S* y, index_t n, int lane, int width) {
  return tile_chord_and_gap<C>(c, x, y, n, lane, width).n;
}

}  // namespace hyperbolic::cuda::ops
