#pragma once
// The CPU backend's row pass (manifolds/row_pass.hpp): reductions and
// combinations on SIMD registers (row_passes.hpp), and the careful norms only
// where the plain sum of squares is suspect (robust_norm.hpp) or the point is
// near the ball's boundary (boundary_factor.hpp, on SIMD registers too).

#include <array>
#include <cstddef>

#include "../core/robust_norm.hpp"
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
};

}  // namespace hyperbolic::cpu
