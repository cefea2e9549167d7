#pragma once
// Flat R^n with the same interface as the hyperbolic models, so that every
// algorithm (optimizers, embeddings, tests) runs on it unchanged and can be
// compared with textbook Euclidean methods. Curvature gradients are 0.

#include "../core/combine.hpp"
#include "../core/dist_partials.hpp"
#include "check_result.hpp"
#include "euclidean_rows.hpp"
#include "row_pass.hpp"
#include "model_kind.hpp"

namespace hyperbolic {

template <class T>
class Euclidean {
 public:
  using scalar = T;
  static constexpr const char* name = "Euclidean";
  static constexpr ModelKind kind = ModelKind::euclidean;

  HYP_HD static constexpr index_t ambient_dim(index_t n) { return n; }
  // Generic code constructs every manifold from a curvature; flat space has
  // none, so the argument is ignored.
  constexpr Euclidean() = default;
  HYP_HD explicit constexpr Euclidean(T /*curvature*/) {}
  HYP_HD T c() const { return T(0); }

  HYP_HD T inner(ConstRow<T>, ConstRow<T> u, ConstRow<T> v) const { return dot(u, v); }
  HYP_HD T norm(ConstRow<T>, ConstRow<T> u) const { return math::sqrt(squared_norm(u)); }
  HYP_HD T dist(ConstRow<T> x, ConstRow<T> y) const {
    return euclidean::rows::dist(pass(x), x.data(), y.data());
  }
  HYP_HD T dist0(ConstRow<T> x) const { return euclidean::rows::dist0(pass(x), x.data()); }
  HYP_HD T dist2plane(ConstRow<T> x, ConstRow<T> p, ConstRow<T> a) const noexcept {
    return euclidean::rows::dist2plane(pass(x), x.data(), p.data(), a.data());
  }

  HYP_HD void expmap(ConstRow<T> x, ConstRow<T> u, Row<T> out) const noexcept {
    euclidean::rows::add(pass(x), x.data(), u.data(), out.data());
  }
  HYP_HD void expmap0(ConstRow<T> u, Row<T> out) const { scale_into(T(1), u, out); }
  HYP_HD void logmap(ConstRow<T> x, ConstRow<T> y, Row<T> out) const noexcept {
    euclidean::rows::difference(pass(x), x.data(), y.data(), out.data());
  }
  HYP_HD void logmap0(ConstRow<T> y, Row<T> out) const { scale_into(T(1), y, out); }
  HYP_HD void retr(ConstRow<T> x, ConstRow<T> u, Row<T> out) const { expmap(x, u, out); }
  HYP_HD void geodesic(ConstRow<T> x, ConstRow<T> y, T t, Row<T> out) const noexcept {
    for (index_t i = 0; i < x.size(); ++i)
      out[i] = x[i] + t * (y[i] - x[i]);
  }
  HYP_HD void projx(ConstRow<T> x, Row<T> out) const { scale_into(T(1), x, out); }
  HYP_HD void proju(ConstRow<T>, ConstRow<T> u, Row<T> out) const { scale_into(T(1), u, out); }
  HYP_HD void egrad2rgrad(ConstRow<T>, ConstRow<T> g, Row<T> out) const noexcept {
    scale_into(T(1), g, out);
  }
  HYP_HD void transp(ConstRow<T>, ConstRow<T>, ConstRow<T> v, Row<T> out) const noexcept {
    scale_into(T(1), v, out);
  }
  HYP_HD void transp0(ConstRow<T>, ConstRow<T> v, Row<T> out) const { scale_into(T(1), v, out); }
  HYP_HD void transp0back(ConstRow<T>, ConstRow<T> v, Row<T> out) const noexcept {
    scale_into(T(1), v, out);
  }

  // The gyrovector operations of zero curvature are the vector-space ones.
  HYP_HD void mobius_add(ConstRow<T> x, ConstRow<T> y, Row<T> out) const noexcept {
    euclidean::rows::add(pass(x), x.data(), y.data(), out.data());
  }
  HYP_HD void mobius_scalar_mul(T r, ConstRow<T> x, Row<T> out) const { scale_into(r, x, out); }
  HYP_HD void mobius_matvec(ConstMatrixView<T> M, ConstRow<T> x, Row<T> out) const noexcept {
    for (index_t i = 0; i < M.rows(); ++i)
      out[i] = dot(M.row(i), x);
  }
  HYP_HD void midpoint(ConstMatrixView<T> points, const T* weights, Row<T> out) const noexcept {
    fill(out, T(0));
    T total = T(0);
    for (index_t p = 0; p < points.rows(); ++p) {
      const T w = weights ? weights[p] : T(1);
      total += w;
      for (index_t i = 0; i < out.size(); ++i)
        out[i] += w * points(p, i);
    }
    for (index_t i = 0; i < out.size(); ++i)
      out[i] /= total;
  }

  HYP_HD void origin(Row<T> out) const { fill(out, T(0)); }
  HYP_HD CheckResult<T> check_point(ConstRow<T> x) const noexcept {
    for (index_t i = 0; i < x.size(); ++i)
      if (!math::isfinite(x[i])) return CheckResult<T>::fail("coordinate is not finite", x[i]);
    return CheckResult<T>::pass();
  }
  HYP_HD CheckResult<T> check_vector(ConstRow<T> x, ConstRow<T> u) const noexcept {
    const auto p = check_point(x);
    if (!p) return p;
    return check_point(u);
  }

  // ---- backward passes (dL/dc is 0) ------------------------------------------
  HYP_HD T dist_backward(ConstRow<T> x, ConstRow<T> y, T g, Row<T> gx, Row<T> gy) const noexcept {
    euclidean::rows::dist_backward(pass(x), x.data(), y.data(), g, gx.data(), gy.data());
    return T(0);
  }
  // d(x, y) with its partials (core/dist_partials.hpp).
  HYP_HD DistPartials<T> dist_partials(ConstRow<T> x, ConstRow<T> y) const noexcept {
    const T n = dist(x, y);
    return {n, T(0), T(0), T(1), n};
  }
  // The same from |x - y|^2 (the norms are not used; cpu/distance_fan.hpp).
  HYP_HD DistPartials<T> dist_partials_from_reductions(T, T, T dd) const noexcept {
    const T n = math::sqrt(dd);
    return {n, T(0), T(0), T(1), n};
  }
  // dist_backward's gradients from dist_partials(x, y).
  HYP_HD void dist_backward_from(const DistPartials<T>& p, ConstRow<T> x, ConstRow<T> y, T g,
                                 Row<T> gx, Row<T> gy) const noexcept {
    const T k = per_norm(g * p.d_norm, p.norm);
    for (index_t i = 0; i < x.size(); ++i) {
      const T di = x[i] - y[i];
      gx[i] = k * di;
      gy[i] = -k * di;
    }
  }
  HYP_HD T dist0_backward(ConstRow<T> x, T g, Row<T> gx) const noexcept {
    euclidean::rows::dist0_backward(pass(x), x.data(), g, gx.data());
    return T(0);
  }
  HYP_HD T expmap_backward(ConstRow<T>, ConstRow<T>, ConstRow<T> g, Row<T> gx,
                           Row<T> gu) const noexcept {
    euclidean::rows::copy2(pass(g), g.data(), gx.data(), gu.data());
    return T(0);
  }
  HYP_HD T expmap0_backward(ConstRow<T>, ConstRow<T> g, Row<T> gu) const noexcept {
    scale_into(T(1), g, gu);
    return T(0);
  }
  HYP_HD T logmap_backward(ConstRow<T>, ConstRow<T>, ConstRow<T> g, Row<T> gx,
                           Row<T> gy) const noexcept {
    euclidean::rows::difference_backward(pass(g), g.data(), gx.data(), gy.data());
    return T(0);
  }
  HYP_HD T logmap0_backward(ConstRow<T>, ConstRow<T> g, Row<T> gy) const noexcept {
    scale_into(T(1), g, gy);
    return T(0);
  }
  HYP_HD T projx_backward(ConstRow<T>, ConstRow<T> g, Row<T> gx) const noexcept {
    scale_into(T(1), g, gx);
    return T(0);
  }
  HYP_HD T mobius_scalar_mul_backward(T r, ConstRow<T> x, ConstRow<T> g, Row<T> gx,
                                      T& grad_r) const noexcept {
    grad_r = dot(g, x);
    scale_into(r, g, gx);
    return T(0);
  }
  HYP_HD T dist2plane_backward(ConstRow<T> x, ConstRow<T> p, ConstRow<T> a, T g, Row<T> gx,
                               Row<T> gp, Row<T> ga) const noexcept {
    euclidean::rows::dist2plane_backward(pass(x), x.data(), p.data(), a.data(), g, gx.data(),
                                         gp.data(), ga.data());
    return T(0);
  }
  // gx must not alias x or g.
  HYP_HD T mobius_matvec_backward(ConstMatrixView<T> M, ConstRow<T> x, ConstRow<T> g,
                                  MatrixView<T> gM, Row<T> gx) const noexcept {
    fill(gx, T(0));
    for (index_t i = 0; i < M.rows(); ++i)
      for (index_t j = 0; j < x.size(); ++j) {
        gM(i, j) = g[i] * x[j];
        gx[j] += g[i] * M(i, j);
      }
    return T(0);
  }
  HYP_HD T midpoint_backward(ConstMatrixView<T> points, const T* weights, ConstRow<T> m,
                             ConstRow<T> g, MatrixView<T> grad_points,
                             T* grad_weights) const noexcept {
    T total = T(0);
    for (index_t p = 0; p < points.rows(); ++p)
      total += weights ? weights[p] : T(1);
    for (index_t p = 0; p < points.rows(); ++p) {
      const T w = weights ? weights[p] : T(1);
      T gw = T(0);
      for (index_t i = 0; i < m.size(); ++i) {
        gw += g[i] * (points(p, i) - m[i]);
        grad_points(p, i) = w * g[i] / total;
      }
      if (grad_weights) grad_weights[p] = gw / total;
    }
    return T(0);
  }
  HYP_HD T mobius_add_backward(ConstRow<T>, ConstRow<T>, ConstRow<T> g, Row<T> gx,
                               Row<T> gy) const noexcept {
    euclidean::rows::copy2(pass(g), g.data(), gx.data(), gy.data());
    return T(0);
  }

 private:
  // The scalar driver of the definitions in euclidean_rows.hpp.
  HYP_HD static SequentialRowPass<T> pass(ConstRow<T> row) noexcept { return {row.size()}; }
};

}  // namespace hyperbolic
