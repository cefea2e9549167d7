#pragma once
// Every row primitive of the hyperboloid, defined once over a row pass
// (../row_pass.hpp): reductions, the coefficient step of coefficients.hpp (on
// T, or on Dual<T, k> for the backward pass) and the combination. Lorentz
// runs them with the sequential pass, the CPU backend with its SIMD pass.
//
// The time coordinate is a sign in the reductions and combinations (at.eta:
// time negated, at.space: time zeroed), so every pass runs over the whole
// row; outputs whose time coordinate follows another rule set it after the
// pass. The chord sqrt(<x - y, x - y>_L) and the time gap come from the pass
// (pass.lorentz_chord: chord.hpp's regimes, each pass on its own registers).
//
// Arguments: pass P, curvature c, then row pointers as in the class's members.
// Backward passes return dL/dc; gradient outputs may alias inputs.

#include <array>

#include "../../core/combine.hpp"
#include "../../core/dual.hpp"
#include "../../core/scalar_math.hpp"
#include "chord.hpp"
#include "coefficients.hpp"
#include "transport.hpp"

namespace hyperbolic::lorentz::rows {

template <class P, class T>
HYP_HD_INLINE T space_squared_norm(const P& pass, const T* x) {
  return pass.reduce([&](auto at) {
    const auto xi = at.space(x);
    return std::array{xi * xi};
  })[0];
}
// |x_space|, safe from overflow and underflow.
template <class P, class T>
HYP_HD_INLINE T space_norm(const P& pass, const T* x) {
  return pass.space_norm(space_squared_norm(pass, x), x);
}

// ---- forward ------------------------------------------------------------------

template <class P, class T>
HYP_HD_INLINE T dist(const P& pass, T c, const T* x, const T* y) {
  return lorentz::dist(c, pass.lorentz_chord(c, x, y).n);
}
// For c > 0: t with dist = (2 / sqrt(c)) asinh(t) (batched dist).
template <class P, class T>
HYP_HD_INLINE T dist_asinh_argument(const P& pass, T c, const T* x, const T* y) {
  return lorentz::dist_asinh_argument(c, pass.lorentz_chord(c, x, y).n);
}
template <class P, class T>
HYP_HD_INLINE T dist0(const P& pass, T c, const T* x) {
  return lorentz::dist0(c, space_norm(pass, x));
}
// For c > 0: s|x_s| (dist0 = (1/s) asinh(s|x_s|)).
template <class P, class T>
HYP_HD_INLINE T dist0_asinh_argument(const P& pass, T c, const T* x) {
  return math::sqrt(c) * space_norm(pass, x);
}
// Signed distance to the hyperplane {z : <z, a>_L = 0}.
template <class P, class T>
HYP_HD_INLINE T dist2plane(const P& pass, T c, const T* x, const T* a) {
  const auto [xa, aa] = pass.reduce([&](auto at) {
    const auto ai = at.eta(a);
    return std::array{at(x) * ai, at(a) * ai};
  });
  return lorentz::dist2plane(c, xa, aa);
}
template <class P, class T>
HYP_HD_INLINE void expmap(const P& pass, T c, const T* x, const T* u, T* out) {
  const auto [uu] = pass.reduce([&](auto at) { return std::array{at(u) * at.eta(u)}; });
  const auto k = lorentz::expmap(c, math::nonnegative(uu));
  pass.combine(out, [&](auto at) { return k.a * at(x) + k.b * at(u); });
}
// expmap at the origin; u0 is ignored (T_o has u0 = 0).
template <class P, class T>
HYP_HD_INLINE void expmap0(const P& pass, T c, const T* u, T* out) {
  const auto k = lorentz::expmap0(c, space_squared_norm(pass, u));
  pass.combine(out, [&](auto at) { return k.space * at(u); });
  out[0] = k.time;
}
template <class P, class T>
HYP_HD_INLINE void logmap(const P& pass, T c, const T* x, const T* y, T* out) {
  const auto ch = pass.lorentz_chord(c, x, y);
  const auto k = lorentz::logmap(c, ch.n);
  const T x0 = x[0];
  pass.combine(out, [&](auto at) {
    const auto xi = at(x);
    return k.a * (at(y) - xi) + k.b * xi;
  });
  out[0] = -k.a * ch.gap + k.b * x0;  // y0 - x0 read through the space coordinates
}
template <class P, class T>
HYP_HD_INLINE void logmap0(const P& pass, T c, const T* y, T* out) {
  const T a = lorentz::logmap0_of_norm(c, space_norm(pass, y));
  pass.combine(out, [&](auto at) { return a * at(y); });
  out[0] = T(0);
}
// Keeps the space coordinates and recomputes the time coordinate.
template <class P, class T>
HYP_HD_INLINE void projx(const P& pass, T c, const T* x, T* out) {
  const T t = lorentz::projx_time(c, space_squared_norm(pass, x));
  pass.combine(out, [&](auto at) { return at(x); });
  out[0] = t;
}
// u + c <x, u>_L x. out must not alias x.
template <class P, class T>
HYP_HD_INLINE void proju(const P& pass, T c, const T* x, const T* u, T* out) {
  const auto [xu] = pass.reduce([&](auto at) { return std::array{at(x) * at.eta(u)}; });
  const T k = c * xu;
  pass.combine(out, [&](auto at) { return at(u) + k * at(x); });
}
// Riemannian gradient: flip the time sign (inverse metric), then project.
template <class P, class T>
HYP_HD_INLINE void egrad2rgrad(const P& pass, T c, const T* x, const T* g, T* out) {
  const auto [xg] = pass.reduce([&](auto at) { return std::array{at(x) * at(g)}; });
  const T k = c * xg;  // <x, eta g>_L is the Euclidean <x, g>
  pass.combine(out, [&](auto at) { return at.eta(g) + k * at(x); });
}
// v + c <y, v>_L / (1 - c <x, y>_L) (x + y), <y, v>_L in the form the pair's
// regime needs (transport.hpp; rows whose sums overflow take its rescaled
// pass). out must not alias x or y.
template <class P, class T>
HYP_HD_INLINE void transp(const P& pass, T c, const T* x, const T* y, const T* v, T* out) {
  const auto [diff_v, x_v, y_v] = pass.reduce([&](auto at) {
    const auto xi = at.space(x), yi = at.space(y), vi = at.space(v);
    return std::array{(yi - xi) * vi, xi * vi, yi * vi};
  });
  const auto ch = pass.lorentz_chord(c, x, y);
  const lorentz::TransportSums<T> sums{diff_v, x_v, y_v};
  const T k = lorentz::transport_sums_finite(sums) && math::isfinite(y[0] * v[0])
                  ? lorentz::transport_factor_from_sums(c, sums, x[0], y[0], v[0], ch)
                  : lorentz::transport_factor(c, x, y, v, pass.d, ch);
  pass.combine(out, [&](auto at) { return at(v) + k * (at(x) + at(y)); });
}
// Through the isometry with the ball (coefficients.hpp).
template <class P, class T>
HYP_HD_INLINE void mobius_add(const P& pass, T c, const T* x, const T* y, T* out) {
  const T x0 = x[0], y0 = y[0];
  const T hx = lorentz::mobius_add_ball_scale(c, x0), hy = lorentz::mobius_add_ball_scale(c, y0);
  const auto [pp, qq, pq] = pass.reduce([&](auto at) {
    const auto p = hx * at.space(x), q = hy * at.space(y);
    return std::array{p * p, q * q, p * q};
  });
  const auto k = lorentz::mobius_add_ball(c, x0, y0, pp, qq, pq);
  pass.combine(out, [&](auto at) { return k.a * at(x) + k.b * at(y); });
  out[0] = k.time;
}
// r (x) x = expmap0(r logmap0(x)).
template <class P, class T>
HYP_HD_INLINE void mobius_scalar_mul(const P& pass, T c, T r, const T* x, T* out) {
  const T n = space_norm(pass, x), a = r * lorentz::logmap0_of_norm(c, n);
  const auto k = lorentz::expmap0(c, math::square(a * n));
  const T b = k.space * a;
  pass.combine(out, [&](auto at) { return b * at(x); });
  out[0] = k.time;
}

// ---- backward -----------------------------------------------------------------

template <class P, class T>
HYP_HD_INLINE T dist_backward(const P& pass, T c, const T* x, const T* y, T g, T* gx, T* gy) {
  using D = Dual<T, 2>;
  const auto ch = pass.lorentz_chord(c, x, y);
  const T n = ch.n;
  const D f = lorentz::dist(D::variable(c, 0), D::variable(n, 1));
  const auto k = per_norm_split(g * f.d[1], n);
  const T ko = k.outer, ki = k.inner;
  pass.combine(std::array{gx, gy}, [&](auto at) {
    const auto gi = ko * (ki * (at.eta(x) - at.eta(y)));
    return std::array{gi, -gi};
  });
  gx[0] = -ko * (ki * ch.gap);  // x0 - y0 read through the space coordinates
  gy[0] = ko * (ki * ch.gap);
  return g * f.d[0];
}
template <class P, class T>
HYP_HD_INLINE T dist0_backward(const P& pass, T c, const T* x, T g, T* gx) {
  using D = Dual<T, 2>;
  const T n = space_norm(pass, x);
  const D f = lorentz::dist0(D::variable(c, 0), D::variable(n, 1));
  const auto k = per_norm_split(g * f.d[1], n);
  const T ko = k.outer, ki = k.inner;
  pass.combine(gx, [&](auto at) { return ko * (ki * at(x)); });
  gx[0] = T(0);
  return g * f.d[0];
}
template <class P, class T>
HYP_HD_INLINE T dist2plane_backward(const P& pass, T c, const T* x, const T* a, T g, T* gx, T* ga) {
  using D = Dual<T, 3>;
  const auto [xa, aa] = pass.reduce([&](auto at) {
    const auto ai = at.eta(a);
    return std::array{at(x) * ai, at(a) * ai};
  });
  const D f = lorentz::dist2plane(D::variable(c, 0), D::variable(xa, 1), D::variable(aa, 2));
  const T f_xa = g * f.d[1], f_aa2 = T(2) * (g * f.d[2]);
  pass.combine(std::array{gx, ga}, [&](auto at) {
    return std::array{f_xa * at.eta(a), f_xa * at.eta(x) + f_aa2 * at.eta(a)};
  });
  return g * f.d[0];
}
template <class P, class T>
HYP_HD_INLINE T expmap_backward(const P& pass, T c, const T* x, const T* u, const T* g, T* gx,
                                T* gu) {
  using D = Dual<T, 2>;
  const auto [uu, g_x, g_u] = pass.reduce([&](auto at) {
    const auto ui = at(u), gi = at(g);
    return std::array{ui * at.eta(u), gi * at(x), gi * ui};
  });
  const auto k = lorentz::expmap(D::variable(c, 0), D::variable(math::nonnegative(uu), 1));
  const D L = k.a * g_x + k.b * g_u;
  const T a = k.a.v, b = k.b.v;
  const T kuu = uu > T(0) ? T(2) * L.d[1] : T(0);  // flat where <u,u>_L was clamped
  pass.combine(std::array{gx, gu}, [&](auto at) {
    const auto gi = at(g);
    return std::array{a * gi, b * gi + kuu * at.eta(u)};
  });
  return L.d[0];
}
template <class P, class T>
HYP_HD_INLINE T expmap0_backward(const P& pass, T c, const T* u, const T* g, T* gu) {
  using D = Dual<T, 2>;
  const T g0 = g[0];
  const auto [ww, g_u] = pass.reduce([&](auto at) {
    const auto ui = at.space(u);
    return std::array{ui * ui, at(g) * ui};
  });
  const auto k = lorentz::expmap0(D::variable(c, 0), D::variable(ww, 1));
  const D L = k.time * g0 + k.space * g_u;
  const T s = k.space.v, kw = T(2) * L.d[1];
  pass.combine(gu, [&](auto at) { return s * at(g) + kw * at(u); });
  gu[0] = T(0);
  return L.d[0];
}
template <class P, class T>
HYP_HD_INLINE T logmap_backward(const P& pass, T c, const T* x, const T* y, const T* g, T* gx,
                                T* gy) {
  const auto [g_diff_space, g_x] = pass.reduce([&](auto at) {
    const auto xi = at(x), gi = at(g);
    return std::array{gi * (at.space(y) - at.space(x)), gi * xi};
  });
  // y0 - x0 read through the space coordinates, as in logmap.
  const auto ch = pass.lorentz_chord(c, x, y);
  const T g0 = g[0];
  const T g_diff = g_diff_space - g0 * ch.gap;
  const auto k = lorentz::logmap_backward(c, ch.n, g_diff, g_x);
  const T a = k.a, b = k.b, kq = k.kq;
  pass.combine(std::array{gx, gy}, [&](auto at) {
    const auto gi = at(g);
    const auto through_diff = a * gi + kq * (at.eta(y) - at.eta(x));
    return std::array{b * gi - through_diff, through_diff};
  });
  const T through_diff0 = a * g0 + kq * ch.gap;  // time: -(y0 - x0) = gap
  gx[0] = b * g0 - through_diff0;
  gy[0] = through_diff0;
  return k.dc;
}
template <class P, class T>
HYP_HD_INLINE T logmap0_backward(const P& pass, T c, const T* y, const T* g, T* gy) {
  using D = Dual<T, 2>;
  const auto [ss, g_y] = pass.reduce([&](auto at) {
    const auto yi = at.space(y);
    return std::array{yi * yi, at(g) * yi};
  });
  const D a = lorentz::logmap0(D::variable(c, 0), D::variable(ss, 1));
  const T av = a.v, k = T(2) * a.d[1] * g_y;
  pass.combine(gy, [&](auto at) { return av * at(g) + k * at(y); });
  gy[0] = T(0);
  return a.d[0] * g_y;
}
// projx reads the space coordinates only: d t / d x_i = x_i / t.
template <class P, class T>
HYP_HD_INLINE T projx_backward(const P& pass, T c, const T* x, const T* g, T* gx) {
  const T g0 = g[0], t = lorentz::projx_time(c, space_squared_norm(pass, x));
  const T k = g0 / t;
  pass.combine(gx, [&](auto at) { return at(g) + k * at(x); });
  gx[0] = T(0);
  return -g0 / (T(2) * c * c * t);  // dt/dc = -1 / (2 c^2 t)
}
template <class P, class T>
HYP_HD_INLINE T mobius_add_backward(const P& pass, T c, const T* x, const T* y, const T* g, T* gx,
                                    T* gy) {
  using D = Dual<T, 6>;
  const T x0 = x[0], y0 = y[0], g0 = g[0];
  const auto r = pass.reduce([&](auto at) {
    const auto xi = at.space(x), yi = at.space(y), gi = at(g);
    return std::array{xi * xi, yi * yi, xi * yi, gi * xi, gi * yi};
  });
  const auto k =
      lorentz::mobius_add(D::variable(c, 0), D::variable(x0, 1), D::variable(y0, 2),
                          D::variable(r[0], 3), D::variable(r[1], 4), D::variable(r[2], 5));
  const D L = k.time * g0 + k.a * r[3] + k.b * r[4];
  const T a = k.a.v, b = k.b.v, kx = T(2) * L.d[3], ky = T(2) * L.d[4], kxy = L.d[5];
  pass.combine(std::array{gx, gy}, [&](auto at) {
    const auto xi = at(x), yi = at(y), gi = at(g);
    return std::array{a * gi + kx * xi + kxy * yi, b * gi + ky * yi + kxy * xi};
  });
  gx[0] = L.d[1];
  gy[0] = L.d[2];
  return L.d[0];
}

}  // namespace hyperbolic::lorentz::rows
