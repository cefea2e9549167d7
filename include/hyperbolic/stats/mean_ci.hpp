#pragma once
// Confidence interval for a mean from n independent values (e.g. one score
// per seed, one delta per prompt): mean +- t_{(1+L)/2, n-1} s / sqrt(n), with
// s the sample standard deviation. Exact for normal data, approximate
// otherwise; with a handful of seeds that approximation is the honest one.

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>

#include "hyperbolic/stats/confidence_level.hpp"
#include "hyperbolic/stats/student_t.hpp"

namespace hyperbolic::stats {

struct MeanCI {
  double mean = 0;
  double half_width = 0;  // NaN for n == 1: one value says nothing about spread
  double lo = 0, hi = 0;  // mean -+ half_width (NaN for n == 1)
  std::size_t n = 0;
};

// Throws std::invalid_argument for no values, a non-finite value, or a level
// outside (0, 1).
inline MeanCI mean_confidence_interval(std::span<const double> values, double level = 0.95) {
  const double tail = detail::two_sided_tail(level, "mean_confidence_interval");
  if (values.empty())
    throw std::invalid_argument(
        "mean_confidence_interval: no values (need n >= 1, >= 2 for a width)");
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i]))
      throw std::invalid_argument("mean_confidence_interval: value " + std::to_string(i) +
                                  " is not finite (" + std::to_string(values[i]) + ")");
  MeanCI r;
  r.n = values.size();
  const double n = static_cast<double>(r.n);
  for (double v : values)
    r.mean += v;
  r.mean /= n;
  if (r.n == 1) {
    r.half_width = r.lo = r.hi = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  double ss = 0;  // two passes: the sum of squares about the mean does not cancel
  for (double v : values)
    ss += (v - r.mean) * (v - r.mean);
  const double sd = std::sqrt(ss / (n - 1));
  r.half_width = student_t_upper_quantile(tail, n - 1) * sd / std::sqrt(n);
  r.lo = r.mean - r.half_width;
  r.hi = r.mean + r.half_width;
  return r;
}

}  // namespace hyperbolic::stats
