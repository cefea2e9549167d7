// Pairwise distances (cuBLAS GEMM + exact recomputation of flagged pairs),
// top-k selection and k-nearest on the GPU against the scalar path.
#include <hyperbolic/cuda/knn.cuh>

#include <numeric>

#include "gpu_support.cuh"

namespace {

using namespace hyperbolic;
using namespace hyperbolic::cuda_testing;

// Pairs kept from the GEMM carry the rule's bound, 2 (d + 3) eps / ratio
// relative (exactness_rule.cuh); recomputed pairs the row kernels' tolerance.
template <class T>
double pairwise_tolerance(index_t d, double value) {
  const double eps = std::numeric_limits<T>::epsilon();
  return (2.0 * double(d + 3) / cuda::default_exactness_ratio + 32.0 * double(d + 16)) * eps *
         std::max(std::fabs(value), 1e-30);
}

template <class M>
void run_pairwise(const M& m, index_t n) {
  using T = typename M::scalar;
  const index_t rows_x = 300, rows_y = 257, d = M::ambient_dim(n);
  const Inputs<M, T> a(m, rows_x, n, 3000 + n), b(m, rows_y, n, 4000 + n);
  DeviceBatch<T> x(a.x), y(b.x), dist(rows_x, rows_y);
  const RowsOf<T> X(a.x), Y(b.x);
  cuda::CublasHandle handle;
  DeviceBuffer<unsigned long long> flagged(1);
  cuda::PairwiseOptions opt;
  opt.flagged_count = flagged.data();

  cuda::pairwise_dist<M, T>(handle, m, x.cview(), y.cview(), dist.view(), opt);
  HYP_CUDA_CHECK(cudaDeviceSynchronize());
  const auto got = dist.fetch();
  index_t bad = 0;
  for (index_t i = 0; i < rows_x; ++i)
    for (index_t j = 0; j < rows_y; ++j) {
      const double want = double(m.dist(X(i), Y(j))), err = std::fabs(got.get(i, j) - want);
      if (!(err <= pairwise_tolerance<T>(d, want))) {
        if (bad++ == 0) INFO("first bad pair " << i << ", " << j << ": " << got.get(i, j));
      }
    }
  INFO(M::name << " d=" << d << ": " << bad << " pairs out of tolerance");
  CHECK(bad == 0);

  // Self-distances: the diagonal cancels completely, so it is flagged and
  // recomputed to exactly 0.
  DeviceBatch<T> self(rows_x, rows_x);
  cuda::pairwise_dist<M, T>(handle, m, x.cview(), x.cview(), self.view(), opt);
  HYP_CUDA_CHECK(cudaDeviceSynchronize());
  const auto s = self.fetch();
  for (index_t i = 0; i < rows_x; ++i)
    CHECK(s.get(i, i) == T(0));
  CHECK(flagged.download()[0] >= static_cast<unsigned long long>(rows_x));

  // k nearest of every x among the other x (exclude_self), in small chunks.
  const int k = 5;
  DeviceBuffer<std::int64_t> idx(static_cast<std::size_t>(rows_x * k));
  DeviceBatch<T> vals(rows_x, k);
  const MatrixView<std::int64_t> iv(idx.data(), rows_x, k);
  cuda::k_nearest<M, T>(handle, m, x.cview(), x.cview(), k, iv,
                        MatrixView<T>(vals.dev.data(), rows_x, k, vals.host.stride), true, 64);
  HYP_CUDA_CHECK(cudaDeviceSynchronize());
  const auto gi = idx.download();
  const auto gv = vals.fetch();
  index_t wrong = 0;
  for (index_t i = 0; i < rows_x; ++i) {
    std::vector<double> all;
    for (index_t j = 0; j < rows_x; ++j)
      if (j != i) all.push_back(double(m.dist(X(i), X(j))));
    std::sort(all.begin(), all.end());
    for (int t = 0; t < k; ++t) {
      const std::int64_t j = gi[std::size_t(i * k + t)];
      const double v = gv.get(i, t);
      // The t-th value is the t-th smallest distance, and belongs to column j.
      const bool ok = j >= 0 && j < rows_x && j != i &&
                      std::fabs(v - all[std::size_t(t)]) <= pairwise_tolerance<T>(d, all[t]) &&
                      std::fabs(v - double(m.dist(X(i), X(j)))) <= pairwise_tolerance<T>(d, v) &&
                      (t == 0 || v >= gv.get(i, t - 1));
      if (!ok) ++wrong;
    }
  }
  INFO(M::name << " k_nearest d=" << d << ": " << wrong << " wrong entries");
  CHECK(wrong == 0);
}

TEST_CASE("cuda pairwise distances and k-nearest match the scalar path") {
  for (const index_t n : {3, 64}) {
    run_pairwise(PoincareBall<float>(0.7f), n);
    run_pairwise(PoincareBall<double>(0.7), n);
    run_pairwise(Lorentz<float>(0.7f), n);
    run_pairwise(Lorentz<double>(0.7), n);
    run_pairwise(Euclidean<float>(), n);
    run_pairwise(Euclidean<double>(), n);
  }
}

TEST_CASE("cuda top-k: ties by column, NaN last, self excluded") {
  const float nan = std::nanf("");
  // 2 rows x 6 columns.
  const std::vector<float> h = {3,   1, 1, nan, 0,    2,  //
                                nan, 5, 4, 4,   0.5f, 9};
  DeviceBuffer<float> d(h), v(6);
  DeviceBuffer<std::int64_t> i(6);
  cuda::top_k_smallest<float>(ConstMatrixView<float>(d.data(), 2, 6), 3,
                              MatrixView<std::int64_t>(i.data(), 2, 3),
                              MatrixView<float>(v.data(), 2, 3), true, 4);
  HYP_CUDA_CHECK(cudaDeviceSynchronize());
  // Row 0 skips column 4 (0 + self_offset 4), row 1 skips column 5.
  const std::vector<std::int64_t> want_i = {1, 2, 5, 4, 2, 3};
  const std::vector<float> want_v = {1, 1, 2, 0.5f, 4, 4};
  CHECK(i.download() == want_i);
  CHECK(v.download() == want_v);
}

}  // namespace
