#pragma once
// Random points: the wrapped normal distribution (host only; the caller owns
// the random engine, so runs are reproducible).
//
// wrapped_normal(m, mean, std, rng, out): draw v ~ N(0, std^2 I) in
// orthonormal coordinates of the tangent space at the origin, transport it
// to `mean` and map it with expmap. Then dist(mean, sample) = |v|: its
// distance from the mean is chi-distributed with n degrees of freedom and
// scale std, on every manifold (on the sphere: for |v| < pi/sqrt(c); longer
// vectors wrap around).

#include <random>

#include "euclidean.hpp"
#include "lorentz/lorentz.hpp"
#include "poincare/poincare_ball.hpp"
#include "sphere/sphere.hpp"

namespace hyperbolic {

namespace detail {
// Euclidean length of a unit-norm tangent vector at the origin.
template <class M>
typename M::scalar origin_unit_length(const M&) {
  using T = typename M::scalar;
  if constexpr (model_kind_v<M> == ModelKind::poincare)
    return T(0.5);  // lambda_0 = 2
  else
    return T(1);
}
// The first coordinate of the origin's tangent space: the sphere's origin is
// (1/s, 0, ..., 0), so its tangent vectors have coordinate 0 zero as well.
template <class M>
constexpr index_t first_space_coordinate() {
  return model_kind_v<M> == ModelKind::sphere ? 1 : first_space_coordinate_v<M>;
}
}  // namespace detail

template <class M, class Rng>
void wrapped_normal(const M& m, ConstRow<typename M::scalar> mean, typename M::scalar std, Rng& rng,
                    Row<typename M::scalar> out) {
  using T = typename M::scalar;
  std::normal_distribution<T> normal(T(0), std * detail::origin_unit_length(m));
  for (index_t i = 0; i < out.size(); ++i)
    out[i] = i < detail::first_space_coordinate<M>() ? T(0) : normal(rng);
  m.transp0(mean, out, out);
  m.expmap(mean, out, out);
}

// A wrapped normal sample around the origin.
template <class M, class Rng>
void random_normal(const M& m, typename M::scalar std, Rng& rng, Row<typename M::scalar> out) {
  using T = typename M::scalar;
  std::normal_distribution<T> normal(T(0), std * detail::origin_unit_length(m));
  for (index_t i = 0; i < out.size(); ++i)
    out[i] = i < detail::first_space_coordinate<M>() ? T(0) : normal(rng);
  m.expmap0(out, out);
}

}  // namespace hyperbolic
