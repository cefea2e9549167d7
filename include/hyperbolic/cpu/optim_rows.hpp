#pragma once
// The CPU driver of the optimizers' row steps (optim/adam_row.hpp,
// optim/sgd_row.hpp) on the library's models. The update rule is the
// scalar kernel's, step for step (see those files); what changes is how it
// runs. Rows go in blocks of 16 (step_block); each stage of the rule is
//   - per row, one SIMD pass over the row (row_passes.hpp) that forms the
//     stage's vectors (Riemannian gradient, moments, tangent step, new
//     point) and reduces the inner products the next coefficients need;
//   - across the block, the coefficient step on SIMD registers, one row per
//     lane: the same functions the scalar kernel calls, instantiated on
//     xsimd batches (core/lanes.hpp): Adam's second moment and scale
//     (adam_point_scale), the ball's expmap and transport coefficients
//     (tanh, boundary factors), the hyperboloid's cosh / sinh and time
//     coordinate. Per row they would cost more than moving the row.
// Nothing is written to a row or its state until its last stage; the moment
// and the new point live in a per-thread workspace of 16 rows meanwhile.
//
// A row whose step leaves the common case - a point projx would move, a
// non-finite reduction or coefficient (NaN/Inf gradients, overflowed
// squares), an exponential map that the scalar kernel would replace by the
// retraction, a new point projx would move - is marked "special" and takes
// the optimizer's own scalar row kernel instead, on its untouched state: its
// result is the scalar kernel's exactly. A transported moment with a
// non-finite component is reset to 0, as store_transported does.
//
// Per row the result equals the scalar kernel's up to the rounding of a
// different summation order, of the SIMD transcendental functions and of a
// few algebraically equal forms (tests/cpu/optim_steps.cpp states and checks
// the bound). It depends on the row's data only: not on the thread count,
// nor on which rows share its block (lanes never interact).
//
// Models without a driver here (a user-defined Manifold) run the scalar
// row kernel on every row.

#include <algorithm>
#include <array>
#include <cstdint>
#include <type_traits>

#include "../manifolds/model_kind.hpp"
#include "../optim/adam.hpp"
#include "../optim/sgd.hpp"
#include "boundary_factor.hpp"
#include "lorentz_rows.hpp"
#include "row_passes.hpp"
#include "rows.hpp"
#include "simd.hpp"

namespace hyperbolic::cpu::detail {

inline constexpr index_t step_block = 16;

// The rows of one block: slot k steps parameter row rows[k] with the
// gradient grad[k] (already summed over repeated sparse indices).
template <class T>
struct StepBlock {
  index_t count = 0;
  index_t rows[step_block] = {};
  const T* grad[step_block] = {};
  std::uint32_t special = 0;  // slots that take the scalar row kernel
  bool live(index_t k) const noexcept { return !((special >> k) & 1u); }
  void mark(index_t k) noexcept { special |= std::uint32_t(1) << k; }
};

// One value per slot of a block, read and written as SIMD registers.
template <class T>
struct alignas(64) Lane {
  T v[step_block] = {};
  T& operator[](index_t k) noexcept { return v[k]; }
  T operator[](index_t k) const noexcept { return v[k]; }
  simd::batch<T> at(index_t j) const noexcept { return simd::batch<T>::load_aligned(v + j); }
  void put(index_t j, const simd::batch<T>& b) noexcept { b.store_aligned(v + j); }
};

// f(j) for the registers of lanes [j, j + W) covering a block.
template <class T, class F>
inline void for_lane_registers(F&& f) {
  static_assert(step_block % simd::lanes<T> == 0);
  for (index_t j = 0; j < step_block; j += simd::lanes<T>)
    f(j);
}

// Inside a pass (row_passes.hpp): store v at the current position of p.
template <class T>
inline void put(simd::LanesAt<T> at, T* p, const simd::batch<T>& v) noexcept {
  v.store_unaligned(p + at.i);
}
template <class T>
inline void put(simd::ScalarAt<T> at, T* p, T v) noexcept {
  p[at.i] = v;
}
// The row p with its time coordinate (index 0) replaced by p0.
template <class T>
inline simd::batch<T> with_time(simd::LanesAt<T> at, const T* p, T p0) noexcept {
  const simd::batch<T> v = at(p);
  return at.i == 0 ? xsimd::insert(v, p0, xsimd::index<0>{}) : v;
}
template <class T>
inline T with_time(simd::ScalarAt<T> at, const T* p, T p0) noexcept {
  return at.i == 0 ? p0 : p[at.i];
}
// v with its time coordinate zeroed, and the time coordinate itself.
template <class T>
inline simd::batch<T> space_of(simd::LanesAt<T> at, const simd::batch<T>& v) noexcept {
  return at.i == 0 ? xsimd::insert(v, T(0), xsimd::index<0>{}) : v;
}
template <class T>
inline T space_of(simd::ScalarAt<T> at, T v) noexcept {
  return at.i == 0 ? T(0) : v;
}
template <class T>
inline void take_time(simd::LanesAt<T> at, const simd::batch<T>& v, T& out) noexcept {
  if (at.i == 0) out = v.get(0);
}
template <class T>
inline void take_time(simd::ScalarAt<T> at, T v, T& out) noexcept {
  if (at.i == 0) out = v;
}

template <class Opt>
inline constexpr bool is_adam_v = false;
template <class M>
inline constexpr bool is_adam_v<optim::RiemannianAdam<M>> = true;

// Per-thread scratch of a step: four blocks of rows and the scalar kernel's
// workspace.
template <class T>
struct StepScratch {
  T *moment, *point, *tangent, *decay, *scalar;
  static index_t size(index_t d) { return 4 * step_block * d + 2 * d; }
  StepScratch(T* base, index_t d)
      : moment(base),
        point(base + step_block * d),
        tangent(base + 2 * step_block * d),
        decay(base + 3 * step_block * d),
        scalar(base + 4 * step_block * d) {}
};

// The driver of one optimizer (RiemannianAdam<M> or RiemannianSGD<M>) over
// the rows of x, reading and writing the optimizer's own state.
template <class Opt>
class RowStepper {
 public:
  using M = typename Opt::manifold_type;
  using T = typename M::scalar;
  using B = simd::batch<T>;
  static constexpr bool adam = is_adam_v<Opt>;
  static constexpr ModelKind model = model_kind_v<M>;
  using Hyper = std::conditional_t<adam, optim::AdamHyper<T>, optim::SgdHyper<T>>;

  RowStepper(Opt& opt, Rows<T> x)
      : m_(opt.manifold()),
        h_(opt.options()),
        x_(x),
        d_(x.cols()),
        steps_(opt.row_step_counters()) {
    if constexpr (adam) {
      moment_ = opt.exp_avg();
      avg_sq_ = opt.exp_avg_sq();
      max_sq_ = opt.max_exp_avg_sq();
    } else {
      moment_ = opt.momentum();
    }
  }

  static index_t scratch_size(index_t d) { return StepScratch<T>::size(d); }

  // Steps the live slots of b on SIMD registers, then the special ones with
  // the scalar kernel.
  void run(StepBlock<T>& b, T* scratch) const {
    const StepScratch<T> s(scratch, d_);
    if constexpr (model == ModelKind::poincare)
      ball(b, s);
    else if constexpr (model == ModelKind::lorentz)
      hyperboloid(b, s);
    else if constexpr (model == ModelKind::euclidean &&
                       (!adam || optim::second_moment_per_coordinate_v<M>))
      flat(b);
    else
      b.special = (std::uint32_t(1) << b.count) - 1u;
    for (index_t k = 0; k < b.count; ++k)
      if (!b.live(k)) scalar_row(b.rows[k], b.grad[k], s.scalar);
  }

 private:
  // ---- shared pieces -------------------------------------------------------
  T* xrow(index_t r) const noexcept { return x_.ptr(r); }
  T* mrow(index_t r) const noexcept { return moment_.data() + r * d_; }
  bool has_moment() const noexcept {
    if constexpr (adam)
      return true;
    else
      return h_.momentum != T(0);
  }
  bool decays() const noexcept { return h_.weight_decay != T(0); }
  bool coupled_decay() const noexcept {
    if constexpr (adam)
      return decays() && h_.decay == optim::WeightDecay::coupled;
    else
      return decays();
  }
  bool decoupled_decay() const noexcept {
    if constexpr (adam)
      return decays() && h_.decay == optim::WeightDecay::decoupled;
    else
      return false;
  }
  bool exponential() const noexcept { return h_.policy.step_map == optim::StepMap::exponential; }
  // Whether row r's step ends with the optimizer's stabilize projections.
  bool stabilizes(index_t r) const noexcept {
    const std::int64_t k = h_.policy.stabilize_every;
    return k > 0 && (steps_[std::size_t(r)] + 1) % k == 0;
  }

  void scalar_row(index_t r, const T* g, T* work) const {
    const Row<T> x(xrow(r), d_);
    const ConstRow<T> gr(g, d_);
    std::int64_t& steps = steps_[std::size_t(r)];
    if constexpr (adam) {
      const index_t w = avg_sq_.cols();
      const Row<T> vmax = max_sq_.rows() > 0 ? Row<T>(max_sq_.data() + r * w, w) : Row<T>();
      optim::adam_step_row(m_, h_, x, gr, Row<T>(mrow(r), d_), Row<T>(avg_sq_.data() + r * w, w),
                           vmax, steps, Row<T>(work, optim::adam_work_size(d_)));
    } else {
      const Row<T> b = has_moment() ? Row<T>(mrow(r), d_) : Row<T>();
      optim::sgd_step_row(m_, h_, x, gr, b, steps, Row<T>(work, optim::sgd_work_size(d_)));
    }
  }

  // Adam's per-row inputs of the coefficient step: bias corrections of the
  // row's next step and its second moment (one scalar per point).
  struct AdamLanes {
    Lane<T> step_size, bc2_sqrt, v, vmax;
  };
  void load_adam(const StepBlock<T>& b, AdamLanes& a) const {
    if constexpr (adam) {
      std::int64_t last = -1;
      optim::AdamBias<T> bias{};
      for (index_t k = 0; k < b.count; ++k) {
        if (!b.live(k)) continue;
        const index_t r = b.rows[k];
        const std::int64_t t = steps_[std::size_t(r)] + 1;
        if (t != last) bias = optim::adam_bias(h_, t), last = t;  // rows mostly share a count
        a.step_size[k] = bias.step_size;
        a.bc2_sqrt[k] = bias.bc2_sqrt;
        a.v[k] = avg_sq_.data()[r];
        a.vmax[k] = h_.amsgrad ? max_sq_.data()[r] : T(0);
      }
    }
  }
  void store_adam(index_t k, index_t r, const AdamLanes& a) const {
    if constexpr (adam) {
      avg_sq_.data()[r] = a.v[k];
      if (h_.amsgrad) max_sq_.data()[r] = a.vmax[k];
    }
  }
  // Adam: the scale k of the step u = k m from <r, r>_x (per lane).
  B adam_scale(AdamLanes& a, index_t j, B rr) const {
    if constexpr (adam) {
      B v = a.v.at(j), vmax = a.vmax.at(j);
      const B k = optim::adam_point_scale(h_, rr, v, vmax, a.step_size.at(j), a.bc2_sqrt.at(j));
      a.v.put(j, v);
      a.vmax.put(j, vmax);
      return k;
    } else {
      return rr;
    }
  }

  // Marks slots whose lanes of any listed array are not finite.
  template <class... L>
  static void mark_nonfinite(StepBlock<T>& b, const L&... lanes) {
    for (index_t k = 0; k < b.count; ++k)
      if (b.live(k) && !(math::isfinite(lanes[k]) && ...)) b.mark(k);
  }

  // The moment m' (scratch) carried to the new point: state row <- out, or
  // zeros if a component is not finite (optim::store_transported). fin is
  // the pass's sum of (out - out): NaN iff a component is not finite.
  void finish_moment(index_t r, T fin) const {
    if (!math::isfinite(fin)) std::fill(mrow(r), mrow(r) + d_, T(0));
  }

  // ---- Poincare ball -------------------------------------------------------
  void ball(StepBlock<T>& b, const StepScratch<T>& s) const {
    const index_t d = d_;
    const T c = m_.c(), max_norm = m_.max_norm();
    const bool project = h_.policy.project, moment = has_moment();
    const bool implicit_u = adam && !decoupled_decay();
    Lane<T> xx, bx, egrad_scale, lam, la, lb;
    // 1. |x|^2 and the boundary factor; projx must not move the point.
    for (index_t k = 0; k < b.count; ++k) {
      const T* x = xrow(b.rows[k]);
      const T sxx = simd::reduce_row<T>(d, [&](auto at) {
        const auto xi = at(x);
        return std::array{xi * xi};
      })[0];
      if (!math::isfinite(sxx) || (project && !(math::sqrt(sxx) <= max_norm))) {
        b.mark(k);
        continue;
      }
      xx[k] = sxx;
      bx[k] = cpu::boundary_factor(c, sxx, x, d);
    }
    AdamLanes a;
    load_adam(b, a);
    for_lane_registers<T>([&](index_t j) {
      const B cb(c), xxj = xx.at(j);
      egrad_scale.put(j, poincare::egrad2rgrad_scale(cb, xxj));
      lam.put(j, poincare::lambda(cb, xxj));
      if (decays()) {  // -logmap_x(o), o = 0: |o|^2 = 0, |o - x|^2 = |x|^2
        const auto k = poincare::logmap(cb, bx.at(j), B(T(1)), xxj);
        la.put(j, k.a);
        lb.put(j, k.b);
      }
    });
    if (decays())
      for (index_t k = 0; k < b.count; ++k)
        if (b.live(k)) {
          const T *x = xrow(b.rows[k]), ka = la[k], kb = lb[k];
          simd::combine_row(d, s.decay + k * d, [&](auto at) {
            const auto xi = at(x);
            return -(ka * (decltype(xi)(T(0)) - xi) + kb * xi);
          });
        }

    // 2. r = egrad2rgrad(x, e) (+ wd w); the moment m' and the step u.
    Lane<T> s_rr, s_mm, s_xm, s_uu, s_xu;
    for (index_t k = 0; k < b.count; ++k) {
      if (!b.live(k)) continue;
      const index_t r = b.rows[k];
      const T *x = xrow(r), *e = b.grad[k], *m = moment ? mrow(r) : nullptr, *w = s.decay + k * d;
      T *mp = s.moment + k * d, *u = s.tangent + k * d;
      const T es = egrad_scale[k];
      const bool first = steps_[std::size_t(r)] == 0;
      const auto sums = simd::reduce_row<T>(d, [&](auto at) {
        using V = decltype(at(x));
        const V xi = at(x);
        V ri = es * at(e);
        if (coupled_decay()) {
          if constexpr (adam)
            ri = optim::adam_coupled_gradient(h_, ri, at(w));
          else
            ri = optim::sgd_decayed_gradient(h_, ri, at(w));
        }
        if constexpr (adam) {
          const V mi = optim::adam_first_moment(h_, at(m), ri);
          put(at, mp, mi);
          return std::array{ri * ri, mi * mi, xi * mi};
        } else {
          V bi(T(0));
          if (moment) {
            bi = optim::sgd_momentum(h_, at(m), ri, first);
            put(at, mp, bi);
          }
          const V ui = optim::sgd_tangent_step(h_, ri, bi);
          put(at, u, ui);
          return std::array{ui * ui, xi * ui, xi * bi};
        }
      });
      if constexpr (adam) {
        s_rr[k] = sums[0], s_mm[k] = sums[1], s_xm[k] = sums[2];
      } else {
        s_uu[k] = sums[0], s_xu[k] = sums[1], s_xm[k] = sums[2];
      }
    }
    if constexpr (adam)
      mark_nonfinite(b, s_rr, s_mm, s_xm);
    else
      mark_nonfinite(b, s_uu, s_xu, s_xm);

    // Adam: the scale k (u = k m'); then the step map's coefficients
    // y = A x + B u.
    Lane<T> scale, ca, cb;
    const auto step_coefficients = [&](index_t j, B uu, B xu) {
      if (exponential()) {
        const auto k = poincare::expmap(B(c), bx.at(j), xx.at(j), uu, xu);
        ca.put(j, k.a);
        cb.put(j, k.b);
      } else {  // retr: x + u, then projx
        ca.put(j, B(T(1)));
        cb.put(j, B(T(1)));
      }
    };
    for_lane_registers<T>([&](index_t j) {
      if constexpr (adam) {
        const B lj = lam.at(j);
        const B k = adam_scale(a, j, lj * lj * s_rr.at(j));  // <r, r>_x = lambda^2 |r|^2
        scale.put(j, k);
        if (implicit_u) step_coefficients(j, k * k * s_mm.at(j), k * s_xm.at(j));
      } else {
        step_coefficients(j, s_uu.at(j), s_xu.at(j));
      }
    });
    if constexpr (adam)
      if (!implicit_u) {  // AdamW: u = k m' - lr wd w, formed explicitly
        for (index_t k = 0; k < b.count; ++k) {
          if (!b.live(k)) continue;
          const T *x = xrow(b.rows[k]), *mp = s.moment + k * d, *w = s.decay + k * d, kk = scale[k];
          T* u = s.tangent + k * d;
          const auto sums = simd::reduce_row<T>(d, [&](auto at) {
            const auto ui = optim::adam_decoupled_step(h_, kk * at(mp), at(w));
            put(at, u, ui);
            return std::array{ui * ui, at(x) * ui};
          });
          s_uu[k] = sums[0], s_xu[k] = sums[1];
        }
        for_lane_registers<T>([&](index_t j) { step_coefficients(j, s_uu.at(j), s_xu.at(j)); });
      }
    if (exponential()) mark_nonfinite(b, ca, cb);  // the scalar kernel retracts instead

    // 3. The new point y (scratch) and the transport's reductions.
    Lane<T> yy, by, dd, dv;
    for (index_t k = 0; k < b.count; ++k) {
      if (!b.live(k)) continue;
      const index_t r = b.rows[k];
      const T *x = xrow(r), *mp = s.moment + k * d, *u = s.tangent + k * d;
      T* y = s.point + k * d;
      const T A = ca[k], Bc = cb[k], kk = scale[k];
      const auto sums = simd::reduce_row<T>(d, [&](auto at) {
        using V = decltype(at(x));
        const V xi = at(x), mi = moment ? at(mp) : V(T(0));
        const V ui = implicit_u ? kk * mi : at(u);
        const V yi = A * xi + Bc * ui;
        put(at, y, yi);
        const V ei = yi - xi;
        return std::array{yi * yi, ei * ei, ei * mi};
      });
      const bool checked = project || !exponential() || stabilizes(r);
      if (!math::isfinite(sums[0]) || (checked && !(math::sqrt(sums[0]) <= max_norm))) {
        b.mark(k);  // non-finite (the kernel retracts), or projx would move y
        continue;
      }
      yy[k] = sums[0], dd[k] = sums[1], dv[k] = sums[2];
      if (moment) by[k] = cpu::boundary_factor(c, sums[0], y, d);
    }

    // Transport coefficients: m <- kv m' + ky y + kx x.
    Lane<T> kv, ky, kx;
    if (moment)
      for_lane_registers<T>([&](index_t j) {
        const auto t = poincare::transp(B(c), bx.at(j), by.at(j), dd.at(j), s_xm.at(j), dv.at(j));
        kv.put(j, t.v);
        ky.put(j, t.y);
        kx.put(j, t.x);
      });

    // 4. Write the point and the carried moment.
    for (index_t k = 0; k < b.count; ++k) {
      if (!b.live(k)) continue;
      const index_t r = b.rows[k];
      T *x = xrow(r), *m = moment ? mrow(r) : nullptr;
      const T *y = s.point + k * d, *mp = s.moment + k * d;
      if (moment) {
        const T tv = kv[k], ty = ky[k], tx = kx[k];
        const T fin = simd::reduce_row<T>(d, [&](auto at) {
          const auto xi = at(x), yi = at(y);
          const auto mi = tv * at(mp) + ty * yi + tx * xi;
          put(at, m, mi);
          put(at, x, yi);
          return std::array{mi - mi};
        })[0];
        finish_moment(r, fin);
      } else {
        std::copy(y, y + d, x);
      }
      store_adam(k, r, a);
      ++steps_[std::size_t(r)];
    }
  }

  // ---- hyperboloid ---------------------------------------------------------
  // The point p = projx(x) differs from x in its time coordinate p0 only.
  void hyperboloid(StepBlock<T>& b, const StepScratch<T>& s) const {
    const index_t d = d_;
    const T c = m_.c();
    const bool project = h_.policy.project, moment = has_moment();
    const bool implicit_u = adam && !decoupled_decay();
    Lane<T> ss, xe, x0, e0, p0, ke;
    // 1. |x_s|^2, <x_s, e_s>: the time coordinate and egrad2rgrad's factor.
    for (index_t k = 0; k < b.count; ++k) {
      const T *x = xrow(b.rows[k]), *e = b.grad[k];
      const auto sums = simd::reduce_row<T>(d, [&](auto at) {
        const auto xi = at.space(x);
        return std::array{xi * xi, xi * at(e)};
      });
      ss[k] = sums[0], xe[k] = sums[1], x0[k] = x[0], e0[k] = e[0];
    }
    mark_nonfinite(b, ss, xe, x0, e0);
    AdamLanes a;
    load_adam(b, a);
    for_lane_registers<T>([&](index_t j) {
      const B cb(c);
      const B t = project ? lorentz::projx_time(cb, ss.at(j)) : x0.at(j);
      p0.put(j, t);
      ke.put(j, cb * (t * e0.at(j) + xe.at(j)));  // egrad2rgrad: r = eta e + c <p, e> p
    });
    if (decays()) {  // -logmap_p(o), o = (1/s, 0, ...): the chord's logmap per row
      for (index_t k = 0; k < b.count; ++k) {
        if (!b.live(k)) continue;
        T *p = s.point + k * d, *w = s.decay + k * d;
        std::copy(xrow(b.rows[k]), xrow(b.rows[k]) + d, p);
        p[0] = p0[k];
        std::fill(w, w + d, T(0));
        w[0] = T(1) / math::sqrt(c);
        RowKernels<M>::logmap(m_, p, w, w, d);
        for (index_t i = 0; i < d; ++i)
          w[i] = -w[i];
      }
    }

    // 2. r, the moment m' and the step u; Lorentzian squares (space part
    // reduced, time coordinate taken out).
    Lane<T> s_rr, s_mm, s_uu, r0, m0, u0;
    for (index_t k = 0; k < b.count; ++k) {
      if (!b.live(k)) continue;
      const index_t r = b.rows[k];
      const T *x = xrow(r), *e = b.grad[k], *m = moment ? mrow(r) : nullptr, *w = s.decay + k * d;
      T *mp = s.moment + k * d, *u = s.tangent + k * d;
      const T pt = p0[k], kr = ke[k];
      const bool first = steps_[std::size_t(r)] == 0;
      T t_r = 0, t_m = 0, t_u = 0;
      const auto sums = simd::reduce_row<T>(d, [&](auto at) {
        using V = decltype(at(x));
        const V pi = with_time(at, x, pt);
        V ri = at.eta(e) + kr * pi;
        if (coupled_decay()) {
          if constexpr (adam)
            ri = optim::adam_coupled_gradient(h_, ri, at(w));
          else
            ri = optim::sgd_decayed_gradient(h_, ri, at(w));
        }
        take_time(at, ri, t_r);
        const V rs = space_of(at, ri);
        if constexpr (adam) {
          const V mi = optim::adam_first_moment(h_, at(m), ri);
          put(at, mp, mi);
          take_time(at, mi, t_m);
          const V ms = space_of(at, mi);
          return std::array{rs * rs, ms * ms};
        } else {
          V bi(T(0));
          if (moment) {
            bi = optim::sgd_momentum(h_, at(m), ri, first);
            put(at, mp, bi);
          }
          const V ui = optim::sgd_tangent_step(h_, ri, bi);
          put(at, u, ui);
          take_time(at, ui, t_u);
          const V us = space_of(at, ui);
          return std::array{rs * rs, us * us};
        }
      });
      s_rr[k] = sums[0], r0[k] = t_r;
      if constexpr (adam)
        s_mm[k] = sums[1], m0[k] = t_m;
      else
        s_uu[k] = sums[1], u0[k] = t_u;
    }
    mark_nonfinite(b, s_rr, s_mm, s_uu);

    // Adam's scale, then the step map's coefficients y = A p + B u.
    Lane<T> scale, ca, cb;
    const auto step_coefficients = [&](index_t j, B uu) {
      if (exponential()) {
        const auto k = lorentz::expmap(B(c), math::nonnegative(uu));
        ca.put(j, k.a);
        cb.put(j, k.b);
      } else {  // retr: p + u, then projx
        ca.put(j, B(T(1)));
        cb.put(j, B(T(1)));
      }
    };
    for_lane_registers<T>([&](index_t j) {
      if constexpr (adam) {
        const B rt = r0.at(j), mt = m0.at(j);
        const B k = adam_scale(a, j, s_rr.at(j) - rt * rt);  // <r, r>_L
        scale.put(j, k);
        if (implicit_u) {
          const B ku = k * mt;
          step_coefficients(j, k * k * s_mm.at(j) - ku * ku);  // <u, u>_L, u = k m'
        }
      } else {
        const B ut = u0.at(j);
        step_coefficients(j, s_uu.at(j) - ut * ut);
      }
    });
    if constexpr (adam)
      if (!implicit_u) {
        for (index_t k = 0; k < b.count; ++k) {
          if (!b.live(k)) continue;
          const T *mp = s.moment + k * d, *w = s.decay + k * d, kk = scale[k];
          T* u = s.tangent + k * d;
          T t_u = 0;
          s_uu[k] = simd::reduce_row<T>(d, [&](auto at) {
            const auto ui = optim::adam_decoupled_step(h_, kk * at(mp), at(w));
            put(at, u, ui);
            take_time(at, ui, t_u);
            const auto us = space_of(at, ui);
            return std::array{us * us};
          })[0];
          u0[k] = t_u;
        }
        for_lane_registers<T>([&](index_t j) {
          const B ut = u0.at(j);
          step_coefficients(j, s_uu.at(j) - ut * ut);
        });
      }
    if (exponential()) mark_nonfinite(b, ca, cb);

    // 3. The new point y (scratch); its time coordinate from projx.
    Lane<T> yss;
    for (index_t k = 0; k < b.count; ++k) {
      if (!b.live(k)) continue;
      const T *x = xrow(b.rows[k]), *mp = s.moment + k * d, *u = s.tangent + k * d;
      T* y = s.point + k * d;
      const T A = ca[k], Bc = cb[k], kk = scale[k], pt = p0[k];
      yss[k] = simd::reduce_row<T>(d, [&](auto at) {
        using V = decltype(at(x));
        const V ui = implicit_u ? kk * at(mp) : at(u);
        const V yi = A * with_time(at, x, pt) + Bc * ui;
        put(at, y, yi);
        const V ys = space_of(at, yi);
        return std::array{ys * ys};
      })[0];
      if (!math::isfinite(yss[k]) || !math::isfinite(y[0])) b.mark(k);
    }
    // retr projects itself; take_step projects after either map.
    if (project || !exponential()) {
      Lane<T> y0;
      for_lane_registers<T>([&](index_t j) { y0.put(j, lorentz::projx_time(B(c), yss.at(j))); });
      for (index_t k = 0; k < b.count; ++k)
        if (b.live(k)) s.point[k * d] = y0[k];
    }

    // 4. Transport m' from p to y (the row kernels: sums on SIMD registers,
    // the coefficient in the regime's form), proju, write.
    for (index_t k = 0; k < b.count; ++k) {
      if (!b.live(k)) continue;
      const index_t r = b.rows[k];
      T *x = xrow(r), *y = s.point + k * d;
      if (moment) {
        T *m = mrow(r), *t = s.tangent + k * d;
        x[0] = p0[k];  // x is p from here on
        RowKernels<M>::transp(m_, x, y, s.moment + k * d, t, d);
        if (project) RowKernels<M>::proju(m_, y, t, t, d);
        const T fin = simd::reduce_row<T>(d, [&](auto at) {
          const auto ti = at(t);
          put(at, m, ti);
          return std::array{ti - ti};
        })[0];
        finish_moment(r, fin);
      }
      std::copy(y, y + d, x);
      if (stabilizes(r)) {
        RowKernels<M>::projx(m_, x, x, d);
        if (moment) {
          T* t = s.tangent + k * d;
          RowKernels<M>::proju(m_, x, mrow(r), t, d);
          std::copy(t, t + d, mrow(r));
        }
      }
      store_adam(k, r, a);
      ++steps_[std::size_t(r)];
    }
  }

  // ---- flat space: every step is coordinatewise (Adam's second moment too) -
  void flat(StepBlock<T>& b) const {
    const index_t d = d_;
    const bool moment = has_moment();
    std::int64_t last = -1;
    [[maybe_unused]] optim::AdamBias<T> bias{};
    for (index_t k = 0; k < b.count; ++k) {
      const index_t r = b.rows[k];
      T *x = xrow(r), *m = moment ? mrow(r) : nullptr;
      const T* e = b.grad[k];
      const std::int64_t t = steps_[std::size_t(r)] + 1;
      const bool first = t == 1;
      T *v = nullptr, *vmax = nullptr;
      if constexpr (adam) {
        if (t != last) bias = optim::adam_bias(h_, t), last = t;
        v = avg_sq_.data() + r * d;
        vmax = h_.amsgrad ? max_sq_.data() + r * d : nullptr;
      }
      const T fin = simd::reduce_row<T>(d, [&](auto at) {
        using V = decltype(at(x));
        const V xi = at(x);
        const V w = -(V(T(0)) - xi);  // -logmap_x(0), = x exactly
        V ri = at(e);
        if (coupled_decay()) {
          if constexpr (adam)
            ri = optim::adam_coupled_gradient(h_, ri, w);
          else
            ri = optim::sgd_decayed_gradient(h_, ri, w);
        }
        V mi(T(0)), ui;
        if constexpr (adam) {
          mi = optim::adam_first_moment(h_, at(m), ri);
          V vi = at(v), vmi = vmax ? at(vmax) : V(T(0));
          ui =
              optim::adam_coordinate_step(h_, mi, ri, vi, vmi, V(bias.step_size), V(bias.bc2_sqrt));
          put(at, v, vi);
          if (vmax) put(at, vmax, vmi);
          if (decoupled_decay()) ui = optim::adam_decoupled_step(h_, ui, w);
        } else {
          if (moment) mi = optim::sgd_momentum(h_, at(m), ri, first);
          ui = optim::sgd_tangent_step(h_, ri, mi);
        }
        if (moment) put(at, m, mi);
        put(at, x, xi + ui);  // expmap (= retr) x + u; projx, transp, proju: identities
        return std::array{mi - mi};
      })[0];
      if (moment) finish_moment(r, fin);
      ++steps_[std::size_t(r)];
    }
  }

  M m_;
  Hyper h_;
  Rows<T> x_;
  index_t d_;
  std::span<std::int64_t> steps_;
  MatrixView<T> moment_, avg_sq_, max_sq_;
};

}  // namespace hyperbolic::cpu::detail
