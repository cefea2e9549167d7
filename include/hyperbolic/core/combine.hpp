#pragma once
// Small helpers shared by the scalar (one point) implementations.

#include "dual.hpp"
#include "reductions.hpp"

namespace hyperbolic {

// Gradient through a norm n = |v|: dL/dv = (dL/dn) v / n, with the
// subgradient 0 at v = 0 (where every primitive here is flat or undefined).
template <class T>
HYP_HD_INLINE T per_norm(T dl_dn, T n) {
  return n > T(0) ? dl_dn / n : T(0);
}
// The same as two factors, dL/dv = outer * (inner * v): beyond n = 1 the
// direction v / n is formed first. Far out on the hyperboloid dL/dn ~ 1/n,
// and (dL/dn) / n ~ 1/n^2 is below the smallest float (double) once n
// exceeds ~1e19 (~1e154): the one-factor form returned a zero gradient there.
template <class T>
struct NormScale {
  T outer, inner;
};
template <class T>
HYP_HD_INLINE NormScale<T> per_norm_split(T dl_dn, T n) {
  if (n > T(1)) return {dl_dn, T(1) / n};
  return {per_norm(dl_dn, n), T(1)};
}

template <class T>
HYP_HD_INLINE void scale_into(T a, NoDeduce<ConstRow<T>> x, NoDeduce<Row<T>> out) {
  for (index_t i = 0; i < x.size(); ++i)
    out[i] = a * x[i];
}

template <class T>
HYP_HD_INLINE void fill(NoDeduce<Row<T>> out, T v) {
  for (index_t i = 0; i < out.size(); ++i)
    out[i] = v;
}

// Backward of out = a(c, |v|^2) v for a coefficient function object f:
// dL/dv = a g + 2 (da/d|v|^2) <g, v> v; returns dL/dc. gv may alias g or v.
template <class T, class F>
HYP_HD T radial_backward(F f, T c, NoDeduce<ConstRow<T>> v, NoDeduce<ConstRow<T>> g,
                         NoDeduce<Row<T>> gv) {
  using D = Dual<T, 2>;
  const D a = f(D::variable(c, 0), D::variable(squared_norm(v), 1));
  const T gvd = dot(g, v), k = T(2) * a.d[1] * gvd;
  for (index_t i = 0; i < v.size(); ++i)
    gv[i] = a.v * g[i] + k * v[i];
  return a.d[0] * gvd;
}

}  // namespace hyperbolic
