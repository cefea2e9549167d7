#pragma once
// One row of Riemannian Adam (see sgd_row.hpp for the calling convention:
// HYP_HD, allocation-free, workspace from the caller).
//
// Update of a row x with Euclidean gradient e; t = the row's step count after
// this step (t >= 1); o the manifold's origin; w = -logmap_x(o):
//   r   = egrad2rgrad(x, e) + wd * w                      (coupled L2 only)
//   m   = b1 m + (1 - b1) r                               (tangent at x)
//   v   = b2 v + (1 - b2) <r, r>_x    one scalar per point (hyperbolic)
//       = b2 v + (1 - b2) r_i^2       per coordinate      (Euclidean)
//   vm  = max(vm, v) if AMSGrad, else v
//   den = sqrt(vm) / sqrt(1 - b2^t) + eps
//   u   = -(lr / (1 - b1^t)) m / den  -  lr * wd * w      (decoupled: AdamW)
//   x'  = projx(expmap_x(u))  or  projx(retr_x(u))   (take_step, row_math.hpp)
//   m  <- transp_{x -> x'}(m)        (v, vm are scalars or coordinatewise: kept)
//   (a transport with a non-finite component resets m to 0: row_math.hpp)

#include <cstdint>

#include "../core/lanes.hpp"
#include "../manifolds/concepts.hpp"
#include "row_math.hpp"
#include "second_moment.hpp"
#include "step_policy.hpp"

namespace hyperbolic::optim {

enum class WeightDecay : std::uint8_t {
  coupled = 0,    // L2: wd * w added to the gradient, then preconditioned (Adam)
  decoupled = 1,  // added to the step, not preconditioned (AdamW, Loshchilov & Hutter)
};

template <class T>
struct AdamHyper {
  T lr = T(1e-3);
  T beta1 = T(0.9);
  T beta2 = T(0.999);
  T eps = T(1e-8);
  T weight_decay = T(0);
  WeightDecay decay = WeightDecay::coupled;
  bool amsgrad = false;
  ManifoldPolicy policy{};
};

HYP_HD constexpr index_t adam_work_size(index_t dim) {
  return 2 * dim;
}

// ---- the coefficient step, written once over a value type V ---------------
// (a scalar here and on CUDA; a SIMD register of rows or of coordinates in
// the CPU driver, cpu/optim_rows.hpp; see core/lanes.hpp).

// Bias corrections of a row's t-th step (t >= 1): lr / (1 - b1^t) and
// sqrt(1 - b2^t).
template <class T>
struct AdamBias {
  T step_size, bc2_sqrt;
};
template <class T>
HYP_HD_INLINE AdamBias<T> adam_bias(const AdamHyper<T>& h, std::int64_t t) {
  return {h.lr / (T(1) - ipow(h.beta1, t)), math::sqrt(T(1) - ipow(h.beta2, t))};
}

// First moment, one coordinate: b1 m + (1 - b1) r.
template <class V, class T>
HYP_HD_INLINE V adam_first_moment(const AdamHyper<T>& h, V m, V r) {
  return V(h.beta1) * m + V(T(1) - h.beta1) * r;
}

// Second moment from rr (<r, r>_x of a point, or r_i^2 of a coordinate):
// v <- b2 v + (1 - b2) rr, vmax <- max(vmax, v) under AMSGrad (else
// untouched); returns the denominator sqrt(vmax or v) / sqrt(1 - b2^t) + eps.
template <class V, class T>
HYP_HD_INLINE V adam_denominator(const AdamHyper<T>& h, V rr, V& v, V& vmax, V bc2_sqrt) {
  v = V(h.beta2) * v + V(T(1) - h.beta2) * rr;
  V vv = v;
  if (h.amsgrad) {
    vmax = math::max_nan(vmax, v);
    vv = vmax;
  }
  return math::sqrt(vv) / bc2_sqrt + V(h.eps);
}

// One scalar per point: the step is u = k m with this k, from
// rr = <r, r>_x. <r, r>_x is a square; on the hyperboloid far from the origin
// it cancels to within rounding of 0 and can round negative, which would put
// a negative v under the sqrt: clamped at 0 (NaN kept).
template <class V, class T>
HYP_HD_INLINE V adam_point_scale(const AdamHyper<T>& h, V rr, V& v, V& vmax, V step_size,
                                 V bc2_sqrt) {
  return -step_size / adam_denominator(h, math::max_nan(rr, V(0)), v, vmax, bc2_sqrt);
}

// One scalar per coordinate (Euclidean): the step's coordinate from the
// coordinate's first moment m and gradient r.
template <class V, class T>
HYP_HD_INLINE V adam_coordinate_step(const AdamHyper<T>& h, V m, V r, V& v, V& vmax, V step_size,
                                     V bc2_sqrt) {
  return -step_size * (m / adam_denominator(h, r * r, v, vmax, bc2_sqrt));
}

// Weight decay, one coordinate, w the decay direction (-logmap_x(o)):
// coupled adds wd w to the gradient, decoupled takes lr wd w off the step.
template <class V, class T>
HYP_HD_INLINE V adam_coupled_gradient(const AdamHyper<T>& h, V r, V w) {
  return r + V(h.weight_decay) * w;
}
template <class V, class T>
HYP_HD_INLINE V adam_decoupled_step(const AdamHyper<T>& h, V u, V w) {
  return u - V(h.lr * h.weight_decay) * w;
}

// exp_avg: dim entries; exp_avg_sq and max_exp_avg_sq:
// second_moment_width<M>(dim) entries (max_exp_avg_sq unused unless amsgrad);
// steps: the row's step counter (incremented); work >= adam_work_size(dim).
template <Manifold M>
HYP_HD void adam_step_row(const M& m, const AdamHyper<typename M::scalar>& h,
                          Row<typename M::scalar> x, ConstRow<typename M::scalar> egrad,
                          Row<typename M::scalar> exp_avg, Row<typename M::scalar> exp_avg_sq,
                          Row<typename M::scalar> max_exp_avg_sq, std::int64_t& steps,
                          Row<typename M::scalar> work) {
  using T = typename M::scalar;
  constexpr bool per_coordinate = second_moment_per_coordinate_v<M>;
  const index_t d = x.size();
  const Row<T> w0(work.data(), d), w1(work.data() + d, d);
  const ConstRow<T> cx(x), cw0(w0), cw1(w1);
  if (h.policy.project) m.projx(cx, x);

  const bool decay = h.weight_decay != T(0);
  if (decay) decay_direction(m, cx, w1);  // w1 = w, kept until the step is formed
  m.egrad2rgrad(cx, egrad, w0);           // w0 = r
  if (decay && h.decay == WeightDecay::coupled)
    for (index_t i = 0; i < d; ++i)
      w0[i] = adam_coupled_gradient(h, w0[i], w1[i]);

  ++steps;
  const AdamBias<T> bias = adam_bias(h, steps);
  for (index_t i = 0; i < d; ++i)
    exp_avg[i] = adam_first_moment(h, exp_avg[i], w0[i]);

  if constexpr (per_coordinate) {
    for (index_t i = 0; i < d; ++i) {
      T vmax = h.amsgrad ? max_exp_avg_sq[i] : T(0);
      w0[i] = adam_coordinate_step(h, exp_avg[i], w0[i], exp_avg_sq[i], vmax, bias.step_size,
                                   bias.bc2_sqrt);
      if (h.amsgrad) max_exp_avg_sq[i] = vmax;
    }
  } else {
    T vmax = h.amsgrad ? max_exp_avg_sq[0] : T(0);
    const T k = adam_point_scale(h, m.inner(cx, cw0, cw0), exp_avg_sq[0], vmax, bias.step_size,
                                 bias.bc2_sqrt);
    if (h.amsgrad) max_exp_avg_sq[0] = vmax;
    for (index_t i = 0; i < d; ++i)
      w0[i] = k * exp_avg[i];
  }
  if (decay && h.decay == WeightDecay::decoupled)
    for (index_t i = 0; i < d; ++i)
      w0[i] = adam_decoupled_step(h, w0[i], w1[i]);

  // w0 = u; move, then carry the first moment along.
  take_step(m, h.policy, cx, cw0, w1);
  carry_moment(m, h.policy, cx, cw1, exp_avg, w0);
  copy_row<T>(cw1, x);
  if (h.policy.stabilize_every > 0 && steps % h.policy.stabilize_every == 0) {
    m.projx(cx, x);
    m.proju(cx, ConstRow<T>(exp_avg), w0);
    copy_row<T>(cw0, exp_avg);
  }
}

}  // namespace hyperbolic::optim
