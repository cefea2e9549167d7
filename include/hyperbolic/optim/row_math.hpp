#pragma once
// Small row helpers shared by the per-row optimizer updates (host and device).

#include <cstdint>

#include "../core/combine.hpp"
#include "step_policy.hpp"

namespace hyperbolic::optim {

// b^n for n >= 0 by repeated squaring (no libm pow on the device path). Each
// squaring doubles the relative error so far: up to about n eps relative, which
// in the bias correction 1 - b^n is an absolute n eps b^n (largest at
// n = 1/ln(1/b): eps / (e ln(1/b)), 8e-14 in double for b = 0.999).
// Branch-free: each bit multiplies by exactly b or exactly 1 (bit * b + (1 - bit)
// is exact for bit in {0, 1} and finite b), so the result is the branching
// loop's bit for bit. A row's step count has effectively random low bits, and
// the branch on them mispredicted often enough that this took Adam's ball step
// from 170 to 123 ns (docs/optimizers.md).
template <class T>
HYP_HD_INLINE T ipow(T b, std::int64_t n) {
  T r = T(1);
  while (n > 0) {
    const T bit = T(n & 1);
    r *= bit * b + (T(1) - bit);
    b *= b;
    n >>= 1;
  }
  return r;
}

template <class T>
HYP_HD_INLINE void copy_row(NoDeduce<ConstRow<T>> from, NoDeduce<Row<T>> to) {
  for (index_t i = 0; i < from.size(); ++i)
    to[i] = from[i];
}

template <class T>
HYP_HD_INLINE bool all_finite(NoDeduce<ConstRow<T>> v) {
  bool finite = true;
  for (index_t i = 0; i < v.size(); ++i)
    finite = finite && math::isfinite(v[i]);
  return finite;
}

// Stores a transported moment, or zeros if transport failed (a non-finite
// component: e.g. PoincareBall::transp between two points at the float
// boundary of the ball, where its denominator cancels to 0). A moment that
// cannot be carried to the new point is dropped rather than poisoning the row.
// Returns false when it dropped the moment.
template <class T>
HYP_HD_INLINE bool store_transported(NoDeduce<ConstRow<T>> transported, NoDeduce<Row<T>> moment) {
  const bool finite = all_finite<T>(transported);
  for (index_t i = 0; i < transported.size(); ++i)
    moment[i] = finite ? transported[i] : T(0);
  return finite;
}

// out = expmap_x(u) or retr_x(u), then projx if the policy asks. If the
// exponential map returns a non-finite point (PoincareBall::expmap cancels to
// 0/0 when a long step starts within a few ulp of the boundary, Lorentz's
// cosh overflows past distance ~710), the retraction is used for this step.
// out must not alias x or u.
template <class M>
HYP_HD void take_step(const M& m, const ManifoldPolicy& policy, ConstRow<typename M::scalar> x,
                      ConstRow<typename M::scalar> u, Row<typename M::scalar> out) {
  using T = typename M::scalar;
  if (policy.step_map == StepMap::retraction) {
    m.retr(x, u, out);
  } else {
    m.expmap(x, u, out);
    if (!all_finite<T>(ConstRow<T>(out))) m.retr(x, u, out);
  }
  if (policy.project) m.projx(ConstRow<T>(out), out);
}

// moment <- proju_y(transp_{x -> y}(moment)) (proju only if the policy
// projects: it removes the normal component that rounding adds at every step,
// which would otherwise accumulate in a long-lived moment), or zeros if the
// transport failed (see store_transported). work: moment.size() scalars not
// aliasing anything else.
template <class M>
HYP_HD void carry_moment(const M& m, const ManifoldPolicy& policy, ConstRow<typename M::scalar> x,
                         ConstRow<typename M::scalar> y, Row<typename M::scalar> moment,
                         Row<typename M::scalar> work) {
  using T = typename M::scalar;
  m.transp(x, y, ConstRow<T>(moment), work);
  if (policy.project) {
    m.proju(y, ConstRow<T>(work), moment);
    store_transported<T>(ConstRow<T>(moment), moment);
  } else {
    store_transported<T>(ConstRow<T>(work), moment);
  }
}

// The Riemannian gradient of the weight-decay penalty (1/2) d(x, o)^2 at x:
// -logmap_x(o), o the manifold's origin. On Euclidean space it is x itself,
// exactly (logmap computes 0 - x), so weight decay reduces to textbook L2.
template <class M>
HYP_HD void decay_direction(const M& m, ConstRow<typename M::scalar> x,
                            Row<typename M::scalar> out) {
  using T = typename M::scalar;
  m.origin(out);
  m.logmap(x, ConstRow<T>(out), out);
  for (index_t i = 0; i < out.size(); ++i)
    out[i] = -out[i];
}

}  // namespace hyperbolic::optim
