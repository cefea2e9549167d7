#pragma once
// Comparing two methods scored on the same test items (a[i], b[i] the scores
// of methods A and B on item i: 0/1 correctness, or any per-item number).
// Pairing removes the item-to-item variation both methods share, so these
// tests are far more sensitive than comparing two independent accuracies.
//
// Several seeds per method: average each item's score over the seeds first
// (a[i] = fraction of A's seeds that got item i right) and pass those
// vectors to paired_bootstrap; the items remain the resampled unit. (McNemar
// needs 0/1 scores, so it compares one seed of each, or a majority vote.)

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "hyperbolic/stats/binomial_tail.hpp"
#include "hyperbolic/stats/bootstrap.hpp"

namespace hyperbolic::stats {

struct PairedComparison {
  double mean_difference = 0;  // mean over items of a[i] - b[i]
  double lo = 0, hi = 0;       // confidence interval of mean_difference (NaN for McNemar)
  double p_value = 1;          // two-sided, null: no difference
  std::size_t n = 0;           // items
  std::size_t only_a = 0;      // items with a[i] > b[i] (0/1: A right, B wrong)
  std::size_t only_b = 0;      // items with b[i] > a[i]
};

namespace detail {

template <class T>
void check_paired(std::span<const T> a, std::span<const T> b, const char* who) {
  if (a.size() != b.size())
    throw std::invalid_argument(
        std::string(who) + ": the two methods must be scored on the same items, got " +
        std::to_string(a.size()) + " and " + std::to_string(b.size()) + " scores");
  if (a.empty()) throw std::invalid_argument(std::string(who) + ": no items (sizes 0 and 0)");
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!std::isfinite(static_cast<double>(a[i])) || !std::isfinite(static_cast<double>(b[i])))
      throw std::invalid_argument(std::string(who) + ": score of item " + std::to_string(i) +
                                  " is not finite");
}

template <class T>
PairedComparison discordant_counts(std::span<const T> a, std::span<const T> b) {
  PairedComparison r;
  r.n = a.size();
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a[i]) - static_cast<double>(b[i]);
    sum += d;
    r.only_a += d > 0;
    r.only_b += d < 0;
  }
  r.mean_difference = sum / static_cast<double>(r.n);
  return r;
}

}  // namespace detail

// Percentile bootstrap over items of mean(a - b): interval from the
// replicates' quantiles, and the percentile-bootstrap p-value: twice the
// fraction of replicates on the far side of 0 from the bulk (replicates equal
// to 0 count on both sides), capped at 1. Its resolution is 1/resamples: a
// p-value of 0 means below that. Randomness as in bootstrap.hpp.
inline PairedComparison paired_bootstrap(std::span<const double> a, std::span<const double> b,
                                         std::size_t resamples, std::uint64_t seed,
                                         double level = 0.95) {
  detail::check_paired(a, b, "paired_bootstrap");
  detail::two_sided_tail(level, "paired_bootstrap");
  PairedComparison r = detail::discordant_counts(a, b);
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < d.size(); ++i)
    d[i] = a[i] - b[i];
  auto replicates = bootstrap_replicates(
      d.size(),
      [&](std::span<const std::size_t> idx) {
        double s = 0;
        for (auto i : idx)
          s += d[i];
        return s / static_cast<double>(idx.size());
      },
      resamples, seed);
  std::size_t at_or_below = 0, at_or_above = 0;
  for (double v : replicates) {
    at_or_below += v <= 0;
    at_or_above += v >= 0;
  }
  const auto ci = percentile_interval(r.mean_difference, std::move(replicates), level);
  r.lo = ci.lo;
  r.hi = ci.hi;
  r.p_value = std::min(1.0, 2.0 * static_cast<double>(std::min(at_or_below, at_or_above)) /
                                static_cast<double>(resamples));
  return r;
}

// Exact McNemar test: under the null each discordant item (one method right,
// the other wrong) is equally likely to favour A or B, so
// only_a ~ Binomial(only_a + only_b, 1/2) and
// p = min(1, 2 P[X <= min(only_a, only_b)]). Scores must be 0 or 1.
// No interval is given (lo = hi = NaN): use paired_bootstrap for one.
template <class T>
PairedComparison mcnemar_exact(std::span<const T> a, std::span<const T> b) {
  detail::check_paired(a, b, "mcnemar_exact");
  for (std::size_t i = 0; i < a.size(); ++i)
    for (T v : {a[i], b[i]})
      if (v != T(0) && v != T(1))
        throw std::invalid_argument("mcnemar_exact: scores must be 0 or 1, item " +
                                    std::to_string(i) + " has " +
                                    std::to_string(static_cast<double>(v)));
  PairedComparison r = detail::discordant_counts(a, b);
  r.lo = r.hi = std::numeric_limits<double>::quiet_NaN();
  const std::size_t m = r.only_a + r.only_b;
  r.p_value = std::min(1.0, 2.0 * binomial_half_lower_tail(m, std::min(r.only_a, r.only_b)));
  return r;
}

inline PairedComparison mcnemar_exact(const std::vector<int>& a, const std::vector<int>& b) {
  return mcnemar_exact(std::span<const int>(a), std::span<const int>(b));
}
inline PairedComparison mcnemar_exact(const std::vector<double>& a, const std::vector<double>& b) {
  return mcnemar_exact(std::span<const double>(a), std::span<const double>(b));
}

}  // namespace hyperbolic::stats
