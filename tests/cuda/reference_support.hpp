#pragma once
// Shared pieces of the GPU suites and of the CPU emulation of the kernels
// (plain C++: no CUDA runtime calls): strided host batches in a storage type,
// random inputs from the manifold fixtures, and the element-by-element
// comparison with the scalar (CPU) path.
//
// Tolerances. The GPU and the scalar path evaluate the same coefficient
// code on the same (storage-rounded) inputs; they differ in (1) the order of
// the row sums (tile shuffles vs a sequential loop): each reduction of d
// terms may differ by up to ~d ulp of the sum of magnitudes, (2) FMA
// contraction by nvcc, (3) CUDA's libm (tanh, log1p, asinh: <= 2-4 ulp in
// float, <= 2 in double), and (4) for half / bfloat16, the final rounding to
// storage may land one storage ulp apart. The inputs stay well inside the
// models (radius <= ~3 in curvature units), where every primitive here has a
// condition number of at most ~10, so we allow
//     |gpu - cpu| <= 32 (d + 16) eps_compute * scale + 2 eps_storage * scale,
// scale = the largest magnitude of the reference row (components of a linear
// combination are only accurate relative to the row). A wrong coefficient or a
// misplaced sign gives errors of order scale, far above this.
//
// Backward passes (dL/dc above all) and projections such as the Lorentz
// egrad2rgrad are not that well conditioned: they sum terms that cancel.
// There the suites also pass a per-element `slack`,
// the spread of the scalar path's own results when its inputs move by one or
// two ulp of the compute type, and allow 8 x slack on top: a GPU result is
// accepted when it is as close to the CPU's as an ulp-level change of the
// inputs moves the exact answer (mixed forward-backward stability).

#include <doctest/doctest.h>
#include <hyperbolic/cuda/row_path.cuh>
#include <hyperbolic/cuda/storage.cuh>
#include <hyperbolic/hyperbolic.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace hyperbolic::cuda_testing {

using cuda::compute_t;

template <class S>
double storage_eps() {
  if constexpr (std::is_same_v<S, __half>)
    return std::ldexp(1.0, -10);
  else if constexpr (std::is_same_v<S, __nv_bfloat16>)
    return std::ldexp(1.0, -7);
  else
    return 0.0;
}

template <class S>
double tolerance(index_t d, double scale) {
  using C = compute_t<S>;
  const double eps = std::numeric_limits<C>::epsilon();
  return (32.0 * double(d + 16) * eps + 2.0 * storage_eps<S>()) * scale;
}

// The row paths the suites run every kernel on (row_path.cuh).
enum class TestRowPath { registers, memory, vector16 };
inline constexpr TestRowPath all_test_row_paths[] = {TestRowPath::registers, TestRowPath::memory,
                                                     TestRowPath::vector16};
inline const char* test_row_path_name(TestRowPath p) {
  return p == TestRowPath::registers ? "registers"
         : p == TestRowPath::memory  ? "memory"
                                     : "16-byte";
}

// Whether new test batches get row strides that are multiples of 16 bytes
// (the 16-byte path needs them) instead of an odd padding. Set per scope by
// the suites.
inline bool& aligned_test_rows() {
  static bool value = false;
  return value;
}

// Padding after each row: 3 coordinates (odd strides), or the least padding
// >= 1 that makes the stride a multiple of 16 bytes.
template <class S>
index_t test_row_padding(index_t cols) {
  if (!aligned_test_rows()) return 3;
  const index_t v = cuda::vector_width<S>;
  return (cols / v + 1) * v - cols;
}

// rows x cols in storage S with a padded row stride (exercises strides).
template <class S>
struct HostBatch {
  using C = compute_t<S>;
  index_t rows = 0, cols = 0, stride = 0;
  std::vector<S> data;
  HostBatch() = default;
  HostBatch(index_t r, index_t c) : HostBatch(r, c, test_row_padding<S>(c)) {}
  HostBatch(index_t r, index_t c, index_t pad)
      : rows(r), cols(c), stride(c + pad), data(static_cast<std::size_t>(r * (c + pad))) {}
  C get(index_t r, index_t j) const { return cuda::to_compute(data[r * stride + j]); }
  void set(index_t r, index_t j, C v) { data[r * stride + j] = cuda::to_storage<S>(v); }
  // Row r in the compute type (the exact values the device reads).
  std::vector<C> row(index_t r) const {
    std::vector<C> out(cols);
    for (index_t j = 0; j < cols; ++j)
      out[j] = get(r, j);
    return out;
  }
};

// Row views of host vectors. (In a .cu file HYP_DEVICE_COMPILE is defined for
// the host pass too, so RowView's range constructor is not available.)
template <class C>
ConstRow<C> cr(const std::vector<C>& v) {
  return ConstRow<C>(v.data(), static_cast<index_t>(v.size()));
}
template <class C>
Row<C> wr(std::vector<C>& v) {
  return Row<C>(v.data(), static_cast<index_t>(v.size()));
}

// The rows of a host batch in the compute type, as ConstRow views for the
// scalar path.
template <class S>
struct RowsOf {
  std::vector<std::vector<compute_t<S>>> rows;
  explicit RowsOf(const HostBatch<S>& b) {
    for (index_t r = 0; r < b.rows; ++r)
      rows.push_back(b.row(r));
  }
  ConstRow<compute_t<S>> operator()(index_t r) const { return cr(rows[r]); }
};

// Runs body() with every coordinate of the given row sets scaled by
// 1 + k eps (k in {-2, ..., 2} at random, seeded by pass), then restores them:
// the input side of the ulp-spread slack (see the tolerance notes above).
template <class S, class Body>
void with_perturbed_rows(std::initializer_list<RowsOf<S>*> sets, int pass, Body body) {
  using C = compute_t<S>;
  std::vector<std::vector<std::vector<C>>> saved;
  std::mt19937_64 rng(900 + static_cast<std::uint64_t>(pass));
  std::uniform_int_distribution<int> k(-2, 2);
  const C eps = std::numeric_limits<C>::epsilon();
  for (auto* set : sets) {
    saved.push_back(set->rows);
    for (auto& row : set->rows)
      for (auto& v : row)
        v *= C(1) + C(k(rng)) * eps;
  }
  body();
  std::size_t i = 0;
  for (auto* set : sets)
    set->rows = saved[i++];
}

// spread = max(spread, |moved - nominal|), ignoring non-finite differences.
template <class C>
void widen_spread(C& spread, C nominal, C moved) {
  const C diff = std::fabs(moved - nominal);
  if (std::isfinite(diff)) spread = std::max(spread, diff);
}

// Points at distance up to max_radius (in curvature units 1/sqrt(c)) from the
// origin and tangent vectors at them, rounded to storage. Every tenth pair
// has y == x (the zero-distance branches).
template <class M, class S>
struct Inputs {
  using C = typename M::scalar;
  HostBatch<S> x, y, u, g;
  std::vector<S> g_scalar;
  Inputs(const M& m, index_t rows, index_t n, std::uint64_t seed, double max_radius = 3.0) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> uni(0.0, 1.0);
    std::normal_distribution<double> normal;
    const index_t d = M::ambient_dim(n), first = M::ambient_dim(0);
    const double unit = m.c() > C(0) ? 1.0 / std::sqrt(double(m.c())) : 1.0;
    x = y = u = g = HostBatch<S>(rows, d);
    std::vector<C> o(d), v(d), px(d), py(d), tu(d);
    m.origin(wr(o));
    auto point = [&](std::vector<C>& p) {
      double nn = 0;
      for (index_t j = 0; j < d; ++j) {
        v[j] = j < first ? C(0) : C(normal(rng));
        nn += double(v[j]) * double(v[j]);
      }
      // Riemannian length at the origin: lambda_0 = 2 on the ball.
      const double len = double(m.norm(cr(o), cr(v)));
      const double want = uni(rng) * max_radius * unit;
      for (auto& vj : v)
        vj = len > 0 ? C(double(vj) * want / len) : C(0);
      m.expmap0(cr(v), wr(p));
    };
    for (index_t r = 0; r < rows; ++r) {
      point(px);
      if (r % 10 == 0)
        py = px;
      else
        point(py);
      for (index_t j = 0; j < d; ++j)
        v[j] = C(normal(rng));
      m.proju(cr(px), cr(v), wr(tu));
      const double len = double(m.norm(cr(px), cr(tu)));
      const double want = uni(rng) * 1.5 * unit;
      for (index_t j = 0; j < d; ++j) {
        x.set(r, j, px[j]);
        y.set(r, j, py[j]);
        u.set(r, j, len > 0 ? C(double(tu[j]) * want / len) : C(0));
        g.set(r, j, C(normal(rng)));
      }
      g_scalar.push_back(cuda::to_storage<S>(C(normal(rng))));
    }
  }
};

// Sets the row kernels' path knobs (row_path.cuh) and the test batches'
// row alignment for one scope, so that a test runs the same checks on every
// path: the register and memory paths on rows with an odd padded stride, the
// 16-byte path on rows padded to 16-byte multiples (where it applies).
class RowPathScope {
 public:
  explicit RowPathScope(TestRowPath path)
      : cache_(cuda::row_register_cache()),
        vector_(cuda::row_vector_access()),
        aligned_(aligned_test_rows()) {
    cuda::row_register_cache() = path == TestRowPath::registers;
    cuda::row_vector_access() = path == TestRowPath::vector16;
    aligned_test_rows() = path == TestRowPath::vector16;
  }
  ~RowPathScope() {
    cuda::row_register_cache() = cache_;
    cuda::row_vector_access() = vector_;
    aligned_test_rows() = aligned_;
  }
  RowPathScope(const RowPathScope&) = delete;
  RowPathScope& operator=(const RowPathScope&) = delete;

 private:
  bool cache_, vector_, aligned_;
};

// Runs check(n) for every row length in dims on each row path.
template <class Dims, class Check>
void on_every_row_path(const Dims& dims, Check check) {
  for (const TestRowPath path : all_test_row_paths) {
    CAPTURE(test_row_path_name(path));
    const RowPathScope scope(path);
    for (const auto n : dims)
      check(n);
  }
}

inline bool same_value(double got, double want) {
  return got == want || (std::isnan(got) && std::isnan(want));
}

// Compares a batch with reference rows; reports the worst element.
// Equal values (infinities included) and two NaNs match.
template <class S>
void check_rows(const char* what, const HostBatch<S>& gpu,
                const std::vector<std::vector<compute_t<S>>>& ref, index_t skip_col = -1,
                const std::vector<std::vector<compute_t<S>>>* slack = nullptr) {
  REQUIRE(static_cast<index_t>(ref.size()) == gpu.rows);
  index_t bad = 0;
  double worst = 0;
  std::string where;
  for (index_t r = 0; r < gpu.rows; ++r) {
    double scale = 0;
    for (const auto v : ref[r])
      scale = std::max(scale, std::fabs(double(v)));
    const double tol = tolerance<S>(gpu.cols, std::max(scale, 1e-30));
    for (index_t j = 0; j < gpu.cols; ++j) {
      if (j == skip_col) continue;
      const double want = double(cuda::to_compute(cuda::to_storage<S>(ref[r][j])));
      const double got = double(gpu.get(r, j));
      const double err = std::fabs(got - want);
      const double allowed = tol + (slack ? 8.0 * double((*slack)[r][j]) : 0.0);
      if (!same_value(got, want) && !(err <= allowed)) {
        if (bad == 0 || err / allowed > worst) {
          worst = err / allowed;
          where = "row " + std::to_string(r) + " col " + std::to_string(j) + ": gpu " +
                  std::to_string(got) + " cpu " + std::to_string(want);
        }
        ++bad;
      }
    }
  }
  INFO(std::string(what) << " [" << std::string(cuda::storage_traits<S>::name) << ", d=" << gpu.cols
                         << "] " << bad << " elements out of tolerance; worst (" << worst
                         << " x tol) at " << where);
  CHECK(bad == 0);
}

// Per-row scalars (dist, dist0, dL/dc).
template <class S>
void check_scalars(const char* what, const std::vector<S>& gpu,
                   const std::vector<compute_t<S>>& ref, index_t d,
                   const std::vector<compute_t<S>>* slack = nullptr) {
  REQUIRE(gpu.size() == ref.size());
  HostBatch<S> g(static_cast<index_t>(gpu.size()), 1, 0);
  std::vector<std::vector<compute_t<S>>> rows;
  for (std::size_t i = 0; i < gpu.size(); ++i) {
    g.data[i] = gpu[i];
    rows.push_back({ref[i]});
  }
  // The tolerance of a scalar reduced from d coordinates is that of d.
  index_t bad = 0;
  std::string where;
  for (std::size_t i = 0; i < gpu.size(); ++i) {
    const double want = double(cuda::to_compute(cuda::to_storage<S>(ref[i])));
    const double got = double(cuda::to_compute(gpu[i]));
    if (same_value(got, want)) continue;
    const double allowed = tolerance<S>(d, std::max(std::fabs(want), 1e-30)) +
                           (slack ? 8.0 * double((*slack)[i]) : 0.0);
    if (!(std::fabs(got - want) <= allowed)) {
      if (bad++ == 0)
        where = "row " + std::to_string(i) + ": gpu " + std::to_string(got) + " cpu " +
                std::to_string(want);
    }
  }
  INFO(std::string(what) << " [" << std::string(cuda::storage_traits<S>::name) << ", d=" << d
                         << "] " << bad << " rows out of tolerance; first at " << where);
  CHECK(bad == 0);
}

}  // namespace hyperbolic::cuda_testing
