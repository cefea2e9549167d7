#pragma once
// A ranking key for the ball: for a fixed x, a strictly increasing function
// of d(x, y), cheaper than the distance (no transcendental, one pass over the
// coordinates per pair). For evaluations that only order the nodes by their
// distance from x (mean rank, MAP).
//
//   key(x, y) = |x - y|^2 / (1 - c|y|^2)
//
// Why it orders by distance: d = (2/s) asinh(s q) with q^2 = |x - y|^2 /
// ((1 - c|x|^2)(1 - c|y|^2)), so key = (1 - c|x|^2) q^2, and for a fixed x
// the factor 1 - c|x|^2 > 0 is a constant: key is strictly increasing in q,
// hence in d, for every c > 0. (It is the argument of the acosh form of the
// distance without x's factor.) Keys of different sources x are not
// comparable.
//
// The per-target factor 1/(1 - c|y|^2) is computed once per row from the
// compensated boundary factor (boundary.hpp), so it keeps its relative
// accuracy at the clamp radii trainers use (1 - c|y|^2 ~ 1e-10).

#include <limits>

#include "../../core/row_view.hpp"
#include "poincare_ball.hpp"

namespace hyperbolic {

template <class M>
struct RankingKey;

template <class T>
struct RankingKey<PoincareBall<T>> {
  // Coordinate 0 is an ordinary coordinate (the hyperboloid's enters with -1).
  static constexpr bool time_first = false;
  // The squared difference is multiplied by a per-target weight.
  static constexpr bool weighted = true;

  // 1 / (1 - c|y|^2), compensated; a row on or beyond the boundary gets the
  // largest finite weight instead of inf or a negative number.
  HYP_HD static T weight(const PoincareBall<T>& m, ConstRow<T> y) noexcept {
    const T b = m.boundary(y);
    return T(1) / (b > std::numeric_limits<T>::min() ? b : std::numeric_limits<T>::min());
  }
  // key(x, y) = weight(y) |x - y|^2, the square summed in coordinate order
  // (cpu/ranking_keys.hpp gives the same bits for a whole row of targets).
  HYP_HD static T key(const PoincareBall<T>& m, ConstRow<T> x, ConstRow<T> y) noexcept {
    T s = T(0);
    for (index_t k = 0; k < x.size(); ++k) {
      const T d = x[k] - y[k];
      s += d * d;
    }
    return s * weight(m, y);
  }
};

}  // namespace hyperbolic
