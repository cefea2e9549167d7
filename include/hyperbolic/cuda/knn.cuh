#pragma once
// k nearest neighbours: per-row top-k selection over a distance matrix, and
// k_nearest, which computes the distances chunk by chunk (pairwise_dist) and
// selects from each chunk.
//
// Selection: one warp per row; each lane keeps a sorted list of its k best
// candidates among the columns it reads (j = lane, lane + 32, ...: coalesced),
// then the warp merges the 32 lists k times by a shuffle argmin. Order is by
// (distance, column): ties go to the smaller column, NaN sorts after +inf, so
// the result is deterministic. k <= 32.

#include <cstdint>

#include "pairwise.cuh"

namespace hyperbolic::cuda {

inline constexpr int max_k_nearest = 32;

namespace detail {

// (distance, index) order with NaN last.
template <class T>
__device__ __forceinline__ bool before(T da, std::int64_t ia, T db, std::int64_t ib) {
  const bool na = da != da, nb = db != db;
  if (na != nb) return nb;
  if (!na && da != db) return da < db;
  return ia < ib;
}

template <class T>
__global__ void top_k_rows(const T* dist, index_t rows, index_t cols, index_t stride, int k,
                           bool exclude_self, index_t self_offset, std::int64_t* idx_out,
                           index_t idx_stride, T* dist_out, index_t dist_stride) {
  const int lane = threadIdx.x & (warp_size - 1);
  const index_t warps_per_block = blockDim.x / warp_size;
  const T inf = T(1) / T(0);
  for (index_t r = static_cast<index_t>(blockIdx.x) * warps_per_block + threadIdx.x / warp_size;
       r < rows; r += static_cast<index_t>(gridDim.x) * warps_per_block) {
    T bd[max_k_nearest];
    std::int64_t bi[max_k_nearest];
    for (int t = 0; t < k; ++t) {
      bd[t] = inf;
      bi[t] = -1;
    }
    const T* row = dist + r * stride;
    for (index_t j = lane; j < cols; j += warp_size) {
      if (exclude_self && j == r + self_offset) continue;
      const T v = row[j];
      if (bi[k - 1] >= 0 && !before(v, j, bd[k - 1], bi[k - 1])) continue;
      int p = k - 1;  // insertion: shift the worse ones down
      while (p > 0 && (bi[p - 1] < 0 || before(v, j, bd[p - 1], bi[p - 1]))) {
        bd[p] = bd[p - 1];
        bi[p] = bi[p - 1];
        --p;
      }
      bd[p] = v;
      bi[p] = j;
    }
    // Merge: k rounds of warp argmin over the lanes' heads.
    int head = 0;
    for (int t = 0; t < k; ++t) {
      T hd = head < k ? bd[head] : inf;
      std::int64_t hi = head < k ? bi[head] : -1;
      if (hi < 0) hd = inf;
      T wd = hd;
      std::int64_t wi = hi < 0 ? INT64_MAX : hi;
      for (int o = warp_size / 2; o > 0; o /= 2) {
        const T od = __shfl_xor_sync(0xffffffffu, wd, o);
        const std::int64_t oi = __shfl_xor_sync(0xffffffffu, wi, o);
        if (before(od, oi, wd, wi)) {
          wd = od;
          wi = oi;
        }
      }
      if (hi >= 0 && hi == wi) ++head;  // the winner (indices are unique) pops
      if (lane == 0) {
        idx_out[r * idx_stride + t] = wi == INT64_MAX ? -1 : wi;
        dist_out[r * dist_stride + t] = wd;
      }
    }
  }
}

}  // namespace detail

// For each row r of dist (rows x cols), the k smallest entries in increasing
// order: their columns in idx (rows x k, int64) and values in values (rows x
// k). exclude_self skips column r + self_offset (a point is not its own
// neighbour when the distances are self-distances).
template <class T>
void top_k_smallest(NoDeduce<ConstMatrixView<T>> dist, int k, MatrixView<std::int64_t> idx,
                    MatrixView<T> values, bool exclude_self = false, index_t self_offset = 0,
                    cudaStream_t stream = nullptr) {
  constexpr const char* fn = "top_k_smallest";
  detail::check_view(fn, "dist", dist);
  detail::check_view(fn, "idx", idx);
  detail::check_view(fn, "values", values);
  const index_t available = dist.cols() - (exclude_self ? 1 : 0);
  if (k < 1 || k > max_k_nearest || k > available)
    detail::bad_argument(fn, "k = " + std::to_string(k) +
                                 " (need 1 <= k <= " + std::to_string(max_k_nearest) +
                                 " and k <= " + std::to_string(available) + " candidate columns)");
  if (idx.rows() != dist.rows() || idx.cols() != k || values.rows() != dist.rows() ||
      values.cols() != k)
    detail::bad_argument(fn, "idx is " + std::to_string(idx.rows()) + " x " +
                                 std::to_string(idx.cols()) + " and values " +
                                 std::to_string(values.rows()) + " x " +
                                 std::to_string(values.cols()) + ", need " +
                                 std::to_string(dist.rows()) + " x " + std::to_string(k));
  if (dist.rows() == 0) return;
  const index_t blocks = (dist.rows() + 7) / 8;
  detail::top_k_rows<T><<<static_cast<unsigned>(blocks < 65535 ? blocks : 65535), 256, 0, stream>>>(
      dist.data(), dist.rows(), dist.cols(), dist.stride(), k, exclude_self, self_offset,
      idx.data(), idx.stride(), values.data(), values.stride());
  HYP_CUDA_CHECK_LAUNCH();
}

// The k nearest rows of Y for every row of X. When X and Y are the same
// points, exclude_self leaves each point out of its own list. Distances are
// computed for at most `chunk_rows` rows of X at a time (a chunk_rows x m
// temporary, stream-ordered).
template <class M, class T>
void k_nearest(cublasHandle_t handle, const M& m, NoDeduce<ConstMatrixView<T>> x,
               NoDeduce<ConstMatrixView<T>> y, int k, MatrixView<std::int64_t> idx,
               MatrixView<T> values, bool exclude_self = false, index_t chunk_rows = 4096,
               const PairwiseOptions& options = {}, cudaStream_t stream = nullptr) {
  constexpr const char* fn = "k_nearest";
  if (chunk_rows < 1) detail::bad_argument(fn, "chunk_rows = " + std::to_string(chunk_rows));
  detail::check_manifold(fn, m);
  detail::check_view(fn, "x", x);
  detail::check_view(fn, "y", y);
  if (x.cols() != y.cols())
    detail::bad_argument(
        fn, "y has " + std::to_string(y.cols()) + " columns but x has " + std::to_string(x.cols()));
  const index_t n = x.rows(), mm = y.rows();
  const index_t available = mm - (exclude_self ? 1 : 0);
  if (k < 1 || k > max_k_nearest || k > available)
    detail::bad_argument(fn, "k = " + std::to_string(k) +
                                 " (need 1 <= k <= " + std::to_string(max_k_nearest) +
                                 " and k <= " + std::to_string(available) + " candidates)");
  detail::check_view(fn, "idx", idx);
  detail::check_view(fn, "values", values);
  if (idx.rows() != n || idx.cols() != k || values.rows() != n || values.cols() != k)
    detail::bad_argument(fn,
                         "idx and values must be " + std::to_string(n) + " x " + std::to_string(k));
  if (n == 0) return;
  const index_t chunk = chunk_rows < n ? chunk_rows : n;
  T* tmp = nullptr;
  HYP_CUDA_CHECK(cudaMallocAsync(reinterpret_cast<void**>(&tmp),
                                 sizeof(T) * static_cast<std::size_t>(chunk * mm), stream));
  try {
    for (index_t r0 = 0; r0 < n; r0 += chunk) {
      const index_t rows = n - r0 < chunk ? n - r0 : chunk;
      const MatrixView<T> d(tmp, rows, mm);
      pairwise_dist<M, T>(
          handle, m, ConstMatrixView<T>(x.data() + r0 * x.stride(), rows, x.cols(), x.stride()), y,
          d, options, stream);
      top_k_smallest<T>(
          d, k, MatrixView<std::int64_t>(idx.data() + r0 * idx.stride(), rows, k, idx.stride()),
          MatrixView<T>(values.data() + r0 * values.stride(), rows, k, values.stride()),
          exclude_self, r0, stream);
    }
  } catch (...) {
    cudaFreeAsync(tmp, stream);
    throw;
  }
  HYP_CUDA_CHECK(cudaFreeAsync(tmp, stream));
}

}  // namespace hyperbolic::cuda
