#pragma once
// Every row primitive of the sphere, defined once over a row pass
// (../row_pass.hpp): reductions, the coefficient step of coefficients.hpp (on
// T, or on Dual<T, k> for the backward pass) and the combination. Sphere runs
// them with the sequential pass, the CPU backend with its SIMD pass. The
// chords |x - y| and |x + y| come from the pass (pass.sphere_chords:
// chords.hpp, rescaled where a square lost bits).
//
// Arguments: pass P, curvature c, then row pointers as in the class's members.
// Backward passes return dL/dc; gradient outputs may alias inputs.

#include <array>

#include "../../core/combine.hpp"
#include "../../core/dual.hpp"
#include "../../core/scalar_math.hpp"
#include "chords.hpp"
#include "coefficients.hpp"

namespace hyperbolic::sphere::rows {

template <class P, class T>
HYP_HD_INLINE T space_squared_norm(const P& pass, const T* x) {
  return pass.reduce([&](auto at) {
    const auto xi = at.space(x);
    return std::array{xi * xi};
  })[0];
}
// |x_s| = |(x1, ..., xn)|, safe from overflow and underflow.
template <class P, class T>
HYP_HD_INLINE T space_norm(const P& pass, const T* x) {
  return pass.space_norm(space_squared_norm(pass, x), x);
}

// ---- forward ------------------------------------------------------------------

template <class P, class T>
HYP_HD_INLINE T dist(const P& pass, T c, const T* x, const T* y) {
  const auto ch = pass.sphere_chords(x, y);
  return sphere::dist(c, ch.a, ch.b);
}
template <class P, class T>
HYP_HD_INLINE T dist0(const P& pass, T c, const T* x) {
  return sphere::dist0(c, space_norm(pass, x), x[0]);
}
// Signed distance to the great sphere {z : <z, a> = 0}.
template <class P, class T>
HYP_HD_INLINE T dist2plane(const P& pass, T c, const T* x, const T* a) {
  const auto [xa, aa] = pass.reduce([&](auto at) {
    const auto ai = at(a);
    return std::array{at(x) * ai, ai * ai};
  });
  return sphere::dist2plane(c, xa, aa);
}
template <class P, class T>
HYP_HD_INLINE void expmap(const P& pass, T c, const T* x, const T* u, T* out) {
  const auto [uu] = pass.reduce([&](auto at) {
    const auto ui = at(u);
    return std::array{ui * ui};
  });
  const auto k = sphere::expmap(c, uu);
  pass.combine(out, [&](auto at) { return k.a * at(x) + k.b * at(u); });
}
// expmap at the origin; u0 is ignored (T_o has u0 = 0).
template <class P, class T>
HYP_HD_INLINE void expmap0(const P& pass, T c, const T* u, T* out) {
  const auto k = sphere::expmap0(c, space_squared_norm(pass, u));
  pass.combine(out, [&](auto at) { return k.space * at(u); });
  out[0] = k.time;
}
// The chords choose v = y - x (close pairs) or v = y + x (toward the
// antipode); then <x, v> and |x|^2 for the projection (coefficients.hpp).
template <class P, class T>
HYP_HD_INLINE void logmap(const P& pass, T c, const T* x, const T* y, T* out) {
  const auto ch = pass.sphere_chords(x, y);
  const T sigma = ch.a <= ch.b ? T(-1) : T(1);
  const auto [xv, xx] = pass.reduce([&](auto at) {
    const auto xi = at(x);
    return std::array{xi * (at(y) + sigma * xi), xi * xi};
  });
  const auto k = sphere::logmap(c, ch.a, ch.b, xv, xx);
  const T A = k.a, B = k.b;
  pass.combine(out, [&](auto at) {
    const auto xi = at(x);
    return A * (at(y) + sigma * xi) + B * xi;
  });
}
template <class P, class T>
HYP_HD_INLINE void logmap0(const P& pass, T c, const T* y, T* out) {
  const T F = sphere::logmap0(c, space_norm(pass, y), y[0]);
  pass.combine(out, [&](auto at) { return F * at(y); });
  out[0] = T(0);
}
// x / (s |x|).
template <class P, class T>
HYP_HD_INLINE void projx(const P& pass, T c, const T* x, T* out) {
  const auto [xx] = pass.reduce([&](auto at) {
    const auto xi = at(x);
    return std::array{xi * xi};
  });
  const T k = sphere::projx_scale(c, pass.norm(xx, x));
  pass.combine(out, [&](auto at) { return k * at(x); });
}
// u - c <x, u> x. out must not alias x.
template <class P, class T>
HYP_HD_INLINE void proju(const P& pass, T c, const T* x, const T* u, T* out) {
  const auto [xu] = pass.reduce([&](auto at) { return std::array{at(x) * at(u)}; });
  const T k = c * xu;
  pass.combine(out, [&](auto at) { return at(u) - k * at(x); });
}
// The rotation in the plane of x and y that takes x to y (coefficients.hpp).
// out must not alias x or y.
template <class P, class T>
HYP_HD_INLINE void transp(const P& pass, T c, const T* x, const T* y, const T* v, T* out) {
  const auto [sum_v, x_v] = pass.reduce([&](auto at) {
    const auto xi = at(x), vi = at(v);
    return std::array{(xi + at(y)) * vi, xi * vi};
  });
  const auto k = sphere::transport(c, pass.sphere_chords(x, y).b, sum_v, x_v);
  const T ks = k.k_sum, ky = k.k_y;
  pass.combine(out, [&](auto at) {
    const auto yi = at(y);
    return at(v) - ks * (at(x) + yi) + ky * yi;
  });
}
// transp from the origin o = (1/s, 0, ..., 0): x + y = y + e0/s. out must not alias y.
template <class P, class T>
HYP_HD_INLINE void transp0(const P& pass, T c, const T* y, const T* v, T* out) {
  const T s = math::sqrt(c), y0 = y[0], v0 = v[0];
  const auto [y_v, ss] = pass.reduce([&](auto at) {
    const auto yi = at.space(y);
    return std::array{at(y) * at(v), yi * yi};
  });
  const T top = y0 + T(1) / s;  // (o + y)_0
  const T b = math::hypot(math::fabs(top), math::sqrt(ss));
  const auto k = sphere::transport(c, b, y_v + v0 / s, v0 / s);
  const T ks = k.k_sum, ky = k.k_y;
  pass.combine(out, [&](auto at) { return at(v) + (ky - ks) * at(y); });
  out[0] = v0 - ks * top + ky * y0;
}
// transp to the origin: x + y = y + e0/s, <x, v> = <y, v>. out must not alias y.
template <class P, class T>
HYP_HD_INLINE void transp0back(const P& pass, T c, const T* y, const T* v, T* out) {
  const T s = math::sqrt(c), y0 = y[0], v0 = v[0];
  const auto [y_v, ss] = pass.reduce([&](auto at) {
    const auto yi = at.space(y);
    return std::array{at(y) * at(v), yi * yi};
  });
  const T top = y0 + T(1) / s;
  const T b = math::hypot(math::fabs(top), math::sqrt(ss));
  const auto k = sphere::transport(c, b, y_v + v0 / s, y_v);
  const T ks = k.k_sum, k0 = k.k_y / s;  // k_y times o = e0/s
  pass.combine(out, [&](auto at) { return at(v) - ks * at(y); });
  out[0] = v0 - ks * top + k0;
}

// ---- backward -----------------------------------------------------------------

template <class P, class T>
HYP_HD_INLINE T dist_backward(const P& pass, T c, const T* x, const T* y, T g, T* gx, T* gy) {
  using D = Dual<T, 3>;
  const auto ch = pass.sphere_chords(x, y);
  const D f = sphere::dist(D::variable(c, 0), D::variable(ch.a, 1), D::variable(ch.b, 2));
  // Subgradient 0 where a chord vanishes (coincident or antipodal points).
  const T ka = per_norm(g * f.d[1], ch.a), kb = per_norm(g * f.d[2], ch.b);
  pass.combine(std::array{gx, gy}, [&](auto at) {
    const auto xi = at(x), yi = at(y);
    const auto through_a = ka * (xi - yi), through_b = kb * (xi + yi);
    return std::array{through_a + through_b, through_b - through_a};
  });
  return g * f.d[0];
}
template <class P, class T>
HYP_HD_INLINE T dist0_backward(const P& pass, T c, const T* x, T g, T* gx) {
  using D = Dual<T, 3>;
  const T n = space_norm(pass, x), x0 = x[0];
  const D f = sphere::dist0(D::variable(c, 0), D::variable(n, 1), D::variable(x0, 2));
  const T kn = per_norm(g * f.d[1], n);
  pass.combine(gx, [&](auto at) { return kn * at(x); });
  gx[0] = g * f.d[2];
  return g * f.d[0];
}
template <class P, class T>
HYP_HD_INLINE T dist2plane_backward(const P& pass, T c, const T* x, const T* a, T g, T* gx, T* ga) {
  using D = Dual<T, 3>;
  const auto [xa, aa] = pass.reduce([&](auto at) {
    const auto ai = at(a);
    return std::array{at(x) * ai, ai * ai};
  });
  const D f = sphere::dist2plane(D::variable(c, 0), D::variable(xa, 1), D::variable(aa, 2));
  const T f_xa = g * f.d[1], f_aa2 = T(2) * (g * f.d[2]);
  pass.combine(std::array{gx, ga}, [&](auto at) {
    const auto ai = at(a);
    return std::array{f_xa * ai, f_xa * at(x) + f_aa2 * ai};
  });
  return g * f.d[0];
}
template <class P, class T>
HYP_HD_INLINE T expmap_backward(const P& pass, T c, const T* x, const T* u, const T* g, T* gx,
                                T* gu) {
  using D = Dual<T, 2>;
  const auto [uu, g_x, g_u] = pass.reduce([&](auto at) {
    const auto ui = at(u), gi = at(g);
    return std::array{ui * ui, gi * at(x), gi * ui};
  });
  const auto k = sphere::expmap(D::variable(c, 0), D::variable(uu, 1));
  const D L = k.a * g_x + k.b * g_u;
  const T a = k.a.v, b = k.b.v, kuu = T(2) * L.d[1];
  pass.combine(std::array{gx, gu}, [&](auto at) {
    const auto gi = at(g);
    return std::array{a * gi, b * gi + kuu * at(u)};
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
  const auto k = sphere::expmap0(D::variable(c, 0), D::variable(ww, 1));
  const D L = k.time * g0 + k.space * g_u;
  const T s = k.space.v, kw = T(2) * L.d[1];
  pass.combine(gu, [&](auto at) { return s * at(g) + kw * at(u); });
  gu[0] = T(0);
  return L.d[0];
}
// out = A v + B x, v = y + sigma x (sigma = -1 for close pairs, +1 toward the
// antipode), A and B functions of (c, a, b, xv = <x, v>, xx = |x|^2):
//   dL/dy = A g + L_a (y - x)/a + L_b (x + y)/b + L_xv x,
//   dL/dx = (sigma A + B) g + L_a (x - y)/a + L_b (x + y)/b + L_xv (v + sigma x) + 2 L_xx x.
template <class P, class T>
HYP_HD_INLINE T logmap_backward(const P& pass, T c, const T* x, const T* y, const T* g, T* gx,
                                T* gy) {
  using D = Dual<T, 5>;
  const auto ch = pass.sphere_chords(x, y);
  const T sigma = ch.a <= ch.b ? T(-1) : T(1);
  const auto [xv, xx, g_v, g_x] = pass.reduce([&](auto at) {
    const auto xi = at(x), gi = at(g), vi = at(y) + sigma * xi;
    return std::array{xi * vi, xi * xi, gi * vi, gi * xi};
  });
  const auto k = sphere::logmap(D::variable(c, 0), D::variable(ch.a, 1), D::variable(ch.b, 2),
                                D::variable(xv, 3), D::variable(xx, 4));
  const D L = k.a * g_v + k.b * g_x;
  const T A = k.a.v, B = k.b.v;
  const T ka = per_norm(L.d[1], ch.a), kb = per_norm(L.d[2], ch.b);
  const T kxv = L.d[3], kxx2 = T(2) * L.d[4];
  const T gx_g = sigma * A + B;
  pass.combine(std::array{gx, gy}, [&](auto at) {
    const auto xi = at(x), yi = at(y), gi = at(g);
    const auto through_a = ka * (xi - yi), through_b = kb * (xi + yi);
    const auto vi = yi + sigma * xi;
    return std::array{gx_g * gi + through_a + through_b + kxv * (vi + sigma * xi) + kxx2 * xi,
                      A * gi - through_a + through_b + kxv * xi};
  });
  return L.d[0];
}
template <class P, class T>
HYP_HD_INLINE T logmap0_backward(const P& pass, T c, const T* y, const T* g, T* gy) {
  using D = Dual<T, 3>;
  const T n = space_norm(pass, y), y0 = y[0];
  const auto [g_y] = pass.reduce([&](auto at) { return std::array{at(g) * at.space(y)}; });
  const D F = sphere::logmap0(D::variable(c, 0), D::variable(n, 1), D::variable(y0, 2));
  const T Fv = F.v, kn = per_norm(F.d[1] * g_y, n);
  pass.combine(gy, [&](auto at) { return Fv * at(g) + kn * at(y); });
  gy[0] = F.d[2] * g_y;
  return F.d[0] * g_y;
}
// projx(x) = k x, k = 1/(s|x|): dL/dx = k g + (dk/dn) <g, x> x / n.
template <class P, class T>
HYP_HD_INLINE T projx_backward(const P& pass, T c, const T* x, const T* g, T* gx) {
  using D = Dual<T, 2>;
  const auto [xx, g_x] = pass.reduce([&](auto at) {
    const auto xi = at(x);
    return std::array{xi * xi, at(g) * xi};
  });
  const T n = pass.norm(xx, x);
  const D k = sphere::projx_scale(D::variable(c, 0), D::variable(n, 1));
  const T kv = k.v, kn = per_norm(k.d[1] * g_x, n);
  pass.combine(gx, [&](auto at) { return kv * at(g) + kn * at(x); });
  return k.d[0] * g_x;
}

}  // namespace hyperbolic::sphere::rows
