#pragma once
// Continuous power law p(x) = (alpha - 1) / x_min * (x / x_min)^{-alpha} for
// x >= x_min: closed-form MLE alpha = 1 + n / sum log(x / x_min), standard
// error (alpha - 1) / sqrt(n), x_min by minimal KS distance (CSN 2009, sec. 3).

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "hyperbolic/text/deterministic_random.hpp"
#include "hyperbolic/text/power_law_fit_options.hpp"
#include "hyperbolic/text/sample_validation.hpp"

namespace hyperbolic::text {

struct ContinuousPowerLawFit {
  double alpha = 0;
  double sigma = 0;
  double x_min = 0;
  std::size_t n_tail = 0;
  std::size_t n = 0;
  double ks_distance = 0;
  double log_likelihood = 0;
};

inline double continuous_power_law_log_pdf(double alpha, double x_min, double x) {
  return std::log((alpha - 1.0) / x_min) - alpha * std::log(x / x_min);
}

inline double sample_continuous_power_law(double alpha, double x_min, RandomEngine& engine) {
  return x_min * std::pow(uniform_open01(engine), -1.0 / (alpha - 1.0));
}

namespace detail {

inline double continuous_ks_distance(std::span<const double> sorted_tail, double alpha,
                                     double x_min, double give_up_above) {
  const double n = static_cast<double>(sorted_tail.size());
  double distance = 0;
  for (std::size_t i = 0; i < sorted_tail.size(); ++i) {
    const double cdf = -std::expm1((1.0 - alpha) * std::log(sorted_tail[i] / x_min));
    distance = std::max({distance, std::fabs(cdf - static_cast<double>(i) / n),
                         std::fabs(static_cast<double>(i + 1) / n - cdf)});
    if (distance >= give_up_above) return distance;
  }
  return distance;
}

}  // namespace detail

inline ContinuousPowerLawFit fit_continuous_power_law(std::span<const double> values,
                                                      const PowerLawFitOptions& options = {}) {
  detail::validate_power_law_sample(values, "fit_continuous_power_law");
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  std::vector<double> suffix_log(n + 1, 0.0);
  for (std::size_t i = n; i-- > 0;)
    suffix_log[i] = suffix_log[i + 1] + std::log(sorted[i]);

  ContinuousPowerLawFit best;
  best.n = n;
  best.ks_distance = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && sorted[i] == sorted[i - 1]) continue;
    if (options.fixed_x_min && sorted[i] < *options.fixed_x_min) continue;
    const std::size_t n_tail = n - i;
    if (!options.fixed_x_min && (n_tail < options.min_tail || sorted[i] == sorted[n - 1])) break;
    const double x_min = options.fixed_x_min ? *options.fixed_x_min : sorted[i];
    const double log_ratio_sum = suffix_log[i] - static_cast<double>(n_tail) * std::log(x_min);
    if (!(log_ratio_sum > 0)) {
      if (options.fixed_x_min) break;
      continue;
    }
    const double alpha = 1.0 + static_cast<double>(n_tail) / log_ratio_sum;
    const std::span<const double> tail(sorted.data() + i, n_tail);
    const double ks = detail::continuous_ks_distance(tail, alpha, x_min, best.ks_distance);
    if (ks < best.ks_distance) {
      best.alpha = alpha;
      best.x_min = x_min;
      best.n_tail = n_tail;
      best.ks_distance = ks;
      best.log_likelihood =
          static_cast<double>(n_tail) * std::log((alpha - 1.0) / x_min) - alpha * log_ratio_sum;
    }
    if (options.fixed_x_min) break;
  }
  if (!std::isfinite(best.ks_distance)) {
    throw std::invalid_argument("fit_continuous_power_law: no x_min leaves a tail of at least " +
                                std::to_string(options.min_tail) +
                                " values with two distinct values (n = " + std::to_string(n) + ")");
  }
  best.sigma = (best.alpha - 1.0) / std::sqrt(static_cast<double>(best.n_tail));
  return best;
}

}  // namespace hyperbolic::text
