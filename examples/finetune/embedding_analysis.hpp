#pragma once
// The embedding analysis of HypLoRA (Yang et al. 2024, arXiv 2410.04010,
// section 3), like for like on an embedding table:
//  - delta-hyperbolicity of the tokens of each prompt: relative delta
//    2 delta / diameter under Euclidean distances between rows, with the
//    exact four-point delta and with the base-point estimator the paper (after
//    Khrulkov et al. 2020) computes, on the same prompts; controls of the same
//    sizes with known answers (a weighted tree: 0; a Gaussian cloud in the
//    same dimension: the value of no hierarchy);
//  - the same on the most frequent tokens together;
//  - token norm against corpus frequency (the paper: frequent tokens near the
//    origin, rare ones far out), with bootstrap intervals over tokens.
// Every random choice comes from options.seed through SplitMix64.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <hyperbolic/stats/bootstrap.hpp>
#include <hyperbolic/stats/mean_ci.hpp>
#include <hyperbolic/stats/splitmix64.hpp>
#include <hyperbolic/text/gromov_delta.hpp>
#include <hyperbolic/text/norm_frequency_analysis.hpp>

#include "word_vectors.hpp"

namespace finetune {

struct EmbeddingAnalysisOptions {
  std::uint64_t seed = 1;
  double level = 0.95;
  std::size_t resamples = 1000;              // bootstrap resamples over tokens
  std::size_t max_prompt_points = 120;       // distinct ids kept per prompt: exact delta is O(m^4)
  std::size_t top_frequent = 1000;           // most frequent ids analysed together
  std::size_t sampled_quadruples = 1000000;  // for the sampled delta of the frequent ids
  std::size_t frequency_bins = 10;           // equal-count bins (deciles) for mean norm
  unsigned threads = 0;                      // delta computations; 0: all cores
};

namespace embedding_detail {

namespace text = hyperbolic::text;
namespace stats = hyperbolic::stats;

// n x n Euclidean distances between the given rows, in double.
inline std::vector<double> row_distances(const float* table, std::size_t dim,
                                         std::span<const std::size_t> rows) {
  const std::size_t n = rows.size();
  std::vector<double> d(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      const float* a = table + rows[i] * dim;
      const float* b = table + rows[j] * dim;
      double s = 0;
      for (std::size_t k = 0; k < dim; ++k) {
        const double t = static_cast<double>(a[k]) - b[k];
        s += t * t;
      }
      d[i * n + j] = d[j * n + i] = std::sqrt(s);
    }
  return d;
}

// Path lengths of a random recursive tree on n vertices (parent of v uniform
// below v) with edge weights uniform in (0, 1): a tree metric, delta 0. Since
// every vertex below v is outside v's subtree, d(v, u) = w(v) + d(parent(v), u).
inline std::vector<double> random_tree_distances(std::size_t n, stats::SplitMix64& rng) {
  std::vector<double> d(n * n, 0.0);
  for (std::size_t v = 1; v < n; ++v) {
    const auto p = static_cast<std::size_t>(rng.below(v));
    const double w = rng.open01();
    for (std::size_t u = 0; u < v; ++u)
      d[v * n + u] = d[u * n + v] = w + d[p * n + u];
  }
  return d;
}

// n i.i.d. N(0, I_dim) points.
inline std::vector<float> gaussian_cloud(std::size_t n, std::size_t dim, stats::SplitMix64& rng) {
  std::vector<float> x(n * dim);
  for (auto& v : x)
    v = static_cast<float>(rng.normal());
  return x;
}

struct TwoDeltas {
  double exact = 0, base_point = 0;
};

// Relative delta by both methods; the base point is point 0.
inline TwoDeltas both_deltas(const std::vector<double>& d, std::size_t n, unsigned threads) {
  text::DeltaOptions o;
  o.threads = threads;
  o.method = text::DeltaMethod::exact;
  TwoDeltas r;
  r.exact = text::gromov_delta(d, n, o).relative;
  o.method = text::DeltaMethod::base_point;
  o.base_point = 0;
  r.base_point = text::gromov_delta(d, n, o).relative;
  return r;
}

inline nlohmann::json to_json(const stats::MeanCI& c) {
  return {{"mean", c.mean}, {"lo", c.lo}, {"hi", c.hi}, {"half_width", c.half_width}, {"n", c.n}};
}
inline nlohmann::json to_json(const stats::BootstrapCI& c) {
  return {
      {"estimate", c.estimate}, {"lo", c.lo}, {"hi", c.hi}, {"nonfinite_replicates", c.nonfinite}};
}
inline nlohmann::json summary(const std::vector<double>& v, double level) {
  if (v.empty()) return {{"n", 0}};
  auto j = to_json(stats::mean_confidence_interval(v, level));
  j["max"] = *std::max_element(v.begin(), v.end());
  return j;
}

// Pearson correlation of x and y over a resample given by indices.
inline double pearson_of(std::span<const double> x, std::span<const double> y,
                         std::span<const std::size_t> idx) {
  const double n = static_cast<double>(idx.size());
  double mx = 0, my = 0;
  for (auto i : idx)
    mx += x[i], my += y[i];
  mx /= n, my /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (auto i : idx) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);  // NaN for a constant resample: the bootstrap drops it
}

// Spearman correlation over resamples in O(n) each: a resample is a count
// c[i] per token, and its average ranks follow by walking the tokens in the
// full sample's order, tie group by tie group (a group of equal values with
// total count m starting after r smaller values gets rank r + (m + 1) / 2).
class ResampledSpearman {
 public:
  ResampledSpearman(std::span<const double> x, std::span<const double> y)
      : x_groups_(tie_groups(x)),
        y_groups_(tie_groups(y)),
        counts_(x.size()),
        rx_(x.size()),
        ry_(x.size()) {}

  double operator()(std::span<const std::size_t> idx) {
    std::fill(counts_.begin(), counts_.end(), 0.0);
    for (auto i : idx)
      counts_[i] += 1;
    assign_ranks(x_groups_, rx_);
    assign_ranks(y_groups_, ry_);
    const double mean = 0.5 * (static_cast<double>(idx.size()) + 1);
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i)
      if (counts_[i] > 0) {
        const double a = rx_[i] - mean, b = ry_[i] - mean;
        sxy += counts_[i] * a * b;
        sxx += counts_[i] * a * a;
        syy += counts_[i] * b * b;
      }
    return sxy / std::sqrt(sxx * syy);
  }

 private:
  // Tokens sorted by value, split into groups of equal values.
  struct Groups {
    std::vector<std::size_t> order, starts;  // starts: group boundaries, plus order.size()
  };
  static Groups tie_groups(std::span<const double> v) {
    Groups g;
    g.order.resize(v.size());
    std::iota(g.order.begin(), g.order.end(), std::size_t{0});
    std::stable_sort(g.order.begin(), g.order.end(), [&](auto a, auto b) { return v[a] < v[b]; });
    for (std::size_t k = 0; k < g.order.size(); ++k)
      if (k == 0 || v[g.order[k]] != v[g.order[k - 1]]) g.starts.push_back(k);
    g.starts.push_back(g.order.size());
    return g;
  }
  void assign_ranks(const Groups& g, std::vector<double>& rank) const {
    double below = 0;
    for (std::size_t s = 0; s + 1 < g.starts.size(); ++s) {
      double m = 0;
      for (std::size_t k = g.starts[s]; k < g.starts[s + 1]; ++k)
        m += counts_[g.order[k]];
      for (std::size_t k = g.starts[s]; k < g.starts[s + 1]; ++k)
        rank[g.order[k]] = below + 0.5 * (m + 1);
      below += m;
    }
  }
  Groups x_groups_, y_groups_;
  std::vector<double> counts_, rx_, ry_;
};

}  // namespace embedding_detail

// table: rows x dim, row-major, one row per id; frequencies[id]: the id's
// count in the training corpus; prompts: lists of ids (drawn at random by the
// caller). Returns JSON with
//   prompts.relative_delta.{exact, base_point, base_point_over_exact}
//       {mean, lo, hi, half_width, n, max}: t intervals over prompts;
//   prompts.controls.{tree, gaussian}.{exact, base_point}: the same, on
//       controls of each prompt's size; prompts.per_prompt: the raw values;
//   top_frequent.relative_delta.{base_point, sampled} and .gaussian_control;
//   norm_vs_frequency.{spearman_frequency_norm, pearson_log1p_frequency_norm}
//       {estimate, lo, hi} and .frequency_bins[] {count, min/max/mean_frequency,
//       mean_norm, lo, hi}: bootstrap intervals over tokens;
// plus strings stating each choice (points, base point, exclusions).
inline nlohmann::json analyze_embeddings(const float* table, std::size_t rows, std::size_t dim,
                                         std::span<const double> frequencies,
                                         const std::vector<std::vector<int>>& prompts,
                                         const EmbeddingAnalysisOptions& o = {}) {
  namespace text = hyperbolic::text;
  namespace stats = hyperbolic::stats;
  using namespace embedding_detail;
  if (table == nullptr || rows == 0 || dim == 0)
    throw std::invalid_argument("analyze_embeddings: empty table (" + std::to_string(rows) + " x " +
                                std::to_string(dim) + ")");
  if (frequencies.size() != rows)
    throw std::invalid_argument("analyze_embeddings: " + std::to_string(frequencies.size()) +
                                " frequencies for " + std::to_string(rows) + " rows");
  if (o.max_prompt_points < 4)
    throw std::invalid_argument("analyze_embeddings: max_prompt_points must be >= 4");
  for (std::size_t i = 0; i < rows * dim; ++i)
    if (!std::isfinite(table[i]))
      throw std::invalid_argument("analyze_embeddings: row " + std::to_string(i / dim) +
                                  " has a non-finite entry");
  for (std::size_t i = 0; i < rows; ++i)
    if (!std::isfinite(frequencies[i]) || frequencies[i] < 0)
      throw std::invalid_argument("analyze_embeddings: frequency of id " + std::to_string(i) +
                                  " is " + std::to_string(frequencies[i]));

  nlohmann::json out;
  out["table"] = {{"rows", rows}, {"dim", dim}};
  out["distance"] = "Euclidean distance between embedding rows";
  out["relative_delta_definition"] = "2 delta / diameter (0 for a tree metric)";
  out["options"] = {{"seed", o.seed},
                    {"level", o.level},
                    {"resamples", o.resamples},
                    {"max_prompt_points", o.max_prompt_points},
                    {"top_frequent", o.top_frequent},
                    {"sampled_quadruples", o.sampled_quadruples},
                    {"frequency_bins", o.frequency_bins}};

  // --- per prompt: embedding, tree control, Gaussian control, both methods.
  std::vector<double> points, exact, base, ratio, tree_exact, tree_base, gauss_exact, gauss_base;
  std::size_t skipped = 0, truncated = 0, zero_diameter = 0;
  for (std::size_t p = 0; p < prompts.size(); ++p) {
    std::vector<std::size_t> distinct;
    for (int id : prompts[p]) {
      if (id < 0 || static_cast<std::size_t>(id) >= rows)
        throw std::invalid_argument("analyze_embeddings: prompt " + std::to_string(p) + " has id " +
                                    std::to_string(id) + ", outside [0, " + std::to_string(rows) +
                                    ")");
      const auto u = static_cast<std::size_t>(id);
      if (std::find(distinct.begin(), distinct.end(), u) == distinct.end()) distinct.push_back(u);
    }
    if (distinct.size() < 4) {
      ++skipped;
      continue;
    }
    if (distinct.size() > o.max_prompt_points) {
      distinct.resize(o.max_prompt_points);
      ++truncated;
    }
    const std::size_t m = distinct.size();
    const auto d = row_distances(table, dim, distinct);
    if (*std::max_element(d.begin(), d.end()) == 0) ++zero_diameter;
    const auto e = both_deltas(d, m, o.threads);
    points.push_back(static_cast<double>(m));
    exact.push_back(e.exact);
    base.push_back(e.base_point);
    if (e.exact > 0) ratio.push_back(e.base_point / e.exact);

    stats::SplitMix64 rng(stats::stream_seed(o.seed, p));
    const auto t = both_deltas(random_tree_distances(m, rng), m, o.threads);
    tree_exact.push_back(t.exact);
    tree_base.push_back(t.base_point);
    const auto cloud = gaussian_cloud(m, dim, rng);
    std::vector<std::size_t> all(m);
    std::iota(all.begin(), all.end(), std::size_t{0});
    const auto g = both_deltas(row_distances(cloud.data(), dim, all), m, o.threads);
    gauss_exact.push_back(g.exact);
    gauss_base.push_back(g.base_point);
  }
  nlohmann::json pj;
  pj["given"] = prompts.size();
  pj["used"] = exact.size();
  pj["skipped_fewer_than_4_distinct_ids"] = skipped;
  pj["truncated_to_max_prompt_points"] = truncated;
  pj["zero_diameter"] = zero_diameter;
  pj["points"] = "the prompt's distinct ids, in order of first occurrence";
  pj["base_point"] = "the prompt's first distinct id";
  pj["interval"] = "t-based over prompts";
  pj["distinct_ids"] = summary(points, o.level);
  pj["relative_delta"] = {{"exact", summary(exact, o.level)},
                          {"base_point", summary(base, o.level)},
                          {"base_point_over_exact", summary(ratio, o.level)}};
  pj["controls"] = {
      {"tree",
       {{"description",
         "random recursive tree with uniform(0,1) edge weights on each prompt's number of points; "
         "path lengths; relative delta 0 up to rounding"},
        {"exact", summary(tree_exact, o.level)},
        {"base_point", summary(tree_base, o.level)}}},
      {"gaussian",
       {{"description",
         "i.i.d. N(0, I) points in the embedding dimension, each prompt's number of points; "
         "Euclidean distances"},
        {"exact", summary(gauss_exact, o.level)},
        {"base_point", summary(gauss_base, o.level)}}}};
  pj["per_prompt"] = {{"points", points}, {"exact", exact}, {"base_point", base}};
  out["prompts"] = pj;

  // --- the most frequent ids together, and a Gaussian cloud of the same size.
  std::vector<std::size_t> by_frequency;
  for (std::size_t i = 0; i < rows; ++i)
    if (frequencies[i] > 0) by_frequency.push_back(i);
  std::stable_sort(by_frequency.begin(), by_frequency.end(),
                   [&](auto a, auto b) { return frequencies[a] > frequencies[b]; });
  if (by_frequency.size() > o.top_frequent) by_frequency.resize(o.top_frequent);
  nlohmann::json tj;
  tj["count"] = by_frequency.size();
  tj["points"] = "the ids of highest corpus frequency (ties: lower id first), frequency > 0";
  tj["base_point"] = "the most frequent id";
  if (by_frequency.size() >= 4) {
    const std::size_t n = by_frequency.size();
    auto deltas = [&](const std::vector<double>& d) {
      text::DeltaOptions opt;
      opt.threads = o.threads;
      opt.method = text::DeltaMethod::base_point;
      opt.base_point = 0;
      const double bp = text::gromov_delta(d, n, opt).relative;
      opt.method = text::DeltaMethod::sampled;
      opt.samples = o.sampled_quadruples;
      opt.seed = o.seed;
      const double sampled = text::gromov_delta(d, n, opt).relative;
      return nlohmann::json{{"base_point", bp}, {"sampled", sampled}};
    };
    tj["relative_delta"] = deltas(row_distances(table, dim, by_frequency));
    tj["sampled_quadruples"] = o.sampled_quadruples;
    tj["sampled_note"] = "max over random quadruples: a lower bound on the exact delta";
    stats::SplitMix64 rng(stats::stream_seed(o.seed, 0xF00D));
    const auto cloud = gaussian_cloud(n, dim, rng);
    std::vector<std::size_t> all(n);
    std::iota(all.begin(), all.end(), std::size_t{0});
    tj["gaussian_control"] = deltas(row_distances(cloud.data(), dim, all));
  } else {
    tj["relative_delta"] = nullptr;
    tj["note"] = "fewer than 4 ids with frequency > 0";
  }
  out["top_frequent"] = tj;

  // --- norm against frequency, over ids seen in the corpus.
  std::vector<double> norms, freqs;
  for (std::size_t i = 0; i < rows; ++i)
    if (frequencies[i] > 0) {
      double s = 0;
      for (std::size_t k = 0; k < dim; ++k)
        s += static_cast<double>(table[i * dim + k]) * table[i * dim + k];
      norms.push_back(std::sqrt(s));
      freqs.push_back(frequencies[i]);
    }
  nlohmann::json nj;
  nj["tokens"] = norms.size();
  nj["excluded_zero_frequency"] = rows - norms.size();
  nj["note"] = "ids with frequency 0 are excluded; norm is the Euclidean row norm";
  nj["interval"] = "percentile bootstrap over tokens";
  if (norms.size() >= 2 && o.frequency_bins > 0) {
    const std::size_t n = norms.size();
    std::vector<double> log_f(n);
    for (std::size_t i = 0; i < n; ++i)
      log_f[i] = std::log1p(freqs[i]);
    const auto base_analysis = text::analyze_norm_vs_frequency(norms, freqs, o.frequency_bins);
    embedding_detail::ResampledSpearman spearman(freqs, norms);
    nj["spearman_frequency_norm"] = to_json(stats::bootstrap_ci(
        n, std::ref(spearman), o.resamples, stats::stream_seed(o.seed, 1), o.level));
    nj["pearson_log1p_frequency_norm"] = to_json(stats::bootstrap_ci(
        n, [&](std::span<const std::size_t> idx) { return pearson_of(log_f, norms, idx); },
        o.resamples, stats::stream_seed(o.seed, 2), o.level));
    // Bins as in analyze_norm_vs_frequency: equal counts after a stable sort
    // by frequency, rarest first.
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](auto a, auto b) { return freqs[a] < freqs[b]; });
    nlohmann::json bins = nlohmann::json::array();
    for (std::size_t b = 0; b < base_analysis.bins.size(); ++b) {
      const std::size_t nb = base_analysis.bins.size();
      const std::size_t begin = b * n / nb, end = (b + 1) * n / nb;
      std::vector<double> bin_norms;
      for (std::size_t k = begin; k < end; ++k)
        bin_norms.push_back(norms[order[k]]);
      const auto ci = stats::bootstrap_ci(
          bin_norms.size(),
          [&](std::span<const std::size_t> idx) {
            double s = 0;
            for (auto i : idx)
              s += bin_norms[i];
            return s / static_cast<double>(idx.size());
          },
          o.resamples, stats::stream_seed(o.seed, 100 + b), o.level);
      const auto& bin = base_analysis.bins[b];
      bins.push_back({{"bin", b},
                      {"count", bin.count},
                      {"min_frequency", bin.min_frequency},
                      {"max_frequency", bin.max_frequency},
                      {"mean_frequency", bin.mean_frequency},
                      {"mean_norm", ci.estimate},
                      {"lo", ci.lo},
                      {"hi", ci.hi}});
    }
    nj["frequency_bins"] = bins;
    nj["bins_note"] =
        "equal-count bins of tokens sorted by frequency (ties in id order), rarest first";
  }
  out["norm_vs_frequency"] = nj;
  return out;
}

}  // namespace finetune
