#pragma once
// Row kernels of the hyperboloid (see row_kernels.hpp), mirroring
// manifolds/lorentz/lorentz.hpp. The time coordinate is a sign in the
// reductions and combinations (at.eta: time negated, at.space: time zeroed),
// so every pass runs over the whole row from its first element.

#include <algorithm>
#include <utility>

#include "../core/robust_norm.hpp"
#include "../manifolds/lorentz/lorentz.hpp"
#include "row_kernels.hpp"
#include "row_passes.hpp"

namespace hyperbolic::cpu {

template <class T>
struct RowKernels<Lorentz<T>> {
  using M = Lorentz<T>;

  // ---- forward ---------------------------------------------------------------
  static T dist(const M& m, const T* x, const T* y, index_t d) noexcept {
    return lorentz::dist(m.c(), chord(m, x, y, d));
  }
  // For c > 0: t with dist = (2 / sqrt(c)) asinh(t) (batched dist).
  static T dist_asinh_argument(const M& m, const T* x, const T* y, index_t d) noexcept {
    return lorentz::dist_asinh_argument(m.c(), chord(m, x, y, d));
  }
  // For c > 0: s|x_s| (dist0 = (1/s) asinh(s|x_s|)).
  static T dist0_argument(const M& m, const T* x, index_t d) noexcept {
    return math::sqrt(m.c()) * space_norm(x, d);
  }
  static T dist0(const M& m, const T* x, index_t d) noexcept {
    return lorentz::dist0(m.c(), space_norm(x, d));
  }
  static T dist2plane(const M& m, const T* x, const T* a, index_t d) noexcept {
    const auto [xa, aa] = simd::reduce_row<T>(d, [&](auto at) {
      const auto ai = at.eta(a);
      return std::array{at(x) * ai, at(a) * ai};
    });
    return lorentz::dist2plane(m.c(), xa, aa);
  }
  static void expmap(const M& m, const T* x, const T* u, T* out, index_t d) noexcept {
    const auto [uu] =
        simd::reduce_row<T>(d, [&](auto at) { return std::array{at(u) * at.eta(u)}; });
    const auto k = lorentz::expmap(m.c(), detail::nonnegative(uu));
    simd::combine_row(d, out, [&](auto at) { return k.a * at(x) + k.b * at(u); });
  }
  static void expmap0(const M& m, const T* u, T* out, index_t d) noexcept {
    const auto k = lorentz::expmap0(m.c(), space_squared_norm(u, d));
    simd::combine_row(d, out, [&](auto at) { return k.space * at(u); });
    out[0] = k.time;
  }
  static void logmap(const M& m, const T* x, const T* y, T* out, index_t d) noexcept {
    const auto ch = chord_and_gap(m, x, y, d);
    const auto k = lorentz::logmap(m.c(), ch.n);
    const T x0 = x[0];
    simd::combine_row(d, out, [&](auto at) {
      const auto xi = at(x);
      return k.a * (at(y) - xi) + k.b * xi;
    });
    out[0] = -k.a * ch.gap + k.b * x0;  // y0 - x0 read through the space coordinates
  }
  static void logmap0(const M& m, const T* y, T* out, index_t d) noexcept {
    const T a = lorentz::logmap0_of_norm(m.c(), space_norm(y, d));
    simd::combine_row(d, out, [&](auto at) { return a * at(y); });
    out[0] = T(0);
  }
  static void projx(const M& m, const T* x, T* out, index_t d) noexcept {
    const T t = math::sqrt(T(1) / m.c() + space_squared_norm(x, d));
    simd::combine_row(d, out, [&](auto at) { return at(x); });
    out[0] = t;
  }
  static void proju(const M& m, const T* x, const T* u, T* out, index_t d) noexcept {
    const auto [xu] =
        simd::reduce_row<T>(d, [&](auto at) { return std::array{at(x) * at.eta(u)}; });
    const T k = m.c() * xu;
    simd::combine_row(d, out, [&](auto at) { return at(u) + k * at(x); });
  }
  static void egrad2rgrad(const M& m, const T* x, const T* g, T* out, index_t d) noexcept {
    const auto [xg] = simd::reduce_row<T>(d, [&](auto at) { return std::array{at(x) * at(g)}; });
    const T k = m.c() * xg;  // <x, eta g>_L is the Euclidean <x, g>
    simd::combine_row(d, out, [&](auto at) { return at.eta(g) + k * at(x); });
  }
  static void transp(const M& m, const T* x, const T* y, const T* v, T* out, index_t d) noexcept {
    // lorentz/transport.hpp: the sums on SIMD registers; rows whose sums
    // overflow take its rescaled pass.
    const auto [diff_v, x_v, y_v] = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at.space(x), yi = at.space(y), vi = at.space(v);
      return std::array{(yi - xi) * vi, xi * vi, yi * vi};
    });
    const auto ch = chord_and_gap(m, x, y, d);
    const lorentz::TransportSums<T> sums{diff_v, x_v, y_v};
    const T k = lorentz::transport_sums_finite(sums) && math::isfinite(y[0] * v[0])
                    ? lorentz::transport_factor_from_sums(m.c(), sums, x[0], y[0], v[0], ch)
                    : lorentz::transport_factor(m.c(), x, y, v, d, ch);
    simd::combine_row(d, out, [&](auto at) { return at(v) + k * (at(x) + at(y)); });
  }
  static void mobius_add(const M& m, const T* x, const T* y, T* out, index_t d) noexcept {
    const T x0 = x[0], y0 = y[0];
    const T hx = lorentz::mobius_add_ball_scale(m.c(), x0),
            hy = lorentz::mobius_add_ball_scale(m.c(), y0);
    const auto [pp, qq, pq] = simd::reduce_row<T>(d, [&](auto at) {
      const auto p = hx * at.space(x), q = hy * at.space(y);
      return std::array{p * p, q * q, p * q};
    });
    const auto k = lorentz::mobius_add_ball(m.c(), x0, y0, pp, qq, pq);
    simd::combine_row(d, out, [&](auto at) { return k.a * at(x) + k.b * at(y); });
    out[0] = k.time;
  }
  static void mobius_scalar_mul(const M& m, T r, const T* x, T* out, index_t d) noexcept {
    const T n = space_norm(x, d), a = r * lorentz::logmap0_of_norm(m.c(), n);
    const auto k = lorentz::expmap0(m.c(), math::square(a * n));
    const T b = k.space * a;
    simd::combine_row(d, out, [&](auto at) { return b * at(x); });
    out[0] = k.time;
  }

  // ---- backward: overwrite the input gradients, return dL/dc -----------------
  static T dist_backward(const M& m, const T* x, const T* y, T g, T* gx, T* gy,
                         index_t d) noexcept {
    using D = Dual<T, 2>;
    const auto ch = chord_and_gap(m, x, y, d);
    const T n = ch.n;
    const D f = lorentz::dist(D::variable(m.c(), 0), D::variable(n, 1));
    const auto k = per_norm_split(g * f.d[1], n);
    const T ko = k.outer, ki = k.inner;
    simd::combine_rows(d, std::array{gx, gy}, [&](auto at) {
      const auto gi = ko * (ki * (at.eta(x) - at.eta(y)));
      return std::array{gi, -gi};
    });
    gx[0] = -ko * (ki * ch.gap);  // x0 - y0 read through the space coordinates
    gy[0] = ko * (ki * ch.gap);
    return g * f.d[0];
  }
  static T dist0_backward(const M& m, const T* x, T g, T* gx, index_t d) noexcept {
    using D = Dual<T, 2>;
    const T n = space_norm(x, d);
    const D f = lorentz::dist0(D::variable(m.c(), 0), D::variable(n, 1));
    const auto k = per_norm_split(g * f.d[1], n);
    const T ko = k.outer, ki = k.inner;
    simd::combine_row(d, gx, [&](auto at) { return ko * (ki * at(x)); });
    gx[0] = T(0);
    return g * f.d[0];
  }
  static T dist2plane_backward(const M& m, const T* x, const T* a, T g, T* gx, T* ga,
                               index_t d) noexcept {
    using D = Dual<T, 3>;
    const auto [xa, aa] = simd::reduce_row<T>(d, [&](auto at) {
      const auto ai = at.eta(a);
      return std::array{at(x) * ai, at(a) * ai};
    });
    const D f = lorentz::dist2plane(D::variable(m.c(), 0), D::variable(xa, 1), D::variable(aa, 2));
    const T f_xa = g * f.d[1], f_aa2 = T(2) * (g * f.d[2]);
    simd::combine_rows(d, std::array{gx, ga}, [&](auto at) {
      return std::array{f_xa * at.eta(a), f_xa * at.eta(x) + f_aa2 * at.eta(a)};
    });
    return g * f.d[0];
  }
  static T expmap_backward(const M& m, const T* x, const T* u, const T* g, T* gx, T* gu,
                           index_t d) noexcept {
    using D = Dual<T, 2>;
    const auto [uu, g_x, g_u] = simd::reduce_row<T>(d, [&](auto at) {
      const auto ui = at(u), gi = at(g);
      return std::array{ui * at.eta(u), gi * at(x), gi * ui};
    });
    const auto k = lorentz::expmap(D::variable(m.c(), 0), D::variable(detail::nonnegative(uu), 1));
    const D L = k.a * g_x + k.b * g_u;
    const T a = k.a.v, b = k.b.v;
    const T kuu = uu > T(0) ? T(2) * L.d[1] : T(0);  // flat where <u,u>_L was clamped
    simd::combine_rows(d, std::array{gx, gu}, [&](auto at) {
      const auto gi = at(g);
      return std::array{a * gi, b * gi + kuu * at.eta(u)};
    });
    return L.d[0];
  }
  static T expmap0_backward(const M& m, const T* u, const T* g, T* gu, index_t d) noexcept {
    using D = Dual<T, 2>;
    const T g0 = g[0];
    const auto [ww, g_u] = simd::reduce_row<T>(d, [&](auto at) {
      const auto ui = at.space(u);
      return std::array{ui * ui, at(g) * ui};
    });
    const auto k = lorentz::expmap0(D::variable(m.c(), 0), D::variable(ww, 1));
    const D L = k.time * g0 + k.space * g_u;
    const T s = k.space.v, kw = T(2) * L.d[1];
    simd::combine_row(d, gu, [&](auto at) { return s * at(g) + kw * at(u); });
    gu[0] = T(0);
    return L.d[0];
  }
  static T logmap_backward(const M& m, const T* x, const T* y, const T* g, T* gx, T* gy,
                           index_t d) noexcept {
    const auto [g_diff_space, g_x] = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at(x), gi = at(g);
      return std::array{gi * (at.space(y) - at.space(x)), gi * xi};
    });
    // y0 - x0 read through the space coordinates, as in logmap.
    const auto ch = chord_and_gap(m, x, y, d);
    const T g_diff = g_diff_space - g[0] * ch.gap;
    const auto k = lorentz::logmap_backward(m.c(), ch.n, g_diff, g_x);
    const T a = k.a, b = k.b, kq = k.kq;
    const T g0 = g[0];
    simd::combine_rows(d, std::array{gx, gy}, [&](auto at) {
      const auto gi = at(g);
      const auto through_diff = a * gi + kq * (at.eta(y) - at.eta(x));
      return std::array{b * gi - through_diff, through_diff};
    });
    const T through_diff0 = a * g0 + kq * ch.gap;  // time: -(y0 - x0) = gap
    gx[0] = b * g0 - through_diff0;
    gy[0] = through_diff0;
    return k.dc;
  }
  static T logmap0_backward(const M& m, const T* y, const T* g, T* gy, index_t d) noexcept {
    using D = Dual<T, 2>;
    const auto [ss, g_y] = simd::reduce_row<T>(d, [&](auto at) {
      const auto yi = at.space(y);
      return std::array{yi * yi, at(g) * yi};
    });
    const D a = lorentz::logmap0(D::variable(m.c(), 0), D::variable(ss, 1));
    const T av = a.v, k = T(2) * a.d[1] * g_y;
    simd::combine_row(d, gy, [&](auto at) { return av * at(g) + k * at(y); });
    gy[0] = T(0);
    return a.d[0] * g_y;
  }
  static T projx_backward(const M& m, const T* x, const T* g, T* gx, index_t d) noexcept {
    const T c = m.c(), g0 = g[0];
    const T t = math::sqrt(T(1) / c + space_squared_norm(x, d));
    const T k = g0 / t;
    simd::combine_row(d, gx, [&](auto at) { return at(g) + k * at(x); });
    gx[0] = T(0);
    return -g0 / (T(2) * c * c * t);
  }
  static T mobius_add_backward(const M& m, const T* x, const T* y, const T* g, T* gx, T* gy,
                               index_t d) noexcept {
    using D = Dual<T, 6>;
    const T x0 = x[0], y0 = y[0], g0 = g[0];
    const auto r = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at.space(x), yi = at.space(y), gi = at(g);
      return std::array{xi * xi, yi * yi, xi * yi, gi * xi, gi * yi};
    });
    const auto k =
        lorentz::mobius_add(D::variable(m.c(), 0), D::variable(x0, 1), D::variable(y0, 2),
                            D::variable(r[0], 3), D::variable(r[1], 4), D::variable(r[2], 5));
    const D L = k.time * g0 + k.a * r[3] + k.b * r[4];
    const T a = k.a.v, b = k.b.v, kx = T(2) * L.d[3], ky = T(2) * L.d[4], kxy = L.d[5];
    simd::combine_rows(d, std::array{gx, gy}, [&](auto at) {
      const auto xi = at(x), yi = at(y), gi = at(g);
      return std::array{a * gi + kx * xi + kxy * yi, b * gi + ky * yi + kxy * xi};
    });
    gx[0] = L.d[1];
    gy[0] = L.d[2];
    return L.d[0];
  }

 private:
  static T space_squared_norm(const T* x, index_t d) noexcept {
    return simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at.space(x);
      return std::array{xi * xi};
    })[0];
  }
  // |x_space|, safe from overflow and underflow.
  static T space_norm(const T* x, index_t d) noexcept {
    const T ss = space_squared_norm(x, d);
    return sum_of_squares_suspect(ss) ? robust_norm<T>(x, 1, d) : math::sqrt(ss);
  }

 public:
  // sqrt(<x - y, x - y>_L) and x0 - y0 as lorentz::chord_and_gap computes them
  // (manifolds/lorentz/chord.hpp), its passes on SIMD registers; rows that need
  // its rescaled passes (or are equal) take lorentz::chord_and_gap itself.
  static lorentz::Chord<T> chord_and_gap(const M& m, const T* x, const T* y, index_t d) noexcept {
    const T c = m.c();
    // The chord form needs two sums; the norms only the radial-angular form.
    const auto [ss, sd] = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at.space(x), yi = at.space(y), e = xi - yi;
      return std::array{e * e, e * (xi + yi)};
    });
    if (!math::isfinite(sd) || sum_of_squares_suspect(ss))
      return lorentz::chord_and_gap(c, x, y, d);
    const T gap = lorentz::chord_gap(sd, x[0], y[0], T(1));
    T n;
    if (lorentz::chord_from_differences(lorentz::ChordPass<T>{ss, sd, T(0), T(0)}, gap, &n))
      return {n, gap};
    // The radial-angular form (lorentz::chord_far) with its passes on SIMD registers.
    const auto [xx, yy] = simd::reduce_row<T>(d, [&](auto at) {
      const auto xi = at.space(x), yi = at.space(y);
      return std::array{xi * xi, yi * yi};
    });
    if (!math::isfinite(xx) || !math::isfinite(yy)) return lorentz::chord_and_gap(c, x, y, d);
    T rx = math::sqrt(xx), ry = math::sqrt(yy);
    T X = math::sqrt(T(1) + c * xx), Y = math::sqrt(T(1) + c * yy);  // s x0, s y0
    const T *p = x, *q = y;
    if (ry < rx) {
      std::swap(p, q);
      std::swap(rx, ry);
      std::swap(X, Y);
    }
    const T radial = lorentz::chord_radial_term(c, rx, ry, X, Y);
    T angular(0);
    if (rx > T(0)) {
      const T a = lorentz::chord_angular_factor(rx, ry);
      angular = simd::reduce_row<T>(d, [&](auto at) {
        const auto v = a * at.space(p) - at.space(q) / a;
        return std::array{v * v};
      })[0];
    }
    const T out = math::sqrt(radial * radial + angular);
    if (!math::isfinite(out) || !(out > T(0))) return lorentz::chord_and_gap(c, x, y, d);
    return {out, gap};
  }
  static T chord(const M& m, const T* x, const T* y, index_t d) noexcept {
    return chord_and_gap(m, x, y, d).n;
  }
};

}  // namespace hyperbolic::cpu
