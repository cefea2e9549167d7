#pragma once
// The Manifold concept: what optimizers, batched backends and the property
// tests require. A user-written manifold satisfies it by providing these
// members; no base class is involved.

#include <concepts>

#include "../core/row_view.hpp"
#include "check_result.hpp"

namespace hyperbolic {

template <class M>
concept Manifold = requires(const M m, ConstRow<typename M::scalar> x, Row<typename M::scalar> out,
                            typename M::scalar t) {
  typename M::scalar;
  { M::name } -> std::convertible_to<const char*>;
  // Number of stored coordinates of a point of intrinsic dimension n.
  { M::ambient_dim(index_t{}) } -> std::same_as<index_t>;
  { m.inner(x, x, x) } -> std::same_as<typename M::scalar>;
  { m.norm(x, x) } -> std::same_as<typename M::scalar>;
  { m.dist(x, x) } -> std::same_as<typename M::scalar>;
  m.expmap(x, x, out);
  m.logmap(x, x, out);
  m.retr(x, x, out);
  m.projx(x, out);
  m.proju(x, x, out);
  m.egrad2rgrad(x, x, out);
  m.transp(x, x, x, out);
  m.geodesic(x, x, t, out);
  m.origin(out);
  { m.check_point(x) } -> std::same_as<CheckResult<typename M::scalar>>;
  { m.check_vector(x, x) } -> std::same_as<CheckResult<typename M::scalar>>;
};

// Manifolds whose curvature -c is a differentiable parameter.
template <class M>
concept CurvedManifold = Manifold<M> && requires(const M m) {
  { m.c() } -> std::same_as<typename M::scalar>;
};

}  // namespace hyperbolic
