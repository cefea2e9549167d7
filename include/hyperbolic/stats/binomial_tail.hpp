#pragma once
// P[X <= k] for X ~ Binomial(m, 1/2), exact for thousands of trials: the
// terms C(m, i) 2^-m underflow as numbers (2^-1100 is below the smallest
// double) but not as logarithms. For k <= m/2 the terms grow with i, so the
// sum is the largest term, exp(log C(m, k) - m log 2), times a sum of ratios
// C(m, i) / C(m, k) <= 1 built by the recurrence C(m, i-1) = C(m, i) i/(m-i+1).

#include <cmath>
#include <cstddef>
#include <numbers>

namespace hyperbolic::stats {

inline double binomial_half_lower_tail(std::size_t m, std::size_t k) {
  if (k >= m) return 1.0;
  if (2 * k >= m)
    return 1 - binomial_half_lower_tail(m, m - k - 1);  // P[X <= k] = 1 - P[X <= m-k-1]
  const double mm = static_cast<double>(m), kk = static_cast<double>(k);
  const double log_top =
      std::lgamma(mm + 1) - std::lgamma(kk + 1) - std::lgamma(mm - kk + 1) - mm * std::numbers::ln2;
  double ratio = 1, sum = 1;
  for (std::size_t i = k; i > 0; --i) {
    ratio *= static_cast<double>(i) / static_cast<double>(m - i + 1);
    sum += ratio;
    if (ratio < 1e-18 * sum) break;  // the rest cannot change the sum
  }
  return std::exp(log_top) * sum;
}

}  // namespace hyperbolic::stats
