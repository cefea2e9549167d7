#pragma once
// The CPU backend's row pass (manifolds/row_pass.hpp): reductions and
// combinations on SIMD registers (row_passes.hpp), and the careful norms only
// where the plain sum of squares is suspect (robust_norm.hpp) or the point is
// near the ball's boundary (boundary_factor.hpp, on SIMD registers too); the
// hyperboloid's chord with chord.hpp's passes on SIMD registers.

#include <array>
#include <cstddef>
#include <utility>

#include "../core/robust_norm.hpp"
#include "../manifolds/lorentz/chord.hpp"
#include "../manifolds/sphere/chords.hpp"
#include "boundary_factor.hpp"
#include "row_passes.hpp"

namespace hyperbolic::cpu {

template <class T>
struct SimdRowPass {
  index_t d;  // coordinates per row

  template <class Terms>
  auto reduce(Terms&& terms) const noexcept {
    return simd::reduce_row<T>(d, terms);
  }
  template <class Value>
  void combine(T* out, Value&& value) const noexcept {
    simd::combine_row(d, out, value);
  }
  template <std::size_t K, class Values>
  void combine(const std::array<T*, K>& outs, Values&& values) const noexcept {
    simd::combine_rows(d, outs, values);
  }

  T norm(T xx, const T* x) const noexcept {
    return sum_of_squares_suspect(xx) ? robust_norm<T>(x, 0, d) : math::sqrt(xx);
  }
  T space_norm(T xx, const T* x) const noexcept {
    return sum_of_squares_suspect(xx) ? robust_norm<T>(x, 1, d) : math::sqrt(xx);
  }
  T difference_norm(T dd, const T* x, const T* y) const noexcept {
    return sum_of_squares_suspect(dd) ? robust_distance<T>(x, y, 0, d) : math::sqrt(dd);
  }
  T ball_boundary(T c, T xx, const T* x) const noexcept { return boundary_factor(c, xx, x, d); }

  // sqrt(<x - y, x - y>_L) and x0 - y0 as lorentz::chord_and_gap computes them
  // (manifolds/lorentz/chord.hpp), its passes on SIMD registers; rows that need
  // its rescaled passes (or are equal) take lorentz::chord_and_gap itself.
  lorentz::Chord<T> lorentz_chord(T c, const T* x, const T* y) const noexcept {
    // The chord form needs two sums; the norms only the radial-angular form.
    const auto [ss, sd] = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at.space(x), yi = at.space(y), e = xi - yi;
      return std::array{e * e, e * (xi + yi)};
    });
    if (!math::isfinite(sd) || sum_of_squares_suspect(ss))
      return lorentz::chord_and_gap(c, x, y, d);
    const T gap = lorentz::chord_gap(sd, x[0], y[0], T(1));
    T n;
    if (lorentz::chord_from_differences(lorentz::ChordPass<T>{ss, sd, T(0), T(0)}, gap, &n))
      return {n, gap};
    // The radial-angular form (lorentz::chord_far) with its passes on SIMD registers.
    const auto [xx, yy] = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at.space(x), yi = at.space(y);
      return std::array{xi * xi, yi * yi};
    });
    if (!math::isfinite(xx) || !math::isfinite(yy)) return lorentz::chord_and_gap(c, x, y, d);
    T rx = math::sqrt(xx), ry = math::sqrt(yy);
    T X = math::sqrt(T(1) + c * xx), Y = math::sqrt(T(1) + c * yy);  // s x0, s y0
    const T *p = x, *q = y;
    if (ry < rx) {
      std::swap(p, q);
      std::swap(rx, ry);
      std::swap(X, Y);
    }
    const T radial = lorentz::chord_radial_term(c, rx, ry, X, Y);
    T angular(0);
    if (rx > T(0)) {
      const T a = lorentz::chord_angular_factor(rx, ry);
      angular = simd::reduce_row<T>(d, [&](auto at) {
        const auto v = a * at.space(p) - at.space(q) / a;
        return std::array{v * v};
      })[0];
    }
    const T out = math::sqrt(radial * radial + angular);
    if (!math::isfinite(out) || !(out > T(0))) return lorentz::chord_and_gap(c, x, y, d);
    return {out, gap};
  }

  // The sphere's chords |x - y| and |x + y| (manifolds/sphere/chords.hpp): both
  // sums of squares in one SIMD pass; a row where either is suspect takes
  // sphere::chords' rescaled passes.
  sphere::Chords<T> sphere_chords(const T* x, const T* y) const noexcept {
    const auto [dd, ss] = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at(x), yi = at(y), e = xi - yi, f = xi + yi;
      return std::array{e * e, f * f};
    });
    if (sum_of_squares_suspect(dd) || sum_of_squares_suspect(ss)) return sphere::chords<T>(x, y, d);
    return {math::sqrt(dd), math::sqrt(ss)};
  }
};

}  // namespace hyperbolic::cpu
