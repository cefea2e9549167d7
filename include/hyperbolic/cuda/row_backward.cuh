#pragma once
// Device row operations of the backward passes (vector-Jacobian products).
// As in PoincareBall / Lorentz *_backward: the coefficient functions of
// coefficients.hpp are evaluated on Dual numbers seeded with c and the row
// reductions, and the input gradients are linear combinations of the rows.
// Gradient outputs overwrite; dL/dc goes to grad_c[row] when grad_c is not
// null. Gradient outputs may alias inputs of the same stride (every value a
// lane reads is read before the tile's shuffles or by the lane that writes).

#include "model.cuh"
#include "row_accuracy.cuh"
#include "vector_slot.cuh"

namespace hyperbolic::cuda::ops {

using detail::nonnegative;
using detail::time_sign;

template <class S>
__device__ __forceinline__ void store_grad_c(S* grad_c, RowSlot s, compute_t<S> v) {
  if (grad_c != nullptr && s.leader()) grad_c[s.row] = to_storage<S>(v);
}

// g: one upstream scalar per row.
template <class M, class S>
struct DistBackward {
  using C = compute_t<S>;
  using storage = S;
  M m;
  InRows<S> x, y;
  const S* g;
  OutRows<S> gx, gy;
  S* grad_c;
  index_t cols;
  static constexpr bool caches_rows = true;
  template <class Slot>
  __device__ void operator()(const Slot& s) const {
    const index_t r = s.row, n = s.end(cols);
    const auto xr = s.load(x, n), yr = s.load(y, n);
    const C gr = s.valid ? to_compute(g[r]) : C(0);
    C xx(0), yy(0), dd(0);
    s.for_each(n, [&](index_t j, int pos) {
      const C a = xr(j, pos), b = yr(j, pos), d = a - b;
      xx += a * a;
      yy += b * b;
      dd += (model_v<M> == Model::lorentz ? time_sign<C>(j) : C(1)) * d * d;
    });
    xx = tile_sum(xx, s.width);
    yy = tile_sum(yy, s.width);
    dd = tile_sum(dd, s.width);
    if constexpr (model_v<M> == Model::poincare) {
      using D = Dual<C, 4>;
      const index_t rr = s.valid ? r : 0;
      const S *xp = x.data + rr * x.stride, *yp = y.data + rr * y.stride;
      const C nd = tile_difference_norm(dd, xp, yp, n, s.width);
      const D c = D::variable(m.c(), 0);
      const D f = poincare::dist(
          c, poincare::boundary_of(c, D::variable(xx, 1), tile_boundary(m.c(), xx, xp, n, s.width)),
          poincare::boundary_of(c, D::variable(yy, 2), tile_boundary(m.c(), yy, yp, n, s.width)),
          D::variable(nd, 3));
      const C fx = C(2) * gr * f.d[1], fy = C(2) * gr * f.d[2], fn = per_norm(gr * f.d[3], nd);
      store_rows(s, n, gx, gy, [&](index_t j, int pos) -> Two<C> {
        const C a = xr(j, pos), b = yr(j, pos), d = a - b;
        return {fx * a + fn * d, fy * b - fn * d};
      });
      store_grad_c(grad_c, s, gr * f.d[0]);
    } else if constexpr (model_v<M> == Model::lorentz) {
      using D = Dual<C, 2>;
      const index_t rr = s.valid ? r : 0;
      const auto ch = tile_chord_and_gap<C>(m.c(), x.data + rr * x.stride, y.data + rr * y.stride,
                                            n, s.lane, s.width);
      const C nd = ch.n;
      const D f = lorentz::dist(D::variable(m.c(), 0), D::variable(nd, 1));
      const auto k = per_norm_split(gr * f.d[1], nd);
      store_rows(s, n, gx, gy, [&](index_t j, int pos) -> Two<C> {
        // x0 - y0 read through the space coordinates (chord.hpp).
        const C gj = k.outer * (k.inner * (j == 0 ? -ch.gap : xr(j, pos) - yr(j, pos)));
        return {gj, -gj};
      });
      store_grad_c(grad_c, s, gr * f.d[0]);
    } else {
      const index_t rr = s.valid ? r : 0;
      const C k = per_norm(
          gr, tile_difference_norm(dd, x.data + rr * x.stride, y.data + rr * y.stride, n, s.width));
      store_rows(s, n, gx, gy, [&](index_t j, int pos) -> Two<C> {
        const C d = xr(j, pos) - yr(j, pos);
        return {k * d, -k * d};
      });
      store_grad_c(grad_c, s, C(0));
    }
  }
};

template <class M, class S>
struct ExpmapBackward {
  using C = compute_t<S>;
  using storage = S;
  M m;
  InRows<S> x, u, g;
  OutRows<S> gx, gu;
  S* grad_c;
  index_t cols;
  // Measured on an H200 (docs/cuda.md): three cached input rows cost
  // occupancy (88 registers) and the register path lost (0.57 vs 0.66).
  static constexpr bool caches_rows = false;
  template <class Slot>
  __device__ void operator()(const Slot& s) const {
    const index_t n = s.end(cols);
    const auto xr = s.load(x, n), ur = s.load(u, n), gr = s.load(g, n);
    C xx(0), uu(0), xu(0), gxd(0), gud(0);
    s.for_each(n, [&](index_t j, int pos) {
      const C a = xr(j, pos), b = ur(j, pos), h = gr(j, pos);
      xx += a * a;
      uu += (model_v<M> == Model::lorentz ? time_sign<C>(j) : C(1)) * b * b;
      xu += a * b;
      gxd += h * a;
      gud += h * b;
    });
    xx = tile_sum(xx, s.width);
    uu = tile_sum(uu, s.width);
    xu = tile_sum(xu, s.width);
    gxd = tile_sum(gxd, s.width);
    gud = tile_sum(gud, s.width);
    if constexpr (model_v<M> == Model::poincare) {
      const index_t rr = s.valid ? s.row : 0;
      const auto k = poincare::expmap_backward(
          m.c(), tile_boundary(m.c(), xx, x.data + rr * x.stride, n, s.width), xx, uu, xu, gxd,
          gud);
      store_rows(s, n, gx, gu, [&](index_t j, int pos) -> Two<C> {
        const C a = xr(j, pos), b = ur(j, pos), h = gr(j, pos);
        return {k.gx_g * h + k.gx_x * a + k.gx_u * b, k.gu_g * h + k.gu_u * b + k.gu_x * a};
      });
      store_grad_c(grad_c, s, k.dc);
    } else if constexpr (model_v<M> == Model::lorentz) {
      using D = Dual<C, 2>;
      const auto k = lorentz::expmap(D::variable(m.c(), 0), D::variable(nonnegative(uu), 1));
      const D L = k.a * gxd + k.b * gud;
      const C kuu = uu > C(0) ? C(2) * L.d[1] : C(0);  // flat where <u,u>_L was clamped
      store_rows(s, n, gx, gu, [&](index_t j, int pos) -> Two<C> {
        const C b = ur(j, pos), h = gr(j, pos);
        return {k.a.v * h, k.b.v * h + kuu * time_sign<C>(j) * b};
      });
      store_grad_c(grad_c, s, L.d[0]);
    } else {
      store_rows(s, n, gx, gu, [&](index_t j, int pos) -> Two<C> {
        const C h = gr(j, pos);
        return {h, h};
      });
      store_grad_c(grad_c, s, C(0));
    }
  }
};

template <class M, class S>
struct LogmapBackward {
  using C = compute_t<S>;
  using storage = S;
  M m;
  InRows<S> x, y, g;
  OutRows<S> gx, gy;
  S* grad_c;
  index_t cols;
  static constexpr bool caches_rows = true;
  template <class Slot>
  __device__ void operator()(const Slot& s) const {
    const index_t n = s.end(cols);
    const auto xr = s.load(x, n), yr = s.load(y, n), gr = s.load(g, n);
    C xx(0), yy(0), dd(0), gdiff(0), gxd(0);
    s.for_each(n, [&](index_t j, int pos) {
      const C a = xr(j, pos), b = yr(j, pos), h = gr(j, pos), d = b - a;
      xx += a * a;
      yy += b * b;
      dd += (model_v<M> == Model::lorentz ? time_sign<C>(j) : C(1)) * d * d;
      // Hyperboloid: the time term is added from the chord's gap below.
      if (model_v<M> != Model::lorentz || j > 0) gdiff += h * d;
      gxd += h * a;
    });
    xx = tile_sum(xx, s.width);
    yy = tile_sum(yy, s.width);
    dd = tile_sum(dd, s.width);
    gdiff = tile_sum(gdiff, s.width);
    gxd = tile_sum(gxd, s.width);
    if constexpr (model_v<M> == Model::poincare) {
      using D = Dual<C, 4>;
      const index_t rr = s.valid ? s.row : 0;
      const S *xp = x.data + rr * x.stride, *yp = y.data + rr * y.stride;
      const D c = D::variable(m.c(), 0);
      const auto k = poincare::logmap(
          c, poincare::boundary_of(c, D::variable(xx, 1), tile_boundary(m.c(), xx, xp, n, s.width)),
          poincare::boundary_of(c, D::variable(yy, 2), tile_boundary(m.c(), yy, yp, n, s.width)),
          D::variable(dd, 3));
      const D L = k.a * gdiff + k.b * gxd;
      store_rows(s, n, gx, gy, [&](index_t j, int pos) -> Two<C> {
        const C a = xr(j, pos), b = yr(j, pos), h = gr(j, pos), d = b - a;
        const C through_diff = k.a.v * h + C(2) * L.d[3] * d;  // dL/d(y - x)
        return {k.b.v * h + C(2) * L.d[1] * a - through_diff, C(2) * L.d[2] * b + through_diff};
      });
      store_grad_c(grad_c, s, L.d[0]);
    } else if constexpr (model_v<M> == Model::lorentz) {
      const index_t rr = s.valid ? s.row : 0;
      const auto ch = tile_chord_and_gap<C>(m.c(), x.data + rr * x.stride, y.data + rr * y.stride,
                                            n, s.lane, s.width);
      const C nd = ch.n;
      // y0 - x0 read through the space coordinates, as in logmap.
      const C g0 = to_compute(g.data[rr * g.stride]);
      const auto k = lorentz::logmap_backward(m.c(), nd, gdiff - g0 * ch.gap, gxd);
      store_rows(s, n, gx, gy, [&](index_t j, int pos) -> Two<C> {
        const C h = gr(j, pos), d = j == 0 ? -ch.gap : yr(j, pos) - xr(j, pos);
        const C through_diff = k.a * h + k.kq * time_sign<C>(j) * d;
        return {k.b * h - through_diff, through_diff};
      });
      store_grad_c(grad_c, s, k.dc);
    } else {
      store_rows(s, n, gx, gy, [&](index_t j, int pos) -> Two<C> {
        const C h = gr(j, pos);
        return {-h, h};
      });
      store_grad_c(grad_c, s, C(0));
    }
  }
};

// Backward of expmap0 (Forward = true) or logmap0 (false): both radial,
// out = a(c, |v|^2) v (on the hyperboloid over the space part).
template <class M, class S, bool Forward>
struct RadialBackward {
  using C = compute_t<S>;
  using storage = S;
  M m;
  InRows<S> v, g;
  OutRows<S> gv;
  S* grad_c;
  index_t cols;
  static constexpr bool caches_rows = true;
  template <class Slot>
  __device__ void operator()(const Slot& s) const {
    const index_t r = s.row, n = s.end(cols);
    const auto vr = s.load(v, n), gr = s.load(g, n);
    const bool lor = model_v<M> == Model::lorentz;
    const C g0 = lor && s.valid ? g(r, 0) : C(0);  // read before gv may overwrite it
    C vv(0), gvd(0);                               // Lorentz: space parts
    s.for_each(n, [&](index_t j, int pos) {
      if (lor && j == 0) return;
      const C a = vr(j, pos);
      vv += a * a;
      gvd += gr(j, pos) * a;
    });
    vv = tile_sum(vv, s.width);
    gvd = tile_sum(gvd, s.width);
    using D = Dual<C, 2>;
    C a(1), k(0), gc(0);
    if constexpr (model_v<M> == Model::poincare) {
      D f;
      if constexpr (Forward)
        f = poincare::Expmap0{}(D::variable(m.c(), 0), D::variable(vv, 1));
      else
        f = poincare::Logmap0{}(D::variable(m.c(), 0), D::variable(vv, 1));
      a = f.v;
      k = C(2) * f.d[1] * gvd;
      gc = f.d[0] * gvd;
    } else if constexpr (model_v<M> == Model::lorentz) {
      if constexpr (Forward) {
        const auto f = lorentz::expmap0(D::variable(m.c(), 0), D::variable(vv, 1));
        const D L = f.time * g0 + f.space * gvd;
        a = f.space.v;
        k = C(2) * L.d[1];
        gc = L.d[0];
      } else {
        const D f = lorentz::logmap0(D::variable(m.c(), 0), D::variable(vv, 1));
        a = f.v;
        k = C(2) * f.d[1] * gvd;
        gc = f.d[0] * gvd;
      }
    }
    store_row(s, n, gv, [&](index_t j, int pos) -> C {
      return lor && j == 0 ? C(0) : a * gr(j, pos) + k * vr(j, pos);
    });
    store_grad_c(grad_c, s, gc);
  }
};

template <class M, class S>
struct MobiusAddBackward {
  using C = compute_t<S>;
  using storage = S;
  M m;
  InRows<S> x, y, g;
  OutRows<S> gx, gy;
  S* grad_c;
  index_t cols;
  static constexpr bool caches_rows = true;
  template <class Slot>
  __device__ void operator()(const Slot& s) const {
    const index_t r = s.row, n = s.end(cols);
    const auto xr = s.load(x, n), yr = s.load(y, n), gr = s.load(g, n);
    const bool lor = model_v<M> == Model::lorentz;
    // Time coordinates, read by every lane before any lane writes.
    const bool time = lor && s.valid;
    const C x0 = time ? x(r, 0) : C(1), y0 = time ? y(r, 0) : C(1), g0 = time ? g(r, 0) : C(0);
    C xx(0), yy(0), xy(0), gxd(0), gyd(0);  // Lorentz: space parts
    s.for_each(n, [&](index_t j, int pos) {
      if (lor && j == 0) return;
      const C a = xr(j, pos), b = yr(j, pos), h = gr(j, pos);
      xx += a * a;
      yy += b * b;
      xy += a * b;
      gxd += h * a;
      gyd += h * b;
    });
    xx = tile_sum(xx, s.width);
    yy = tile_sum(yy, s.width);
    xy = tile_sum(xy, s.width);
    gxd = tile_sum(gxd, s.width);
    gyd = tile_sum(gyd, s.width);
    if constexpr (model_v<M> == Model::poincare) {
      using D = Dual<C, 4>;
      const index_t rr = s.valid ? s.row : 0;
      const D c = D::variable(m.c(), 0), xd = D::variable(xx, 1);
      const auto k = poincare::mobius_add(
          c,
          poincare::boundary_of(c, xd,
                                tile_boundary(m.c(), xx, x.data + rr * x.stride, n, s.width)),
          xd, D::variable(yy, 2), D::variable(xy, 3));
      const D L = k.a * gxd + k.b * gyd;
      store_rows(s, n, gx, gy, [&](index_t j, int pos) -> Two<C> {
        const C a = xr(j, pos), b = yr(j, pos), h = gr(j, pos);
        return {k.a.v * h + C(2) * L.d[1] * a + L.d[3] * b,
                k.b.v * h + C(2) * L.d[2] * b + L.d[3] * a};
      });
      store_grad_c(grad_c, s, L.d[0]);
    } else if constexpr (model_v<M> == Model::lorentz) {
      using D = Dual<C, 6>;
      const auto k =
          lorentz::mobius_add(D::variable(m.c(), 0), D::variable(x0, 1), D::variable(y0, 2),
                              D::variable(xx, 3), D::variable(yy, 4), D::variable(xy, 5));
      const D L = k.time * g0 + k.a * gxd + k.b * gyd;
      store_rows(s, n, gx, gy, [&](index_t j, int pos) -> Two<C> {
        if (j == 0) return {L.d[1], L.d[2]};
        const C a = xr(j, pos), b = yr(j, pos), h = gr(j, pos);
        return {k.a.v * h + C(2) * L.d[3] * a + L.d[5] * b,
                k.b.v * h + C(2) * L.d[4] * b + L.d[5] * a};
      });
      store_grad_c(grad_c, s, L.d[0]);
    } else {
      store_rows(s, n, gx, gy, [&](index_t j, int pos) -> Two<C> {
        const C h = gr(j, pos);
        return {h, h};
      });
      store_grad_c(grad_c, s, C(0));
    }
  }
};

}  // namespace hyperbolic::cuda::ops
