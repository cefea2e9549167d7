#pragma once
// The Poincare ball of curvature -c (c > 0): the open ball |x| < 1/sqrt(c)
// with metric lambda_x^2 |dx|^2, lambda_x = 2 / (1 - c|x|^2).
//
// Every primitive is reduce -> coefficients -> combine: a few inner products
// of the input rows, the scalar formulas of coefficients.hpp, and a linear
// combination of the rows. Backward passes evaluate the same coefficient code
// on dual numbers (partials with respect to c and the reductions) and combine
// the rows again: one extra reduction pass, no allocation.
//
// Outputs may alias inputs (each output element depends only on reductions
// and on the same element of the inputs), except where noted.

#include "../../core/combine.hpp"
#include "../../core/dist_partials.hpp"
#include "../check_result.hpp"
#include "../derived_operations.hpp"
#include "../model_kind.hpp"
#include "../../core/robust_norm.hpp"
#include "../row_pass.hpp"
#include "coefficients.hpp"
#include "rows.hpp"

namespace hyperbolic {

template <class T>
class PoincareBall {
 public:
  using scalar = T;
  static constexpr const char* name = "PoincareBall";
  static constexpr ModelKind kind = ModelKind::poincare;

  HYP_HD static constexpr index_t ambient_dim(index_t n) { return n; }

  HYP_HD explicit PoincareBall(T c = T(1)) : c_(c) {}
  HYP_HD T c() const { return c_; }

  // projx keeps |x| <= (1 - 4 eps) / sqrt(c): the largest radius at which
  // 1 - c|x|^2 is still reliably positive after rounding (distance from the
  // origin about 36 in double, 16 in float).
  HYP_HD T max_norm() const { return (T(1) - T(4) * scalar_traits<T>::epsilon) / math::sqrt(c_); }

  // ---- metric ----------------------------------------------------------------
  HYP_HD T lambda_x(ConstRow<T> x) const { return poincare::lambda(c_, squared_norm(x)); }
  HYP_HD T inner(ConstRow<T> x, ConstRow<T> u, ConstRow<T> v) const noexcept {
    const T lam = lambda_x(x);
    return lam * lam * dot(u, v);
  }
  HYP_HD T norm(ConstRow<T> x, ConstRow<T> u) const noexcept {
    return lambda_x(x) * math::sqrt(squared_norm(u));
  }

  // ---- distances --------------------------------------------------------------
  HYP_HD T dist(ConstRow<T> x, ConstRow<T> y) const noexcept {
    return poincare::rows::dist(pass(x), c_, x.data(), y.data());
  }
  HYP_HD T dist0(ConstRow<T> x) const { return poincare::rows::dist0(pass(x), c_, x.data()); }
  // 1 - c|x|^2, compensated near the boundary (boundary.hpp).
  HYP_HD T boundary(ConstRow<T> x) const noexcept {
    return poincare::boundary_factor(c_, squared_norm(x), x.data(), x.size());
  }
  // Signed distance from x to the gyroplane {z : <(-p) (+) z, a> = 0}.
  HYP_HD T dist2plane(ConstRow<T> x, ConstRow<T> p, ConstRow<T> a) const noexcept {
    return poincare::rows::dist2plane(pass(x), c_, x.data(), p.data(), a.data());
  }

  // ---- exponential and logarithmic maps -------------------------------------
  HYP_HD void expmap(ConstRow<T> x, ConstRow<T> u, Row<T> out) const noexcept {
    poincare::rows::expmap(pass(x), c_, x.data(), u.data(), out.data());
  }
  HYP_HD void expmap0(ConstRow<T> u, Row<T> out) const noexcept {
    poincare::rows::expmap0(pass(u), c_, u.data(), out.data());
  }
  HYP_HD void logmap(ConstRow<T> x, ConstRow<T> y, Row<T> out) const noexcept {
    poincare::rows::logmap(pass(x), c_, x.data(), y.data(), out.data());
  }
  HYP_HD void logmap0(ConstRow<T> y, Row<T> out) const noexcept {
    poincare::rows::logmap0(pass(y), c_, y.data(), out.data());
  }
  // First-order retraction x + u, projected back into the ball.
  HYP_HD void retr(ConstRow<T> x, ConstRow<T> u, Row<T> out) const noexcept {
    derived::projected_retraction(*this, x, u, out);
  }
  // Point at time t on the geodesic from x (t = 0) to y (t = 1). out must not
  // alias x.
  HYP_HD void geodesic(ConstRow<T> x, ConstRow<T> y, T t, Row<T> out) const noexcept {
    derived::geodesic_by_exp_log(*this, x, y, t, out);
  }

  // ---- projections ---------------------------------------------------------
  HYP_HD void projx(ConstRow<T> x, Row<T> out) const noexcept {
    poincare::rows::projx(pass(x), max_norm(), x.data(), out.data());
  }
  HYP_HD void proju(ConstRow<T>, ConstRow<T> u, Row<T> out) const { scale_into(T(1), u, out); }
  // Riemannian gradient: the Euclidean one divided by lambda_x^2.
  HYP_HD void egrad2rgrad(ConstRow<T> x, ConstRow<T> g, Row<T> out) const noexcept {
    poincare::rows::egrad2rgrad(pass(x), c_, x.data(), g.data(), out.data());
  }

  // ---- parallel transport --------------------------------------------------
  // P_{x->y}(v) = (lambda_x / lambda_y) gyr[y, -x] v. out must not alias x, y.
  HYP_HD void transp(ConstRow<T> x, ConstRow<T> y, ConstRow<T> v, Row<T> out) const noexcept {
    poincare::rows::transp(pass(v), c_, x.data(), y.data(), v.data(), out.data());
  }
  // Transport from the origin to y, and from y back to the origin.
  HYP_HD void transp0(ConstRow<T> y, ConstRow<T> v, Row<T> out) const noexcept {
    scale_into(T(1) - c_ * squared_norm(y), v, out);
  }
  HYP_HD void transp0back(ConstRow<T> y, ConstRow<T> v, Row<T> out) const noexcept {
    scale_into(T(1) / (T(1) - c_ * squared_norm(y)), v, out);
  }

  // ---- gyrovector operations -------------------------------------------------
  HYP_HD void mobius_add(ConstRow<T> x, ConstRow<T> y, Row<T> out) const noexcept {
    poincare::rows::mobius_add(pass(x), c_, x.data(), y.data(), out.data());
  }
  HYP_HD void mobius_scalar_mul(T r, ConstRow<T> x, Row<T> out) const noexcept {
    poincare::rows::mobius_scalar_mul(pass(x), c_, r, x.data(), out.data());
  }
  // M (x) x = expmap0(M logmap0(x)) for a rows x dim matrix M; out has M.rows()
  // entries and must not alias x.
  HYP_HD void mobius_matvec(ConstMatrixView<T> M, ConstRow<T> x, Row<T> out) const noexcept {
    const T a = poincare::logmap0(c_, robust_norm<T>(x.data(), 0, x.size()), boundary(x));
    for (index_t i = 0; i < M.rows(); ++i)
      out[i] = a * dot(M.row(i), x);
    expmap0(out, out);
  }
  // Weighted gyromidpoint (the Einstein midpoint in Klein coordinates):
  // (1/2) (x) (sum w_i lambda_i x_i / sum w_i (lambda_i - 1)). weights may be
  // null (all 1). out must not alias the points.
  HYP_HD void midpoint(ConstMatrixView<T> points, const T* weights, Row<T> out) const noexcept {
    fill(out, T(0));
    T den = T(0);
    for (index_t p = 0; p < points.rows(); ++p) {
      const ConstRow<T> x = points.row(p);
      const T w = weights ? weights[p] : T(1);
      const T lam = poincare::lambda(c_, squared_norm(x));
      den += w * (lam - T(1));
      for (index_t i = 0; i < out.size(); ++i)
        out[i] += w * lam * x[i];
    }
    for (index_t i = 0; i < out.size(); ++i)
      out[i] /= den;
    scale_into(poincare::klein_to_poincare(c_, squared_norm(ConstRow<T>(out))), ConstRow<T>(out),
               out);
  }

  // ---- points ----------------------------------------------------------------
  HYP_HD void origin(Row<T> out) const { fill(out, T(0)); }
  HYP_HD CheckResult<T> check_point(ConstRow<T> x) const noexcept {
    for (index_t i = 0; i < x.size(); ++i)
      if (!math::isfinite(x[i])) return CheckResult<T>::fail("coordinate is not finite", x[i]);
    // The compensated boundary factor: "strictly inside as stored", decided exactly
    // enough that every primitive sees the same answer.
    const T cxx = c_ * squared_norm(x);
    if (!(cxx < T(1)) || !(boundary(x) > T(0)))
      return CheckResult<T>::fail("outside the ball: c|x|^2 >= 1", cxx);
    return CheckResult<T>::pass();
  }
  HYP_HD CheckResult<T> check_vector(ConstRow<T> x, ConstRow<T> u) const noexcept {
    const auto p = check_point(x);
    if (!p) return p;
    for (index_t i = 0; i < u.size(); ++i)
      if (!math::isfinite(u[i])) return CheckResult<T>::fail("component is not finite", u[i]);
    return CheckResult<T>::pass();
  }

  // ---- backward passes (vector-Jacobian products) ----------------------------
  // Each takes the upstream gradient of the output, overwrites the gradients
  // of the inputs and returns dL/dc. Gradient outputs may alias inputs.

  HYP_HD T dist_backward(ConstRow<T> x, ConstRow<T> y, T g, Row<T> gx, Row<T> gy) const noexcept {
    return poincare::rows::dist_backward(pass(x), c_, x.data(), y.data(), g, gx.data(), gy.data());
  }

  // d(x, y) with its partials (core/dist_partials.hpp): one evaluation for a
  // caller that needs the distance before its gradient.
  HYP_HD DistPartials<T> dist_partials(ConstRow<T> x, ConstRow<T> y) const noexcept {
    return dist_partials_from_boundaries(boundary(x), boundary(y),
                                         robust_distance<T>(x.data(), y.data(), 0, x.size()));
  }
  // The same from the row reductions |x|^2, |y|^2, |x - y|^2 (for callers that compute them
  // for many pairs at once, e.g. cpu/distance_fan.hpp).
  //
  // The partials in closed form rather than on dual numbers (a third of the
  // cost of a softmax-over-negatives step went into the dual arithmetic):
  // with A = 1 - c|x|^2, B = 1 - c|y|^2, q = n / sqrt(AB), d = (2/s) asinh(s q),
  //   dd/dq = 2 / sqrt(1 + c q^2) =: k,   dd/dn = k / sqrt(AB),
  //   dd/d|x|^2 = k q c / (2A),           dd/d|y|^2 = k q c / (2B):
  // products and quotients of positive terms, no cancellation anywhere, and
  // finite at n = 0 and c = 0. They equal the dual numbers' to rounding; the
  // value is poincare::dist itself, bit for bit.
  // (Plain 1 - c|x|^2 from xx: callers near the boundary use dist_partials_from_boundaries.)
  HYP_HD DistPartials<T> dist_partials_from_reductions(T xx, T yy, T dd) const noexcept {
    return dist_partials_from_boundaries(T(1) - c_ * xx, T(1) - c_ * yy, math::sqrt(dd));
  }
  // From the boundary factors a = 1 - c|x|^2, b = 1 - c|y|^2 and n = |x - y|.
  // Far out k q = 2 n / sqrt(a b + c n^2) (no overflow of q^2).
  HYP_HD DistPartials<T> dist_partials_from_boundaries(T a, T b, T n) const noexcept {
    const T root = math::sqrt(a) * math::sqrt(b);
    const T q = n / root;
    const T k = T(2) / math::sqrt(T(1) + c_ * q * q);
    const T kqc = k * q * c_ / T(2);
    return {poincare::dist(c_, a, b, n), kqc / a, kqc / b, k / root, n};
  }
  // dist_backward's gradients from dist_partials(x, y).
  HYP_HD void dist_backward_from(const DistPartials<T>& p, ConstRow<T> x, ConstRow<T> y, T g,
                                 Row<T> gx, Row<T> gy) const noexcept {
    const T fx = T(2) * g * p.d_xx, fy = T(2) * g * p.d_yy, fn = per_norm(g * p.d_norm, p.norm);
    for (index_t i = 0; i < x.size(); ++i) {
      const T xi = x[i], yi = y[i], di = xi - yi;
      gx[i] = fx * xi + fn * di;
      gy[i] = fy * yi - fn * di;
    }
  }

  HYP_HD T dist0_backward(ConstRow<T> x, T g, Row<T> gx) const noexcept {
    return poincare::rows::dist0_backward(pass(x), c_, x.data(), g, gx.data());
  }

  HYP_HD T dist2plane_backward(ConstRow<T> x, ConstRow<T> p, ConstRow<T> a, T g, Row<T> gx,
                               Row<T> gp, Row<T> ga) const noexcept {
    return poincare::rows::dist2plane_backward(pass(x), c_, x.data(), p.data(), a.data(), g,
                                               gx.data(), gp.data(), ga.data());
  }

  HYP_HD T expmap_backward(ConstRow<T> x, ConstRow<T> u, ConstRow<T> g, Row<T> gx,
                           Row<T> gu) const noexcept {
    return poincare::rows::expmap_backward(pass(x), c_, x.data(), u.data(), g.data(), gx.data(),
                                           gu.data());
  }

  HYP_HD T expmap0_backward(ConstRow<T> u, ConstRow<T> g, Row<T> gu) const noexcept {
    return poincare::rows::expmap0_backward(pass(u), c_, u.data(), g.data(), gu.data());
  }
  HYP_HD T logmap0_backward(ConstRow<T> y, ConstRow<T> g, Row<T> gy) const noexcept {
    return poincare::rows::logmap0_backward(pass(y), c_, y.data(), g.data(), gy.data());
  }

  HYP_HD T logmap_backward(ConstRow<T> x, ConstRow<T> y, ConstRow<T> g, Row<T> gx,
                           Row<T> gy) const noexcept {
    return poincare::rows::logmap_backward(pass(x), c_, x.data(), y.data(), g.data(), gx.data(),
                                           gy.data());
  }

  HYP_HD T mobius_add_backward(ConstRow<T> x, ConstRow<T> y, ConstRow<T> g, Row<T> gx,
                               Row<T> gy) const noexcept {
    return poincare::rows::mobius_add_backward(pass(x), c_, x.data(), y.data(), g.data(), gx.data(),
                                               gy.data());
  }

  // Backward of mobius_scalar_mul(r, x): gradient for x, dL/dr into grad_r.
  HYP_HD T mobius_scalar_mul_backward(T r, ConstRow<T> x, ConstRow<T> g, Row<T> gx,
                                      T& grad_r) const noexcept {
    using D = Dual<T, 3>;
    const D a = poincare::mobius_scalar_mul(D::variable(c_, 0), D::variable(r, 1),
                                            D::variable(squared_norm(x), 2));
    const T gxd = dot(g, x), k = T(2) * a.d[2] * gxd;
    for (index_t i = 0; i < x.size(); ++i)
      gx[i] = a.v * g[i] + k * x[i];
    grad_r = a.d[1] * gxd;
    return a.d[0] * gxd;
  }

  // projx is the identity inside max_norm and a radial rescaling outside.
  HYP_HD T projx_backward(ConstRow<T> x, ConstRow<T> g, Row<T> gx) const noexcept {
    return poincare::rows::projx_backward(pass(x), c_, max_norm(), x.data(), g.data(), gx.data());
  }

  // Backward of mobius_matvec: gradients for M (rows x dim) and x. Two passes
  // over M, no workspace; gx must not alias x or g.
  HYP_HD T mobius_matvec_backward(ConstMatrixView<T> M, ConstRow<T> x, ConstRow<T> g,
                                  MatrixView<T> gM, Row<T> gx) const noexcept {
    using D = Dual<T, 2>;
    // Forward quantities: v = a x, w = M v, out = b w.
    const D a = poincare::logmap0(D::variable(c_, 0), D::variable(squared_norm(x), 1));
    T ww = T(0), gw = T(0);
    for (index_t i = 0; i < M.rows(); ++i) {
      const T wi = a.v * dot(M.row(i), x);
      ww += wi * wi;
      gw += g[i] * wi;
    }
    const D b = poincare::expmap0(D::variable(c_, 0), D::variable(ww, 1));
    // dL/dw = b g + 2 (db/dww) <g, w> w; then dL/dM = dL/dw v^T, dL/dv = M^T dL/dw.
    const T k = T(2) * b.d[1] * gw;
    fill(gx, T(0));
    for (index_t i = 0; i < M.rows(); ++i) {
      const ConstRow<T> Mi = M.row(i);
      const T gwi = b.v * g[i] + k * a.v * dot(Mi, x);
      const Row<T> gMi = gM.row(i);
      for (index_t j = 0; j < x.size(); ++j) {
        gMi[j] = gwi * a.v * x[j];
        gx[j] += gwi * Mi[j];
      }
    }
    // gx holds dL/dv; v = a(c, |x|^2) x.
    const T gv_x = dot(ConstRow<T>(gx), x);
    for (index_t j = 0; j < x.size(); ++j)
      gx[j] = a.v * gx[j] + T(2) * gv_x * a.d[1] * x[j];
    return b.d[0] * gw + gv_x * a.d[0];
  }

  // Backward of midpoint, given its forward result m. grad_weights may be null.
  HYP_HD T midpoint_backward(ConstMatrixView<T> points, const T* weights, ConstRow<T> m,
                             ConstRow<T> g, MatrixView<T> grad_points,
                             T* grad_weights) const noexcept {
    using D = Dual<T, 2>;
    // Forward: v = S / W (Klein point), m = beta(c, |v|^2) v. Recover v from m.
    const T mm = squared_norm(m), to_klein = poincare::poincare_to_klein(c_, mm);
    const T vv = to_klein * to_klein * mm;
    const D beta = poincare::klein_to_poincare(D::variable(c_, 0), D::variable(vv, 1));
    T W = T(0);
    for (index_t p = 0; p < points.rows(); ++p)
      W += (weights ? weights[p] : T(1)) *
           (poincare::lambda(c_, squared_norm(points.row(p))) - T(1));
    // dL/dv = beta g + 2 dbeta/dvv <g, v> v, with v = to_klein m.
    const T gv = to_klein * dot(g, m);
    const T k = T(2) * beta.d[1] * gv;
    // dL/dS = dL/dv / W; dL/dW = -<dL/dv, v> / W.
    const T gS_dot_v = beta.v * gv + k * vv;
    const T grad_W = -gS_dot_v / W;
    T gc = beta.d[0] * gv;
    for (index_t p = 0; p < points.rows(); ++p) {
      const ConstRow<T> x = points.row(p);
      const T w = weights ? weights[p] : T(1);
      const T xx = squared_norm(x), one_minus = T(1) - c_ * xx;
      const T lam = T(2) / one_minus;
      T gS_x = T(0);  // <dL/dS, x>
      for (index_t i = 0; i < x.size(); ++i)
        gS_x += (beta.v * g[i] + k * to_klein * m[i]) / W * x[i];
      const T dl_dlam = w * gS_x + w * grad_W;
      const T dlam_dxx = c_ * lam * lam / T(2), dlam_dc = xx * lam * lam / T(2);
      const Row<T> gx = grad_points.row(p);
      for (index_t i = 0; i < x.size(); ++i)
        gx[i] =
            w * lam * (beta.v * g[i] + k * to_klein * m[i]) / W + T(2) * dl_dlam * dlam_dxx * x[i];
      if (grad_weights) grad_weights[p] = lam * gS_x + grad_W * (lam - T(1));
      gc += dl_dlam * dlam_dc;
    }
    return gc;
  }

 private:
  // The scalar driver of the definitions in rows.hpp: one coordinate at a time.
  HYP_HD static SequentialRowPass<T> pass(ConstRow<T> row) noexcept { return {row.size()}; }

  T c_;
};

}  // namespace hyperbolic
