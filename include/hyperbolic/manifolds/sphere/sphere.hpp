#pragma once
// The sphere of curvature +c (c > 0): { x in R^{n+1} : |x| = 1/sqrt(c) },
// the metric of R^{n+1}. Tangent vectors at x satisfy <x, u> = 0. A point of
// intrinsic dimension n has n + 1 stored coordinates, like the hyperboloid;
// the origin is the "north pole" o = (1/sqrt(c), 0, ..., 0).
//
// Same reduce -> coefficients -> combine structure as the other models
// (rows.hpp, coefficients.hpp); distances and logmap from the two chords
// |x - y| and |x + y| (chords.hpp), accurate for close and for
// near-antipodal pairs. Outputs may alias inputs except where noted.

#include "../../core/combine.hpp"
#include "../../core/robust_norm.hpp"
#include "../check_result.hpp"
#include "../derived_operations.hpp"
#include "../model_kind.hpp"
#include "../row_pass.hpp"
#include "chords.hpp"
#include "coefficients.hpp"
#include "rows.hpp"

namespace hyperbolic {

template <class T>
class Sphere {
 public:
  using scalar = T;
  static constexpr const char* name = "Sphere";
  static constexpr ModelKind kind = ModelKind::sphere;

  HYP_HD static constexpr index_t ambient_dim(index_t n) { return n + 1; }

  HYP_HD explicit Sphere(T c = T(1)) : c_(c) {}
  HYP_HD T c() const { return c_; }

  // Default relative tolerance of check_point / check_vector: points from
  // projx, expmap and the optimizers are on the sphere to a few eps.
  static constexpr T default_tolerance = T(1000) * scalar_traits<T>::epsilon;

  // ---- metric -------------------------------------------------------------
  HYP_HD T inner(ConstRow<T>, ConstRow<T> u, ConstRow<T> v) const { return dot(u, v); }
  HYP_HD T norm(ConstRow<T>, ConstRow<T> u) const noexcept {
    return robust_norm<T>(u.data(), 0, u.size());
  }

  // ---- distances ----------------------------------------------------------
  // (2/s) atan2(|x - y|, |x + y|): pi/s for antipodal points.
  HYP_HD T dist(ConstRow<T> x, ConstRow<T> y) const noexcept {
    return sphere::rows::dist(pass(x), c_, x.data(), y.data());
  }
  HYP_HD T dist0(ConstRow<T> x) const noexcept {
    return sphere::rows::dist0(pass(x), c_, x.data());
  }
  // Signed distance to the great sphere {z : <z, a> = 0} (a != 0).
  HYP_HD T dist2plane(ConstRow<T> x, ConstRow<T> a) const noexcept {
    return sphere::rows::dist2plane(pass(x), c_, x.data(), a.data());
  }

  // ---- exponential and logarithmic maps ---------------------------------------
  // cos(s|u|) x + sin(s|u|)/(s|u|) u, not renormalised (the optimizers projx
  // after their step).
  HYP_HD void expmap(ConstRow<T> x, ConstRow<T> u, Row<T> out) const noexcept {
    sphere::rows::expmap(pass(x), c_, x.data(), u.data(), out.data());
  }
  // expmap at the origin; u0 is ignored (T_o has u0 = 0).
  HYP_HD void expmap0(ConstRow<T> u, Row<T> out) const noexcept {
    sphere::rows::expmap0(pass(u), c_, u.data(), out.data());
  }
  // The shortest tangent vector with expmap(x, .) = y; the zero vector at the
  // exact antipode (every direction reaches it).
  HYP_HD void logmap(ConstRow<T> x, ConstRow<T> y, Row<T> out) const noexcept {
    sphere::rows::logmap(pass(x), c_, x.data(), y.data(), out.data());
  }
  HYP_HD void logmap0(ConstRow<T> y, Row<T> out) const noexcept {
    sphere::rows::logmap0(pass(y), c_, y.data(), out.data());
  }
  // Retraction: x + u, scaled back onto the sphere.
  HYP_HD void retr(ConstRow<T> x, ConstRow<T> u, Row<T> out) const noexcept {
    derived::projected_retraction(*this, x, u, out);
  }
  // out must not alias x.
  HYP_HD void geodesic(ConstRow<T> x, ConstRow<T> y, T t, Row<T> out) const noexcept {
    derived::geodesic_by_exp_log(*this, x, y, t, out);
  }

  // ---- projections ----------------------------------------------------------
  // x / (s|x|); x = 0 has no projection (NaN).
  HYP_HD void projx(ConstRow<T> x, Row<T> out) const noexcept {
    sphere::rows::projx(pass(x), c_, x.data(), out.data());
  }
  // u - c <x, u> x. out must not alias x.
  HYP_HD void proju(ConstRow<T> x, ConstRow<T> u, Row<T> out) const noexcept {
    sphere::rows::proju(pass(x), c_, x.data(), u.data(), out.data());
  }
  // The induced metric: the Riemannian gradient is the projected one.
  HYP_HD void egrad2rgrad(ConstRow<T> x, ConstRow<T> g, Row<T> out) const noexcept {
    sphere::rows::proju(pass(x), c_, x.data(), g.data(), out.data());
  }

  // ---- parallel transport -----------------------------------------------------
  // Along the minimising geodesic: the rotation in the plane of x and y that
  // takes x to y (an isometry for every v; coefficients.hpp). At the exact
  // antipode tangent vectors are kept. out must not alias x or y.
  HYP_HD void transp(ConstRow<T> x, ConstRow<T> y, ConstRow<T> v, Row<T> out) const noexcept {
    sphere::rows::transp(pass(v), c_, x.data(), y.data(), v.data(), out.data());
  }
  HYP_HD void transp0(ConstRow<T> y, ConstRow<T> v, Row<T> out) const noexcept {
    sphere::rows::transp0(pass(v), c_, y.data(), v.data(), out.data());
  }
  HYP_HD void transp0back(ConstRow<T> y, ConstRow<T> v, Row<T> out) const noexcept {
    sphere::rows::transp0back(pass(v), c_, y.data(), v.data(), out.data());
  }

  // ---- points -------------------------------------------------------------
  HYP_HD void origin(Row<T> out) const noexcept {
    fill(out, T(0));
    out[0] = T(1) / math::sqrt(c_);
  }
  // On the sphere up to a relative tolerance: |s|x| - 1| <= tol, coordinates finite.
  HYP_HD CheckResult<T> check_point(ConstRow<T> x, T tol = default_tolerance) const noexcept {
    for (index_t i = 0; i < x.size(); ++i)
      if (!math::isfinite(x[i])) return CheckResult<T>::fail("coordinate is not finite", x[i]);
    const T violation = math::sqrt(c_) * robust_norm<T>(x.data(), 0, x.size()) - T(1);
    if (!(math::fabs(violation) <= tol))
      return CheckResult<T>::fail("off the sphere: sqrt(c)|x| - 1 != 0", violation);
    return CheckResult<T>::pass();
  }
  // Tangent up to a relative tolerance: |<x, u>| <= tol |x||u|.
  HYP_HD CheckResult<T> check_vector(ConstRow<T> x, ConstRow<T> u,
                                     T tol = default_tolerance) const noexcept {
    const auto p = check_point(x, tol);
    if (!p) return p;
    for (index_t i = 0; i < u.size(); ++i)
      if (!math::isfinite(u[i])) return CheckResult<T>::fail("component is not finite", u[i]);
    const T xu = dot(x, u);
    if (!(math::fabs(xu) <=
          tol * robust_norm<T>(x.data(), 0, x.size()) * robust_norm<T>(u.data(), 0, u.size())))
      return CheckResult<T>::fail("not tangent: <x,u> != 0", xu);
    return CheckResult<T>::pass();
  }

  // ---- backward passes: overwrite input gradients, return dL/dc ---------------
  // dL/dc is the partial derivative of the formula with the coordinates held
  // fixed (the distance is 1/s times an angle, so d dist / dc = -dist / (2c)).

  HYP_HD T dist_backward(ConstRow<T> x, ConstRow<T> y, T g, Row<T> gx, Row<T> gy) const noexcept {
    return sphere::rows::dist_backward(pass(x), c_, x.data(), y.data(), g, gx.data(), gy.data());
  }
  HYP_HD T dist0_backward(ConstRow<T> x, T g, Row<T> gx) const noexcept {
    return sphere::rows::dist0_backward(pass(x), c_, x.data(), g, gx.data());
  }
  HYP_HD T dist2plane_backward(ConstRow<T> x, ConstRow<T> a, T g, Row<T> gx,
                               Row<T> ga) const noexcept {
    return sphere::rows::dist2plane_backward(pass(x), c_, x.data(), a.data(), g, gx.data(),
                                             ga.data());
  }
  HYP_HD T expmap_backward(ConstRow<T> x, ConstRow<T> u, ConstRow<T> g, Row<T> gx,
                           Row<T> gu) const noexcept {
    return sphere::rows::expmap_backward(pass(x), c_, x.data(), u.data(), g.data(), gx.data(),
                                         gu.data());
  }
  HYP_HD T expmap0_backward(ConstRow<T> u, ConstRow<T> g, Row<T> gu) const noexcept {
    return sphere::rows::expmap0_backward(pass(u), c_, u.data(), g.data(), gu.data());
  }
  HYP_HD T logmap_backward(ConstRow<T> x, ConstRow<T> y, ConstRow<T> g, Row<T> gx,
                           Row<T> gy) const noexcept {
    return sphere::rows::logmap_backward(pass(x), c_, x.data(), y.data(), g.data(), gx.data(),
                                         gy.data());
  }
  HYP_HD T logmap0_backward(ConstRow<T> y, ConstRow<T> g, Row<T> gy) const noexcept {
    return sphere::rows::logmap0_backward(pass(y), c_, y.data(), g.data(), gy.data());
  }
  HYP_HD T projx_backward(ConstRow<T> x, ConstRow<T> g, Row<T> gx) const noexcept {
    return sphere::rows::projx_backward(pass(x), c_, x.data(), g.data(), gx.data());
  }

 private:
  // The scalar driver of the definitions in rows.hpp: one coordinate at a time.
  HYP_HD static SequentialRowPass<T> pass(ConstRow<T> row) noexcept { return {row.size()}; }

  T c_;
};

}  // namespace hyperbolic
