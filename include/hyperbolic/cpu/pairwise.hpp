#pragma once
// All-pairs distances out(i, j) = dist(x_i, y_j) for an N x d batch x and an
// M x d batch y, through one GEMM for the inner products (Eigen; threaded by
// OpenMP when it is linked) and the core's distance coefficient per entry.
//
// The GEMM form cancels for close points: |x - y|^2 = |x|^2 + |y|^2 - 2<x, y>
// carries an absolute error of about (d + 3) eps (|x|^2 + |y|^2) (the inner
// product's error bound is d eps |x||y| <= d eps (|x|^2 + |y|^2) / 2), which
// is large relative to |x - y|^2 when the points are close. Rule: an entry is
// recomputed exactly from the row differences (the batched dist kernel, i.e.
// the scalar path) when
//     GEMM-derived |x - y|^2  <  recompute_below * (|x|^2 + |y|^2)
// (Lorentz: GEMM-derived q = <x - y, x - y>_L below recompute_below times
// |x_s|^2 + |y_s|^2 of the space coordinates, the only part the GEMM forms:
// the time term (x0 - y0)^2 is computed per entry the same way on both paths),
// and also when it is NaN. Every
// entry kept from the GEMM therefore has a relative error in |x - y|^2 of at
// most (d + 3) eps / recompute_below, and so (the distance is at most linear
// in |x - y| relative terms) a relative distance error of the same bound;
// default 1/16: 1.3e-4 in float and 2.4e-13 in double at d = 64. Random
// high-dimensional points are nearly orthogonal (ratio ~ 1), so only near
// neighbours take the exact path.
//
// The per-entry distance step runs on SIMD registers across each row of the
// output (xsimd asinh / sqrt); flagged entries are then recomputed singly.
// Measured side by side on one thread (2048 x 2048, d = 64, f32): Poincare
// 7.6% -> 43% of the GEMM rate; Lorentz 23% -> 50% with the space-norm
// rule above (f64: 16% -> 50%). The CUDA backend applies the same rule.
//
// Allocates O(N + M) for the row norms (not O(N M)).

#include <Eigen/Core>

#include <string>
#include <vector>

#include "batched.hpp"

namespace hyperbolic::cpu {

template <class T>
inline constexpr T default_recompute_below = T(1) / T(16);

namespace detail {
template <class T>
using RowMajorMap =
    Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>,
               Eigen::Unaligned, Eigen::OuterStride<>>;
template <class T>
using RowMajorMutMap = Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>,
                                  Eigen::Unaligned, Eigen::OuterStride<>>;

template <class T>
RowMajorMap<T> eigen_map(const Rows<const T>& r, index_t first_col = 0) {
  return RowMajorMap<T>(r.data() + first_col, r.rows(), r.cols() - first_col,
                        Eigen::OuterStride<>(r.stride()));
}

inline void check_pairwise(const char* op, index_t xr, index_t xc, index_t yr, index_t yc,
                           index_t outr, index_t outc, index_t outs) {
  const std::string where = std::string("hyperbolic::cpu::") + op + ": ";
  if (xc < 1 || xc != yc)
    throw std::invalid_argument(where + "x is " + std::to_string(xr) + " x " + std::to_string(xc) +
                                " and y is " + std::to_string(yr) + " x " + std::to_string(yc) +
                                "; rows need the same number (>= 1) of elements");
  if (outr != xr || outc != yr)
    throw std::invalid_argument(where + "out is " + std::to_string(outr) + " x " +
                                std::to_string(outc) + " but must be " + std::to_string(xr) +
                                " x " + std::to_string(yr) + " (rows of x by rows of y)");
  if (outr > 1 && outs < outc)
    throw std::invalid_argument(where + "out has row stride " + std::to_string(outs) + " < " +
                                std::to_string(outc) + " columns");
}

// The models whose distance the per-entry step below knows (not the sphere's:
// its GEMM form and recompute rule are not written yet).
template <class M>
inline constexpr bool has_gemm_form = model_kind_v<M> == ModelKind::euclidean ||
                                      model_kind_v<M> == ModelKind::poincare ||
                                      model_kind_v<M> == ModelKind::lorentz;
}  // namespace detail

template <class M>
requires detail::has_gemm_form<M>
void pairwise_dist(const M& m, Rows<const S<M>> x, Rows<const S<M>> y, Rows<S<M>> out,
                   S<M> recompute_below = default_recompute_below<S<M>>) {
  using T = S<M>;
  constexpr bool lorentz = model_kind_v<M> == ModelKind::lorentz;
  detail::check_pairwise("pairwise_dist", x.rows(), x.cols(), y.rows(), y.cols(), out.rows(),
                         out.cols(), out.stride());
  if (!(recompute_below >= T(0)))
    throw std::invalid_argument("hyperbolic::cpu::pairwise_dist: recompute_below must be >= 0");
  const index_t n = x.rows(), nm = y.rows(), d = x.cols();
  if (n == 0 || nm == 0) return;
  const index_t first = lorentz ? 1 : 0;  // the GEMM runs over the space coordinates

  // Squared norms of the GEMM part and of the whole rows (for the rule).
  const auto xs = static_cast<std::size_t>(n), ys = static_cast<std::size_t>(nm);
  std::vector<T> xx(xs), yy(ys);
  std::vector<T> y0(lorentz ? ys : 0);  // time coordinates of y, read per entry
  auto norms = [&](const Rows<const T>& r, std::vector<T>& part) {
    for_each_row(r.rows(), d, [&](index_t i) {
      const T* p = r.ptr(i);
      const auto [s] = simd::reduce_row<T>(d - first, [&](auto at) {
        const auto v = at(p + first);
        return std::array{v * v};
      });
      part[std::size_t(i)] = s;
    });
  };
  norms(x, xx);
  norms(y, yy);
  for (std::size_t j = 0; j < y0.size(); ++j)
    y0[j] = y.ptr(index_t(j))[0];

  detail::RowMajorMutMap<T> o(out.data(), n, nm, Eigen::OuterStride<>(out.stride()));
  if (d > first)
    o.noalias() = detail::eigen_map(x, first) * detail::eigen_map(y, first).transpose();
  else
    o.setZero();

  // The per-entry step, SIMD across a row of out: the distance from the
  // GEMM-derived q, with the transcendental evaluated on whole registers
  // (xsimd's asinh and sqrt) - the scalar coefficient function would cost
  // tens of nanoseconds per entry, more than the GEMM's share. Entries the
  // rule flags are then recomputed one by one. Curvature 0 (the ball's
  // Euclidean limit) keeps the scalar loop below.
  constexpr bool poincare_model = model_kind_v<M> == ModelKind::poincare;
  using B = simd::batch<T>;
  constexpr index_t W = static_cast<index_t>(B::size);
  const T c = m.c();
  const bool vector_epilogue = !(lorentz || poincare_model) || c > T(0);
  const T s = c > T(0) ? math::sqrt(c) : T(1);
  std::vector<T> by(poincare_model ? ys : 0);  // 1 - c|y|^2
  for (std::size_t j = 0; j < by.size(); ++j)  // compensated near the boundary
    by[j] = cpu::boundary_factor(c, yy[j], y.ptr(index_t(j)), d);

  for_each_row(n, nm * 8, [&](index_t i) {
    T* oi = out.ptr(i);
    const T xi = xx[std::size_t(i)];
    const T x0 = lorentz ? x.ptr(i)[0] : T(0);
    const T bx = poincare_model ? cpu::boundary_factor(c, xi, x.ptr(i), d) : T(0);
    index_t j = 0;
    if (vector_epilogue) {
      const B two_over_s(T(2) / s), twice(T(2)), rule(recompute_below), xi_b(xi);
      for (; j + W <= nm; j += W) {
        const std::size_t js = static_cast<std::size_t>(j);
        const B yj = B::load_unaligned(yy.data() + js);
        B q = xi_b + yj - twice * B::load_unaligned(oi + j);
        if constexpr (lorentz) {
          const B dt = B(x0) - B::load_unaligned(y0.data() + js);
          q -= dt * dt;
        }
        const auto keep = q >= rule * (xi_b + yj);
        B r;
        if constexpr (lorentz)  // (2/s) asinh(s sqrt(q) / 2)
          r = two_over_s * xsimd::asinh(B(s / T(2)) * xsimd::sqrt(q));
        else if constexpr (poincare_model)  // (2/s) asinh(s sqrt(q / ((1-c|x|^2)(1-c|y|^2))))
          r = two_over_s *
              xsimd::asinh(B(s) * xsimd::sqrt(q / (B(bx) * B::load_unaligned(by.data() + js))));
        else
          r = xsimd::sqrt(q);
        r.store_unaligned(oi + j);
        if (!xsimd::all(keep)) {  // close pairs (and NaN): exact, from the rows
          alignas(64) T kept[W];
          xsimd::select(keep, B(T(1)), B(T(0))).store_unaligned(kept);
          for (index_t l = 0; l < W; ++l)
            if (kept[l] == T(0)) oi[j + l] = RowKernels<M>::dist(m, x.ptr(i), y.ptr(j + l), d);
        }
      }
    }
    for (; j < nm; ++j) {
      const T yj = yy[std::size_t(j)];
      T q = xi + yj - T(2) * oi[j];
      if constexpr (lorentz) {
        const T dt = x0 - y0[std::size_t(j)];
        q -= dt * dt;
      }
      if (!(q >= recompute_below * (xi + yy[std::size_t(j)]))) {
        oi[j] = RowKernels<M>::dist(m, x.ptr(i), y.ptr(j), d);  // close pair: exact
      } else if constexpr (lorentz) {
        oi[j] = lorentz::dist(m.c(), math::sqrt(q));
      } else if constexpr (model_kind_v<M> == ModelKind::poincare) {
        oi[j] = poincare::dist(m.c(), bx, by[std::size_t(j)], math::sqrt(q));
      } else {
        oi[j] = math::sqrt(q);
      }
    }
  });
}

}  // namespace hyperbolic::cpu
