#pragma once
// Discrete power law p(x) = x^{-alpha} / zeta(alpha, x_min) for integers
// x >= x_min, fitted as in Clauset, Shalizi & Newman (SIAM Review 2009):
// maximum-likelihood alpha for each candidate x_min (exact Hurwitz-zeta
// normalisation, no continuous approximation), x_min chosen by minimising the
// Kolmogorov–Smirnov distance between the tail and the fitted model.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "hyperbolic/text/deterministic_random.hpp"
#include "hyperbolic/text/hurwitz_zeta.hpp"
#include "hyperbolic/text/power_law_fit_options.hpp"
#include "hyperbolic/text/sample_validation.hpp"
#include "hyperbolic/text/scalar_minimize.hpp"

namespace hyperbolic::text {

struct DiscretePowerLawFit {
  double alpha = 0;           // exponent
  double sigma = 0;           // standard error of alpha (inverse Fisher information)
  std::int64_t x_min = 0;     // start of the power-law tail
  std::size_t n_tail = 0;     // values >= x_min
  std::size_t n = 0;          // all values
  double ks_distance = 0;     // KS distance between tail and model
  double log_likelihood = 0;  // of the tail under the fitted model
};

// log p(x) for x >= x_min.
inline double discrete_power_law_log_pmf(double alpha, std::int64_t x_min, std::int64_t x) {
  return -alpha * std::log(static_cast<double>(x)) -
         log_hurwitz_zeta(alpha, static_cast<double>(x_min));
}

// log P(X >= x) for x >= x_min.
inline double discrete_power_law_log_sf(double alpha, std::int64_t x_min, double x) {
  return log_hurwitz_zeta(alpha, x) - log_hurwitz_zeta(alpha, static_cast<double>(x_min));
}

// Exact inverse-CDF sample: the continuous approximation of CSN (appendix D)
// gives a starting guess, then a bracket search on the exact survival function.
inline std::int64_t sample_discrete_power_law(double alpha, std::int64_t x_min,
                                              RandomEngine& engine) {
  const double r = uniform_open01(engine);
  const double log_u = std::log(r);  // accept largest x with log S(x) >= log u
  const double log_zeta_min = log_hurwitz_zeta(alpha, static_cast<double>(x_min));
  auto log_sf = [&](double x) { return log_hurwitz_zeta(alpha, x) - log_zeta_min; };
  const double guess =
      std::floor((static_cast<double>(x_min) - 0.5) * std::pow(r, -1.0 / (alpha - 1.0)) + 0.5);
  constexpr double kHuge = 1e15;  // beyond this the approximation is exact to rounding
  if (!(guess < kHuge)) return static_cast<std::int64_t>(std::min(guess, 9e18));
  double lo = std::max(guess, static_cast<double>(x_min));
  // Make lo satisfy S(lo) >= u.
  double step = 1;
  while (lo > x_min && log_sf(lo) < log_u) {
    lo = std::max(static_cast<double>(x_min), lo - step);
    step *= 2;
  }
  // Find hi with S(hi) < u.
  double hi = lo + 1;
  step = 1;
  while (log_sf(hi) >= log_u) {
    lo = hi;
    hi += step;
    step *= 2;
    if (hi > kHuge) return static_cast<std::int64_t>(hi);
  }
  while (hi - lo > 1) {
    const double mid = std::floor(0.5 * (lo + hi));
    if (log_sf(mid) >= log_u)
      lo = mid;
    else
      hi = mid;
  }
  return static_cast<std::int64_t>(lo);
}

namespace detail {

// Maximum-likelihood alpha given n_tail values >= x_min with sum of logs.
inline double discrete_alpha_mle(double x_min, std::size_t n_tail, double sum_log,
                                 const PowerLawFitOptions& options) {
  const double n = static_cast<double>(n_tail);
  auto negative_log_likelihood = [&](double alpha) {
    return n * log_hurwitz_zeta(alpha, x_min) + alpha * sum_log;
  };
  return brent_minimize(negative_log_likelihood, options.alpha_lower, options.alpha_upper, 1e-12).x;
}

// KS distance between sorted tail values (all >= x_min) and the model; stops
// early, returning a value >= give_up_above, once the distance exceeds it.
inline double discrete_ks_distance(std::span<const std::int64_t> sorted_tail, double alpha,
                                   std::int64_t x_min, double give_up_above) {
  const double n = static_cast<double>(sorted_tail.size());
  const double log_zeta_min = log_hurwitz_zeta(alpha, static_cast<double>(x_min));
  auto model_cdf = [&](double x) {  // P(X <= x)
    return -std::expm1(log_hurwitz_zeta(alpha, x + 1.0) - log_zeta_min);
  };
  double distance = 0;
  std::size_t i = 0;
  while (i < sorted_tail.size()) {
    const std::int64_t v = sorted_tail[i];
    std::size_t j = i;
    while (j < sorted_tail.size() && sorted_tail[j] == v)
      ++j;
    const double empirical = static_cast<double>(j) / n;
    distance = std::max(distance, std::fabs(empirical - model_cdf(static_cast<double>(v))));
    // Between v and the next observed value the empirical CDF is flat while
    // the model rises: check the integer just before the next value.
    if (j < sorted_tail.size() && sorted_tail[j] > v + 1) {
      distance = std::max(
          distance, std::fabs(empirical - model_cdf(static_cast<double>(sorted_tail[j] - 1))));
    }
    if (distance >= give_up_above) return distance;
    i = j;
  }
  return distance;
}

}  // namespace detail

// Standard error of alpha: 1 / sqrt(n_tail * d^2/dalpha^2 log zeta(alpha, x_min)).
inline double discrete_power_law_sigma(double alpha, std::int64_t x_min, std::size_t n_tail) {
  const double h = 2e-4 * std::max(1.0, alpha);
  const double q = static_cast<double>(x_min);
  const double lower = std::max(alpha - h, 1.0 + 0.5 * (alpha - 1.0));
  const double upper = alpha + (alpha - lower);
  const double step = alpha - lower;
  const double second =
      (log_hurwitz_zeta(upper, q) - 2 * log_hurwitz_zeta(alpha, q) + log_hurwitz_zeta(lower, q)) /
      (step * step);
  if (!(second > 0)) return std::numeric_limits<double>::infinity();
  return 1.0 / std::sqrt(static_cast<double>(n_tail) * second);
}

// MLE alpha for a fixed x_min (values below x_min are ignored).
inline double fit_discrete_power_law_alpha(std::span<const std::int64_t> values, std::int64_t x_min,
                                           const PowerLawFitOptions& options = {}) {
  if (x_min < 1)
    throw std::invalid_argument("fit_discrete_power_law_alpha: x_min must be >= 1, got " +
                                std::to_string(x_min));
  std::size_t n_tail = 0;
  double sum_log = 0;
  for (auto v : values) {
    if (v >= x_min) ++n_tail, sum_log += std::log(static_cast<double>(v));
  }
  if (n_tail == 0)
    throw std::invalid_argument("fit_discrete_power_law_alpha: no values >= x_min = " +
                                std::to_string(x_min));
  return detail::discrete_alpha_mle(static_cast<double>(x_min), n_tail, sum_log, options);
}

// Full CSN fit: validate, scan x_min over the distinct values, keep the one
// with the smallest KS distance.
inline DiscretePowerLawFit fit_discrete_power_law(std::span<const std::int64_t> values,
                                                  const PowerLawFitOptions& options = {}) {
  detail::validate_power_law_sample(values, "fit_discrete_power_law");
  std::vector<std::int64_t> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  // suffix_log[i] = sum_{k >= i} log x_k
  std::vector<double> suffix_log(n + 1, 0.0);
  for (std::size_t i = n; i-- > 0;)
    suffix_log[i] = suffix_log[i + 1] + std::log(static_cast<double>(sorted[i]));

  std::vector<std::size_t> candidates;  // start index of each distinct value
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && sorted[i] == sorted[i - 1]) continue;
    if (options.fixed_x_min && static_cast<double>(sorted[i]) < *options.fixed_x_min) continue;
    candidates.push_back(i);
    if (options.fixed_x_min) break;
  }
  DiscretePowerLawFit best;
  best.n = n;
  best.ks_distance = std::numeric_limits<double>::infinity();
  for (std::size_t i : candidates) {
    const std::size_t n_tail = n - i;
    const bool single_value = sorted[i] == sorted[n - 1];
    if (!options.fixed_x_min && (n_tail < options.min_tail || single_value)) break;
    // A fixed x_min need not be an observed value.
    const std::int64_t x_min = options.fixed_x_min
                                   ? static_cast<std::int64_t>(std::ceil(*options.fixed_x_min))
                                   : sorted[i];
    const double alpha =
        detail::discrete_alpha_mle(static_cast<double>(x_min), n_tail, suffix_log[i], options);
    const std::span<const std::int64_t> tail(sorted.data() + i, n_tail);
    const double ks = detail::discrete_ks_distance(tail, alpha, x_min, best.ks_distance);
    if (ks < best.ks_distance) {
      best.alpha = alpha;
      best.x_min = x_min;
      best.n_tail = n_tail;
      best.ks_distance = ks;
      best.log_likelihood =
          -alpha * suffix_log[i] -
          static_cast<double>(n_tail) * log_hurwitz_zeta(alpha, static_cast<double>(x_min));
    }
  }
  if (!std::isfinite(best.ks_distance)) {
    throw std::invalid_argument("fit_discrete_power_law: no x_min leaves a tail of at least " +
                                std::to_string(options.min_tail) +
                                " values with two distinct values (n = " + std::to_string(n) +
                                ", largest value " + std::to_string(sorted.back()) + ")");
  }
  best.sigma = discrete_power_law_sigma(best.alpha, best.x_min, best.n_tail);
  return best;
}

}  // namespace hyperbolic::text
