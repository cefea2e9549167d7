#pragma once
// k nearest neighbours: for each query row, the k rows of `points` with the
// smallest distance, nearest first (ties by the smaller index; NaN distances
// rank last). Distances come from pairwise_dist (GEMM with exact
// recomputation of close pairs, see pairwise.hpp) over blocks of queries, so
// the workspace stays bounded (about block_entries distances) whatever N and M.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "pairwise.hpp"

namespace hyperbolic::cpu {

namespace detail {
// (distance, index) order with NaN after every number.
template <class T>
inline bool nearer(T da, index_t ia, T db, index_t ib) noexcept {
  const bool na = math::isnan(da), nb = math::isnan(db);
  if (na != nb) return nb;
  if (!na && da != db) return da < db;
  return ia < ib;
}

// Keeps the k nearest of one row of distances in (dist, idx), as a max-heap
// while scanning and sorted nearest-first at the end. No allocation.
template <class T>
void select_nearest(const T* row, index_t m, index_t k, T* dist, index_t* idx) noexcept {
  auto sift_down = [&](index_t root, index_t size) {
    for (;;) {
      index_t worst = root;
      const index_t l = 2 * root + 1, r = l + 1;
      if (l < size && nearer(dist[worst], idx[worst], dist[l], idx[l])) worst = l;
      if (r < size && nearer(dist[worst], idx[worst], dist[r], idx[r])) worst = r;
      if (worst == root) return;
      std::swap(dist[root], dist[worst]);
      std::swap(idx[root], idx[worst]);
      root = worst;
    }
  };
  for (index_t j = 0; j < k; ++j) {
    dist[j] = row[j];
    idx[j] = j;
  }
  for (index_t r = k / 2 - 1; r >= 0; --r)
    sift_down(r, k);
  for (index_t j = k; j < m; ++j)
    if (nearer(row[j], j, dist[0], idx[0])) {
      dist[0] = row[j];
      idx[0] = j;
      sift_down(0, k);
    }
  for (index_t size = k - 1; size > 0; --size) {  // heap sort: farthest to the back
    std::swap(dist[0], dist[size]);
    std::swap(idx[0], idx[size]);
    sift_down(0, size);
  }
}
}  // namespace detail

// indices and distances are N x k.
template <class M>
requires detail::has_gemm_form<M>
void knn(const M& m, Rows<const S<M>> queries, Rows<const S<M>> points, index_t k,
         Rows<index_t> indices, Rows<S<M>> distances, index_t block_entries = index_t(1) << 22) {
  using T = S<M>;
  const index_t n = queries.rows(), nm = points.rows();
  const std::string where = "hyperbolic::cpu::knn: ";
  if (k < 1 || k > nm)
    throw std::invalid_argument(where + "k = " + std::to_string(k) + " must be in [1, " +
                                std::to_string(nm) + "] (the number of points)");
  if (queries.cols() != points.cols())
    throw std::invalid_argument(where + "queries have " + std::to_string(queries.cols()) +
                                " columns but points have " + std::to_string(points.cols()));
  detail::check_batch("knn",
                      {detail::out("indices", indices), detail::out("distances", distances)});
  if (indices.rows() != n || indices.cols() != k)
    throw std::invalid_argument(where + "indices is " + std::to_string(indices.rows()) + " x " +
                                std::to_string(indices.cols()) + " but must be " +
                                std::to_string(n) + " x " + std::to_string(k));
  if (block_entries < 1) throw std::invalid_argument(where + "block_entries must be >= 1");
  const index_t block = std::clamp<index_t>(block_entries / nm, 1, std::max<index_t>(n, 1));
  std::vector<T> work(std::size_t(std::min(block, n) * nm));
  for (index_t b = 0; b < n; b += block) {
    const index_t rows = std::min(block, n - b);
    const Rows<const T> q(queries.ptr(b), rows, queries.cols(), queries.stride());
    const Rows<T> w(work.data(), rows, nm, nm);
    pairwise_dist(m, q, points, w);
    for_each_row(rows, nm, [&](index_t i) {
      detail::select_nearest(w.ptr(i), nm, k, distances.ptr(b + i), indices.ptr(b + i));
    });
  }
}

}  // namespace hyperbolic::cpu
