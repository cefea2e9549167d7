#pragma once
// Batches of random points, tangent vectors and gradients for comparing the
// batched CPU kernels with the scalar members row by row.

#include <doctest/doctest.h>

#include <hyperbolic/cpu/batched_backward.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "manifold_fixtures.hpp"

namespace hyperbolic::testing {

#define HYP_CPU_MANIFOLDS                                                                        \
  hyperbolic::PoincareBall<float>, hyperbolic::PoincareBall<double>, hyperbolic::Lorentz<float>, \
      hyperbolic::Lorentz<double>, hyperbolic::Euclidean<float>, hyperbolic::Euclidean<double>

template <class M>
M make_manifold(double c) {
  if constexpr (std::is_same_v<M, Euclidean<typename M::scalar>>)
    return M{};
  else
    return M(typename M::scalar(c));
}

// N rows of d values at a row stride (padding filled with a sentinel that
// must never be read into a result or overwritten).
template <class T>
struct HostBatch {
  index_t n = 0, d = 0, stride = 0;
  std::vector<T> data;
  static constexpr T pad = T(-777);

  HostBatch(index_t rows, index_t cols, index_t row_stride)
      : n(rows), d(cols), stride(row_stride), data(std::size_t(rows * row_stride + 1), pad) {}
  RowView<T> row(index_t i) { return RowView<T>(data.data() + i * stride, d); }
  ConstRow<T> row(index_t i) const { return ConstRow<T>(data.data() + i * stride, d); }
  cpu::Rows<T> rows() { return cpu::Rows<T>(data.data(), n, d, stride); }
  cpu::Rows<const T> rows() const { return cpu::Rows<const T>(data.data(), n, d, stride); }
  bool padding_intact() const {
    for (index_t i = 0; i < n; ++i)
      for (index_t j = d; j < stride; ++j)
        if (data[std::size_t(i * stride + j)] != pad) return false;
    return true;
  }
};

// Inputs for every primitive: points x, y, p (distance up to ~3 from the
// origin), tangents u at x, v at x, an upstream gradient g, per-row scalar
// gradients, and plane normals a (tangent at p: spacelike for the hyperboloid).
// Row `nan_row` (if >= 0) of x holds a NaN.
template <class M>
struct BatchCase {
  using T = typename M::scalar;
  Fixture<M> f;
  index_t n, d, stride;
  HostBatch<T> x, y, p, u, v, g, a;
  std::vector<T> gs;

  BatchCase(M m, index_t rows, index_t dim, index_t extra_stride, index_t nan_row,
            std::uint64_t seed = 11)
      : f(m, dim, seed),
        n(rows),
        d(M::ambient_dim(dim)),
        stride(d + extra_stride),
        x(n, d, stride),
        y(n, d, stride),
        p(n, d, stride),
        u(n, d, stride),
        v(n, d, stride),
        g(n, d, stride),
        a(n, d, stride),
        gs(std::size_t(n)) {
    std::uniform_real_distribution<double> uni(-1, 1);
    // Hyperboloid coordinates grow like e^r, and the Lorentzian products of
    // far points cancel (sum of |terms| >> result), which amplifies rounding
    // differences of the two summation orders by e^{2r}: keep r <= 2 there
    // (the accuracy at larger radii is the scalar suite's subject).
    const T r = std::is_same_v<M, Lorentz<T>> ? T(0.6) : T(1);
    for (index_t i = 0; i < n; ++i) {
      copy(f.point(r * (T(0.2) + T(i % 4))), x.row(i));
      copy(f.point(r * (T(0.1) + T((i + 1) % 3))), y.row(i));
      copy(f.point(T(1)), p.row(i));
      copy(f.tangent(vec(x.row(i)), r * (T(0.3) + T(i % 3))), u.row(i));
      copy(f.tangent(vec(x.row(i)), T(1)), v.row(i));
      copy(f.tangent(vec(p.row(i)), T(1)), a.row(i));
      for (index_t j = 0; j < d; ++j)
        g.row(i)[j] = T(uni(f.rng));
      gs[std::size_t(i)] = T(uni(f.rng));
    }
    if (nan_row >= 0 && nan_row < n) x.row(nan_row)[d / 2] = std::numeric_limits<T>::quiet_NaN();
  }

  HostBatch<T> output() const { return HostBatch<T>(n, d, stride); }

 private:
  static std::vector<T> vec(ConstRow<T> r) { return std::vector<T>(r.begin(), r.end()); }
  static void copy(const std::vector<T>& from, RowView<T> to) {
    for (index_t j = 0; j < to.size(); ++j)
      to[j] = from[std::size_t(j)];
  }
};

// Batched and scalar paths run the same coefficient code on reductions whose
// summation order differs (SIMD lanes + two accumulators vs one running sum).
// Each reduction then differs by at most ~2 d eps times the sum of |terms|;
// for points within distance ~3 of the origin the coefficient functions
// amplify that by a modest factor (the Lorentz coordinates reach e^3 ~ 20).
// 32 (d + 8) eps relative to the magnitude covers it with margin and still
// catches any wrong term (which is O(1) off).
template <class T>
T batch_tolerance(index_t d) {
  return T(32) * T(d + 8) * std::numeric_limits<T>::epsilon();
}

template <class T>
bool close(T got, T want, T tol) {
  if (std::isnan(want) || std::isnan(got)) return std::isnan(want) && std::isnan(got);
  return std::abs(got - want) <= tol * (T(1) + std::abs(want));
}

// Largest normalised mismatch of two batches, 0 when all agree (NaN where the
// reference has NaN must be NaN too).
template <class T>
bool rows_close(const HostBatch<T>& got, const HostBatch<T>& want, T tol) {
  for (index_t i = 0; i < want.n; ++i)
    for (index_t j = 0; j < want.d; ++j)
      if (!close(got.row(i)[j], want.row(i)[j], tol)) {
        MESSAGE("row " << i << " col " << j << ": got " << double(got.row(i)[j]) << " want "
                       << double(want.row(i)[j]) << " diff "
                       << double(got.row(i)[j] - want.row(i)[j]));
        return false;
      }
  return got.padding_intact();
}

}  // namespace hyperbolic::testing
