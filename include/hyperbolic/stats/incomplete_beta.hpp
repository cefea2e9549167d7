#pragma once
// The regularized incomplete beta function I_x(a, b), the CDF of the Beta
// distribution, through which the Student t and binomial tails are written.
// Continued fraction of DLMF 8.17.22, evaluated by the modified Lentz method,
// on the side of the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where it
// converges fast (x < (a+1)/(a+b+2)). The caller may pass y = 1 - x computed
// without cancellation (e.g. t^2/(nu+t^2) next to nu/(nu+t^2)).

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace hyperbolic::stats {

namespace detail {

// Continued fraction part of I_x(a, b): 1 / (1 + d1/(1 + d2/(1 + ...))).
inline double beta_continued_fraction(double a, double b, double x) {
  constexpr double tiny = 1e-300, eps = 1e-16;
  constexpr int max_terms = 100000;  // converges in O(sqrt(max(a, b))) terms
  double f = 1, c = 1, d = 0;
  for (int j = 1; j <= max_terms; ++j) {
    const int m = j / 2;
    const double aj = (j % 2 == 1) ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
                                   : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 + aj * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + aj / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    const double delta = c * d;
    f *= delta;
    if (std::fabs(delta - 1) < eps) return 1 / f;
  }
  throw std::runtime_error(
      "incomplete beta: continued fraction did not converge for a = " + std::to_string(a) +
      ", b = " + std::to_string(b) + ", x = " + std::to_string(x));
}

}  // namespace detail

// I_x(a, b) for a, b > 0 and x + y = 1, 0 <= x <= 1.
inline double regularized_incomplete_beta(double a, double b, double x, double y) {
  if (!(a > 0) || !(b > 0) || !(x >= 0) || !(y >= 0) || !(x <= 1) || !(y <= 1))
    throw std::invalid_argument(
        "regularized_incomplete_beta: need a, b > 0 and x in [0, 1], got a = " + std::to_string(a) +
        ", b = " + std::to_string(b) + ", x = " + std::to_string(x));
  if (x == 0) return 0;
  if (y == 0) return 1;
  // x^a y^b / B(a, b), in logs: the powers underflow long before the ratio does.
  const double log_front =
      a * std::log(x) + b * std::log(y) + std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b);
  if (x < (a + 1) / (a + b + 2))
    return std::exp(log_front) * detail::beta_continued_fraction(a, b, x) / a;
  return 1 - std::exp(log_front) * detail::beta_continued_fraction(b, a, y) / b;
}

inline double regularized_incomplete_beta(double a, double b, double x) {
  return regularized_incomplete_beta(a, b, x, 1 - x);
}

}  // namespace hyperbolic::stats
