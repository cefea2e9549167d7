#pragma once
// Riemannian SGD and Adam steps on device, dense (every row) and sparse (a
// list of rows, e.g. an embedding table's touched rows).
//
// Each row runs the optimizer's own per-row function, optim::sgd_step_row /
// optim::adam_step_row (HYP_HD, allocation-free; optim/sgd_row.hpp,
// optim/adam_row.hpp), so a device step computes what RiemannianSGD /
// RiemannianAdam compute on the host for the same state: geoopt's algorithm,
// first moment parallel-transported, one second-moment scalar per point on
// the hyperbolic models (one per coordinate on Euclidean space).
//
// One thread per row (the row functions are sequential over a row); the
// row's workspace comes from one stream-ordered allocation of at most
// max_optimizer_threads workspaces. Optimizer steps touch each parameter a
// few times per training step; the batched primitives are the bandwidth-
// tuned kernels (batched.cuh).
//
// State lives in caller-owned device memory (AdamState / SgdState below),
// float or double. Sparse steps take the row indices on the host, validate
// and coalesce them with optim::coalesce_rows (repeated indices are summed
// in the order given, as the host step_rows does) and copy the lists over.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "../optim/adam_row.hpp"
#include "../optim/sgd_row.hpp"
#include "../optim/sparse_rows.hpp"
#include "error.cuh"
#include "validate.cuh"

namespace hyperbolic::cuda {

inline constexpr index_t max_optimizer_threads = index_t(1) << 16;

// Device state of RiemannianSGD: the momentum buffer (rows x dim; may be
// empty when momentum == 0) and one step counter per row.
template <class T>
struct SgdState {
  MatrixView<T> momentum;
  std::int64_t* steps = nullptr;
};

// Device state of RiemannianAdam: exp_avg (rows x dim), exp_avg_sq and, for
// AMSGrad, max_exp_avg_sq (rows x second_moment_width<M>(dim), contiguous;
// max may be null otherwise), one step counter per row. Zero-initialize all.
template <class T>
struct AdamState {
  MatrixView<T> exp_avg;
  T* exp_avg_sq = nullptr;
  T* max_exp_avg_sq = nullptr;
  std::int64_t* steps = nullptr;
};

namespace detail {

template <class M>
struct SgdRow {
  using T = typename M::scalar;
  M m;
  optim::SgdHyper<T> h;
  SgdState<T> s;
  static constexpr index_t work_size(index_t d) { return optim::sgd_work_size(d); }
  __device__ void operator()(index_t r, Row<T> x, ConstRow<T> g, Row<T> work) const {
    const Row<T> b = s.momentum.rows() > 0 ? s.momentum.row(r) : Row<T>();
    optim::sgd_step_row(m, h, x, g, b, s.steps[r], work);
  }
};

template <class M>
struct AdamRow {
  using T = typename M::scalar;
  M m;
  optim::AdamHyper<T> h;
  AdamState<T> s;
  index_t width;
  static constexpr index_t work_size(index_t d) { return optim::adam_work_size(d); }
  __device__ void operator()(index_t r, Row<T> x, ConstRow<T> g, Row<T> work) const {
    const Row<T> vmax =
        s.max_exp_avg_sq != nullptr ? Row<T>(s.max_exp_avg_sq + r * width, width) : Row<T>();
    optim::adam_step_row(m, h, x, g, s.exp_avg.row(r), Row<T>(s.exp_avg_sq + r * width, width),
                         vmax, s.steps[r], work);
  }
};

template <class Update, class T>
__global__ void dense_step_kernel(Update up, MatrixView<T> x, ConstMatrixView<T> g, T* work,
                                  index_t ws) {
  const index_t t = static_cast<index_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const index_t threads = static_cast<index_t>(gridDim.x) * blockDim.x;
  const Row<T> w(work + t * ws, ws);
  for (index_t r = t; r < x.rows(); r += threads)
    up(r, x.row(r), g.row(r), w);
}

// rows[k]: the k-th distinct row; its gradient is the sum of g.row(sources[j])
// for j in [offsets[k], offsets[k + 1]).
template <class Update, class T>
__global__ void sparse_step_kernel(Update up, MatrixView<T> x, ConstMatrixView<T> g,
                                   const index_t* rows, const index_t* offsets,
                                   const index_t* sources, index_t n_rows, T* work, index_t ws) {
  const index_t t = static_cast<index_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const index_t threads = static_cast<index_t>(gridDim.x) * blockDim.x;
  const index_t d = x.cols();
  const Row<T> w(work + t * (ws + d), ws);
  T* sum = work + t * (ws + d) + ws;
  for (index_t k = t; k < n_rows; k += threads) {
    const index_t b = offsets[k], e = offsets[k + 1];
    ConstRow<T> gr = g.row(sources[b]);
    if (e - b > 1) {
      for (index_t i = 0; i < d; ++i)
        sum[i] = T(0);
      for (index_t j = b; j < e; ++j) {
        const ConstRow<T> gj = g.row(sources[j]);
        for (index_t i = 0; i < d; ++i)
          sum[i] += gj[i];
      }
      gr = ConstRow<T>(sum, d);
    }
    up(rows[k], x.row(rows[k]), gr, w);
  }
}

inline index_t optimizer_threads(index_t rows) {
  return rows < max_optimizer_threads ? rows : max_optimizer_threads;
}

template <class Update, class T>
void run_dense(const Update& up, MatrixView<T> x, ConstMatrixView<T> g, cudaStream_t stream) {
  const index_t n = x.rows();
  if (n == 0) return;
  const index_t threads = optimizer_threads(n), ws = Update::work_size(x.cols());
  T* work = nullptr;
  HYP_CUDA_CHECK(cudaMallocAsync(reinterpret_cast<void**>(&work),
                                 sizeof(T) * static_cast<std::size_t>(threads * ws), stream));
  const unsigned block = 128, grid = static_cast<unsigned>((threads + block - 1) / block);
  dense_step_kernel<<<grid, block, 0, stream>>>(up, x, g, work, ws);
  const cudaError_t launch = cudaGetLastError();
  cudaFreeAsync(work, stream);
  HYP_CUDA_CHECK(launch);
}

template <class Update, class T>
void run_sparse(const char* fn, const Update& up, MatrixView<T> x, std::span<const index_t> indices,
                ConstMatrixView<T> g, cudaStream_t stream) {
  if (g.rows() != static_cast<index_t>(indices.size()) || g.cols() != x.cols())
    bad_argument(fn, "gradient rows are " + std::to_string(g.rows()) + " x " +
                         std::to_string(g.cols()) + " but there are " +
                         std::to_string(indices.size()) + " indices of rows of " +
                         std::to_string(x.cols()));
  optim::CoalescedRows lists;
  optim::coalesce_rows(indices, x.rows(), lists);  // std::out_of_range on a bad index
  const index_t n = static_cast<index_t>(lists.rows.size());
  if (n == 0) return;
  const index_t threads = optimizer_threads(n), d = x.cols(), ws = Update::work_size(d);
  const std::size_t list_bytes =
      sizeof(index_t) * (lists.rows.size() + lists.offsets.size() + lists.sources.size());
  const std::size_t work_bytes = sizeof(T) * static_cast<std::size_t>(threads * (ws + d));
  void* mem = nullptr;
  HYP_CUDA_CHECK(cudaMallocAsync(&mem, list_bytes + work_bytes, stream));
  auto* rows = static_cast<index_t*>(mem);
  index_t* offsets = rows + lists.rows.size();
  index_t* sources = offsets + lists.offsets.size();
  // list_bytes is a multiple of 8, so the work area after it is aligned for T.
  T* work = reinterpret_cast<T*>(static_cast<char*>(mem) + list_bytes);
  cudaError_t status = cudaSuccess;
  auto copy = [&](index_t* to, const std::vector<index_t>& from) {
    if (status == cudaSuccess)
      status = cudaMemcpyAsync(to, from.data(), sizeof(index_t) * from.size(),
                               cudaMemcpyHostToDevice, stream);
  };
  copy(rows, lists.rows);
  copy(offsets, lists.offsets);
  copy(sources, lists.sources);
  if (status == cudaSuccess) {
    const unsigned block = 128, grid = static_cast<unsigned>((threads + block - 1) / block);
    sparse_step_kernel<<<grid, block, 0, stream>>>(up, x, g, rows, offsets, sources, n, work, ws);
    status = cudaGetLastError();
  }
  // Pageable copies have been staged when cudaMemcpyAsync returns, so the
  // host lists may go out of scope; the device lists are freed in stream order.
  cudaFreeAsync(mem, stream);
  HYP_CUDA_CHECK(status);
}

template <class M>
void check_sgd(const char* fn, const M& m, MatrixView<typename M::scalar> x,
               const optim::SgdHyper<typename M::scalar>& h,
               const SgdState<typename M::scalar>& s) {
  check_manifold(fn, m);
  check_view(fn, "x", x);
  check_vector_out(fn, "steps", s.steps, x.rows());
  if (h.momentum != 0) check_same_shape(fn, "x", x, "momentum", s.momentum);
}

template <class M>
void check_adam(const char* fn, const M& m, MatrixView<typename M::scalar> x,
                const optim::AdamHyper<typename M::scalar>& h,
                const AdamState<typename M::scalar>& s) {
  check_manifold(fn, m);
  check_view(fn, "x", x);
  check_same_shape(fn, "x", x, "exp_avg", s.exp_avg);
  check_vector_out(fn, "exp_avg_sq", s.exp_avg_sq, x.rows());
  check_vector_out(fn, "steps", s.steps, x.rows());
  if (h.amsgrad) check_vector_out(fn, "max_exp_avg_sq (amsgrad)", s.max_exp_avg_sq, x.rows());
}

}  // namespace detail

template <class M>
void sgd_step(const M& m, const optim::SgdHyper<typename M::scalar>& h,
              MatrixView<typename M::scalar> x, NoDeduce<ConstMatrixView<typename M::scalar>> egrad,
              const SgdState<typename M::scalar>& state, cudaStream_t stream = nullptr) {
  detail::check_sgd("sgd_step", m, x, h, state);
  detail::check_same_shape("sgd_step", "x", x, "egrad", egrad);
  detail::run_dense(detail::SgdRow<M>{m, h, state}, x, egrad, stream);
}

template <class M>
void sgd_step_rows(const M& m, const optim::SgdHyper<typename M::scalar>& h,
                   MatrixView<typename M::scalar> x, std::span<const index_t> indices,
                   NoDeduce<ConstMatrixView<typename M::scalar>> egrad_rows,
                   const SgdState<typename M::scalar>& state, cudaStream_t stream = nullptr) {
  detail::check_sgd("sgd_step_rows", m, x, h, state);
  detail::check_view("sgd_step_rows", "egrad_rows", egrad_rows);
  detail::run_sparse("sgd_step_rows", detail::SgdRow<M>{m, h, state}, x, indices, egrad_rows,
                     stream);
}

template <class M>
void adam_step(const M& m, const optim::AdamHyper<typename M::scalar>& h,
               MatrixView<typename M::scalar> x,
               NoDeduce<ConstMatrixView<typename M::scalar>> egrad,
               const AdamState<typename M::scalar>& state, cudaStream_t stream = nullptr) {
  detail::check_adam("adam_step", m, x, h, state);
  detail::check_same_shape("adam_step", "x", x, "egrad", egrad);
  const index_t width = optim::second_moment_width<M>(x.cols());
  detail::run_dense(detail::AdamRow<M>{m, h, state, width}, x, egrad, stream);
}

template <class M>
void adam_step_rows(const M& m, const optim::AdamHyper<typename M::scalar>& h,
                    MatrixView<typename M::scalar> x, std::span<const index_t> indices,
                    NoDeduce<ConstMatrixView<typename M::scalar>> egrad_rows,
                    const AdamState<typename M::scalar>& state, cudaStream_t stream = nullptr) {
  detail::check_adam("adam_step_rows", m, x, h, state);
  detail::check_view("adam_step_rows", "egrad_rows", egrad_rows);
  const index_t width = optim::second_moment_width<M>(x.cols());
  detail::run_sparse("adam_step_rows", detail::AdamRow<M>{m, h, state, width}, x, indices,
                     egrad_rows, stream);
}

}  // namespace hyperbolic::cuda
