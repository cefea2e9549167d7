#pragma once
// Forward-mode dual numbers over a handful of scalars.
//
// Backward passes keep the reduce -> coefficients -> combine shape: the rows
// are reduced to a few inner products, and the coefficient step is a scalar
// function of those. Evaluating that scalar function on Dual<T, N> gives its
// partial derivatives with respect to the N reduction values (and c) in the
// same pass. Duals never touch rows, so their cost is independent of the
// dimension. Every elementary function below carries its own derivative rule;
// the special functions in special_functions.hpp supply stable derivatives.

#include "scalar_math.hpp"

namespace hyperbolic {

template <class T, int N>
struct Dual {
  T v{};
  T d[N]{};

  constexpr Dual() = default;
  HYP_HD constexpr Dual(T value) : v(value) {}  // NOLINT: constants promote implicitly

  // A seeded variable: derivative 1 in slot `slot`.
  HYP_HD static constexpr Dual variable(T value, int slot) {
    Dual r(value);
    r.d[slot] = T(1);
    return r;
  }
};

template <class T>
struct is_dual : std::false_type {};
template <class T, int N>
struct is_dual<Dual<T, N>> : std::true_type {};

namespace math {
template <class T, int N>
HYP_HD_INLINE T value(const Dual<T, N>& x) {
  return x.v;
}
}  // namespace math

// Chain rule for a unary function: f(x) with f'(x) = slope.
template <class T, int N>
HYP_HD_INLINE Dual<T, N> chain(const Dual<T, N>& x, T fx, T slope) {
  Dual<T, N> r(fx);
  // A slot the argument does not depend on stays exactly 0, even where the
  // slope is infinite (sqrt at 0): 0 * inf must not poison unrelated slots.
  for (int i = 0; i < N; ++i)
    r.d[i] = x.d[i] == T(0) ? T(0) : slope * x.d[i];
  return r;
}

template <class T, int N>
HYP_HD_INLINE Dual<T, N> operator-(const Dual<T, N>& a) {
  return chain(a, -a.v, T(-1));
}
template <class T, int N>
HYP_HD_INLINE Dual<T, N> operator+(const Dual<T, N>& a, const Dual<T, N>& b) {
  Dual<T, N> r(a.v + b.v);
  for (int i = 0; i < N; ++i)
    r.d[i] = a.d[i] + b.d[i];
  return r;
}
template <class T, int N>
HYP_HD_INLINE Dual<T, N> operator-(const Dual<T, N>& a, const Dual<T, N>& b) {
  Dual<T, N> r(a.v - b.v);
  for (int i = 0; i < N; ++i)
    r.d[i] = a.d[i] - b.d[i];
  return r;
}
template <class T, int N>
HYP_HD_INLINE Dual<T, N> operator*(const Dual<T, N>& a, const Dual<T, N>& b) {
  Dual<T, N> r(a.v * b.v);
  for (int i = 0; i < N; ++i)
    r.d[i] = a.d[i] * b.v + a.v * b.d[i];
  return r;
}
template <class T, int N>
HYP_HD_INLINE Dual<T, N> operator/(const Dual<T, N>& a, const Dual<T, N>& b) {
  const T q = a.v / b.v;
  Dual<T, N> r(q);
  for (int i = 0; i < N; ++i)
    r.d[i] = (a.d[i] - q * b.d[i]) / b.v;
  return r;
}

// Mixed operations with plain scalars.
#define HYP_DUAL_MIXED(op)                                         \
  template <class T, int N>                                        \
  HYP_HD_INLINE Dual<T, N> operator op(const Dual<T, N>& a, T b) { \
    return a op Dual<T, N>(b);                                     \
  }                                                                \
  template <class T, int N>                                        \
  HYP_HD_INLINE Dual<T, N> operator op(T a, const Dual<T, N>& b) { \
    return Dual<T, N>(a) op b;                                     \
  }
HYP_DUAL_MIXED(+)
HYP_DUAL_MIXED(-)
HYP_DUAL_MIXED(*)
HYP_DUAL_MIXED(/)
#undef HYP_DUAL_MIXED

template <class T, int N>
HYP_HD_INLINE Dual<T, N>& operator+=(Dual<T, N>& a, const Dual<T, N>& b) {
  return a = a + b;
}
template <class T, int N>
HYP_HD_INLINE Dual<T, N>& operator*=(Dual<T, N>& a, const Dual<T, N>& b) {
  return a = a * b;
}

// Comparisons look at the value only (branch selection).
#define HYP_DUAL_CMP(op)                                                     \
  template <class T, int N>                                                  \
  HYP_HD_INLINE bool operator op(const Dual<T, N>& a, const Dual<T, N>& b) { \
    return a.v op b.v;                                                       \
  }                                                                          \
  template <class T, int N>                                                  \
  HYP_HD_INLINE bool operator op(const Dual<T, N>& a, T b) {                 \
    return a.v op b;                                                         \
  }                                                                          \
  template <class T, int N>                                                  \
  HYP_HD_INLINE bool operator op(T a, const Dual<T, N>& b) {                 \
    return a op b.v;                                                         \
  }
HYP_DUAL_CMP(<)
HYP_DUAL_CMP(>)
HYP_DUAL_CMP(<=)
HYP_DUAL_CMP(>=)
HYP_DUAL_CMP(==)
#undef HYP_DUAL_CMP

namespace math {
template <class T, int N>
HYP_HD_INLINE Dual<T, N> sqrt(const Dual<T, N>& x) {
  const T s = sqrt(x.v);
  return chain(x, s, T(0.5) / s);
}
template <class T, int N>
HYP_HD_INLINE Dual<T, N> exp(const Dual<T, N>& x) {
  const T e = exp(x.v);
  return chain(x, e, e);
}
template <class T, int N>
HYP_HD_INLINE Dual<T, N> log(const Dual<T, N>& x) {
  return chain(x, log(x.v), T(1) / x.v);
}
template <class T, int N>
HYP_HD_INLINE Dual<T, N> log1p(const Dual<T, N>& x) {
  return chain(x, log1p(x.v), T(1) / (T(1) + x.v));
}
template <class T, int N>
HYP_HD_INLINE Dual<T, N> sinh(const Dual<T, N>& x) {
  return chain(x, sinh(x.v), cosh(x.v));
}
template <class T, int N>
HYP_HD_INLINE Dual<T, N> cosh(const Dual<T, N>& x) {
  return chain(x, cosh(x.v), sinh(x.v));
}
template <class T, int N>
HYP_HD_INLINE Dual<T, N> tanh(const Dual<T, N>& x) {
  const T t = tanh(x.v);
  return chain(x, t, T(1) - t * t);
}
template <class T, int N>
HYP_HD_INLINE Dual<T, N> asinh(const Dual<T, N>& x) {
  return chain(x, asinh(x.v), T(1) / sqrt(T(1) + x.v * x.v));
}
template <class T, int N>
HYP_HD_INLINE Dual<T, N> atanh(const Dual<T, N>& x) {
  return chain(x, atanh(x.v), T(1) / ((T(1) - x.v) * (T(1) + x.v)));
}
template <class T, int N>
HYP_HD_INLINE Dual<T, N> abs(const Dual<T, N>& x) {
  return x.v < T(0) ? -x : x;
}
template <class T, int N>
HYP_HD_INLINE bool isnan(const Dual<T, N>& x) {
  return isnan(x.v);
}
}  // namespace math

}  // namespace hyperbolic
