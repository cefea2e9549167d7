#pragma once
// One row of Riemannian SGD: the per-point update that the scalar optimizer
// (sgd.hpp) runs in a loop and that batched CPU / CUDA backends run for many
// rows in parallel. Everything here is HYP_HD and allocation-free: the caller
// hands in a workspace of sgd_work_size(dim) scalars per concurrent row.
//
// Update of a row x with Euclidean gradient e (k = the row's step count
// before this step; all vectors tangent at x):
//   r   = egrad2rgrad(x, e) + wd * (-logmap_x(o))        (L2 on d(x, o)^2 / 2)
//   b   = r                                  if k == 0   (PyTorch convention)
//       = mu * b + (1 - dampening) * r       otherwise
//   v   = r + mu * b  (Nesterov)  |  b  (heavy ball)     |  r  (mu == 0)
//   x'  = projx(expmap_x(-lr v))  or  projx(retr_x(-lr v))   (take_step, row_math.hpp)
//   b  <- transp_{x -> x'}(b)   (non-finite transport resets b to 0: row_math.hpp)
// b is only touched when mu != 0.

#include <cstdint>

#include "../core/lanes.hpp"
#include "../manifolds/concepts.hpp"
#include "row_math.hpp"
#include "step_policy.hpp"

namespace hyperbolic::optim {

// Plain-data hyperparameters of one SGD step (device-copyable).
template <class T>
struct SgdHyper {
  T lr = T(1e-2);
  T momentum = T(0);
  T dampening = T(0);
  T weight_decay = T(0);
  bool nesterov = false;
  ManifoldPolicy policy{};
};

HYP_HD constexpr index_t sgd_work_size(index_t dim) {
  return 2 * dim;
}

// ---- the coefficient step, one coordinate, over a value type V -------------
// (a scalar here and on CUDA, a SIMD register of coordinates in the CPU
// driver, cpu/optim_rows.hpp; see core/lanes.hpp).

// The gradient with L2 decay along w = -logmap_x(o): r + wd w.
template <class V, class T>
HYP_HD_INLINE V sgd_decayed_gradient(const SgdHyper<T>& h, V r, V w) {
  return r + V(h.weight_decay) * w;
}
// The momentum buffer: r on the row's first step, else mu b + (1 - dampening) r.
template <class V, class T>
HYP_HD_INLINE V sgd_momentum(const SgdHyper<T>& h, V b, V r, bool first) {
  if (first) return r;
  return V(h.momentum) * b + V(T(1) - h.dampening) * r;
}
// The tangent step u = -lr v, v = r + mu b (Nesterov), b (heavy ball), r (mu = 0).
template <class V, class T>
HYP_HD_INLINE V sgd_tangent_step(const SgdHyper<T>& h, V r, V b) {
  if (h.momentum == T(0)) return V(-h.lr) * r;
  if (h.nesterov) return V(-h.lr) * (r + V(h.momentum) * b);
  return V(-h.lr) * b;
}

// Moves the point x by one step. momentum is the row's momentum buffer (dim
// entries; unused when h.momentum == 0), steps the row's step counter
// (incremented), work >= sgd_work_size(dim) scalars not aliasing anything else.
template <Manifold M>
HYP_HD void sgd_step_row(const M& m, const SgdHyper<typename M::scalar>& h,
                         Row<typename M::scalar> x, ConstRow<typename M::scalar> egrad,
                         Row<typename M::scalar> momentum, std::int64_t& steps,
                         Row<typename M::scalar> work) {
  using T = typename M::scalar;
  const index_t d = x.size();
  const Row<T> w0(work.data(), d), w1(work.data() + d, d);
  const ConstRow<T> cx(x), cw0(w0), cw1(w1);
  if (h.policy.project) m.projx(cx, x);

  m.egrad2rgrad(cx, egrad, w0);  // w0 = r
  if (h.weight_decay != T(0)) {
    decay_direction(m, cx, w1);
    for (index_t i = 0; i < d; ++i)
      w0[i] = sgd_decayed_gradient(h, w0[i], w1[i]);
  }
  const bool use_momentum = h.momentum != T(0);
  for (index_t i = 0; i < d; ++i) {
    T b = T(0);
    if (use_momentum) b = momentum[i] = sgd_momentum(h, momentum[i], w0[i], steps == 0);
    w0[i] = sgd_tangent_step(h, w0[i], b);  // the tangent step u
  }
  take_step(m, h.policy, cx, cw0, w1);
  ++steps;
  if (use_momentum) {
    carry_moment(m, h.policy, cx, cw1, momentum, w0);
  }
  copy_row<T>(cw1, x);
  if (h.policy.stabilize_every > 0 && steps % h.policy.stabilize_every == 0) {
    m.projx(cx, x);
    if (use_momentum) {
      m.proju(cx, ConstRow<T>(momentum), w0);
      copy_row<T>(cw0, momentum);
    }
  }
}

}  // namespace hyperbolic::optim
