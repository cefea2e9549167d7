#pragma once
// Row kernels of the Poincare ball (see row_kernels.hpp). Each mirrors the
// member of the same name in manifolds/poincare/poincare_ball.hpp: same
// reductions, same coefficient call, same combination.

#include <limits>

#include "../core/robust_norm.hpp"
#include "boundary_factor.hpp"
#include "../manifolds/poincare/poincare_ball.hpp"
#include "row_kernels.hpp"
#include "row_passes.hpp"

namespace hyperbolic::cpu {

template <class T>
struct RowKernels<PoincareBall<T>> {
  using M = PoincareBall<T>;

  // ---- forward ---------------------------------------------------------------
  static T dist(const M& m, const T* x, const T* y, index_t d) noexcept {
    const auto [xx, yy, dd] = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at(x), yi = at(y), di = xi - yi;
      return std::array{xi * xi, yi * yi, di * di};
    });
    return poincare::dist(m.c(), boundary(m, xx, x, d), boundary(m, yy, y, d),
                          difference_norm(dd, x, y, d));
  }
  // 1 - c|x|^2, compensated near the boundary; |x - y| safe from underflow.
  static T boundary(const M& m, T xx, const T* x, index_t d) noexcept {
    return cpu::boundary_factor(m.c(), xx, x, d);
  }
  static T difference_norm(T dd, const T* x, const T* y, index_t d) noexcept {
    return sum_of_squares_suspect(dd) ? robust_distance<T>(x, y, 0, d) : math::sqrt(dd);
  }
  static T row_norm(T xx, const T* x, index_t d) noexcept {
    return sum_of_squares_suspect(xx) ? robust_norm<T>(x, 0, d) : math::sqrt(xx);
  }
  // For c > 0: t with dist = (2 / sqrt(c)) asinh(t) (batched dist).
  static T dist_asinh_argument(const M& m, const T* x, const T* y, index_t d) noexcept {
    const auto [xx, yy, dd] = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at(x), yi = at(y), di = xi - yi;
      return std::array{xi * xi, yi * yi, di * di};
    });
    // Tiny differences (dd may have lost bits) take dist: non-finite means "recompute".
    if (sum_of_squares_suspect(dd) && dd > T(0)) return std::numeric_limits<T>::infinity();
    return poincare::dist_asinh_argument(m.c(), boundary(m, xx, x, d), boundary(m, yy, y, d), dd);
  }
  // For c > 0: s|x| (dist0 = (2/s) artanh(s|x|)).
  // For c > 0: u with dist0 = (1/s) log1p(u) (non-finite: the row takes dist0).
  static T dist0_argument(const M& m, const T* x, index_t d) noexcept {
    const T xx = squared_norm(x, d);
    if (sum_of_squares_suspect(xx) && xx > T(0)) return std::numeric_limits<T>::infinity();
    return poincare::dist0_log1p_argument(m.c(), math::sqrt(xx), boundary(m, xx, x, d));
  }
  static T dist0(const M& m, const T* x, index_t d) noexcept {
    const auto [xx] = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at(x);
      return std::array{xi * xi};
    });
    return poincare::dist0(m.c(), row_norm(xx, x, d), boundary(m, xx, x, d));
  }
  static T dist2plane(const M& m, const T* x, const T* p, const T* a, index_t d) noexcept {
    const auto r = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at(x), pi = at(p), ai = at(a), di = xi - pi;
      return std::array{xi * xi, pi * pi, di * ai, di * di, pi * ai, ai * ai};
    });
    return poincare::dist2plane(m.c(), r[0], r[1], r[2], r[3], r[4], math::sqrt(r[5]));
  }
  static void expmap(const M& m, const T* x, const T* u, T* out, index_t d) noexcept {
    const auto [xx, uu, xu] = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at(x), ui = at(u);
      return std::array{xi * xi, ui * ui, xi * ui};
    });
    const auto k = poincare::expmap(m.c(), boundary(m, xx, x, d), xx, uu, xu);
    simd::combine_row(d, out, [&](auto at) { return k.a * at(x) + k.b * at(u); });
  }
  static void expmap0(const M& m, const T* u, T* out, index_t d) noexcept {
    scale(poincare::expmap0(m.c(), squared_norm(u, d)), u, out, d);
  }
  static void logmap(const M& m, const T* x, const T* y, T* out, index_t d) noexcept {
    const auto [xx, yy, dd] = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at(x), yi = at(y), di = xi - yi;
      return std::array{xi * xi, yi * yi, di * di};
    });
    const auto k = poincare::logmap(m.c(), boundary(m, xx, x, d), boundary(m, yy, y, d), dd);
    simd::combine_row(d, out, [&](auto at) {
      const auto xi = at(x);
      return k.a * (at(y) - xi) + k.b * xi;
    });
  }
  static void logmap0(const M& m, const T* y, T* out, index_t d) noexcept {
    const T yy = squared_norm(y, d);
    scale(poincare::logmap0(m.c(), row_norm(yy, y, d), boundary(m, yy, y, d)), y, out, d);
  }
  static void projx(const M& m, const T* x, T* out, index_t d) noexcept {
    const T n = math::sqrt(squared_norm(x, d)), mx = m.max_norm();
    scale(n > mx ? mx / n : T(1), x, out, d);  // NaN compares false: NaN passes through
  }
  static void proju(const M&, const T*, const T* u, T* out, index_t d) noexcept {
    scale(T(1), u, out, d);
  }
  static void egrad2rgrad(const M& m, const T* x, const T* g, T* out, index_t d) noexcept {
    const T b = (T(1) - m.c() * squared_norm(x, d)) / T(2);
    scale(b * b, g, out, d);
  }
  static void transp(const M& m, const T* x, const T* y, const T* v, T* out, index_t d) noexcept {
    const auto [xx, yy, dd, xv, dv] = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at(x), yi = at(y), vi = at(v), ei = yi - xi;
      return std::array{xi * xi, yi * yi, ei * ei, xi * vi, ei * vi};
    });
    const auto k =
        poincare::transp(m.c(), boundary(m, xx, x, d), boundary(m, yy, y, d), dd, xv, dv);
    simd::combine_row(d, out, [&](auto at) { return k.v * at(v) + k.y * at(y) + k.x * at(x); });
  }
  static void mobius_add(const M& m, const T* x, const T* y, T* out, index_t d) noexcept {
    const auto [xx, yy, xy] = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at(x), yi = at(y);
      return std::array{xi * xi, yi * yi, xi * yi};
    });
    const auto k = poincare::mobius_add(m.c(), boundary(m, xx, x, d), xx, yy, xy);
    simd::combine_row(d, out, [&](auto at) { return k.a * at(x) + k.b * at(y); });
  }
  static void mobius_scalar_mul(const M& m, T r, const T* x, T* out, index_t d) noexcept {
    const T xx = squared_norm(x, d);
    scale(poincare::mobius_scalar_mul(m.c(), r, row_norm(xx, x, d), boundary(m, xx, x, d)), x, out,
          d);
  }

  // ---- backward: overwrite the input gradients, return dL/dc -----------------
  static T dist_backward(const M& m, const T* x, const T* y, T g, T* gx, T* gy,
                         index_t d) noexcept {
    using D = Dual<T, 4>;
    const auto [xx, yy, dd] = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at(x), yi = at(y), di = xi - yi;
      return std::array{xi * xi, yi * yi, di * di};
    });
    const T n = difference_norm(dd, x, y, d);
    const D c = D::variable(m.c(), 0);
    const D f = poincare::dist(
        c, poincare::boundary_of(c, D::variable(xx, 1), boundary(m, xx, x, d)),
        poincare::boundary_of(c, D::variable(yy, 2), boundary(m, yy, y, d)), D::variable(n, 3));
    const T fx = T(2) * g * f.d[1], fy = T(2) * g * f.d[2], fn = per_norm(g * f.d[3], n);
    simd::combine_rows(d, std::array{gx, gy}, [&](auto at) {
      const auto xi = at(x), yi = at(y), di = xi - yi;
      return std::array{fx * xi + fn * di, fy * yi - fn * di};
    });
    return g * f.d[0];
  }
  static T dist0_backward(const M& m, const T* x, T g, T* gx, index_t d) noexcept {
    using D = Dual<T, 2>;
    const T xx = squared_norm(x, d), n = row_norm(xx, x, d);
    const D c = D::variable(m.c(), 0), nd = D::variable(n, 1);
    const D f = poincare::dist0(c, nd, poincare::boundary_of(c, nd * nd, boundary(m, xx, x, d)));
    scale(per_norm(g * f.d[1], n), x, gx, d);
    return g * f.d[0];
  }
  static T dist2plane_backward(const M& m, const T* x, const T* p, const T* a, T g, T* gx, T* gp,
                               T* ga, index_t d) noexcept {
    using D = Dual<T, 7>;
    const auto r = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at(x), pi = at(p), ai = at(a), di = xi - pi;
      return std::array{xi * xi, pi * pi, di * ai, di * di, pi * ai, ai * ai};
    });
    const T na = math::sqrt(r[5]);
    const D f = poincare::dist2plane(
        D::variable(m.c(), 0), D::variable(r[0], 1), D::variable(r[1], 2), D::variable(r[2], 3),
        D::variable(r[3], 4), D::variable(r[4], 5), D::variable(na, 6));
    const T f_xx = g * f.d[1], f_pp = g * f.d[2], f_e = g * f.d[3], f_dd = g * f.d[4],
            f_pa = g * f.d[5], f_na = per_norm(g * f.d[6], na);
    simd::combine_rows(d, std::array{gx, gp, ga}, [&](auto at) {
      const auto xi = at(x), pi = at(p), ai = at(a), di = xi - pi;
      const auto g_diff = f_e * ai + T(2) * f_dd * di;  // through x - p
      return std::array{T(2) * f_xx * xi + g_diff, T(2) * f_pp * pi + f_pa * ai - g_diff,
                        f_e * di + f_pa * pi + f_na * ai};
    });
    return g * f.d[0];
  }
  static T expmap_backward(const M& m, const T* x, const T* u, const T* g, T* gx, T* gu,
                           index_t d) noexcept {
    const auto [xx, uu, xu, gx_dot, gu_dot] = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at(x), ui = at(u), gi = at(g);
      return std::array{xi * xi, ui * ui, xi * ui, gi * xi, gi * ui};
    });
    const auto k =
        poincare::expmap_backward(m.c(), boundary(m, xx, x, d), xx, uu, xu, gx_dot, gu_dot);
    const T xg = k.gx_g, xx_ = k.gx_x, xu_ = k.gx_u, ug = k.gu_g, uu_ = k.gu_u, ux = k.gu_x;
    simd::combine_rows(d, std::array{gx, gu}, [&](auto at) {
      const auto xi = at(x), ui = at(u), gi = at(g);
      return std::array{xg * gi + xx_ * xi + xu_ * ui, ug * gi + uu_ * ui + ux * xi};
    });
    return k.dc;
  }
  static T expmap0_backward(const M& m, const T* u, const T* g, T* gu, index_t d) noexcept {
    return radial_backward(poincare::Expmap0{}, m.c(), u, g, gu, d);
  }
  static T logmap0_backward(const M& m, const T* y, const T* g, T* gy, index_t d) noexcept {
    return radial_backward(poincare::Logmap0{}, m.c(), y, g, gy, d);
  }
  static T logmap_backward(const M& m, const T* x, const T* y, const T* g, T* gx, T* gy,
                           index_t d) noexcept {
    using D = Dual<T, 4>;
    const auto [xx, yy, dd, g_diff, gx_dot] = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at(x), yi = at(y), gi = at(g), di = xi - yi;
      return std::array{xi * xi, yi * yi, di * di, gi * (yi - xi), gi * xi};
    });
    const D c = D::variable(m.c(), 0);
    const auto k = poincare::logmap(
        c, poincare::boundary_of(c, D::variable(xx, 1), boundary(m, xx, x, d)),
        poincare::boundary_of(c, D::variable(yy, 2), boundary(m, yy, y, d)), D::variable(dd, 3));
    const D L = k.a * g_diff + k.b * gx_dot;
    const T a = k.a.v, b = k.b.v, kx = T(2) * L.d[1], ky = T(2) * L.d[2], kd = T(2) * L.d[3];
    simd::combine_rows(d, std::array{gx, gy}, [&](auto at) {
      const auto xi = at(x), yi = at(y), gi = at(g);
      const auto through_diff = a * gi + kd * (yi - xi);  // dL/d(y - x)
      return std::array{b * gi + kx * xi - through_diff, ky * yi + through_diff};
    });
    return L.d[0];
  }
  static T mobius_add_backward(const M& m, const T* x, const T* y, const T* g, T* gx, T* gy,
                               index_t d) noexcept {
    using D = Dual<T, 4>;
    const auto [xx, yy, xy, gx_dot, gy_dot] = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at(x), yi = at(y), gi = at(g);
      return std::array{xi * xi, yi * yi, xi * yi, gi * xi, gi * yi};
    });
    const D c = D::variable(m.c(), 0), xd = D::variable(xx, 1);
    const auto k = poincare::mobius_add(c, poincare::boundary_of(c, xd, boundary(m, xx, x, d)), xd,
                                        D::variable(yy, 2), D::variable(xy, 3));
    const D L = k.a * gx_dot + k.b * gy_dot;
    const T a = k.a.v, b = k.b.v, kx = T(2) * L.d[1], ky = T(2) * L.d[2], kxy = L.d[3];
    simd::combine_rows(d, std::array{gx, gy}, [&](auto at) {
      const auto xi = at(x), yi = at(y), gi = at(g);
      return std::array{a * gi + kx * xi + kxy * yi, b * gi + ky * yi + kxy * xi};
    });
    return L.d[0];
  }
  static T projx_backward(const M& m, const T* x, const T* g, T* gx, index_t d) noexcept {
    const auto [xx, g_x] = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at(x), gi = at(g);
      return std::array{xi * xi, gi * xi};
    });
    const T n = math::sqrt(xx), mx = m.max_norm();
    if (!(n > mx)) {
      scale(T(1), g, gx, d);
      return T(0);
    }
    const T a = mx / n, gxn = g_x / (n * n);
    simd::combine_row(d, gx, [&](auto at) { return a * (at(g) - gxn * at(x)); });
    return -a * g_x / (T(2) * m.c());
  }

 private:
  static T squared_norm(const T* x, index_t d) noexcept {
    return simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at(x);
      return std::array{xi * xi};
    })[0];
  }
  static void scale(T a, const T* x, T* out, index_t d) noexcept {
    simd::combine_row(d, out, [&](auto at) { return a * at(x); });
  }
  // Backward of out = a(c, |v|^2) v (expmap0, logmap0), as core/combine.hpp.
  template <class F>
  static T radial_backward(F f, T c, const T* v, const T* g, T* gv, index_t d) noexcept {
    using D = Dual<T, 2>;
    const auto [vv, gvd] = simd::reduce_row<T>(d, [&](auto at) {
      const auto vi = at(v), gi = at(g);
      return std::array{vi * vi, gi * vi};
    });
    const D a = f(D::variable(c, 0), D::variable(vv, 1));
    const T av = a.v, k = T(2) * a.d[1] * gvd;
    simd::combine_row(d, gv, [&](auto at) { return av * at(g) + k * at(v); });
    return a.d[0] * gvd;
  }
};

}  // namespace hyperbolic::cpu
