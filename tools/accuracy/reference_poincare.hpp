#pragma once
// Textbook formulas for the Poincare ball (curvature -c, s = sqrt(c)) and the
// Klein disk, evaluated in 256-bit arithmetic. They are deliberately the
// plain, cancellation-prone forms (acosh of the cross ratio, Mobius additions
// composed literally): at 256 bits the cancellation costs nothing, and they
// share no code with the library's stable rewritings.

#include "high_precision.hpp"

namespace hyperbolic::accuracy::ref::poincare {

inline Real lambda(const Real& c, const RVec& x) {
  return Real(2) / (Real(1) - c * norm2(x));
}

// d(x, y) = (1/s) acosh(1 + 2c|x - y|^2 / ((1 - c|x|^2)(1 - c|y|^2)))
inline Real dist(const Real& c, const RVec& x, const RVec& y) {
  const Real a = Real(1) - c * norm2(x), b = Real(1) - c * norm2(y);
  return acosh(Real(1) + Real(2) * c * norm2(difference(x, y)) / (a * b)) / sqrt(c);
}

inline Real dist0(const Real& c, const RVec& x) {
  const Real s = sqrt(c);
  return Real(2) * atanh(s * norm(x)) / s;
}

// x (+) y = ((1 + 2c<x,y> + c|y|^2) x + (1 - c|x|^2) y) / (1 + 2c<x,y> + c^2|x|^2|y|^2)
inline RVec mobius_add(const Real& c, const RVec& x, const RVec& y) {
  const Real xy = dot(x, y), xx = norm2(x), yy = norm2(y);
  const Real den = Real(1) + Real(2) * c * xy + c * c * xx * yy;
  return combine((Real(1) + Real(2) * c * xy + c * yy) / den, x, (Real(1) - c * xx) / den, y);
}

inline RVec negated(const RVec& x) {
  return scaled(Real(-1), x);
}

// exp_x(u) = x (+) tanh(s lambda_x |u| / 2) u / (s |u|)
inline RVec expmap(const Real& c, const RVec& x, const RVec& u) {
  const Real s = sqrt(c), nu = norm(u);
  if (nu == 0) return x;
  return mobius_add(c, x, scaled(tanh(s * lambda(c, x) * nu / Real(2)) / (s * nu), u));
}

inline RVec expmap0(const Real& c, const RVec& u) {
  const Real s = sqrt(c), nu = norm(u);
  if (nu == 0) return u;
  return scaled(tanh(s * nu) / (s * nu), u);
}

// log_x(y) = (2 / (s lambda_x)) artanh(s|w|) w / |w|, w = (-x) (+) y
inline RVec logmap(const Real& c, const RVec& x, const RVec& y) {
  const Real s = sqrt(c);
  const RVec w = mobius_add(c, negated(x), y);
  const Real nw = norm(w);
  if (nw == 0) return w;
  return scaled(Real(2) / (s * lambda(c, x)) * atanh(s * nw) / nw, w);
}

inline RVec logmap0(const Real& c, const RVec& y) {
  const Real s = sqrt(c), ny = norm(y);
  if (ny == 0) return y;
  return scaled(atanh(s * ny) / (s * ny), y);
}

// r (x) x = tanh(r artanh(s|x|)) x / (s|x|)
inline RVec mobius_scalar_mul(const Real& c, const Real& r, const RVec& x) {
  const Real s = sqrt(c), nx = norm(x);
  if (nx == 0) return x;
  return scaled(tanh(r * atanh(s * nx)) / (s * nx), x);
}

// Ungar's gyration gyr[a, b] v = (-(a (+) b)) (+) (a (+) (b (+) v)). It is a
// rotation of R^n, so it is applied to a copy of v scaled into the ball and
// scaled back.
inline RVec gyration(const Real& c, const RVec& a, const RVec& b, const RVec& v) {
  const Real nv = norm(v);
  if (nv == 0) return v;
  const Real t = Real(1) / (Real(4) * sqrt(c) * nv);
  const RVec inside = scaled(t, v);
  const RVec r =
      mobius_add(c, negated(mobius_add(c, a, b)), mobius_add(c, a, mobius_add(c, b, inside)));
  return scaled(Real(1) / t, r);
}

// Parallel transport P_{x->y}(v) = (lambda_x / lambda_y) gyr[y, -x] v.
inline RVec transp(const Real& c, const RVec& x, const RVec& y, const RVec& v) {
  return scaled(lambda(c, x) / lambda(c, y), gyration(c, y, negated(x), v));
}

// projx with the library's documented radius (1 - 4 eps) / s.
inline RVec projx(const Real& c, const RVec& x, const Real& epsilon) {
  const Real m = (Real(1) - Real(4) * epsilon) / sqrt(c), n = norm(x);
  return n > m ? scaled(m / n, x) : x;
}

// Signed distance to the gyroplane through p with normal a:
// (1/s) asinh(2s <z, a> / ((1 - c|z|^2) |a|)), z = (-p) (+) x.
inline Real dist2plane(const Real& c, const RVec& x, const RVec& p, const RVec& a) {
  const Real s = sqrt(c);
  const RVec z = mobius_add(c, negated(p), x);
  return asinh(Real(2) * s * dot(z, a) / ((Real(1) - c * norm2(z)) * norm(a))) / s;
}

// ---- Klein disk ----------------------------------------------------------
inline RVec to_klein(const Real& c, const RVec& x) {
  return scaled(Real(2) / (Real(1) + c * norm2(x)), x);
}
inline RVec from_klein(const Real& c, const RVec& k) {
  return scaled(Real(1) / (Real(1) + sqrt(Real(1) - c * norm2(k))), k);
}

}  // namespace hyperbolic::accuracy::ref::poincare
