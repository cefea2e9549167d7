#pragma once
// Ranking keys (manifolds/ranking_key.hpp) of one source row against every
// row of an embedding: the inner loop of a mean-rank / MAP evaluation, which
// needs, for every node u, an increasing function of d(u, w) for all w.
//
// The embedding is copied once into a transposed block (one column per
// coordinate, nodes contiguous) and the model's per-target weights are
// computed once; a source's row of keys is then a loop over coordinates with
// the loop over all nodes innermost, which vectorises without reordering any
// sum: each key adds its terms in coordinate order, as RankingKey<M>::key
// does, so the values are the scalar key's bit for bit (tested).
//
// Safe to call concurrently from several threads (const, no shared scratch).

#include <algorithm>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "../manifolds/ranking_key.hpp"

namespace hyperbolic::cpu {

template <class M>
class RankingKeys {
 public:
  using T = typename M::scalar;
  using Key = RankingKey<M>;

  // `x`: node_count rows of row_size stored coordinates, row-major.
  RankingKeys(const M& m, std::size_t node_count, std::size_t row_size, std::span<const T> x)
      : n_(node_count), a_(row_size), columns_(row_size * node_count) {
    if (row_size == 0) throw std::invalid_argument("RankingKeys: row size must be positive");
    if (x.size() != node_count * row_size)
      throw std::invalid_argument("RankingKeys: " + std::to_string(x.size()) + " values for " +
                                  std::to_string(node_count) + " rows of " +
                                  std::to_string(row_size));
    for (std::size_t r = 0; r < n_; ++r)
      for (std::size_t k = 0; k < a_; ++k)
        columns_[k * n_ + r] = x[r * a_ + k];
    if constexpr (Key::weighted) {
      weights_.resize(n_);
      for (std::size_t r = 0; r < n_; ++r)
        weights_[r] = Key::weight(m, ConstRow<T>(x.data() + r * a_, index_t(a_)));
    }
  }

  std::size_t size() const noexcept { return n_; }

  // out[w] = key(row u, row w) for every node w (out[u] included: the key of
  // a row against itself, 0 up to the weight).
  void operator()(std::size_t u, std::span<T> out) const {
    if (u >= n_ || out.size() != n_)
      throw std::invalid_argument("RankingKeys: source " + std::to_string(u) + " with " +
                                  std::to_string(out.size()) + " outputs for " +
                                  std::to_string(n_) + " rows");
    std::fill(out.begin(), out.end(), T(0));
    for (std::size_t k = 0; k < a_; ++k) {
      const T xk = columns_[k * n_ + u];
      const T* col = columns_.data() + k * n_;
      const T sign = Key::time_first && k == 0 ? T(-1) : T(1);
      for (std::size_t w = 0; w < n_; ++w) {
        const T d = xk - col[w];
        out[w] += sign * d * d;
      }
    }
    if constexpr (Key::weighted)
      for (std::size_t w = 0; w < n_; ++w)
        out[w] *= weights_[w];
  }

 private:
  std::size_t n_, a_;
  std::vector<T> columns_;
  std::vector<T> weights_;  // weighted models only
};

}  // namespace hyperbolic::cpu
