#pragma once
// Hurwitz zeta function zeta(s, q) = sum_{k>=0} (q + k)^{-s} for s > 1, q > 0.
//
// Euler–Maclaurin summation: a few explicit terms until q + N is large enough
// for the asymptotic tail (integral + half term + Bernoulli corrections) to be
// accurate to double precision. For large q no explicit terms are needed at all,
// so the cost is O(1) and the answer stays accurate for q up to 1e15 and beyond.
// The log form avoids underflow of q^{-s} for large s or q (power-law tails
// need ratios zeta(s, x) / zeta(s, x_min) far out in the tail).

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace hyperbolic::text {

namespace detail {

// B_{2j} / (2j)! for j = 1..10.
inline constexpr double kBernoulliOverFactorial[] = {
    1.0 / 6.0 / 2.0,
    -1.0 / 30.0 / 24.0,
    1.0 / 42.0 / 720.0,
    -1.0 / 30.0 / 40320.0,
    5.0 / 66.0 / 3628800.0,
    -691.0 / 2730.0 / 479001600.0,
    7.0 / 6.0 / 87178291200.0,
    -3617.0 / 510.0 / 20922789888000.0,
    43867.0 / 798.0 / 6402373705728000.0,
    -174611.0 / 330.0 / 2432902008176640000.0,
};

// zeta(s, a) * a^s from the asymptotic expansion; valid when a >= 16 + s.
inline double hurwitz_zeta_tail_scaled(double s, double a) {
  double sum = a / (s - 1.0) + 0.5;
  // term_j = B_{2j}/(2j)! * s (s+1) ... (s+2j-2) * a^{1-2j}
  double rising = s;  // s (s+1) ... (s+2j-2)
  double inv_a = 1.0 / a;
  double inv_a2 = inv_a * inv_a;
  double a_power = inv_a;  // a^{1-2j}
  for (int j = 0; j < 10; ++j) {
    double term = kBernoulliOverFactorial[j] * rising * a_power;
    sum += term;
    if (std::fabs(term) < 1e-17 * sum) break;
    rising *= (s + 2 * j + 1) * (s + 2 * j + 2);
    a_power *= inv_a2;
  }
  return sum;
}

inline void check_hurwitz_arguments(double s, double q) {
  if (!(s > 1.0) || !std::isfinite(s))
    throw std::invalid_argument("hurwitz_zeta: s must be finite and > 1, got " + std::to_string(s));
  if (!(q > 0.0) || !std::isfinite(q))
    throw std::invalid_argument("hurwitz_zeta: q must be finite and > 0, got " + std::to_string(q));
}

}  // namespace detail

// log zeta(s, q); s > 1, q > 0. Throws std::invalid_argument outside the domain.
inline double log_hurwitz_zeta(double s, double q) {
  detail::check_hurwitz_arguments(s, q);
  const double threshold = 16.0 + s;
  if (q >= threshold) {
    return -s * std::log(q) + std::log(detail::hurwitz_zeta_tail_scaled(s, q));
  }
  // Explicit terms k = 0..N-1 relative to the first one, q^{-s}, which cannot
  // underflow here because q < threshold.
  const int n_explicit = static_cast<int>(std::ceil(threshold - q));
  const double a = q + n_explicit;
  double explicit_sum = 0.0;  // sum (q+k)^{-s} / q^{-s}
  for (int k = 0; k < n_explicit; ++k)
    explicit_sum += std::pow(q / (q + k), s);
  // tail = zeta(s, a) = a^{-s} * scaled; relative to q^{-s}: (q/a)^s * scaled.
  const double tail = std::pow(q / a, s) * detail::hurwitz_zeta_tail_scaled(s, a);
  return -s * std::log(q) + std::log(explicit_sum + tail);
}

// zeta(s, q); s > 1, q > 0. May underflow to 0 for huge s * log(q): use
// log_hurwitz_zeta for ratios.
inline double hurwitz_zeta(double s, double q) {
  return std::exp(log_hurwitz_zeta(s, q));
}

// Riemann zeta(s) = zeta(s, 1).
inline double riemann_zeta(double s) {
  return hurwitz_zeta(s, 1.0);
}

}  // namespace hyperbolic::text
