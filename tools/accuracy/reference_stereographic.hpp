#pragma once
// References for the stereographic model of signed curvature kappa, in 256
// bits, each from an independent construction rather than the model's own
// gyrovector formulas:
//   kappa < 0: the Poincare ball of c = -kappa (reference_poincare.hpp);
//   kappa = 0: R^d with the chart metric 4|dx|^2 (straight geodesics at
//              twice the Euclidean length);
//   kappa > 0: lift the chart to the sphere of radius 1/sqrt(kappa) in
//              R^{d+1} by inverse stereographic projection (from the pole
//              opposite the origin), use the sphere's textbook formulas
//              (reference_sphere.hpp), and project back.
// Tangent vectors move between chart and sphere by the projection's
// Jacobian J, which is conformal with factor lambda_x = 2 / (1 + kappa|x|^2):
// the sphere vector of u is J u, the chart vector of w is J^T w / lambda_x^2.

#include "high_precision.hpp"
#include "reference_poincare.hpp"
#include "reference_sphere.hpp"

namespace hyperbolic::accuracy::ref::stereographic {

// ---- kappa > 0: the chart and the sphere ----------------------------------
// x -> ((1 - k|x|^2) / (s (1 + k|x|^2)), 2x / (1 + k|x|^2)), s = sqrt(k)
inline RVec to_sphere(const Real& k, const RVec& x) {
  const Real q = Real(1) + k * norm2(x);
  return with_time((Real(2) / q - Real(1)) / sqrt(k), scaled(Real(2) / q, x));
}
// p -> p_s / (1 + s p_0): the inverse (the pole p_0 = -1/s has no image).
inline RVec from_sphere(const Real& k, const RVec& p_in) {
  const RVec p = sphere::on_sphere(k, p_in);
  return scaled(Real(1) / (Real(1) + sqrt(k) * p[0]), space_part(p));
}
// J u: the derivative of to_sphere at x along u.
inline RVec push(const Real& k, const RVec& x, const RVec& u) {
  const Real q = Real(1) + k * norm2(x), a = dot(x, u);
  return with_time(Real(-4) * k * a / (sqrt(k) * q * q),
                   combine(Real(2) / q, u, Real(-4) * k * a / (q * q), x));
}
// J^T w / lambda_x^2 (w tangent to the sphere at to_sphere(x)).
inline RVec pull(const Real& k, const RVec& x, const RVec& w) {
  const Real q = Real(1) + k * norm2(x);
  const RVec ws = space_part(w);
  const Real t = Real(-4) * k * (w[0] / sqrt(k) + dot(x, ws)) / (q * q);
  const RVec jtw = combine(Real(2) / q, ws, t, x);
  return scaled(q * q / Real(4), jtw);
}

// ---- the primitives, by the sign of kappa ---------------------------------
inline Real dist(const Real& k, const RVec& x, const RVec& y) {
  if (k < 0) return poincare::dist(-k, x, y);
  if (k == 0) return Real(2) * norm(difference(x, y));
  return sphere::dist(k, to_sphere(k, x), to_sphere(k, y));
}
inline Real dist0(const Real& k, const RVec& x) {
  return dist(k, RVec(x.size(), Real(0)), x);
}
inline RVec expmap(const Real& k, const RVec& x, const RVec& u) {
  if (k < 0) return poincare::expmap(-k, x, u);
  if (k == 0) return combine(Real(1), x, Real(1), u);
  return from_sphere(k, sphere::expmap(k, to_sphere(k, x), push(k, x, u)));
}
inline RVec expmap0(const Real& k, const RVec& u) {
  return expmap(k, RVec(u.size(), Real(0)), u);
}
inline RVec logmap(const Real& k, const RVec& x, const RVec& y) {
  if (k < 0) return poincare::logmap(-k, x, y);
  if (k == 0) return difference(y, x);
  return pull(k, x, sphere::logmap(k, to_sphere(k, x), to_sphere(k, y)));
}
inline RVec logmap0(const Real& k, const RVec& y) {
  return logmap(k, RVec(y.size(), Real(0)), y);
}
inline RVec transp(const Real& k, const RVec& x, const RVec& y, const RVec& v) {
  if (k < 0) return poincare::transp(-k, x, y, v);
  if (k == 0) return v;  // flat: parallel transport is the identity
  return pull(k, y, sphere::transp(k, to_sphere(k, x), to_sphere(k, y), push(k, x, v)));
}

}  // namespace hyperbolic::accuracy::ref::stereographic
