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

// ---- vector helpers ---------------------------------------------------------
template <class T>
T dot(const std::vector<T>& a, const std::vector<T>& b, std::size_t from = 0) {
  T s = 0;
  for (std::size_t i = from; i < a.size(); ++i)
    s += a[i] * b[i];
  return s;
}
template <class T>
T minkowski(const std::vector<T>& a, const std::vector<T>& b) {
  return -a[0] * b[0] + dot(a, b, 1);
}
template <class T>
std::vector<T> axpby(T a, const std::vector<T>& x, T b, const std::vector<T>& y) {
  std::vector<T> r(x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    r[i] = a * x[i] + b * y[i];
  return r;
}
template <class T>
T clamp_min(T v, T lo) {
  return std::max(v, lo);
}
template <class T>
constexpr T tiny() {
  return T(1e-15);  // geoopt's clamp_min on norms and denominators
}
template <class T>
T clamped_atanh(T z) {
  return std::atanh(std::clamp(z, T(-1) + clamp_eps<T>(), T(1) - clamp_eps<T>()));
}

// ---- Poincare ball (curvature -c) ------------------------------------------
template <class T>
std::vector<T> poincare_mobius_add(T c, const std::vector<T>& x, const std::vector<T>& y) {
  const T xy = dot(x, y), x2 = sum_sq(x), y2 = sum_sq(y);
  const T den = clamp_min(T(1) + T(2) * c * xy + c * c * x2 * y2, tiny<T>());
  return axpby((T(1) + T(2) * c * xy + c * y2) / den, x, (T(1) - c * x2) / den, y);
}
template <class T>
T poincare_lambda(T c, const std::vector<T>& x) {
  return T(2) / clamp_min(T(1) - c * sum_sq(x), tiny<T>());
}
template <class T>
std::vector<T> poincare_expmap(T c, const std::vector<T>& x, const std::vector<T>& u) {
  const T s = std::sqrt(c), nu = clamp_min(std::sqrt(sum_sq(u)), tiny<T>());
  const T k = std::tanh(s * poincare_lambda(c, x) * nu / T(2)) / (s * nu);
  return poincare_mobius_add(c, x, axpby(k, u, T(0), u));
}
template <class T>
std::vector<T> poincare_expmap0(T c, const std::vector<T>& u) {
  const T s = std::sqrt(c), nu = clamp_min(std::sqrt(sum_sq(u)), tiny<T>());
  return axpby(std::tanh(s * nu) / (s * nu), u, T(0), u);
}
template <class T>
std::vector<T> poincare_logmap(T c, const std::vector<T>& x, const std::vector<T>& y) {
  const T s = std::sqrt(c);
  const std::vector<T> w = poincare_mobius_add(c, axpby(T(-1), x, T(0), x), y);
  const T nw = clamp_min(std::sqrt(sum_sq(w)), tiny<T>());
  const T k = T(2) / (s * poincare_lambda(c, x)) * clamped_atanh(s * nw) / nw;
  return axpby(k, w, T(0), w);
}
template <class T>
std::vector<T> poincare_logmap0(T c, const std::vector<T>& y) {
  const T s = std::sqrt(c), ny = clamp_min(std::sqrt(sum_sq(y)), tiny<T>());
  return axpby(clamped_atanh(s * ny) / (s * ny), y, T(0), y);
}
// (lambda_x / lambda_y) gyr[y, -x] v, the gyration in closed form.
template <class T>
std::vector<T> poincare_transp(T c, const std::vector<T>& x, const std::vector<T>& y,
                               const std::vector<T>& v) {
  const std::vector<T> a = y, b = axpby(T(-1), x, T(0), x);
  const T k = -c, k2 = c * c;
  const T a2 = sum_sq(a), b2 = sum_sq(b), ab = dot(a, b), av = dot(a, v), bv = dot(b, v);
  const T alpha = -k2 * av * b2 + k * bv + T(2) * k2 * ab * bv;
  const T beta = -k2 * bv * a2 - k * av;
  const T den = clamp_min(T(1) + T(2) * k * ab + k2 * a2 * b2, tiny<T>());
  std::vector<T> g = axpby(T(2) * alpha / den, a, T(2) * beta / den, b);
  const T scale = poincare_lambda(c, x) / poincare_lambda(c, y);
  for (std::size_t i = 0; i < v.size(); ++i)
    g[i] = scale * (v[i] + g[i]);
  return g;
}

// ---- hyperboloid (curvature -c, <x, x>_L = -1/c) ---------------------------
template <class T>
std::vector<T> lorentz_expmap(T c, const std::vector<T>& x, const std::vector<T>& u) {
  const T s = std::sqrt(c);
  const T nu = std::sqrt(clamp_min(minkowski(u, u), clamp_eps<T>()));
  return axpby(std::cosh(s * nu), x, std::sinh(s * nu) / (s * nu), u);
}
template <class T>
std::vector<T> lorentz_expmap0(T c, const std::vector<T>& u) {
  const T s = std::sqrt(c);
  const T nu = clamp_min(std::sqrt(sum_sq(u, 1)), tiny<T>());
  std::vector<T> r = axpby(std::sinh(s * nu) / (s * nu), u, T(0), u);
  r[0] = std::cosh(s * nu) / s;
  return r;
}
template <class T>
std::vector<T> lorentz_logmap(T c, const std::vector<T>& x, const std::vector<T>& y) {
  const T xy = minkowski(x, y);
  const std::vector<T> w = axpby(T(1), y, c * xy, x);
  const T nw = std::sqrt(clamp_min(minkowski(w, w), clamp_eps<T>()));
  return axpby(lorentz_dist(c, x, y) / nw, w, T(0), w);
}
template <class T>
std::vector<T> lorentz_logmap0(T c, const std::vector<T>& y) {
  const T ny = clamp_min(std::sqrt(sum_sq(y, 1)), tiny<T>());
  std::vector<T> r = axpby(lorentz_dist0(c, y) / ny, y, T(0), y);
  r[0] = 0;
  return r;
}
template <class T>
std::vector<T> lorentz_transp(T c, const std::vector<T>& x, const std::vector<T>& y,
                              const std::vector<T>& v) {
  const T k = c * minkowski(y, v) / clamp_min(T(1) - c * minkowski(x, y), T(1e-7));
  std::vector<T> r = v;
  for (std::size_t i = 0; i < v.size(); ++i)
    r[i] += k * (x[i] + y[i]);
  return r;
}

}  // namespace hyperbolic::accuracy::textbook
