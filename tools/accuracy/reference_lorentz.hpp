#pragma once
// Textbook formulas for the hyperboloid <x, x>_L = -1/c (time first),
// evaluated in 256-bit arithmetic.
//
// Rounded inputs are never exactly on the hyperboloid (or exactly tangent).
// The reference reads them the way projx does, as a graph over the space
// coordinates: a point is its space part xs, with x0 = sqrt(1/c + |xs|^2),
// and a tangent vector at x is its space part us, with u0 = <xs, us> / x0.
// The redundant time coordinate of a rounded input (off by up to an ulp of
// x0 ~ e^r / 2) is ignored; where the library reads it instead, that shows
// up as error beyond the condition number.

#include "high_precision.hpp"
#include "reference_poincare.hpp"

namespace hyperbolic::accuracy::ref::lorentz {

inline RVec on_hyperboloid(const Real& c, const RVec& x) {
  const RVec xs = space_part(x);
  return with_time(sqrt(Real(1) / c + norm2(xs)), xs);
}
// The tangent vector at the point x_on (exactly on the hyperboloid) with the
// space part of u.
inline RVec tangent_at(const Real&, const RVec& x_on, const RVec& u) {
  const RVec us = space_part(u);
  return with_time(dot(space_part(x_on), us) / x_on[0], us);
}
inline RVec origin(const Real& c, std::size_t size) {
  RVec o(size, Real(0));
  o[0] = Real(1) / sqrt(c);
  return o;
}

// d(x, y) = (1/s) acosh(-c <x, y>_L)
inline Real dist(const Real& c, const RVec& x, const RVec& y) {
  // Equal space coordinates are the same point (the rounded x0 of each is
  // ignored): exactly 0, not the 256-bit noise of acosh near 1 far out.
  if (space_part(x) == space_part(y)) return Real(0);
  const Real a = -c * minkowski(on_hyperboloid(c, x), on_hyperboloid(c, y));
  return acosh(a < 1 ? Real(1) : a) / sqrt(c);
}
inline Real dist0(const Real& c, const RVec& x) {
  const Real s = sqrt(c);
  const Real a = s * on_hyperboloid(c, x)[0];
  return acosh(a < 1 ? Real(1) : a) / s;
}

// exp_x(u) = cosh(s|u|_L) x + sinh(s|u|_L) / (s|u|_L) u
inline RVec expmap(const Real& c, const RVec& x_in, const RVec& u_in) {
  const RVec x = on_hyperboloid(c, x_in), u = tangent_at(c, x, u_in);
  const Real uu = minkowski(u, u), s = sqrt(c);
  if (!(uu > 0)) return x;
  const Real n = sqrt(uu);
  return combine(cosh(s * n), x, sinh(s * n) / (s * n), u);
}
// exp_o of a space vector (u0 ignored).
inline RVec expmap0(const Real& c, const RVec& u) {
  const Real s = sqrt(c), n = norm(space_part(u));
  if (n == 0) return origin(c, u.size());
  return with_time(cosh(s * n) / s, scaled(sinh(s * n) / (s * n), space_part(u)));
}

// log_x(y) = acosh(a) / sqrt(a^2 - 1) (y - a x), a = -c <x, y>_L
inline RVec logmap(const Real& c, const RVec& x_in, const RVec& y_in) {
  const RVec x = on_hyperboloid(c, x_in), y = on_hyperboloid(c, y_in);
  const Real a = -c * minkowski(x, y);
  if (!(a > 1)) return RVec(x.size(), Real(0));
  return scaled(acosh(a) / sqrt(a * a - Real(1)), combine(Real(1), y, -a, x));
}
inline RVec logmap0(const Real& c, const RVec& y) {
  return logmap(c, origin(c, y.size()), y);
}

// ---- isometry with the ball ----------------------------------------------
inline RVec to_poincare(const Real& c, const RVec& y_in) {
  const RVec y = on_hyperboloid(c, y_in);
  return scaled(Real(1) / (Real(1) + sqrt(c) * y[0]), space_part(y));
}
inline RVec from_poincare(const Real& c, const RVec& x) {
  const Real xx = norm2(x), den = Real(1) - c * xx;
  return with_time((Real(1) + c * xx) / (sqrt(c) * den), scaled(Real(2) / den, x));
}
inline RVec to_klein(const Real& c, const RVec& y_in) {
  const RVec y = on_hyperboloid(c, y_in);
  return scaled(Real(1) / (sqrt(c) * y[0]), space_part(y));
}
inline RVec from_klein(const Real& c, const RVec& k) {
  const Real r = Real(1) / sqrt(Real(1) - c * norm2(k));
  return with_time(r / sqrt(c), scaled(r, k));
}

// Gyro-operations are defined through the isometry with the ball.
inline RVec mobius_add(const Real& c, const RVec& x, const RVec& y) {
  return from_poincare(c, poincare::mobius_add(c, to_poincare(c, x), to_poincare(c, y)));
}
inline RVec mobius_scalar_mul(const Real& c, const Real& r, const RVec& x) {
  return from_poincare(c, poincare::mobius_scalar_mul(c, r, to_poincare(c, x)));
}

// P_{x->y}(v) = v + c <y, v>_L / (1 - c <x, y>_L) (x + y)
inline RVec transp(const Real& c, const RVec& x_in, const RVec& y_in, const RVec& v_in) {
  const RVec x = on_hyperboloid(c, x_in), y = on_hyperboloid(c, y_in);
  const RVec v = tangent_at(c, x, v_in);
  const Real k = c * minkowski(y, v) / (Real(1) - c * minkowski(x, y));
  return combine(Real(1), v, k, combine(Real(1), x, Real(1), y));
}

// projx: keep the space coordinates, recompute the time coordinate.
inline RVec projx(const Real& c, const RVec& x) {
  const RVec sp = space_part(x);
  return with_time(sqrt(Real(1) / c + norm2(sp)), sp);
}

// (1/s) asinh(s <x, a>_L / |a|_L)
inline Real dist2plane(const Real& c, const RVec& x_in, const RVec& a) {
  const Real s = sqrt(c);
  return asinh(s * minkowski(on_hyperboloid(c, x_in), a) / sqrt(minkowski(a, a))) / s;
}

}  // namespace hyperbolic::accuracy::ref::lorentz
