#pragma once
// The baseline column: the usual closed forms evaluated in T on the same
// inputs, with the guards the common PyTorch libraries put around them
// (REFERENCES.md, geoopt 0.5.1): the acosh argument clamped to >= 1 + eps
// (eps = 1e-7 in float, 1e-15 in double), the artanh argument to <= 1 - eps,
// and the ball's denominator kept positive. What a user gets who writes the
// textbook formula, or calls such a library.

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace hyperbolic::accuracy::textbook {

template <class T>
constexpr T clamp_eps() {
  return sizeof(T) == 4 ? T(1e-7) : T(1e-15);
}

template <class T>
T sum_sq(const std::vector<T>& x, std::size_t from = 0) {
  T s = 0;
  for (std::size_t i = from; i < x.size(); ++i)
    s += x[i] * x[i];
  return s;
}

// acosh(1 + 2c|x-y|^2 / ((1 - c|x|^2)(1 - c|y|^2))) / sqrt(c)
template <class T>
T poincare_dist(T c, const std::vector<T>& x, const std::vector<T>& y) {
  T dd = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    dd += (x[i] - y[i]) * (x[i] - y[i]);
  const T den =
      std::max((T(1) - c * sum_sq(x)) * (T(1) - c * sum_sq(y)), std::numeric_limits<T>::min());
  const T arg = std::max(T(1) + T(2) * c * dd / den, T(1));
  return std::acosh(arg) / std::sqrt(c);
}

// (2 / sqrt(c)) artanh(sqrt(c) |x|)
template <class T>
T poincare_dist0(T c, const std::vector<T>& x) {
  const T z = std::min(std::sqrt(c * sum_sq(x)), T(1) - clamp_eps<T>());
  return T(2) * std::atanh(z) / std::sqrt(c);
}

// acosh(-c <x, y>_L) / sqrt(c)
template <class T>
T lorentz_dist(T c, const std::vector<T>& x, const std::vector<T>& y) {
  T xy = -x[0] * y[0];
  for (std::size_t i = 1; i < x.size(); ++i)
    xy += x[i] * y[i];
  return std::acosh(std::max(-c * xy, T(1) + clamp_eps<T>())) / std::sqrt(c);
}

// acosh(sqrt(c) x0) / sqrt(c)
template <class T>
T lorentz_dist0(T c, const std::vector<T>& x) {
  const T s = std::sqrt(c);
  return std::acosh(std::max(s * x[0], T(1) + clamp_eps<T>())) / s;
}

}  // namespace hyperbolic::accuracy::textbook
