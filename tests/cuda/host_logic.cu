// The host-side logic of the CUDA backend, tested without a GPU: launch
// shapes, the exactness rule of the pairwise distances, and argument
// validation (which runs before any CUDA call).
#include <doctest/doctest.h>
#include <hyperbolic/cuda/cuda.cuh>

#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace hyperbolic;
using cuda::row_launch_shape;

TEST_CASE("row tile width: the smallest power of two leaving <= 4 coordinates per lane") {
  // Default: at most 8 coordinates per lane, at most 4 below 4 lanes.
  CHECK(cuda::row_tile_width(1) == 1);
  CHECK(cuda::row_tile_width(4) == 1);
  CHECK(cuda::row_tile_width(5) == 2);
  CHECK(cuda::row_tile_width(8) == 2);
  CHECK(cuda::row_tile_width(9) == 4);
  CHECK(cuda::row_tile_width(16) == 4);
  CHECK(cuda::row_tile_width(32) == 4);
  CHECK(cuda::row_tile_width(33) == 8);
  CHECK(cuda::row_tile_width(64) == 8);
  CHECK(cuda::row_tile_width(65) == 16);
  CHECK(cuda::row_tile_width(128) == 16);
  CHECK(cuda::row_tile_width(256) == 32);
  CHECK(cuda::row_tile_width(4096) == 32);
  // 4 per lane (the previous default).
  CHECK(cuda::row_tile_width(16, 4) == 4);
  CHECK(cuda::row_tile_width(17, 4) == 8);
  CHECK(cuda::row_tile_width(64, 4) == 16);
  CHECK(cuda::row_tile_width(129, 4) == 32);
  // One coordinate per lane: the next power of two up to a warp.
  CHECK(cuda::row_tile_width(3, 1) == 4);
  CHECK(cuda::row_tile_width(17, 1) == 32);
  CHECK(cuda::row_tile_width(33, 1) == 32);
  CHECK(cuda::row_tile_width(7, 0) == 8);  // nonsense settings act as 1
}

TEST_CASE("row launch shape covers every row once with whole warps") {
  for (const index_t cols : {1, 3, 5, 16, 31, 64, 129}) {
    for (const index_t rows : {0, 1, 7, 8, 255, 256, 257, 100000}) {
      const auto s = row_launch_shape(rows, cols);
      CHECK(s.threads_per_block % cuda::warp_size == 0);
      CHECK(cuda::warp_size % s.tile_width == 0);
      const index_t covered = index_t(s.tile_width) * cuda::default_row_elements_per_lane;
      CHECK((covered >= cols || s.tile_width == cuda::warp_size));
      CHECK(s.rows_per_block * s.tile_width == s.threads_per_block);
      // blocks * rows_per_block >= rows, and no block is wholly idle.
      CHECK(s.blocks * s.rows_per_block >= rows);
      if (rows > 0) CHECK((s.blocks - 1) * s.rows_per_block < rows);
      if (rows == 0) CHECK(s.blocks == 0);
    }
  }
}

TEST_CASE("rows up to a warp's register capacity take the register path at the default shape") {
  // Every row of up to 32 * 8 coordinates fits the tile chosen for it, so
  // the register path covers it; longer rows fall back to the memory path.
  for (index_t cols = 1; cols <= 600; ++cols) {
    const int w = cuda::row_tile_width(cols);
    CAPTURE(cols);
    CHECK(cuda::row_fits_register_cache(cols, w) ==
          (cols <= index_t(cuda::warp_size) * cuda::row_register_capacity));
  }
  // With more coordinates per lane than the capacity the tile is narrower.
  CHECK_FALSE(cuda::row_fits_register_cache(100, cuda::row_tile_width(100, 16)));
  CHECK(cuda::row_fits_register_cache(100, cuda::row_tile_width(100, 4)));
}

TEST_CASE("row launch shape caps the grid; the kernel's stride loop does the rest") {
  const index_t rows = index_t(1) << 40;
  const auto s = row_launch_shape(rows, 64);
  CHECK(s.blocks == cuda::max_row_blocks);
  CHECK(s.blocks < (index_t(1) << 31));
}

TEST_CASE("exactness rule: cancelling pairs are recomputed, separated pairs are not") {
  using cuda::needs_exact_recompute;
  const double r = 1.0 / 16;
  CHECK_FALSE(needs_exact_recompute(0.0, 0.0, r));    // zero rows: dd = 0 exactly
  CHECK(needs_exact_recompute(-1e-9, 2.0, r));        // rounding made it negative
  CHECK(needs_exact_recompute(0.1, 2.0, r));          // close points: 20x cancellation
  CHECK_FALSE(needs_exact_recompute(0.125, 2.0, r));  // exactly at the threshold: kept
  CHECK_FALSE(needs_exact_recompute(1.0, 2.0, r));    // well separated rows
  CHECK(needs_exact_recompute(std::nan(""), 2.0, r));
  CHECK_FALSE(needs_exact_recompute(1e-12, 1.0, 0.0));  // ratio 0: only dd < 0 recomputed
}

// The rule's promise, checked by emulation: form dd = |x|^2 + |y|^2 - 2<x,y>
// in float (as an FP32 GEMM would) and compare with the exact value from the
// differences in double. Accepted pairs must be accurate to the bound of
// exactness_rule.cuh (2 gamma / ratio, gamma = d u); rejected pairs include
// every pair whose GEMM form lost more than that.
TEST_CASE("exactness rule bounds the relative error of the accepted GEMM form") {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  const int d = 64;
  const double ratio = cuda::default_exactness_ratio, u = std::ldexp(1.0, -24);
  const double bound = 2.0 * (d + 2) * u / ratio;  // + the final add and subtract
  int accepted = 0, rejected = 0;
  for (int trial = 0; trial < 4000; ++trial) {
    std::vector<float> x(d), y(d);
    const double spread = std::pow(10.0, -6.0 * (trial % 7) / 6.0);  // 1 .. 1e-6
    for (int j = 0; j < d; ++j) {
      x[j] = float(normal(rng) * 0.1);
      y[j] = float(x[j] + normal(rng) * 0.1 * spread);
    }
    float xx = 0, yy = 0, xy = 0;
    double exact = 0, ee = 0;
    for (int j = 0; j < d; ++j) {
      xx += x[j] * x[j];
      yy += y[j] * y[j];
      xy += x[j] * y[j];
      const double diff = double(x[j]) - double(y[j]);
      exact += diff * diff;
      ee += double(x[j]) * x[j] + double(y[j]) * y[j];
    }
    const float dd = xx + yy - 2.0f * xy;
    const double rel = std::fabs(double(dd) - exact) / exact;
    if (cuda::needs_exact_recompute(double(dd), ee, ratio)) {
      ++rejected;
    } else {
      ++accepted;
      CHECK(rel <= bound);
    }
  }
  CHECK(accepted > 0);  // both branches exercised
  CHECK(rejected > 0);
}

TEST_CASE("flagged-pair list capacity is bounded and covers small problems") {
  CHECK(cuda::detail::flagged_capacity(10, 20) == 200);
  const index_t big = cuda::detail::flagged_capacity(100000, 100000);
  CHECK(big == 200000 + (index_t(1) << 20));
}

template <class F>
std::string message_of(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no exception";
}

TEST_CASE("launchers reject bad shapes, null pointers and curvatures before touching CUDA") {
  const PoincareBall<float> ball(1.f);
  std::vector<float> buf(64);
  float* p = buf.data();  // host memory: never dereferenced, validation throws first
  const ConstMatrixView<float> x(p, 4, 8), y5(p, 5, 8), y_cols(p, 4, 7);
  float* out = p;

  auto m1 = message_of([&] { cuda::dist(ball, x, y5, out); });
  CHECK(m1.find("dist") != std::string::npos);
  CHECK(m1.find("5 x 8") != std::string::npos);
  CHECK(m1.find("4 x 8") != std::string::npos);
  CHECK(message_of([&] { cuda::dist(ball, x, y_cols, out); }).find("4 x 7") != std::string::npos);
  CHECK(message_of([&] {
          cuda::dist(ball, x, x, static_cast<float*>(nullptr));
        }).find("out is a null pointer") != std::string::npos);
  CHECK(message_of([&] {
          cuda::expmap(ball, ConstMatrixView<float>(nullptr, 4, 8), x, MatrixView<float>(p, 4, 8));
        }).find("x is a null pointer") != std::string::npos);
  CHECK(message_of([&] {
          cuda::logmap0(ball, ConstMatrixView<float>(p, 4, 8, 6), MatrixView<float>(p, 4, 8));
        }).find("row stride 6") != std::string::npos);
  CHECK(message_of([&] {
          cuda::dist0(PoincareBall<float>(-1.f), x, out);
        }).find("curvature c = -1") != std::string::npos);
  CHECK(message_of([&] { cuda::dist0(Lorentz<float>(0.f), x, out); }).find("Lorentz curvature") !=
        std::string::npos);
  CHECK(message_of([&] {
          cuda::mobius_add_backward(ball, x, x, x, MatrixView<float>(p, 4, 8),
                                    MatrixView<float>(p, 3, 8));
        }).find("gy is 3 x 8") != std::string::npos);
  CHECK(message_of([&] {
          cuda::dist_backward(ball, x, x, static_cast<const float*>(nullptr),
                              MatrixView<float>(p, 4, 8), MatrixView<float>(p, 4, 8));
        }).find("g is a null pointer") != std::string::npos);
}

TEST_CASE("pairwise, top-k and k-nearest validate shapes, k and the handle") {
  const PoincareBall<double> ball(1.0);
  std::vector<double> buf(256);
  double* p = buf.data();
  const ConstMatrixView<double> x(p, 4, 8), y(p, 6, 8);
  cublasHandle_t none = nullptr;
  CHECK(message_of([&] {
          cuda::pairwise_dist(none, ball, x, y, MatrixView<double>(p, 4, 5));
        }).find("out is 4 x 5") != std::string::npos);
  CHECK(message_of([&] {
          cuda::pairwise_dist(none, ball, x, y, MatrixView<double>(p, 4, 6));
        }).find("handle is null") != std::string::npos);
  cuda::PairwiseOptions bad;
  bad.exactness_ratio = -1;
  CHECK(message_of([&] {
          cuda::pairwise_dist(none, ball, x, y, MatrixView<double>(p, 4, 6), bad);
        }).find("exactness_ratio") != std::string::npos);
  std::vector<std::int64_t> ibuf(64);
  const MatrixView<std::int64_t> idx(ibuf.data(), 4, 3);
  CHECK(message_of([&] {
          cuda::top_k_smallest<double>(ConstMatrixView<double>(p, 4, 6), 40,
                                       MatrixView<std::int64_t>(ibuf.data(), 4, 40),
                                       MatrixView<double>(p, 4, 40));
        }).find("k = 40") != std::string::npos);
  CHECK(message_of([&] {
          cuda::k_nearest(none, ball, x, ConstMatrixView<double>(p, 3, 8), 3, idx,
                          MatrixView<double>(p, 4, 3), true);
        }).find("k = 3") != std::string::npos);
  CHECK(message_of([&] {
          cuda::k_nearest(none, ball, x, y, 3, idx, MatrixView<double>(p, 4, 2));
        }).find("must be 4 x 3") != std::string::npos);
}

}  // namespace
