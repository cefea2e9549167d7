#pragma once
// Elementary functions with one spelling for float, double and long double
// that compiles for host and device (CUDA provides the ::xxxf device overloads).

#include <cmath>
#include <type_traits>

#include "config.hpp"

namespace hyperbolic::math {

#define HYP_UNARY(name)                    \
  HYP_HD_INLINE float name(float x) {      \
    return ::name##f(x);                   \
  }                                        \
  HYP_HD_INLINE double name(double x) {    \
    return ::name(x);                      \
  }                                        \
  inline long double name(long double x) { \
    return ::name##l(x);                   \
  }

HYP_UNARY(sqrt)
HYP_UNARY(exp)
HYP_UNARY(expm1)
HYP_UNARY(log)
HYP_UNARY(log1p)
HYP_UNARY(sinh)
HYP_UNARY(cosh)
HYP_UNARY(tanh)
HYP_UNARY(asinh)
HYP_UNARY(atanh)
HYP_UNARY(fabs)
HYP_UNARY(sin)
HYP_UNARY(cos)
#undef HYP_UNARY

// x 2^e and the binary exponent of x (float, double), host and device.
HYP_HD_INLINE float ldexp(float x, int e) {
  return ::ldexpf(x, e);
}
HYP_HD_INLINE double ldexp(double x, int e) {
  return ::ldexp(x, e);
}
HYP_HD_INLINE int ilogb(float x) {
  return ::ilogbf(x);
}
HYP_HD_INLINE int ilogb(double x) {
  return ::ilogb(x);
}
inline long double ldexp(long double x, int e) {
  return ::ldexpl(x, e);
}
inline int ilogb(long double x) {
  return ::ilogbl(x);
}

template <class T>
HYP_HD_INLINE T abs(T x) {
  return fabs(x);
}

template <class T>
HYP_HD_INLINE bool isnan(T x) {
  return !(x == x);
}

template <class T>
HYP_HD_INLINE bool isfinite(T x) {
  return x - x == x - x;  // false for NaN and +-Inf, true otherwise; no libm needed
}

// A square that cannot be negative except by rounding (a Lorentzian square of
// a spacelike vector, a difference of squares) clamped at 0; NaN is kept.
template <class T>
HYP_HD_INLINE T nonnegative(T v) {
  return v < T(0) ? T(0) : v;
}

// max/min that propagate NaN from either argument (std::fmax does not).
template <class T>
HYP_HD_INLINE T max_nan(T a, T b) {
  return (a > b || isnan(a)) ? a : b;
}
template <class T>
HYP_HD_INLINE T min_nan(T a, T b) {
  return (a < b || isnan(a)) ? a : b;
}

// sqrt(a^2 + b^2) for a, b >= 0 without overflow or underflow of the squares.
template <class T>
HYP_HD_INLINE T hypot(T a, T b) {
  const T big = a > b ? a : b, small = a > b ? b : a;
  if (!(big > T(0))) return big + small;  // 0, or NaN
  const T r = small / big;
  return big * sqrt(T(1) + r * r);
}

template <class T>
HYP_HD_INLINE T square(T x) {
  return x * x;
}

// Plain value of a scalar (the dual-number overload returns its real part).
template <class T>
requires std::is_floating_point_v<T> HYP_HD_INLINE T value(T x) {
  return x;
}

}  // namespace hyperbolic::math
