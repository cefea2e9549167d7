#pragma once
// Ranking keys: per model, a strictly increasing function of the distance
// d(x, y) for a fixed source x, cheaper than the distance itself, for
// evaluations that only order nodes by their distance (mean rank, MAP).
// Every key has the form
//
//   key(x, y) = weight(y) * sum_k sign_k (x_k - y_k)^2
//
// summed in coordinate order, with sign_0 = -1 on the hyperboloid (time_first)
// and +1 otherwise, and weight 1 unless `weighted`:
//
//   PoincareBall  |x - y|^2 / (1 - c|y|^2)      poincare/ranking_key.hpp
//   Lorentz       <x - y, x - y>_L               lorentz/ranking_key.hpp
//   Euclidean     |x - y|^2                      (here)
//
// cpu/ranking_keys.hpp evaluates a source against every row of an embedding
// with the same bits as RankingKey<M>::key.

#include "euclidean.hpp"
#include "lorentz/ranking_key.hpp"
#include "poincare/ranking_key.hpp"

namespace hyperbolic {

template <class T>
struct RankingKey<Euclidean<T>> {
  static constexpr bool time_first = false;
  static constexpr bool weighted = false;

  HYP_HD static T weight(const Euclidean<T>&, ConstRow<T>) noexcept { return T(1); }
  // |x - y|^2 = d^2.
  HYP_HD static T key(const Euclidean<T>&, ConstRow<T> x, ConstRow<T> y) noexcept {
    T s = T(0);
    for (index_t k = 0; k < x.size(); ++k) {
      const T d = x[k] - y[k];
      s += d * d;
    }
    return s;
  }
};

}  // namespace hyperbolic
