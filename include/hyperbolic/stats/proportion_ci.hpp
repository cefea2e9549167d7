#pragma once
// Wilson score interval for a proportion (k successes in n trials, e.g. test
// accuracy): the p whose score test |p_hat - p| / sqrt(p(1-p)/n) <= z accepts,
//   (p_hat + z^2/2n -+ z sqrt(p_hat(1-p_hat)/n + z^2/4n^2)) / (1 + z^2/n).
// Unlike the Wald interval it stays inside [0, 1] and does not collapse to a
// point at k = 0 or k = n (Wilson 1927; Brown, Cai, DasGupta 2001).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

#include "hyperbolic/stats/confidence_level.hpp"
#include "hyperbolic/stats/normal.hpp"

namespace hyperbolic::stats {

struct ProportionCI {
  double proportion = 0;  // k / n
  double lo = 0, hi = 0;
  std::size_t successes = 0, n = 0;
};

inline ProportionCI wilson_interval(std::size_t successes, std::size_t n, double level = 0.95) {
  const double tail = detail::two_sided_tail(level, "wilson_interval");
  if (n == 0) throw std::invalid_argument("wilson_interval: n = 0 trials");
  if (successes > n)
    throw std::invalid_argument("wilson_interval: " + std::to_string(successes) +
                                " successes out of only " + std::to_string(n) + " trials");
  const double z = normal_upper_quantile(tail);
  const double nn = static_cast<double>(n), p = static_cast<double>(successes) / nn;
  const double z2n = z * z / nn;
  const double center = (p + 0.5 * z2n) / (1 + z2n);
  const double half = z * std::sqrt(p * (1 - p) / nn + 0.25 * z2n / nn) / (1 + z2n);
  ProportionCI r;
  r.proportion = p;
  r.successes = successes;
  r.n = n;
  // At k = 0 (k = n) the bound is 0 (1) exactly; clamp the rounding.
  r.lo = successes == 0 ? 0.0 : std::clamp(center - half, 0.0, 1.0);
  r.hi = successes == n ? 1.0 : std::clamp(center + half, 0.0, 1.0);
  return r;
}

}  // namespace hyperbolic::stats
