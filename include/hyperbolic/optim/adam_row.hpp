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
      w0[i] += h.weight_decay * w1[i];

  ++steps;
  const T bc1 = T(1) - ipow(h.beta1, steps);
  const T bc2_sqrt = math::sqrt(T(1) - ipow(h.beta2, steps));
  const T step_size = h.lr / bc1;
  for (index_t i = 0; i < d; ++i)
    exp_avg[i] = h.beta1 * exp_avg[i] + (T(1) - h.beta1) * w0[i];

  if constexpr (per_coordinate) {
    for (index_t i = 0; i < d; ++i) {
      exp_avg_sq[i] = h.beta2 * exp_avg_sq[i] + (T(1) - h.beta2) * (w0[i] * w0[i]);
      T v = exp_avg_sq[i];
      if (h.amsgrad) {
        max_exp_avg_sq[i] = math::max_nan(max_exp_avg_sq[i], v);
        v = max_exp_avg_sq[i];
      }
      w0[i] = -step_size * (exp_avg[i] / (math::sqrt(v) / bc2_sqrt + h.eps));
    }
  } else {
    // <r, r>_x is a square; on the hyperboloid far from the origin it cancels to within
    // rounding of 0 and can round negative, which would put a negative v under the sqrt.
    const T rr = math::max_nan(m.inner(cx, cw0, cw0), T(0));
    exp_avg_sq[0] = h.beta2 * exp_avg_sq[0] + (T(1) - h.beta2) * rr;
    T v = exp_avg_sq[0];
    if (h.amsgrad) {
      max_exp_avg_sq[0] = math::max_nan(max_exp_avg_sq[0], v);
      v = max_exp_avg_sq[0];
    }
    const T k = -step_size / (math::sqrt(v) / bc2_sqrt + h.eps);
    for (index_t i = 0; i < d; ++i)
      w0[i] = k * exp_avg[i];
  }
  if (decay && h.decay == WeightDecay::decoupled)
    for (index_t i = 0; i < d; ++i)
      w0[i] -= h.lr * h.weight_decay * w1[i];

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
