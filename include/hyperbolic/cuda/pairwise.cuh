#pragma once
// All pairwise distances between the rows of X (n x d) and Y (m x d):
// out (n x m) = dist(x_i, y_j).
//
// 1. per-row squared norms (one row-kernel pass over X and over Y) of the
//    coordinates the GEMM forms: all of them, or the Lorentz space part;
// 2. G = X Y^T by cuBLAS GEMM, written straight into `out` (FP32/FP64
//    "pedantic" compute: never TF32, whatever the handle's math mode);
//    Lorentz: over the space coordinates only;
// 3. an elementwise epilogue turns G into dd = |x|^2 + |y|^2 - 2 G (Lorentz:
//    minus (x0 - y0)^2, formed per pair like the CPU backend) and the distance
//    (the core's coefficient function), and lists the pairs that the
//    exactness rule (exactness_rule.cuh) rejects against |x|^2 + |y|^2 of the
//    GEMM's coordinates (cpu/pairwise.hpp explains why the Lorentz time term
//    needs no share of the bound; with the whole rows' norms every pair of
//    points near the origin was flagged, 0.05 of the GEMM rate on an H200);
// 4. a second kernel recomputes the listed pairs from the row differences,
//    one warp per pair, as the batched `dist` does.
// The list has a bounded capacity; a pair that finds it full is recomputed
// by its own epilogue thread (same formula, serial over d), so the result is
// the same whatever the number of flagged pairs.
//
// float and double storage. The cuBLAS handle's stream is set to `stream`.

#include <cublas_v2.h>

#include <climits>
#include <string>

#include "exactness_rule.cuh"
#include "row_forward.cuh"
#include "row_launch.cuh"
#include "validate.cuh"

namespace hyperbolic::cuda {

struct PairwiseOptions {
  // Accept the GEMM form only where dd >= ratio (|x|^2 + |y|^2); see
  // exactness_rule.cuh. 0 accepts every pair with dd >= 0; must be >= 0.
  double exactness_ratio = default_exactness_ratio;
  // Optional device pointer: receives the number of recomputed pairs.
  unsigned long long* flagged_count = nullptr;
};

// Owns a cuBLAS handle (FP32/FP64 default math).
class CublasHandle {
 public:
  CublasHandle() { HYP_CUDA_CHECK(cublasCreate(&h_)); }
  CublasHandle(const CublasHandle&) = delete;
  CublasHandle& operator=(const CublasHandle&) = delete;
  ~CublasHandle() { cublasDestroy(h_); }
  cublasHandle_t get() const { return h_; }
  operator cublasHandle_t() const { return h_; }  // NOLINT: a handle is a handle

 private:
  cublasHandle_t h_ = nullptr;
};

namespace detail {

// Capacity of the flagged-pair list: every pair for small problems, else
// enough for n + m + 2^20 pairs (the diagonal of a self-distance matrix and
// then some) in at most 8 MiB plus 8 bytes per row.
inline index_t flagged_capacity(index_t n, index_t m) {
  const index_t all = n * m, bounded = n + m + (index_t(1) << 20);
  return all < bounded ? all : bounded;
}

// Squared norm of the coordinates [first, cols) of each row.
template <class T>
struct RowNorms {
  InRows<T> x;
  T* e;
  index_t first, cols;
  __device__ void operator()(RowSlot s) const {
    const index_t r = s.row, n = s.end(cols);
    T ee(0);
    HYP_LANE_UNROLL
    for (index_t j = first + s.lane; j < n; j += s.width) {
      const T a = x(r, j);
      ee += a * a;
    }
    ee = tile_sum(ee, s.width);
    if (s.leader()) e[r] = ee;
  }
};

template <class M, class T>
struct PairwiseArgs {
  M m;
  const T* x;
  index_t sx;
  const T* y;
  index_t sy;
  T* out;
  index_t so;
  index_t n, mm, d;
  const T *xe, *ye;  // squared norms of the GEMM's coordinates
  T ratio;
  unsigned long long* count;
  unsigned long long* list;
  index_t capacity;
};

template <class M, class T>
__global__ void pairwise_epilogue(PairwiseArgs<M, T> a) {
  const index_t j = static_cast<index_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (j >= a.mm) return;
  for (index_t i = blockIdx.y; i < a.n; i += gridDim.y) {
    T& o = a.out[i * a.so + j];
    const T ee = a.xe[i] + a.ye[j];
    T dd = ee - T(2) * o;  // |x - y|^2 of the GEMM's coordinates
    if constexpr (model_v<M> == Model::lorentz) {
      const T dt = a.x[i * a.sx] - a.y[j * a.sy];
      dd -= dt * dt;
    }
    if (!needs_exact_recompute(dd, ee, a.ratio)) {
      if constexpr (model_v<M> == Model::poincare)
        o = poincare::dist(a.m.c(), T(1) - a.m.c() * a.xe[i], T(1) - a.m.c() * a.ye[j],
                           math::sqrt(dd));
      else if constexpr (model_v<M> == Model::lorentz)
        o = lorentz::dist(a.m.c(), math::sqrt(dd));
      else
        o = math::sqrt(dd);
      continue;
    }
    const unsigned long long slot = atomicAdd(a.count, 1ull);
    if (slot < static_cast<unsigned long long>(a.capacity))
      a.list[slot] = static_cast<unsigned long long>(i * a.mm + j);
    else  // list full: recompute here
      o = ops::row_dist(a.m, a.x + i * a.sx, a.y + j * a.sy, a.d, 0, 1);
  }
}

// One warp per listed pair, coalesced reads of both rows.
template <class M, class T>
__global__ void pairwise_exact(PairwiseArgs<M, T> a) {
  const unsigned long long listed = *a.count < static_cast<unsigned long long>(a.capacity)
                                        ? *a.count
                                        : static_cast<unsigned long long>(a.capacity);
  const int lane = threadIdx.x & (warp_size - 1);
  const unsigned long long warps = static_cast<unsigned long long>(gridDim.x) * (blockDim.x / 32);
  for (unsigned long long k =
           (static_cast<unsigned long long>(blockIdx.x) * blockDim.x + threadIdx.x) / warp_size;
       k < listed; k += warps) {
    const unsigned long long p = a.list[k];
    const index_t i = static_cast<index_t>(p / a.mm), j = static_cast<index_t>(p % a.mm);
    const T v = ops::row_dist(a.m, a.x + i * a.sx, a.y + j * a.sy, a.d, lane, warp_size);
    if (lane == 0) a.out[i * a.so + j] = v;
  }
}

inline cublasStatus_t gemm_xyt(cublasHandle_t h, int n, int m, int d, const float* x, int sx,
                               const float* y, int sy, float* out, int so) {
  const float one = 1.0f, zero = 0.0f;
  return cublasGemmEx(h, CUBLAS_OP_T, CUBLAS_OP_N, m, n, d, &one, y, CUDA_R_32F, sy, x, CUDA_R_32F,
                      sx, &zero, out, CUDA_R_32F, so, CUBLAS_COMPUTE_32F_PEDANTIC,
                      CUBLAS_GEMM_DEFAULT);
}
inline cublasStatus_t gemm_xyt(cublasHandle_t h, int n, int m, int d, const double* x, int sx,
                               const double* y, int sy, double* out, int so) {
  const double one = 1.0, zero = 0.0;
  return cublasGemmEx(h, CUBLAS_OP_T, CUBLAS_OP_N, m, n, d, &one, y, CUDA_R_64F, sy, x, CUDA_R_64F,
                      sx, &zero, out, CUDA_R_64F, so, CUBLAS_COMPUTE_64F_PEDANTIC,
                      CUBLAS_GEMM_DEFAULT);
}

inline void check_int_range(const char* fn, const char* what, index_t v) {
  if (v > INT_MAX)
    bad_argument(fn,
                 std::string(what) + " = " + std::to_string(v) + " exceeds the cuBLAS int range");
}

// Pure host checks of pairwise_dist (testable without a GPU).
template <class M, class T>
void check_pairwise(const char* fn, const M& m, MatrixView<const T> x, MatrixView<const T> y,
                    MatrixView<T> out, const PairwiseOptions& opt) {
  check_manifold(fn, m);
  check_view(fn, "x", x);
  check_view(fn, "y", y);
  check_view(fn, "out", out);
  if (y.cols() != x.cols())
    bad_argument(
        fn, "y has " + std::to_string(y.cols()) + " columns but x has " + std::to_string(x.cols()));
  if (out.rows() != x.rows() || out.cols() != y.rows())
    bad_argument(fn, "out is " + std::to_string(out.rows()) + " x " + std::to_string(out.cols()) +
                         " but x, y have " + std::to_string(x.rows()) + " and " +
                         std::to_string(y.rows()) + " rows");
  if (!(opt.exactness_ratio >= 0.0) || opt.exactness_ratio > 1e300)
    bad_argument(fn, "exactness_ratio = " + std::to_string(opt.exactness_ratio) +
                         " (need a finite value >= 0)");
  check_int_range(fn, "rows of x", x.rows());
  check_int_range(fn, "rows of y", y.rows());
  check_int_range(fn, "stride of x", x.stride());
  check_int_range(fn, "stride of y", y.stride());
  check_int_range(fn, "stride of out", out.stride());
}

}  // namespace detail

template <class M, class T>
void pairwise_dist(cublasHandle_t handle, const M& m, NoDeduce<ConstMatrixView<T>> x,
                   NoDeduce<ConstMatrixView<T>> y, MatrixView<T> out,
                   const PairwiseOptions& options = {}, cudaStream_t stream = nullptr) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "pairwise_dist: float or double storage");
  static_assert(std::is_same_v<typename M::scalar, T>, "pairwise_dist: manifold scalar != T");
  constexpr const char* fn = "pairwise_dist";
  detail::check_pairwise<M, T>(fn, m, x, y, out, options);
  if (handle == nullptr) detail::bad_argument(fn, "cuBLAS handle is null");
  const index_t n = x.rows(), mm = y.rows(), d = x.cols();
  if (options.flagged_count != nullptr)
    HYP_CUDA_CHECK(cudaMemsetAsync(options.flagged_count, 0, sizeof(unsigned long long), stream));
  if (n == 0 || mm == 0) return;

  // Workspace: norms (2 arrays), the counter and the flagged list, in one
  // stream-ordered allocation.
  const index_t capacity = detail::flagged_capacity(n, mm);
  const std::size_t norm_bytes = sizeof(T) * static_cast<std::size_t>(n + mm);
  const std::size_t list_offset = (norm_bytes + 15) / 16 * 16;
  const std::size_t bytes = list_offset + 8 * static_cast<std::size_t>(capacity + 1);
  void* work = nullptr;
  HYP_CUDA_CHECK(cudaMallocAsync(&work, bytes, stream));
  T* xe = static_cast<T*>(work);
  T* ye = xe + n;
  auto* count = reinterpret_cast<unsigned long long*>(static_cast<char*>(work) + list_offset);
  auto* list = count + 1;
  try {
    HYP_CUDA_CHECK(cudaMemsetAsync(count, 0, sizeof(unsigned long long), stream));
    // The GEMM's coordinates: all, or the Lorentz space part.
    const index_t first = model_v<M> == Model::lorentz ? 1 : 0;
    launch_rows(detail::RowNorms<T>{in_rows(x), xe, first, d}, n, d, stream);
    launch_rows(detail::RowNorms<T>{in_rows(y), ye, first, d}, mm, d, stream);
    if (d > first) {
      HYP_CUDA_CHECK(cublasSetStream(handle, stream));
      HYP_CUDA_CHECK(detail::gemm_xyt(
          handle, static_cast<int>(n), static_cast<int>(mm), static_cast<int>(d - first),
          x.data() + first, static_cast<int>(x.stride()), y.data() + first,
          static_cast<int>(y.stride()), out.data(), static_cast<int>(out.stride())));
    } else {  // no GEMM coordinates (a 0-dimensional hyperboloid): G = 0
      HYP_CUDA_CHECK(cudaMemset2DAsync(
          out.data(), sizeof(T) * static_cast<std::size_t>(out.stride()), 0,
          sizeof(T) * static_cast<std::size_t>(mm), static_cast<std::size_t>(n), stream));
    }
    const detail::PairwiseArgs<M, T> args{m,
                                          x.data(),
                                          x.stride(),
                                          y.data(),
                                          y.stride(),
                                          out.data(),
                                          out.stride(),
                                          n,
                                          mm,
                                          d,
                                          xe,
                                          ye,
                                          static_cast<T>(options.exactness_ratio),
                                          count,
                                          list,
                                          capacity};
    const dim3 block(256),
        grid(static_cast<unsigned>((mm + 255) / 256), static_cast<unsigned>(n < 65535 ? n : 65535));
    detail::pairwise_epilogue<<<grid, block, 0, stream>>>(args);
    HYP_CUDA_CHECK_LAUNCH();
    detail::pairwise_exact<<<1024, 256, 0, stream>>>(args);
    HYP_CUDA_CHECK_LAUNCH();
    if (options.flagged_count != nullptr)
      HYP_CUDA_CHECK(cudaMemcpyAsync(options.flagged_count, count, sizeof(unsigned long long),
                                     cudaMemcpyDeviceToDevice, stream));
  } catch (...) {
    cudaFreeAsync(work, stream);
    throw;
  }
  HYP_CUDA_CHECK(cudaFreeAsync(work, stream));
}

}  // namespace hyperbolic::cuda
