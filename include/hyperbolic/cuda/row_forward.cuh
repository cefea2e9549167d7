#pragma once
// Device row operations of the forward primitives. Each is reduce -> the
// core's coefficient function (manifolds/*/coefficients.hpp, the same code the
// scalar classes run) -> combine, with the reductions split over a tile of
// lanes and summed by shuffles. A lane writes only the coordinates it read in
// the combine pass, so an output may alias an input of the same stride.
//
// The few formulas the scalar classes keep inline instead of in
// coefficients.hpp (projx, proju, egrad2rgrad, Lorentz transp) are restated here from
// PoincareBall / Lorentz, line for line.

#include "model.cuh"
#include "row_accuracy.cuh"
#include "vector_slot.cuh"

namespace hyperbolic::cuda::ops {

using detail::nonnegative;
using detail::time_sign;

// Distance between two rows of n coordinates, reduced over a tile of `width`
// lanes (width 1: one thread alone); every lane of the tile gets the result.
// Also the exact path of the pairwise distances (pairwise.cuh).
template <class M, class S>
__device__ compute_t<S> row_dist(const M& m, const S* x, const S* y, index_t n, int lane,
                                 int width) {
  using C = compute_t<S>;
  if constexpr (model_v<M> == Model::lorentz)
    return lorentz::dist(m.c(), tile_chord<C>(m.c(), x, y, n, lane, width));
  C xx(0), yy(0), dd(0);
  HYP_LANE_UNROLL
  for (index_t j = lane; j < n; j += width) {
    const C a = to_compute(x[j]), b = to_compute(y[j]), d = a - b;
    if constexpr (model_v<M> == Model::poincare) {
      xx += a * a;
      yy += b * b;
    }
    dd += d * d;
  }
  dd = tile_sum(dd, width);
  if constexpr (model_v<M> == Model::poincare) {
    xx = tile_sum(xx, width);
    yy = tile_sum(yy, width);
    return poincare::dist(m.c(), tile_boundary(m.c(), xx, x, n, width),
                          tile_boundary(m.c(), yy, y, n, width),
                          tile_difference_norm(dd, x, y, n, width));
  } else {
    return tile_difference_norm(dd, x, y, n, width);  // rescaled where squares under/overflow
  }
}

// Rows -> one scalar per row.
template <class M, class S>
struct Dist {
  M m;
  InRows<S> x, y;
  S* out;
  index_t cols;
  __device__ void operator()(RowSlot s) const {
    const index_t r = s.valid ? s.row : 0;
    const auto d =
        row_dist(m, x.data + r * x.stride, y.data + r * y.stride, s.end(cols), s.lane, s.width);
    if (s.leader()) out[s.row] = to_storage<S>(d);
  }
};

template <class M, class S>
struct Dist0 {
  using C = compute_t<S>;
  M m;
  InRows<S> x;
  S* out;
  index_t cols;
  __device__ void operator()(RowSlot s) const {
    const index_t r = s.row, n = s.end(cols);
    C xx(0);  // Lorentz: space part only
    HYP_LANE_UNROLL
    for (index_t j = s.lane; j < n; j += s.width) {
      const C a = x(r, j);
      if (model_v<M> != Model::lorentz || j > 0) xx += a * a;
    }
    xx = tile_sum(xx, s.width);
    C result;
    const S* row = x.data + (s.valid ? r : 0) * x.stride;
    if constexpr (model_v<M> == Model::poincare)
      result = poincare::dist0(m.c(), tile_norm(xx, row, 0, n, s.width),
                               tile_boundary(m.c(), xx, row, n, s.width));
    else if constexpr (model_v<M> == Model::lorentz)
      result = lorentz::dist0(m.c(), tile_norm(xx, row, 1, n, s.width));
    else
      result = tile_norm(xx, row, 0, n, s.width);
    if (s.leader()) out[r] = to_storage<S>(result);
  }
};

// out = expmap_x(u).
template <class M, class S>
struct Expmap {
  using C = compute_t<S>;
  using storage = S;
  M m;
  InRows<S> x, u;
  OutRows<S> out;
  index_t cols;
  // Measured on an H200 (docs/cuda.md): the register path loses on the
  // hyperboloid (copy share 0.58 vs 0.71 at d = 64) and wins on the ball.
  static constexpr bool caches_rows = model_v<M> != Model::lorentz;
  template <class Slot>
  __device__ void operator()(const Slot& s) const {
    const index_t n = s.end(cols);
    const auto xr = s.load(x, n), ur = s.load(u, n);
    C xx(0), uu(0), xu(0);
    s.for_each(n, [&](index_t j, int pos) {
      const C a = xr(j, pos), b = ur(j, pos);
      if constexpr (model_v<M> == Model::lorentz) {
        uu += time_sign<C>(j) * b * b;
      } else {
        xx += a * a;
        uu += b * b;
        xu += a * b;
      }
    });
    C ka(1), kb(1);
    if constexpr (model_v<M> == Model::poincare) {
      const index_t r = s.valid ? s.row : 0;
      const C xs = tile_sum(xx, s.width);
      const auto k =
          poincare::expmap(m.c(), tile_boundary(m.c(), xs, x.data + r * x.stride, n, s.width), xs,
                           tile_sum(uu, s.width), tile_sum(xu, s.width));
      ka = k.a;
      kb = k.b;
    } else if constexpr (model_v<M> == Model::lorentz) {
      const auto k = lorentz::expmap(m.c(), nonnegative(tile_sum(uu, s.width)));
      ka = k.a;
      kb = k.b;
    }
    store_row(s, n, out,
              [&](index_t j, int pos) -> C { return ka * xr(j, pos) + kb * ur(j, pos); });
  }
};

template <class M, class S>
struct Expmap0 {
  using C = compute_t<S>;
  using storage = S;
  M m;
  InRows<S> u;
  OutRows<S> out;
  index_t cols;
  static constexpr bool caches_rows = true;
  template <class Slot>
  __device__ void operator()(const Slot& s) const {
    const index_t n = s.end(cols);
    const auto ur = s.load(u, n);
    C uu(0);  // Lorentz: space part (u0 is ignored, as in Lorentz::expmap0)
    s.for_each(n, [&](index_t j, int pos) {
      const C b = ur(j, pos);
      if (model_v<M> != Model::lorentz || j > 0) uu += b * b;
    });
    uu = tile_sum(uu, s.width);
    if constexpr (model_v<M> == Model::lorentz) {
      const auto k = lorentz::expmap0(m.c(), uu);
      store_row(s, n, out,
                [&](index_t j, int pos) -> C { return j == 0 ? k.time : k.space * ur(j, pos); });
    } else {
      const C a = model_v<M> == Model::poincare ? poincare::expmap0(m.c(), uu) : C(1);
      store_row(s, n, out, [&](index_t j, int pos) -> C { return a * ur(j, pos); });
    }
  }
};

// out = logmap_x(y) = a (y - x) + b x.
template <class M, class S>
struct Logmap {
  using C = compute_t<S>;
  using storage = S;
  M m;
  InRows<S> x, y;
  OutRows<S> out;
  index_t cols;
  // Measured on an H200 (docs/cuda.md): the register path loses on the
  // hyperboloid (copy share 0.58 vs 0.71 at d = 64) and wins on the ball.
  static constexpr bool caches_rows = model_v<M> != Model::lorentz;
  template <class Slot>
  __device__ void operator()(const Slot& s) const {
    const index_t n = s.end(cols);
    const auto xr = s.load(x, n), yr = s.load(y, n);
    C xx(0), yy(0), dd(0);
    s.for_each(n, [&](index_t j, int pos) {
      const C a = xr(j, pos), b = yr(j, pos), d = b - a;
      if constexpr (model_v<M> == Model::poincare) {
        xx += a * a;
        yy += b * b;
        dd += d * d;
      } else if constexpr (model_v<M> == Model::lorentz) {
        dd += time_sign<C>(j) * d * d;
      }
    });
    C ka(1), kb(0), gap(0);
    if constexpr (model_v<M> == Model::poincare) {
      const index_t r = s.valid ? s.row : 0;
      const S *xp = x.data + r * x.stride, *yp = y.data + r * y.stride;
      const auto k = poincare::logmap(
          m.c(), tile_boundary(m.c(), tile_sum(xx, s.width), xp, n, s.width),
          tile_boundary(m.c(), tile_sum(yy, s.width), yp, n, s.width), tile_sum(dd, s.width));
      ka = k.a;
      kb = k.b;
    } else if constexpr (model_v<M> == Model::lorentz) {
      const index_t r = s.valid ? s.row : 0;
      const auto ch = tile_chord_and_gap<C>(m.c(), x.data + r * x.stride, y.data + r * y.stride, n,
                                            s.lane, s.width);
      const auto k = lorentz::logmap(m.c(), ch.n);
      ka = k.a;
      kb = k.b;
      gap = ch.gap;
    }
    store_row(s, n, out, [&](index_t j, int pos) -> C {
      const C a = xr(j, pos);
      // Hyperboloid: y0 - x0 read through the space coordinates (chord.hpp).
      if (model_v<M> == Model::lorentz && j == 0) return -ka * gap + kb * a;
      return ka * (yr(j, pos) - a) + kb * a;
    });
  }
};

template <class M, class S>
struct Logmap0 {
  using C = compute_t<S>;
  using storage = S;
  M m;
  InRows<S> y;
  OutRows<S> out;
  index_t cols;
  static constexpr bool caches_rows = true;
  template <class Slot>
  __device__ void operator()(const Slot& s) const {
    const index_t n = s.end(cols);
    const auto yr = s.load(y, n);
    C yy(0);
    s.for_each(n, [&](index_t j, int pos) {
      const C b = yr(j, pos);
      if (model_v<M> != Model::lorentz || j > 0) yy += b * b;
    });
    yy = tile_sum(yy, s.width);
    C a(1);
    if constexpr (model_v<M> == Model::poincare) {
      const S* row = y.data + (s.valid ? s.row : 0) * y.stride;
      a = poincare::logmap0(m.c(), tile_norm(yy, row, 0, n, s.width),
                            tile_boundary(m.c(), yy, row, n, s.width));
    }
    if constexpr (model_v<M> == Model::lorentz) {
      const index_t r = s.valid ? s.row : 0;
      a = lorentz::logmap0_of_norm(m.c(), tile_norm(yy, y.data + r * y.stride, 1, n, s.width));
    }
    store_row(s, n, out, [&](index_t j, int pos) -> C {
      return model_v<M> == Model::lorentz && j == 0 ? C(0) : a * yr(j, pos);
    });
  }
};

// Ball: radial rescale to max_norm; hyperboloid: recompute the time coordinate.
template <class M, class S>
struct Projx {
  using C = compute_t<S>;
  using storage = S;
  M m;
  InRows<S> x;
  OutRows<S> out;
  index_t cols;
  static constexpr bool caches_rows = true;
  template <class Slot>
  __device__ void operator()(const Slot& s) const {
    const index_t n = s.end(cols);
    const auto xr = s.load(x, n);
    C xx(0);
    s.for_each(n, [&](index_t j, int pos) {
      const C a = xr(j, pos);
      if (model_v<M> != Model::lorentz || j > 0) xx += a * a;
    });
    xx = tile_sum(xx, s.width);
    if constexpr (model_v<M> == Model::lorentz) {
      const C t = math::sqrt(C(1) / m.c() + xx);
      store_row(s, n, out, [&](index_t j, int pos) -> C { return j == 0 ? t : xr(j, pos); });
    } else {
      C a(1);
      if constexpr (model_v<M> == Model::poincare) {
        const C norm = math::sqrt(xx), mx = m.max_norm();
        a = norm > mx ? mx / norm : C(1);  // NaN compares false: NaN passes through
      }
      store_row(s, n, out, [&](index_t j, int pos) -> C { return a * xr(j, pos); });
    }
  }
};

// Hyperboloid: u + c <x, u>_L x; identity elsewhere.
template <class M, class S>
struct Proju {
  using C = compute_t<S>;
  using storage = S;
  M m;
  InRows<S> x, u;
  OutRows<S> out;
  index_t cols;
  static constexpr bool caches_rows = true;
  template <class Slot>
  __device__ void operator()(const Slot& s) const {
    const index_t n = s.end(cols);
    const auto xr = s.load(x, n), ur = s.load(u, n);
    C xu(0);
    if constexpr (model_v<M> == Model::lorentz) {
      s.for_each(n, [&](index_t j, int pos) { xu += time_sign<C>(j) * xr(j, pos) * ur(j, pos); });
      xu = tile_sum(xu, s.width);
    }
    const C k = m.c() * xu;
    store_row(s, n, out, [&](index_t j, int pos) -> C {
      return model_v<M> == Model::lorentz ? ur(j, pos) + k * xr(j, pos) : ur(j, pos);
    });
  }
};

// Ball: g / lambda_x^2; hyperboloid: project the time-flipped gradient.
template <class M, class S>
struct Egrad2rgrad {
  using C = compute_t<S>;
  using storage = S;
  M m;
  InRows<S> x, g;
  OutRows<S> out;
  index_t cols;
  static constexpr bool caches_rows = true;
  template <class Slot>
  __device__ void operator()(const Slot& s) const {
    const index_t n = s.end(cols);
    const auto xr = s.load(x, n), gr = s.load(g, n);
    C q(0);  // ball: |x|^2; hyperboloid: Euclidean <x, g>
    if constexpr (model_v<M> != Model::euclidean) {
      s.for_each(n, [&](index_t j, int pos) {
        const C a = xr(j, pos);
        q += a * (model_v<M> == Model::poincare ? a : gr(j, pos));
      });
      q = tile_sum(q, s.width);
    }
    if constexpr (model_v<M> == Model::lorentz) {
      const C k = m.c() * q;
      store_row(s, n, out, [&](index_t j, int pos) -> C {
        const C gj = gr(j, pos);
        return (j == 0 ? -gj : gj) + k * xr(j, pos);
      });
    } else {
      C k(1);
      if constexpr (model_v<M> == Model::poincare) {
        const C b = (C(1) - m.c() * q) / C(2);
        k = b * b;
      }
      store_row(s, n, out, [&](index_t j, int pos) -> C { return k * gr(j, pos); });
    }
  }
};

// Parallel transport of v from x to y.
template <class M, class S>
struct Transp {
  using C = compute_t<S>;
  using storage = S;
  M m;
  InRows<S> x, y, v;
  OutRows<S> out;
  index_t cols;
  static constexpr bool caches_rows = true;
  template <class Slot>
  __device__ void operator()(const Slot& s) const {
    const index_t n = s.end(cols);
    const auto xr = s.load(x, n), yr = s.load(y, n), vr = s.load(v, n);
    if constexpr (model_v<M> == Model::poincare) {
      C xx(0), yy(0), dd(0), xv(0), dv(0);
      s.for_each(n, [&](index_t j, int pos) {
        const C a = xr(j, pos), b = yr(j, pos), w = vr(j, pos), e = b - a;
        xx += a * a;
        yy += b * b;
        dd += e * e;
        xv += a * w;
        dv += e * w;
      });
      const index_t r = s.valid ? s.row : 0;
      const S *xp = x.data + r * x.stride, *yp = y.data + r * y.stride;
      const auto k =
          poincare::transp(m.c(), tile_boundary(m.c(), tile_sum(xx, s.width), xp, n, s.width),
                           tile_boundary(m.c(), tile_sum(yy, s.width), yp, n, s.width),
                           tile_sum(dd, s.width), tile_sum(xv, s.width), tile_sum(dv, s.width));
      store_row(s, n, out, [&](index_t j, int pos) -> C {
        return k.v * vr(j, pos) + k.y * yr(j, pos) + k.x * xr(j, pos);
      });
    } else if constexpr (model_v<M> == Model::lorentz) {
      // Lorentz::transp (lorentz/transport.hpp): v + k (x + y), the sums split
      // over the tile; rows whose sums overflow take its rescaled pass on every
      // lane. The times and v0 are read before the shuffles (out may alias v).
      const index_t r = s.valid ? s.row : 0;
      const S *xp = x.data + r * x.stride, *yp = y.data + r * y.stride, *vp = v.data + r * v.stride;
      const C x0 = to_compute(xp[0]), y0 = to_compute(yp[0]), v0 = to_compute(vp[0]);
      lorentz::TransportSums<C> sums{C(0), C(0), C(0)};
      s.for_each(n, [&](index_t j, int pos) {
        if (j == 0) return;
        const C a = xr(j, pos), b = yr(j, pos), w = vr(j, pos);
        sums.diff_v += (b - a) * w;
        sums.x_v += a * w;
        sums.y_v += b * w;
      });
      sums = {tile_sum(sums.diff_v, s.width), tile_sum(sums.x_v, s.width),
              tile_sum(sums.y_v, s.width)};
      const auto ch = tile_chord_and_gap<C>(m.c(), xp, yp, n, s.lane, s.width);
      const C k =
          lorentz::transport_sums_finite(sums) && math::isfinite(y0 * v0)
              ? lorentz::transport_factor_from_sums(m.c(), sums, x0, y0, v0, ch)
              : tile_converge(lorentz::transport_factor<C>(m.c(), xp, yp, vp, n, ch), s.width);
      store_row(s, n, out, [&](index_t j, int pos) -> C {
        return vr(j, pos) + k * (xr(j, pos) + yr(j, pos));
      });
    } else {
      store_row(s, n, out, [&](index_t j, int pos) -> C { return vr(j, pos); });
    }
  }
};

template <class M, class S>
struct MobiusAdd {
  using C = compute_t<S>;
  using storage = S;
  M m;
  InRows<S> x, y;
  OutRows<S> out;
  index_t cols;
  static constexpr bool caches_rows = true;
  template <class Slot>
  __device__ void operator()(const Slot& s) const {
    const index_t r = s.row, n = s.end(cols);
    const auto xr = s.load(x, n), yr = s.load(y, n);
    C xx(0), yy(0), xy(0);  // Lorentz: space parts
    // Lorentz: every lane reads the time coordinates (one broadcast load per
    // tile), before the shuffles, so that lane 0 may overwrite them later.
    const bool time = model_v<M> == Model::lorentz && s.valid;
    const C x0 = time ? x(r, 0) : C(1), y0 = time ? y(r, 0) : C(1);
    // Lorentz: sums of the ball coordinates p = hx xs, q = hy ys (lorentz::mobius_add_ball).
    const bool lor = model_v<M> == Model::lorentz;
    const C hx = lor ? lorentz::mobius_add_ball_scale(m.c(), x0) : C(1);
    const C hy = lor ? lorentz::mobius_add_ball_scale(m.c(), y0) : C(1);
    s.for_each(n, [&](index_t j, int pos) {
      if (lor && j == 0) return;
      const C a = hx * xr(j, pos), b = hy * yr(j, pos);
      xx += a * a;
      yy += b * b;
      xy += a * b;
    });
    xx = tile_sum(xx, s.width);
    yy = tile_sum(yy, s.width);
    xy = tile_sum(xy, s.width);
    if constexpr (model_v<M> == Model::lorentz) {
      const auto k = lorentz::mobius_add_ball(m.c(), x0, y0, xx, yy, xy);
      store_row(s, n, out, [&](index_t j, int pos) -> C {
        return j == 0 ? k.time : k.a * xr(j, pos) + k.b * yr(j, pos);
      });
    } else {
      C ka(1), kb(1);
      if constexpr (model_v<M> == Model::poincare) {
        const index_t rr = s.valid ? r : 0;
        const auto k = poincare::mobius_add(
            m.c(), tile_boundary(m.c(), xx, x.data + rr * x.stride, n, s.width), xx, yy, xy);
        ka = k.a;
        kb = k.b;
      }
      store_row(s, n, out,
                [&](index_t j, int pos) -> C { return ka * xr(j, pos) + kb * yr(j, pos); });
    }
  }
};

}  // namespace hyperbolic::cuda::ops
