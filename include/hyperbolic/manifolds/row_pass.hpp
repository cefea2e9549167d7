#pragma once
// A row pass: how a primitive's definition (<model>/rows.hpp) walks
// its rows. A definition is written once as
//   reductions  pass.reduce(terms)       sums of terms(at) over the coordinates
//   coefficient the model's scalar step  (coefficients.hpp, on T or Dual<T, k>)
//   combination pass.combine(out, value) out[i] = value(at)
// and each backend supplies the pass: SequentialRowPass here (the scalar
// classes, host and device: one coordinate at a time, in order) and
// cpu::SimdRowPass (SIMD registers). The lambdas take a loader `at`: at(p) is
// the element(s) of row p at the current position; at.space(p) zeroes the
// time coordinate (index 0) and at.eta(p) negates it, for the hyperboloid.
//
// A pass also says how a row's norms are formed where the plain sum of
// squares can lose bits (robust_norm.hpp, the ball's boundary factor): the
// scalar classes always take the careful path, the SIMD pass only where the
// sum is suspect.

#include <array>
#include <cstddef>

#include "../core/config.hpp"
#include "../core/robust_norm.hpp"
#include "lorentz/chord.hpp"
#include "poincare/boundary.hpp"
#include "sphere/chords.hpp"

namespace hyperbolic {

// One coordinate of each row: the scalar loader.
template <class T>
struct ElementAt {
  index_t i;
  HYP_HD T operator()(const T* p) const noexcept { return p[i]; }
  HYP_HD T space(const T* p) const noexcept { return i == 0 ? T(0) : p[i]; }
  HYP_HD T eta(const T* p) const noexcept { return i == 0 ? -p[i] : p[i]; }
};

template <class T>
struct SequentialRowPass {
  index_t d;  // coordinates per row

  // The K sums of terms(at) over i in [0, d), each accumulated in order from 0.
  template <class Terms>
  HYP_HD auto reduce(Terms&& terms) const noexcept {
    decltype(terms(ElementAt<T>{0})) sums{};
    for (index_t i = 0; i < d; ++i) {
      const auto t = terms(ElementAt<T>{i});
      for (std::size_t k = 0; k < sums.size(); ++k)
        sums[k] += t[k];
    }
    return sums;
  }
  // out[i] = value(at); each position is read before it is written, so out
  // may be one of the inputs.
  template <class Value>
  HYP_HD void combine(T* out, Value&& value) const noexcept {
    for (index_t i = 0; i < d; ++i)
      out[i] = value(ElementAt<T>{i});
  }
  // Several outputs from one pass: values(at) returns one value per output.
  template <std::size_t K, class Values>
  HYP_HD void combine(const std::array<T*, K>& outs, Values&& values) const noexcept {
    for (index_t i = 0; i < d; ++i) {
      const auto v = values(ElementAt<T>{i});
      for (std::size_t k = 0; k < K; ++k)
        outs[k][i] = v[k];
    }
  }

  // |x| and |x - y| safe from under- and overflow (xx, dd: the plain sums).
  HYP_HD T norm(T, const T* x) const noexcept { return robust_norm<T>(x, 0, d); }
  HYP_HD T space_norm(T, const T* x) const noexcept { return robust_norm<T>(x, 1, d); }
  HYP_HD T difference_norm(T, const T* x, const T* y) const noexcept {
    return robust_distance<T>(x, y, 0, d);
  }
  // The ball's 1 - c|x|^2, compensated near the boundary.
  HYP_HD T ball_boundary(T c, T xx, const T* x) const noexcept {
    return poincare::boundary_factor(c, xx, x, d);
  }
  // The hyperboloid's chord sqrt(<x - y, x - y>_L) and time gap x0 - y0.
  HYP_HD lorentz::Chord<T> lorentz_chord(T c, const T* x, const T* y) const noexcept {
    return lorentz::chord_and_gap(c, x, y, d);
  }
  // The sphere's chords |x - y| and |x + y|.
  HYP_HD sphere::Chords<T> sphere_chords(const T* x, const T* y) const noexcept {
    return sphere::chords<T>(x, y, d);
  }
};

}  // namespace hyperbolic
