#pragma once
// Every row primitive of the Poincare ball, defined once over a row pass
// (../row_pass.hpp): its reductions, the coefficient step of coefficients.hpp
// (on T, or on Dual<T, k> for the backward pass: the gradient is derived from
// the same step) and its combination. PoincareBall runs them with the
// sequential pass, the CPU backend with its SIMD pass.
//
// Arguments: pass P, curvature c, then row pointers as in the class's members
// (x, y points; u, v tangent vectors; g upstream gradients; gx, gy, ...
// gradient outputs, which may alias inputs). Backward passes return dL/dc.

#include <array>
#include <limits>

#include "../../core/combine.hpp"
#include "../../core/dual.hpp"
#include "../../core/robust_norm.hpp"
#include "coefficients.hpp"

namespace hyperbolic::poincare::rows {

template <class P, class T>
HYP_HD_INLINE T squared_norm(const P& pass, const T* x) {
  return pass.reduce([&](auto at) {
    const auto xi = at(x);
    return std::array{xi * xi};
  })[0];
}
template <class P, class T>
HYP_HD_INLINE void scale(const P& pass, T a, const T* x, T* out) {
  pass.combine(out, [&](auto at) { return a * at(x); });
}

// ---- forward ------------------------------------------------------------------

template <class P, class T>
HYP_HD_INLINE T dist(const P& pass, T c, const T* x, const T* y) {
  const auto [xx, yy, dd] = pass.reduce([&](auto at) {
    const auto xi = at(x), yi = at(y), di = xi - yi;
    return std::array{xi * xi, yi * yi, di * di};
  });
  return poincare::dist(c, pass.ball_boundary(c, xx, x), pass.ball_boundary(c, yy, y),
                        pass.difference_norm(dd, x, y));
}
// For c > 0: t with dist = (2 / sqrt(c)) asinh(t), for callers that take the
// asinh on SIMD registers across rows; +inf asks for dist instead (tiny
// differences whose squares may have lost bits, or t overflowed).
template <class P, class T>
HYP_HD_INLINE T dist_asinh_argument(const P& pass, T c, const T* x, const T* y) {
  const auto [xx, yy, dd] = pass.reduce([&](auto at) {
    const auto xi = at(x), yi = at(y), di = xi - yi;
    return std::array{xi * xi, yi * yi, di * di};
  });
  if (sum_of_squares_suspect(dd) && dd > T(0)) return std::numeric_limits<T>::infinity();
  return poincare::dist_asinh_argument(c, pass.ball_boundary(c, xx, x),
                                       pass.ball_boundary(c, yy, y), dd);
}
template <class P, class T>
HYP_HD_INLINE T dist0(const P& pass, T c, const T* x) {
  const T xx = squared_norm(pass, x);
  return poincare::dist0(c, pass.norm(xx, x), pass.ball_boundary(c, xx, x));
}
// For c > 0: u with dist0 = (1/s) log1p(u); +inf asks for dist0 instead.
template <class P, class T>
HYP_HD_INLINE T dist0_log1p_argument(const P& pass, T c, const T* x) {
  const T xx = squared_norm(pass, x);
  if (sum_of_squares_suspect(xx) && xx > T(0)) return std::numeric_limits<T>::infinity();
  return poincare::dist0_log1p_argument(c, math::sqrt(xx), pass.ball_boundary(c, xx, x));
}
template <class P, class T>
HYP_HD_INLINE T dist2plane(const P& pass, T c, const T* x, const T* p, const T* a) {
  const auto r = pass.reduce([&](auto at) {
    const auto xi = at(x), pi = at(p), ai = at(a), di = xi - pi;
    return std::array{xi * xi, pi * pi, di * ai, di * di, pi * ai, ai * ai};
  });
  return poincare::dist2plane(c, r[0], r[1], r[2], r[3], r[4], math::sqrt(r[5]));
}
template <class P, class T>
HYP_HD_INLINE void expmap(const P& pass, T c, const T* x, const T* u, T* out) {
  const auto [xx, uu, xu] = pass.reduce([&](auto at) {
    const auto xi = at(x), ui = at(u);
    return std::array{xi * xi, ui * ui, xi * ui};
  });
  const auto k = poincare::expmap(c, pass.ball_boundary(c, xx, x), xx, uu, xu);
  pass.combine(out, [&](auto at) { return k.a * at(x) + k.b * at(u); });
}
template <class P, class T>
HYP_HD_INLINE void expmap0(const P& pass, T c, const T* u, T* out) {
  scale(pass, poincare::expmap0(c, squared_norm(pass, u)), u, out);
}
template <class P, class T>
HYP_HD_INLINE void logmap(const P& pass, T c, const T* x, const T* y, T* out) {
  const auto [xx, yy, dd] = pass.reduce([&](auto at) {
    const auto xi = at(x), yi = at(y), di = xi - yi;
    return std::array{xi * xi, yi * yi, di * di};
  });
  const auto k =
      poincare::logmap(c, pass.ball_boundary(c, xx, x), pass.ball_boundary(c, yy, y), dd);
  pass.combine(out, [&](auto at) {
    const auto xi = at(x);
    return k.a * (at(y) - xi) + k.b * xi;
  });
}
template <class P, class T>
HYP_HD_INLINE void logmap0(const P& pass, T c, const T* y, T* out) {
  const T yy = squared_norm(pass, y);
  scale(pass, poincare::logmap0(c, pass.norm(yy, y), pass.ball_boundary(c, yy, y)), y, out);
}
// Radial clamp to |x| <= max_norm; NaN compares false and passes through.
template <class P, class T>
HYP_HD_INLINE void projx(const P& pass, T max_norm, const T* x, T* out) {
  scale(pass, poincare::projx_scale(math::sqrt(squared_norm(pass, x)), max_norm), x, out);
}
// Riemannian gradient: the Euclidean one divided by lambda_x^2.
template <class P, class T>
HYP_HD_INLINE void egrad2rgrad(const P& pass, T c, const T* x, const T* g, T* out) {
  scale(pass, poincare::egrad2rgrad_scale(c, squared_norm(pass, x)), g, out);
}
// P_{x->y}(v) = (lambda_x / lambda_y) gyr[y, -x] v. out must not alias x, y.
template <class P, class T>
HYP_HD_INLINE void transp(const P& pass, T c, const T* x, const T* y, const T* v, T* out) {
  const auto [xx, yy, dd, xv, dv] = pass.reduce([&](auto at) {
    const auto xi = at(x), yi = at(y), vi = at(v), ei = yi - xi;
    return std::array{xi * xi, yi * yi, ei * ei, xi * vi, ei * vi};
  });
  const auto k =
      poincare::transp(c, pass.ball_boundary(c, xx, x), pass.ball_boundary(c, yy, y), dd, xv, dv);
  pass.combine(out, [&](auto at) { return k.v * at(v) + k.y * at(y) + k.x * at(x); });
}
template <class P, class T>
HYP_HD_INLINE void mobius_add(const P& pass, T c, const T* x, const T* y, T* out) {
  const auto [xx, yy, xy] = pass.reduce([&](auto at) {
    const auto xi = at(x), yi = at(y);
    return std::array{xi * xi, yi * yi, xi * yi};
  });
  const auto k = poincare::mobius_add(c, pass.ball_boundary(c, xx, x), xx, yy, xy);
  pass.combine(out, [&](auto at) { return k.a * at(x) + k.b * at(y); });
}
template <class P, class T>
HYP_HD_INLINE void mobius_scalar_mul(const P& pass, T c, T r, const T* x, T* out) {
  const T xx = squared_norm(pass, x);
  scale(pass, poincare::mobius_scalar_mul(c, r, pass.norm(xx, x), pass.ball_boundary(c, xx, x)), x,
        out);
}

// ---- backward -----------------------------------------------------------------

template <class P, class T>
HYP_HD_INLINE T dist_backward(const P& pass, T c, const T* x, const T* y, T g, T* gx, T* gy) {
  using D = Dual<T, 4>;
  const auto [xx, yy, dd] = pass.reduce([&](auto at) {
    const auto xi = at(x), yi = at(y), di = xi - yi;
    return std::array{xi * xi, yi * yi, di * di};
  });
  const T n = pass.difference_norm(dd, x, y);
  const D cd = D::variable(c, 0);
  const D f = poincare::dist(
      cd, poincare::boundary_of(cd, D::variable(xx, 1), pass.ball_boundary(c, xx, x)),
      poincare::boundary_of(cd, D::variable(yy, 2), pass.ball_boundary(c, yy, y)),
      D::variable(n, 3));
  const T fx = T(2) * g * f.d[1], fy = T(2) * g * f.d[2], fn = per_norm(g * f.d[3], n);
  pass.combine(std::array{gx, gy}, [&](auto at) {
    const auto xi = at(x), yi = at(y), di = xi - yi;
    return std::array{fx * xi + fn * di, fy * yi - fn * di};
  });
  return g * f.d[0];
}
template <class P, class T>
HYP_HD_INLINE T dist0_backward(const P& pass, T c, const T* x, T g, T* gx) {
  using D = Dual<T, 2>;
  const T xx = squared_norm(pass, x), n = pass.norm(xx, x);
  const D cd = D::variable(c, 0), nd = D::variable(n, 1);
  const D f =
      poincare::dist0(cd, nd, poincare::boundary_of(cd, nd * nd, pass.ball_boundary(c, xx, x)));
  scale(pass, per_norm(g * f.d[1], n), x, gx);
  return g * f.d[0];
}
template <class P, class T>
HYP_HD_INLINE T dist2plane_backward(const P& pass, T c, const T* x, const T* p, const T* a, T g,
                                    T* gx, T* gp, T* ga) {
  using D = Dual<T, 7>;
  const auto r = pass.reduce([&](auto at) {
    const auto xi = at(x), pi = at(p), ai = at(a), di = xi - pi;
    return std::array{xi * xi, pi * pi, di * ai, di * di, pi * ai, ai * ai};
  });
  const T na = math::sqrt(r[5]);
  const D f = poincare::dist2plane(D::variable(c, 0), D::variable(r[0], 1), D::variable(r[1], 2),
                                   D::variable(r[2], 3), D::variable(r[3], 4), D::variable(r[4], 5),
                                   D::variable(na, 6));
  const T f_xx = g * f.d[1], f_pp = g * f.d[2], f_e = g * f.d[3], f_dd = g * f.d[4],
          f_pa = g * f.d[5], f_na = per_norm(g * f.d[6], na);
  pass.combine(std::array{gx, gp, ga}, [&](auto at) {
    const auto xi = at(x), pi = at(p), ai = at(a), di = xi - pi;
    const auto g_diff = f_e * ai + T(2) * f_dd * di;  // through x - p
    return std::array{T(2) * f_xx * xi + g_diff, T(2) * f_pp * pi + f_pa * ai - g_diff,
                      f_e * di + f_pa * pi + f_na * ai};
  });
  return g * f.d[0];
}
template <class P, class T>
HYP_HD_INLINE T expmap_backward(const P& pass, T c, const T* x, const T* u, const T* g, T* gx,
                                T* gu) {
  const auto [xx, uu, xu, gx_dot, gu_dot] = pass.reduce([&](auto at) {
    const auto xi = at(x), ui = at(u), gi = at(g);
    return std::array{xi * xi, ui * ui, xi * ui, gi * xi, gi * ui};
  });
  const auto k =
      poincare::expmap_backward(c, pass.ball_boundary(c, xx, x), xx, uu, xu, gx_dot, gu_dot);
  pass.combine(std::array{gx, gu}, [&](auto at) {
    const auto xi = at(x), ui = at(u), gi = at(g);
    return std::array{k.gx_g * gi + k.gx_x * xi + k.gx_u * ui,
                      k.gu_g * gi + k.gu_u * ui + k.gu_x * xi};
  });
  return k.dc;
}
// Backward of out = a(c, |v|^2) v (expmap0, logmap0): dL/dv = a g + 2 a' <g, v> v.
template <class F, class P, class T>
HYP_HD_INLINE T radial_backward(const P& pass, F f, T c, const T* v, const T* g, T* gv) {
  using D = Dual<T, 2>;
  const auto [vv, gvd] = pass.reduce([&](auto at) {
    const auto vi = at(v), gi = at(g);
    return std::array{vi * vi, gi * vi};
  });
  const D a = f(D::variable(c, 0), D::variable(vv, 1));
  const T av = a.v, k = T(2) * a.d[1] * gvd;
  pass.combine(gv, [&](auto at) { return av * at(g) + k * at(v); });
  return a.d[0] * gvd;
}
template <class P, class T>
HYP_HD_INLINE T expmap0_backward(const P& pass, T c, const T* u, const T* g, T* gu) {
  return radial_backward(pass, poincare::Expmap0{}, c, u, g, gu);
}
template <class P, class T>
HYP_HD_INLINE T logmap0_backward(const P& pass, T c, const T* y, const T* g, T* gy) {
  return radial_backward(pass, poincare::Logmap0{}, c, y, g, gy);
}
template <class P, class T>
HYP_HD_INLINE T logmap_backward(const P& pass, T c, const T* x, const T* y, const T* g, T* gx,
                                T* gy) {
  using D = Dual<T, 4>;
  const auto [xx, yy, dd, g_diff, gx_dot] = pass.reduce([&](auto at) {
    const auto xi = at(x), yi = at(y), gi = at(g), di = xi - yi;
    return std::array{xi * xi, yi * yi, di * di, gi * (yi - xi), gi * xi};
  });
  const D cd = D::variable(c, 0);
  const auto k = poincare::logmap(
      cd, poincare::boundary_of(cd, D::variable(xx, 1), pass.ball_boundary(c, xx, x)),
      poincare::boundary_of(cd, D::variable(yy, 2), pass.ball_boundary(c, yy, y)),
      D::variable(dd, 3));
  const D L = k.a * g_diff + k.b * gx_dot;
  const T a = k.a.v, b = k.b.v, kx = T(2) * L.d[1], ky = T(2) * L.d[2], kd = T(2) * L.d[3];
  pass.combine(std::array{gx, gy}, [&](auto at) {
    const auto xi = at(x), yi = at(y), gi = at(g);
    const auto through_diff = a * gi + kd * (yi - xi);  // dL/d(y - x)
    return std::array{b * gi + kx * xi - through_diff, ky * yi + through_diff};
  });
  return L.d[0];
}
template <class P, class T>
HYP_HD_INLINE T mobius_add_backward(const P& pass, T c, const T* x, const T* y, const T* g, T* gx,
                                    T* gy) {
  using D = Dual<T, 4>;
  const auto [xx, yy, xy, gx_dot, gy_dot] = pass.reduce([&](auto at) {
    const auto xi = at(x), yi = at(y), gi = at(g);
    return std::array{xi * xi, yi * yi, xi * yi, gi * xi, gi * yi};
  });
  const D cd = D::variable(c, 0), xd = D::variable(xx, 1);
  const auto k =
      poincare::mobius_add(cd, poincare::boundary_of(cd, xd, pass.ball_boundary(c, xx, x)), xd,
                           D::variable(yy, 2), D::variable(xy, 3));
  const D L = k.a * gx_dot + k.b * gy_dot;
  const T a = k.a.v, b = k.b.v, kx = T(2) * L.d[1], ky = T(2) * L.d[2], kxy = L.d[3];
  pass.combine(std::array{gx, gy}, [&](auto at) {
    const auto xi = at(x), yi = at(y), gi = at(g);
    return std::array{a * gi + kx * xi + kxy * yi, b * gi + ky * yi + kxy * xi};
  });
  return L.d[0];
}
// projx is the identity inside max_norm and a radial rescaling outside.
template <class P, class T>
HYP_HD_INLINE T projx_backward(const P& pass, T c, T max_norm, const T* x, const T* g, T* gx) {
  const auto [xx, g_x] = pass.reduce([&](auto at) {
    const auto xi = at(x), gi = at(g);
    return std::array{xi * xi, gi * xi};
  });
  const T n = math::sqrt(xx);
  if (!(n > max_norm)) {
    scale(pass, T(1), g, gx);
    return T(0);
  }
  const T a = max_norm / n, gxn = g_x / (n * n);
  pass.combine(gx, [&](auto at) { return a * (at(g) - gxn * at(x)); });
  return -a * g_x / (T(2) * c);  // d(m/sqrt(c))/dc = -m/(2 c^1.5)
}

}  // namespace hyperbolic::poincare::rows
