#pragma once
// Isometries between the models, all at the same curvature -c:
//   Poincare ball  x, |x| < 1/sqrt(c)        (n coordinates)
//   hyperboloid    y, <y, y>_L = -1/c         (n + 1, time first)
//   Klein disk     k, |k| < 1/sqrt(c)         (n coordinates)
// Each has a backward (vector-Jacobian product) returning dL/dc.

#include "../core/combine.hpp"
#include "../core/dual.hpp"
#include "lorentz/coefficients.hpp"
#include "poincare/coefficients.hpp"

namespace hyperbolic {

namespace conversion {

// Poincare -> hyperboloid: y0 = (1 + c|x|^2) / (s (1 - c|x|^2)), y_s = 2x / (1 - c|x|^2).
template <class S>
HYP_HD_INLINE lorentz::Radial<S> poincare_to_lorentz(S c, S xx) {
  const S den = S(1) - c * xx;
  return {(S(1) + c * xx) / (math::sqrt(c) * den), S(2) / den};
}
// hyperboloid -> Poincare: x = y_s / (1 + s y0).
template <class S>
HYP_HD_INLINE S lorentz_to_poincare(S c, S y0) {
  return S(1) / (S(1) + math::sqrt(c) * y0);
}
// Klein -> hyperboloid: y0 = 1 / (s sqrt(1 - c|k|^2)), y_s = k / sqrt(1 - c|k|^2).
template <class S>
HYP_HD_INLINE lorentz::Radial<S> klein_to_lorentz(S c, S kk) {
  const S r = S(1) / math::sqrt(S(1) - c * kk);
  return {r / math::sqrt(c), r};
}
// hyperboloid -> Klein: k = y_s / (s y0).
template <class S>
HYP_HD_INLINE S lorentz_to_klein(S c, S y0) {
  return S(1) / (math::sqrt(c) * y0);
}

}  // namespace conversion

template <class T>
HYP_HD void poincare_to_lorentz(T c, NoDeduce<ConstRow<T>> x, NoDeduce<Row<T>> y) {
  const auto k = conversion::poincare_to_lorentz(c, squared_norm(x));
  for (index_t i = 0; i < x.size(); ++i)
    y[i + 1] = k.space * x[i];
  y[0] = k.time;
}
template <class T>
HYP_HD void lorentz_to_poincare(T c, NoDeduce<ConstRow<T>> y, NoDeduce<Row<T>> x) {
  const T a = conversion::lorentz_to_poincare(c, y[0]);
  for (index_t i = 0; i < x.size(); ++i)
    x[i] = a * y[i + 1];
}
template <class T>
HYP_HD void poincare_to_klein(T c, NoDeduce<ConstRow<T>> x, NoDeduce<Row<T>> k) {
  scale_into(poincare::poincare_to_klein(c, squared_norm(x)), x, k);
}
template <class T>
HYP_HD void klein_to_poincare(T c, NoDeduce<ConstRow<T>> k, NoDeduce<Row<T>> x) {
  scale_into(poincare::klein_to_poincare(c, squared_norm(k)), k, x);
}
template <class T>
HYP_HD void klein_to_lorentz(T c, NoDeduce<ConstRow<T>> k, NoDeduce<Row<T>> y) {
  const auto r = conversion::klein_to_lorentz(c, squared_norm(k));
  for (index_t i = 0; i < k.size(); ++i)
    y[i + 1] = r.space * k[i];
  y[0] = r.time;
}
template <class T>
HYP_HD void lorentz_to_klein(T c, NoDeduce<ConstRow<T>> y, NoDeduce<Row<T>> k) {
  const T a = conversion::lorentz_to_klein(c, y[0]);
  for (index_t i = 0; i < k.size(); ++i)
    k[i] = a * y[i + 1];
}

// ---- backward passes: overwrite the input gradient, return dL/dc ----------

namespace conversion {
// out_0 = f0(c, |v|^2), out_s = f(c, |v|^2) v  ->  gradient for v.
template <class T, class F>
HYP_HD T radial_to_lorentz_backward(F f, T c, ConstRow<T> v, ConstRow<T> g, Row<T> gv) {
  using D = Dual<T, 2>;
  const auto k = f(D::variable(c, 0), D::variable(squared_norm(v), 1));
  const D L = k.time * g[0] + k.space * dot(g.tail(), v);
  for (index_t i = 0; i < v.size(); ++i)
    gv[i] = k.space.v * g[i + 1] + T(2) * L.d[1] * v[i];
  return L.d[0];
}
// out = a(c, y0) y_s  ->  gradient for y.
template <class T, class F>
HYP_HD T lorentz_to_radial_backward(F f, T c, ConstRow<T> y, ConstRow<T> g, Row<T> gy) {
  using D = Dual<T, 2>;
  const D a = f(D::variable(c, 0), D::variable(y[0], 1));
  const T gys = dot(g, y.tail());
  for (index_t i = 0; i < g.size(); ++i)
    gy[i + 1] = a.v * g[i];
  gy[0] = a.d[1] * gys;
  return a.d[0] * gys;
}
struct PoincareToLorentz {
  template <class S>
  HYP_HD auto operator()(S c, S xx) const {
    return poincare_to_lorentz(c, xx);
  }
};
struct KleinToLorentz {
  template <class S>
  HYP_HD auto operator()(S c, S kk) const {
    return klein_to_lorentz(c, kk);
  }
};
struct LorentzToPoincare {
  template <class S>
  HYP_HD S operator()(S c, S y0) const {
    return lorentz_to_poincare(c, y0);
  }
};
struct LorentzToKlein {
  template <class S>
  HYP_HD S operator()(S c, S y0) const {
    return lorentz_to_klein(c, y0);
  }
};
struct PoincareToKlein {
  template <class S>
  HYP_HD S operator()(S c, S xx) const {
    return poincare::poincare_to_klein(c, xx);
  }
};
struct KleinToPoincare {
  template <class S>
  HYP_HD S operator()(S c, S kk) const {
    return poincare::klein_to_poincare(c, kk);
  }
};
}  // namespace conversion

// Gradient outputs must not alias the inputs here (sizes differ by one).
template <class T>
HYP_HD T poincare_to_lorentz_backward(T c, NoDeduce<ConstRow<T>> x, NoDeduce<ConstRow<T>> g,
                                      NoDeduce<Row<T>> gx) {
  return conversion::radial_to_lorentz_backward(conversion::PoincareToLorentz{}, c, x, g, gx);
}
template <class T>
HYP_HD T klein_to_lorentz_backward(T c, NoDeduce<ConstRow<T>> k, NoDeduce<ConstRow<T>> g,
                                   NoDeduce<Row<T>> gk) {
  return conversion::radial_to_lorentz_backward(conversion::KleinToLorentz{}, c, k, g, gk);
}
template <class T>
HYP_HD T lorentz_to_poincare_backward(T c, NoDeduce<ConstRow<T>> y, NoDeduce<ConstRow<T>> g,
                                      NoDeduce<Row<T>> gy) {
  return conversion::lorentz_to_radial_backward(conversion::LorentzToPoincare{}, c, y, g, gy);
}
template <class T>
HYP_HD T lorentz_to_klein_backward(T c, NoDeduce<ConstRow<T>> y, NoDeduce<ConstRow<T>> g,
                                   NoDeduce<Row<T>> gy) {
  return conversion::lorentz_to_radial_backward(conversion::LorentzToKlein{}, c, y, g, gy);
}
template <class T>
HYP_HD T poincare_to_klein_backward(T c, NoDeduce<ConstRow<T>> x, NoDeduce<ConstRow<T>> g,
                                    NoDeduce<Row<T>> gx) {
  return radial_backward(conversion::PoincareToKlein{}, c, x, g, gx);
}
template <class T>
HYP_HD T klein_to_poincare_backward(T c, NoDeduce<ConstRow<T>> k, NoDeduce<ConstRow<T>> g,
                                    NoDeduce<Row<T>> gk) {
  return radial_backward(conversion::KleinToPoincare{}, c, k, g, gk);
}

}  // namespace hyperbolic
