#pragma once
// A ranking key for the hyperboloid: for a fixed x, a strictly increasing
// function of d(x, y), with no transcendental (see poincare/ranking_key.hpp
// for what a ranking key is for).
//
//   key(x, y) = <x - y, x - y>_L = -(x0 - y0)^2 + sum_i (x_i - y_i)^2
//             = (2/c) (cosh(s d) - 1)
//
// strictly increasing in d for every c > 0, and the same function for every
// source x (keys of different sources are comparable here, unlike the
// ball's). Summed from the stored coordinates in coordinate order, time
// first: the error is a few ulps of x0 y0, so it resolves distances well
// below the coordinates' own rounding only near the origin (the chord of
// chord.hpp is the accurate distance; a ranking needs the order only).

#include "../../core/row_view.hpp"
#include "lorentz.hpp"

namespace hyperbolic {

template <class M>
struct RankingKey;

template <class T>
struct RankingKey<Lorentz<T>> {
  // Coordinate 0 (time) enters with the sign -1.
  static constexpr bool time_first = true;
  static constexpr bool weighted = false;

  HYP_HD static T weight(const Lorentz<T>&, ConstRow<T>) noexcept { return T(1); }
  // cpu/ranking_keys.hpp gives the same bits for a whole row of targets.
  HYP_HD static T key(const Lorentz<T>&, ConstRow<T> x, ConstRow<T> y) noexcept {
    T s = T(0);
    for (index_t k = 0; k < x.size(); ++k) {
      const T d = x[k] - y[k];
      s += (k == 0 ? T(-1) : T(1)) * d * d;
    }
    return s;
  }
};

}  // namespace hyperbolic
