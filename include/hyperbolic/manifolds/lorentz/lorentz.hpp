#pragma once
// The hyperboloid (Lorentz) model of curvature -c (c > 0):
// { x in R^{n+1} : <x, x>_L = -1/c, x0 > 0 }, <a, b>_L = -a0 b0 + sum a_i b_i,
// time coordinate first. Tangent vectors at x satisfy <x, u>_L = 0.
//
// Same reduce -> coefficients -> combine structure as the Poincare ball; the
// time coordinate is only a sign in the reductions. Outputs may alias inputs
// except where noted.

#include "../../core/combine.hpp"
#include "../../core/dist_partials.hpp"
#include "../check_result.hpp"
#include "../derived_operations.hpp"
#include "../row_pass.hpp"
#include "../model_kind.hpp"
#include "../../core/robust_norm.hpp"
#include "chord.hpp"
#include "transport.hpp"
#include "coefficients.hpp"
#include "rows.hpp"

namespace hyperbolic {

// <a, b>_L
template <class T>
HYP_HD_INLINE T minkowski_dot(ConstRow<T> a, ConstRow<T> b) {
  return dot(a.tail(), b.tail()) - a[0] * b[0];
}
// <a - b, a - b>_L from the differences.
template <class T>
HYP_HD_INLINE T minkowski_squared_distance(ConstRow<T> a, ConstRow<T> b) {
  const T d0 = a[0] - b[0];
  return squared_distance(a.tail(), b.tail()) - d0 * d0;
}

template <class T>
class Lorentz {
 public:
  using scalar = T;
  static constexpr const char* name = "Lorentz";
  static constexpr ModelKind kind = ModelKind::lorentz;

  HYP_HD static constexpr index_t ambient_dim(index_t n) { return n + 1; }

  HYP_HD explicit Lorentz(T c = T(1)) : c_(c) {}
  HYP_HD T c() const { return c_; }

  // Default relative tolerance of check_point / check_vector.
  static constexpr T default_tolerance = T(1e4) * scalar_traits<T>::epsilon;

  // ---- metric -------------------------------------------------------------
  HYP_HD T inner(ConstRow<T>, ConstRow<T> u, ConstRow<T> v) const { return minkowski_dot(u, v); }
  HYP_HD T norm(ConstRow<T>, ConstRow<T> u) const noexcept {
    return math::sqrt(nonnegative(minkowski_dot(u, u)));
  }

  // ---- distances ----------------------------------------------------------
  HYP_HD T dist(ConstRow<T> x, ConstRow<T> y) const noexcept {
    return lorentz::rows::dist(pass(x), c_, x.data(), y.data());
  }
  HYP_HD T dist0(ConstRow<T> x) const noexcept {
    return lorentz::rows::dist0(pass(x), c_, x.data());
  }
  // Signed distance to the hyperplane {z : <z, a>_L = 0}, a spacelike normal
  // (<a, a>_L > 0); for a plane through p, take a in the tangent space at p.
  HYP_HD T dist2plane(ConstRow<T> x, ConstRow<T> a) const noexcept {
    return lorentz::rows::dist2plane(pass(x), c_, x.data(), a.data());
  }

  // ---- exponential and logarithmic maps ---------------------------------------
  HYP_HD void expmap(ConstRow<T> x, ConstRow<T> u, Row<T> out) const noexcept {
    lorentz::rows::expmap(pass(x), c_, x.data(), u.data(), out.data());
  }
  // expmap at the origin o = (1/sqrt(c), 0, ..., 0); u0 is ignored (T_o has u0 = 0).
  HYP_HD void expmap0(ConstRow<T> u, Row<T> out) const noexcept {
    lorentz::rows::expmap0(pass(u), c_, u.data(), out.data());
  }
  HYP_HD void logmap(ConstRow<T> x, ConstRow<T> y, Row<T> out) const noexcept {
    lorentz::rows::logmap(pass(x), c_, x.data(), y.data(), out.data());
  }
  HYP_HD void logmap0(ConstRow<T> y, Row<T> out) const noexcept {
    lorentz::rows::logmap0(pass(y), c_, y.data(), out.data());
  }
  // Retraction: x + u, lifted back onto the hyperboloid.
  HYP_HD void retr(ConstRow<T> x, ConstRow<T> u, Row<T> out) const noexcept {
    derived::projected_retraction(*this, x, u, out);
  }
  // out must not alias x.
  HYP_HD void geodesic(ConstRow<T> x, ConstRow<T> y, T t, Row<T> out) const noexcept {
    derived::geodesic_by_exp_log(*this, x, y, t, out);
  }

  // ---- projections ----------------------------------------------------------
  // Keeps the space coordinates and recomputes the time coordinate.
  HYP_HD void projx(ConstRow<T> x, Row<T> out) const noexcept {
    lorentz::rows::projx(pass(x), c_, x.data(), out.data());
  }
  // u + c <x, u>_L x. out must not alias x.
  HYP_HD void proju(ConstRow<T> x, ConstRow<T> u, Row<T> out) const noexcept {
    lorentz::rows::proju(pass(x), c_, x.data(), u.data(), out.data());
  }
  // Riemannian gradient: flip the time sign (inverse metric), then project.
  HYP_HD void egrad2rgrad(ConstRow<T> x, ConstRow<T> g, Row<T> out) const noexcept {
    lorentz::rows::egrad2rgrad(pass(x), c_, x.data(), g.data(), out.data());
  }

  // ---- parallel transport -----------------------------------------------------
  // v + c <y, v>_L / (1 - c <x, y>_L) (x + y), <y, v>_L in the form the pair's
  // regime needs (lorentz/transport.hpp). out must not alias x or y.
  HYP_HD void transp(ConstRow<T> x, ConstRow<T> y, ConstRow<T> v, Row<T> out) const noexcept {
    lorentz::rows::transp(pass(v), c_, x.data(), y.data(), v.data(), out.data());
  }
  HYP_HD void transp0(ConstRow<T> y, ConstRow<T> v, Row<T> out) const noexcept {
    const T s = math::sqrt(c_), yv = minkowski_dot(y, v), den = T(1) + s * y[0];
    const T k = c_ * yv / den;
    const T v0 = v[0];
    for (index_t i = 1; i < v.size(); ++i)
      out[i] = v[i] + k * y[i];
    out[0] = v0 + k * y[0] + s * yv / den;  // k / s folded: no 1/s for small c
  }
  HYP_HD void transp0back(ConstRow<T> y, ConstRow<T> v, Row<T> out) const noexcept {
    const T s = math::sqrt(c_), den = T(1) + s * y[0];
    const T v0 = v[0], k = -s * v0 / den;  // c <o, v>_L / (1 + s y0)
    for (index_t i = 1; i < v.size(); ++i)
      out[i] = v[i] + k * y[i];
    out[0] = v0 + k * y[0] - v0 / den;
  }

  // ---- gyrovector operations (through the isometry with the ball) -------------
  HYP_HD void mobius_add(ConstRow<T> x, ConstRow<T> y, Row<T> out) const noexcept {
    lorentz::rows::mobius_add(pass(x), c_, x.data(), y.data(), out.data());
  }
  // r (x) x = expmap0(r logmap0(x)).
  HYP_HD void mobius_scalar_mul(T r, ConstRow<T> x, Row<T> out) const noexcept {
    lorentz::rows::mobius_scalar_mul(pass(x), c_, r, x.data(), out.data());
  }
  // expmap0(M logmap0(x)) with M acting on space coordinates: M is m x n for a
  // point with n space coordinates; out has m + 1 entries, must not alias x.
  HYP_HD void mobius_matvec(ConstMatrixView<T> M, ConstRow<T> x, Row<T> out) const noexcept {
    const T a = lorentz::logmap0_of_norm(c_, robust_norm<T>(x.data(), 1, x.size()));
    T ww = T(0);
    for (index_t i = 0; i < M.rows(); ++i) {
      const T wi = a * dot(M.row(i), x.tail());
      out[i + 1] = wi;
      ww += wi * wi;
    }
    const auto k = lorentz::expmap0(c_, ww);
    for (index_t i = 1; i <= M.rows(); ++i)
      out[i] *= k.space;
    out[0] = k.time;
  }
  // Weighted Lorentzian centroid: A / (s sqrt(-<A, A>_L)), A = sum w_i x_i.
  // weights may be null (all 1). out must not alias the points.
  HYP_HD void midpoint(ConstMatrixView<T> points, const T* weights, Row<T> out) const noexcept {
    fill(out, T(0));
    for (index_t p = 0; p < points.rows(); ++p) {
      const T w = weights ? weights[p] : T(1);
      const ConstRow<T> x = points.row(p);
      for (index_t i = 0; i < out.size(); ++i)
        out[i] += w * x[i];
    }
    const T kappa = math::sqrt(c_ * -minkowski_dot(ConstRow<T>(out), ConstRow<T>(out)));
    for (index_t i = 0; i < out.size(); ++i)
      out[i] /= kappa;
  }

  // ---- points -------------------------------------------------------------
  HYP_HD void origin(Row<T> out) const noexcept {
    fill(out, T(0));
    out[0] = T(1) / math::sqrt(c_);
  }
  // On the hyperboloid up to a relative tolerance: |c<x, x>_L + 1| <= tol (1 + c|x|^2).
  HYP_HD CheckResult<T> check_point(ConstRow<T> x, T tol = default_tolerance) const noexcept {
    for (index_t i = 0; i < x.size(); ++i)
      if (!math::isfinite(x[i])) return CheckResult<T>::fail("coordinate is not finite", x[i]);
    if (!(x[0] > T(0))) return CheckResult<T>::fail("time coordinate x0 <= 0", x[0]);
    const T violation = c_ * minkowski_dot(x, x) + T(1);
    if (!(math::fabs(violation) <= tol * (T(1) + c_ * squared_norm(x))))
      return CheckResult<T>::fail("off the hyperboloid: c<x,x>_L + 1 != 0", violation);
    return CheckResult<T>::pass();
  }
  HYP_HD CheckResult<T> check_vector(ConstRow<T> x, ConstRow<T> u,
                                     T tol = default_tolerance) const noexcept {
    const auto p = check_point(x, tol);
    if (!p) return p;
    for (index_t i = 0; i < u.size(); ++i)
      if (!math::isfinite(u[i])) return CheckResult<T>::fail("component is not finite", u[i]);
    const T xu = minkowski_dot(x, u);
    if (!(math::fabs(xu) <= tol * math::sqrt(squared_norm(x) * squared_norm(u))))
      return CheckResult<T>::fail("not tangent: <x,u>_L != 0", xu);
    return CheckResult<T>::pass();
  }

  // ---- backward passes: overwrite input gradients, return dL/dc ---------------

  HYP_HD T dist_backward(ConstRow<T> x, ConstRow<T> y, T g, Row<T> gx, Row<T> gy) const noexcept {
    return lorentz::rows::dist_backward(pass(x), c_, x.data(), y.data(), g, gx.data(), gy.data());
  }

  // d(x, y) with its partials (core/dist_partials.hpp): one evaluation for a
  // caller that needs the distance before its gradient.
  HYP_HD DistPartials<T> dist_partials(ConstRow<T> x, ConstRow<T> y) const noexcept {
    return dist_partials_from_chord(chord_and_gap(x, y));
  }
  // The same from the Minkowski square <x - y, x - y>_L (the norms are not used; the
  // signature matches the ball's, for cpu/distance_fan.hpp).
  HYP_HD DistPartials<T> dist_partials_from_reductions(T, T, T dd) const noexcept {
    using D = Dual<T, 1>;
    const T n = math::sqrt(nonnegative(dd));
    const D f = lorentz::dist(D(c_), D::variable(n, 0));
    return {f.v, T(0), T(0), f.d[0], n};
  }
  // The same from the chord and time gap (lorentz/chord.hpp).
  HYP_HD DistPartials<T> dist_partials_from_chord(lorentz::Chord<T> ch) const noexcept {
    using D = Dual<T, 1>;
    const D f = lorentz::dist(D(c_), D::variable(ch.n, 0));
    return {f.v, T(0), T(0), f.d[0], ch.n, ch.gap, true};
  }
  // dist_backward's gradients from dist_partials(x, y).
  HYP_HD void dist_backward_from(const DistPartials<T>& p, ConstRow<T> x, ConstRow<T> y, T g,
                                 Row<T> gx, Row<T> gy) const noexcept {
    const auto k = per_norm_split(g * p.d_norm, p.norm);
    const T g0 = -k.outer * (k.inner * (p.has_time_gap ? p.time_gap : x[0] - y[0]));
    for (index_t i = 1; i < x.size(); ++i) {
      const T gi = k.outer * (k.inner * (x[i] - y[i]));
      gx[i] = gi;
      gy[i] = -gi;
    }
    gx[0] = g0;
    gy[0] = -g0;
  }

  HYP_HD T dist0_backward(ConstRow<T> x, T g, Row<T> gx) const noexcept {
    return lorentz::rows::dist0_backward(pass(x), c_, x.data(), g, gx.data());
  }

  HYP_HD T dist2plane_backward(ConstRow<T> x, ConstRow<T> a, T g, Row<T> gx,
                               Row<T> ga) const noexcept {
    return lorentz::rows::dist2plane_backward(pass(x), c_, x.data(), a.data(), g, gx.data(),
                                              ga.data());
  }

  HYP_HD T expmap_backward(ConstRow<T> x, ConstRow<T> u, ConstRow<T> g, Row<T> gx,
                           Row<T> gu) const noexcept {
    return lorentz::rows::expmap_backward(pass(x), c_, x.data(), u.data(), g.data(), gx.data(),
                                          gu.data());
  }

  HYP_HD T expmap0_backward(ConstRow<T> u, ConstRow<T> g, Row<T> gu) const noexcept {
    return lorentz::rows::expmap0_backward(pass(u), c_, u.data(), g.data(), gu.data());
  }

  HYP_HD T logmap_backward(ConstRow<T> x, ConstRow<T> y, ConstRow<T> g, Row<T> gx,
                           Row<T> gy) const noexcept {
    return lorentz::rows::logmap_backward(pass(x), c_, x.data(), y.data(), g.data(), gx.data(),
                                          gy.data());
  }

  HYP_HD T logmap0_backward(ConstRow<T> y, ConstRow<T> g, Row<T> gy) const noexcept {
    return lorentz::rows::logmap0_backward(pass(y), c_, y.data(), g.data(), gy.data());
  }

  HYP_HD T projx_backward(ConstRow<T> x, ConstRow<T> g, Row<T> gx) const noexcept {
    return lorentz::rows::projx_backward(pass(x), c_, x.data(), g.data(), gx.data());
  }

  HYP_HD T mobius_add_backward(ConstRow<T> x, ConstRow<T> y, ConstRow<T> g, Row<T> gx,
                               Row<T> gy) const noexcept {
    return lorentz::rows::mobius_add_backward(pass(x), c_, x.data(), y.data(), g.data(), gx.data(),
                                              gy.data());
  }

  // Backward of mobius_scalar_mul(r, x): gradient for x, dL/dr into grad_r.
  HYP_HD T mobius_scalar_mul_backward(T r, ConstRow<T> x, ConstRow<T> g, Row<T> gx,
                                      T& grad_r) const noexcept {
    using D = Dual<T, 3>;
    const D cc = D::variable(c_, 0), ss = D::variable(squared_norm(x.tail()), 2);
    const D a = D::variable(r, 1) * lorentz::logmap0(cc, ss);
    const auto k = lorentz::expmap0(cc, a * a * ss);
    const D space = k.space * a;
    const D L = k.time * g[0] + space * dot(g.tail(), x.tail());
    for (index_t i = 1; i < x.size(); ++i)
      gx[i] = space.v * g[i] + T(2) * L.d[2] * x[i];
    gx[0] = T(0);
    grad_r = L.d[1];
    return L.d[0];
  }

  // gM is m x n like M; gx must not alias x or g.
  HYP_HD T mobius_matvec_backward(ConstMatrixView<T> M, ConstRow<T> x, ConstRow<T> g,
                                  MatrixView<T> gM, Row<T> gx) const noexcept {
    using D = Dual<T, 2>;
    const ConstRow<T> xs = x.tail(), gs = g.tail();
    const D a = lorentz::logmap0(D::variable(c_, 0), D::variable(squared_norm(xs), 1));
    T ww = T(0), gw = T(0);
    for (index_t i = 0; i < M.rows(); ++i) {
      const T wi = a.v * dot(M.row(i), xs);
      ww += wi * wi;
      gw += gs[i] * wi;
    }
    const auto b = lorentz::expmap0(D::variable(c_, 0), D::variable(ww, 1));
    const D L = b.time * g[0] + b.space * gw;  // as a function of (c, |w|^2)
    const T k = T(2) * L.d[1];
    const Row<T> gxs = gx.tail();
    fill(gx, T(0));
    for (index_t i = 0; i < M.rows(); ++i) {
      const ConstRow<T> Mi = M.row(i);
      const T gwi = b.space.v * gs[i] + k * a.v * dot(Mi, xs);
      const Row<T> gMi = gM.row(i);
      for (index_t j = 0; j < xs.size(); ++j) {
        gMi[j] = gwi * a.v * xs[j];
        gxs[j] += gwi * Mi[j];
      }
    }
    const T gv_x = dot(ConstRow<T>(gxs), xs);
    for (index_t j = 0; j < xs.size(); ++j)
      gxs[j] = a.v * gxs[j] + T(2) * gv_x * a.d[1] * xs[j];
    return L.d[0] + gv_x * a.d[0];
  }

  // Backward of midpoint given its forward result m. grad_weights may be null.
  HYP_HD T midpoint_backward(ConstMatrixView<T> points, const T* weights, ConstRow<T> m,
                             ConstRow<T> g, MatrixView<T> grad_points,
                             T* grad_weights) const noexcept {
    // m = A / kappa with kappa = -c <m, A>_L; dL/dA = (g + c<g,m> eta m) / kappa.
    T kappa = T(0);
    for (index_t p = 0; p < points.rows(); ++p)
      kappa -= c_ * (weights ? weights[p] : T(1)) * minkowski_dot(m, points.row(p));
    const T gm = dot(g, m);
    for (index_t p = 0; p < points.rows(); ++p) {
      const T w = weights ? weights[p] : T(1);
      const ConstRow<T> x = points.row(p);
      const Row<T> gx = grad_points.row(p);
      T gw = T(0);
      for (index_t i = 0; i < m.size(); ++i) {
        const T gA = (g[i] + c_ * gm * (i == 0 ? -m[i] : m[i])) / kappa;
        gw += gA * x[i];
        gx[i] = w * gA;
      }
      if (grad_weights) grad_weights[p] = gw;
    }
    return -gm / (T(2) * c_);
  }

 private:
  // Lorentzian squares of what should be spacelike or zero vectors are
  // clamped at 0: negative values are rounding only. NaN is kept.
  HYP_HD static T nonnegative(T v) { return math::nonnegative(v); }
  // The scalar driver of the definitions in rows.hpp: one coordinate at a time.
  HYP_HD static SequentialRowPass<T> pass(ConstRow<T> row) noexcept { return {row.size()}; }
  // sqrt(<x - y, x - y>_L), accurate in every regime, and x0 - y0 read through
  // the space coordinates (chord.hpp).
  HYP_HD T chord(ConstRow<T> x, ConstRow<T> y) const noexcept {
    return lorentz::chord(c_, x.data(), y.data(), x.size());
  }
  HYP_HD lorentz::Chord<T> chord_and_gap(ConstRow<T> x, ConstRow<T> y) const noexcept {
    return lorentz::chord_and_gap(c_, x.data(), y.data(), x.size());
  }

  T c_;
};

}  // namespace hyperbolic
