#pragma once
// Textbook formulas for the sphere |x| = 1/sqrt(c) in R^{d+1}, evaluated in
// 256-bit arithmetic, independent of the library's chord formulas: angles
// from atan2(|x ^ y|, <x, y>) (|x ^ y| by Lagrange's identity, which keeps
// > 100 bits at 256 bits for every pair of rounded inputs), cos/sin for the
// exponential map, the rotation in span{x, y} for transport.
//
// Rounded inputs are never exactly on the sphere (or exactly tangent). The
// reference reads them the way projx does: a point is its direction, scaled
// to the radius, and a tangent vector is its part orthogonal to that point.

#include "high_precision.hpp"

namespace hyperbolic::accuracy::ref::sphere {

inline RVec on_sphere(const Real& c, const RVec& x) {
  return scaled(Real(1) / (sqrt(c) * norm(x)), x);
}
inline RVec tangent_at(const RVec& x_on, const RVec& u) {
  return combine(Real(1), u, -dot(x_on, u) / norm2(x_on), x_on);
}
inline RVec origin(const Real& c, std::size_t size) {
  RVec o(size, Real(0));
  o[0] = Real(1) / sqrt(c);
  return o;
}

// The angle between the directions of x and y, in [0, pi].
inline Real angle(const RVec& x, const RVec& y) {
  const Real xy = dot(x, y), w2 = norm2(x) * norm2(y) - xy * xy;
  return atan2(sqrt(w2 > 0 ? w2 : Real(0)), xy);
}

// d(x, y) = angle / sqrt(c)
inline Real dist(const Real& c, const RVec& x, const RVec& y) {
  if (x == y) return Real(0);
  return angle(x, y) / sqrt(c);
}
inline Real dist0(const Real& c, const RVec& x) {
  return dist(c, origin(c, x.size()), x);
}

// exp_x(u) = cos(s|u|) x + sin(s|u|) / (s|u|) u
inline RVec expmap(const Real& c, const RVec& x_in, const RVec& u_in) {
  const RVec x = on_sphere(c, x_in), u = tangent_at(x, u_in);
  const Real s = sqrt(c), n = norm(u);
  if (n == 0) return x;
  return combine(cos(s * n), x, sin(s * n) / (s * n), u);
}
inline RVec expmap0(const Real& c, const RVec& u) {
  return expmap(c, origin(c, u.size()), u);
}

// log_x(y) = d(x, y) w / |w|, w = y - <x, y>/<x, x> x (the part of y
// orthogonal to x). At the antipode w = 0 and no direction is preferred:
// the reference returns 0 there (such inputs are not drawn).
inline RVec logmap(const Real& c, const RVec& x_in, const RVec& y_in) {
  const RVec x = on_sphere(c, x_in), y = on_sphere(c, y_in);
  const RVec w = tangent_at(x, y);
  const Real n = norm(w);
  if (!(n > 0)) return RVec(x.size(), Real(0));
  return scaled(angle(x, y) / (sqrt(c) * n), w);
}
inline RVec logmap0(const Real& c, const RVec& y) {
  return logmap(c, origin(c, y.size()), y);
}

// P_{x->y}(v): the rotation by theta in the plane of e1 = x/|x| and e2 (the
// unit direction of y orthogonal to x), identity on the complement; v has no
// e1 part, so only a = <v, e2> moves: a e2 -> a (cos theta e2 - sin theta e1).
inline RVec transp(const Real& c, const RVec& x_in, const RVec& y_in, const RVec& v_in) {
  const RVec x = on_sphere(c, x_in), y = on_sphere(c, y_in);
  const RVec v = tangent_at(x, v_in), w = tangent_at(x, y);
  const Real n = norm(w);
  if (!(n > 0)) return v;
  const RVec e1 = scaled(sqrt(c), x), e2 = scaled(Real(1) / n, w);
  const Real th = angle(x, y), a = dot(v, e2);
  return combine(Real(1), v, a, combine(cos(th) - Real(1), e2, -sin(th), e1));
}

inline RVec projx(const Real& c, const RVec& x) {
  return on_sphere(c, x);
}

}  // namespace hyperbolic::accuracy::ref::sphere
