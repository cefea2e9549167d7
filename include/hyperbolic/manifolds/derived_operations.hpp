#pragma once
// Operations written once over a model's primitives (the Manifold concept),
// to which the models' member functions delegate: the derived API is not
// restated per model. Each takes the manifold and rows like the members.

#include "../core/config.hpp"
#include "../core/row_view.hpp"

namespace hyperbolic::derived {

// First-order retraction: x + u, then the model's projection back onto the
// manifold. out may alias x or u.
template <class M, class T>
HYP_HD_INLINE void projected_retraction(const M& m, ConstRow<T> x, ConstRow<T> u, Row<T> out) {
  for (index_t i = 0; i < x.size(); ++i)
    out[i] = x[i] + u[i];
  m.projx(out, out);
}

// Point at time t on the geodesic from x (t = 0) to y (t = 1):
// exp_x(t log_x(y)). out must not alias x.
template <class M, class T>
HYP_HD_INLINE void geodesic_by_exp_log(const M& m, ConstRow<T> x, ConstRow<T> y, T t, Row<T> out) {
  m.logmap(x, y, out);
  for (index_t i = 0; i < out.size(); ++i)
    out[i] *= t;
  m.expmap(x, out, out);
}

}  // namespace hyperbolic::derived
