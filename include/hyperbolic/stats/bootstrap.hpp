#pragma once
// Nonparametric percentile bootstrap (Efron 1979): resample the n items with
// replacement, recompute the statistic on each resample, and read the
// interval off the quantiles of those replicates. The statistic sees a
// resample as a list of item indices, so it can be anything computed from
// items (a mean, a correlation over tokens, a difference of paired scores).
//
// Randomness: one SplitMix64 stream seeded with `seed`; replicate r draws its
// n indices in order with SplitMix64::below(n). The indices, hence the
// interval, are the same on every platform for the same (n, seed).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "hyperbolic/stats/confidence_level.hpp"
#include "hyperbolic/stats/splitmix64.hpp"

namespace hyperbolic::stats {

struct BootstrapCI {
  double estimate = 0;  // the statistic on the original sample
  double lo = 0, hi = 0;
  std::size_t resamples = 0;
  std::size_t nonfinite = 0;  // replicates whose statistic was NaN/inf, left out of lo/hi
};

// Quantile q of sorted values, interpolating linearly between order
// statistics (Hyndman and Fan type 7, R's default).
inline double quantile_of_sorted(std::span<const double> sorted, double q) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(h));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (h - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

// The statistic on `resamples` resamples of n items, in replicate order.
template <class Statistic>
std::vector<double> bootstrap_replicates(std::size_t n, Statistic&& statistic,
                                         std::size_t resamples, std::uint64_t seed) {
  if (n == 0) throw std::invalid_argument("bootstrap: no items to resample (n = 0)");
  if (resamples == 0) throw std::invalid_argument("bootstrap: resamples must be >= 1");
  SplitMix64 rng(seed);
  std::vector<std::size_t> indices(n);
  std::vector<double> out(resamples);
  for (auto& replicate : out) {
    for (auto& i : indices)
      i = static_cast<std::size_t>(rng.below(n));
    replicate = static_cast<double>(statistic(std::span<const std::size_t>(indices)));
  }
  return out;
}

// Percentile interval of `replicates` (any order); non-finite ones are
// counted and left out.
inline BootstrapCI percentile_interval(double estimate, std::vector<double> replicates,
                                       double level) {
  const double tail = detail::two_sided_tail(level, "bootstrap");
  BootstrapCI r;
  r.estimate = estimate;
  r.resamples = replicates.size();
  const auto finite_end = std::partition(replicates.begin(), replicates.end(),
                                         [](double v) { return std::isfinite(v); });
  r.nonfinite = static_cast<std::size_t>(replicates.end() - finite_end);
  replicates.erase(finite_end, replicates.end());
  std::sort(replicates.begin(), replicates.end());
  r.lo = quantile_of_sorted(replicates, tail);
  r.hi = quantile_of_sorted(replicates, 1 - tail);
  return r;
}

// statistic: (std::span<const std::size_t> indices) -> double.
template <class Statistic>
BootstrapCI bootstrap_ci(std::size_t n, Statistic statistic, std::size_t resamples,
                         std::uint64_t seed, double level = 0.95) {
  detail::two_sided_tail(level, "bootstrap_ci");  // reject a bad level before the work
  if (n == 0) throw std::invalid_argument("bootstrap_ci: no items to resample (n = 0)");
  std::vector<std::size_t> identity(n);
  std::iota(identity.begin(), identity.end(), std::size_t{0});
  const double estimate = static_cast<double>(statistic(std::span<const std::size_t>(identity)));
  return percentile_interval(estimate, bootstrap_replicates(n, statistic, resamples, seed), level);
}

}  // namespace hyperbolic::stats
