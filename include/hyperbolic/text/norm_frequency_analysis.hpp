#pragma once
// How embedding norms relate to token frequency (HypLoRA observe: frequent
// tokens near the origin, rare ones far out, as a tree's root and leaves).
// Takes one norm per token (Euclidean row norms, or a hyperbolic distance to
// the origin computed by the caller) and one frequency per token.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace hyperbolic::text {

struct FrequencyBin {
  double min_frequency = 0, max_frequency = 0;
  double mean_frequency = 0;
  double mean_norm = 0;
  std::size_t count = 0;
};

struct NormFrequencyAnalysis {
  double pearson_log_frequency = 0;  // Pearson(log(1 + f), norm)
  double spearman = 0;               // Spearman rank correlation(f, norm)
  std::vector<FrequencyBin> bins;    // equal-count bins, rarest first
};

// Euclidean norm of each row of a row-major rows x dim table.
template <class T>
std::vector<double> row_norms(std::span<const T> table, std::size_t rows, std::size_t dim) {
  if (table.size() != rows * dim)
    throw std::invalid_argument("row_norms: table has " + std::to_string(table.size()) +
                                " entries, expected " + std::to_string(rows * dim));
  std::vector<double> norms(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    double s = 0;
    for (std::size_t k = 0; k < dim; ++k)
      s += static_cast<double>(table[r * dim + k]) * table[r * dim + k];
    norms[r] = std::sqrt(s);
  }
  return norms;
}

inline double pearson_correlation(std::span<const double> x, std::span<const double> y) {
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}

// Ranks 1..n with ties given their average rank.
inline std::vector<double> average_ranks(std::span<const double> v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return v[a] < v[b]; });
  std::vector<double> ranks(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j < order.size() && v[order[j]] == v[order[i]])
      ++j;
    const double rank = 0.5 * static_cast<double>(i + j - 1) + 1.0;
    for (std::size_t k = i; k < j; ++k)
      ranks[order[k]] = rank;
    i = j;
  }
  return ranks;
}

inline double spearman_correlation(std::span<const double> x, std::span<const double> y) {
  const auto rx = average_ranks(x), ry = average_ranks(y);
  return pearson_correlation(rx, ry);
}

inline NormFrequencyAnalysis analyze_norm_vs_frequency(std::span<const double> norms,
                                                       std::span<const double> frequencies,
                                                       std::size_t bin_count = 10) {
  if (norms.size() != frequencies.size())
    throw std::invalid_argument("analyze_norm_vs_frequency: " + std::to_string(norms.size()) +
                                " norms but " + std::to_string(frequencies.size()) +
                                " frequencies");
  if (norms.size() < 2 || bin_count == 0)
    throw std::invalid_argument("analyze_norm_vs_frequency: need >= 2 tokens and >= 1 bin");
  for (std::size_t i = 0; i < norms.size(); ++i)
    if (!std::isfinite(norms[i]) || !std::isfinite(frequencies[i]) || frequencies[i] < 0)
      throw std::invalid_argument("analyze_norm_vs_frequency: bad value at token " +
                                  std::to_string(i) + " (norm " + std::to_string(norms[i]) +
                                  ", frequency " + std::to_string(frequencies[i]) + ")");
  NormFrequencyAnalysis out;
  std::vector<double> log_f(frequencies.size());
  for (std::size_t i = 0; i < log_f.size(); ++i)
    log_f[i] = std::log1p(frequencies[i]);
  out.pearson_log_frequency = pearson_correlation(log_f, norms);
  out.spearman = spearman_correlation(frequencies, norms);

  std::vector<std::size_t> order(norms.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](auto a, auto b) { return frequencies[a] < frequencies[b]; });
  const std::size_t bins = std::min(bin_count, norms.size());
  for (std::size_t b = 0; b < bins; ++b) {
    const std::size_t begin = b * order.size() / bins, end = (b + 1) * order.size() / bins;
    FrequencyBin bin;
    bin.count = end - begin;
    bin.min_frequency = frequencies[order[begin]];
    bin.max_frequency = frequencies[order[end - 1]];
    for (std::size_t k = begin; k < end; ++k) {
      bin.mean_frequency += frequencies[order[k]] / bin.count;
      bin.mean_norm += norms[order[k]] / bin.count;
    }
    out.bins.push_back(bin);
  }
  return out;
}

}  // namespace hyperbolic::text
