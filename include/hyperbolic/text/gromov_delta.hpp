#pragma once
// Gromov delta-hyperbolicity of a finite metric space, given as a distance
// callable dist(i, j) over points 0..n-1 (any manifold's distance, a graph
// metric, ...) or as an n x n distance matrix.
//
// Four-point condition: for points x, y, z, w let the three pair sums be
// d(x,y)+d(z,w), d(x,z)+d(y,w), d(x,w)+d(y,z); delta is half the largest gap
// between the biggest and the middle sum, over all quadruples. Equivalently
// delta = max over base points w of delta_w, where delta_w is the smallest
// delta with (x,y)_w >= min((x,z)_w, (y,z)_w) - delta for the Gromov products
// (x,y)_w = (d(x,w) + d(y,w) - d(x,y)) / 2.
//   exact        all quadruples, O(n^4): small sets
//   base_point   delta_w for one base point, O(n^3) (a lower bound within a
//                factor 2 of delta; what Khrulkov et al. 2020 compute)
//   sampled      random quadruples: a lower bound for very large sets
// relative delta = 2 delta / diameter (0 for trees, 1 for a circle), as in
// the HypLoRA analysis.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "hyperbolic/text/deterministic_random.hpp"

namespace hyperbolic::text {

enum class DeltaMethod { automatic, exact, base_point, sampled };

struct DeltaOptions {
  DeltaMethod method = DeltaMethod::automatic;
  std::size_t exact_up_to = 60;         // automatic: exact for n <= this
  std::size_t base_point_up_to = 2000;  // automatic: base point for n <= this
  std::size_t base_point = 0;           // for base_point
  std::size_t samples = 1000000;        // quadruples for sampled
  std::uint64_t seed = 1;
  unsigned threads = 0;  // 0: hardware concurrency
};

struct DeltaResult {
  double delta = 0;
  double diameter = 0;  // exact, or the largest sampled distance for sampled
  double relative = 0;  // 2 delta / diameter
  DeltaMethod method = DeltaMethod::exact;
  std::size_t points = 0;
};

inline std::string to_string(DeltaMethod m) {
  switch (m) {
    case DeltaMethod::automatic:
      return "automatic";
    case DeltaMethod::exact:
      return "exact";
    case DeltaMethod::base_point:
      return "base_point";
    case DeltaMethod::sampled:
      return "sampled";
  }
  return "unknown";
}

// Half the gap between the largest and the middle of the three pair sums.
inline double four_point_delta(double xy, double zw, double xz, double yw, double xw, double yz) {
  double a = xy + zw, b = xz + yw, c = xw + yz;
  if (a < b) std::swap(a, b);
  if (b < c) std::swap(b, c);
  if (a < b) std::swap(a, b);
  return 0.5 * (a - b);
}

namespace detail {

inline unsigned thread_count(unsigned requested, std::size_t work) {
  unsigned t = requested ? requested : std::thread::hardware_concurrency();
  return std::max(1u, std::min<unsigned>(t, static_cast<unsigned>(std::max<std::size_t>(work, 1))));
}

// Runs body(i, thread) for i in [0, n) on a few threads, rows handed out one by one.
template <class Body>
void parallel_rows(std::size_t n, unsigned threads, Body&& body) {
  std::atomic<std::size_t> next{0};
  auto worker = [&](unsigned t) {
    for (std::size_t i = next++; i < n; i = next++)
      body(i, t);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(worker, t);
  worker(0);
  for (auto& th : pool)
    th.join();
}

inline std::vector<double> distance_matrix_of(
    std::size_t n, const std::function<double(std::size_t, std::size_t)>& dist) {
  std::vector<double> d(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      const double v = dist(i, j);
      if (!std::isfinite(v) || v < 0)
        throw std::invalid_argument("gromov_delta: distance(" + std::to_string(i) + ", " +
                                    std::to_string(j) + ") = " + std::to_string(v) +
                                    " is not a finite non-negative number");
      d[i * n + j] = d[j * n + i] = v;
    }
  return d;
}

inline double diameter_of(std::span<const double> d) {
  double m = 0;
  for (double v : d)
    m = std::max(m, v);
  return m;
}

inline double exact_delta(std::span<const double> d, std::size_t n, unsigned threads) {
  std::vector<double> best(threads, 0.0);
  parallel_rows(n, threads, [&](std::size_t i, unsigned t) {
    const double* di = d.data() + i * n;
    double local = best[t];
    for (std::size_t j = i + 1; j < n; ++j) {
      const double* dj = d.data() + j * n;
      for (std::size_t k = j + 1; k < n; ++k) {
        const double* dk = d.data() + k * n;
        for (std::size_t l = k + 1; l < n; ++l)
          local = std::max(local, four_point_delta(di[j], dk[l], di[k], dj[l], di[l], dj[k]));
      }
    }
    best[t] = local;
  });
  return *std::max_element(best.begin(), best.end());
}

inline double base_point_delta(std::span<const double> d, std::size_t n, std::size_t w,
                               unsigned threads) {
  // Gromov products at w, then delta_w = max_{x,y} (max_z min(G_xz, G_zy) - G_xy).
  std::vector<double> g(n * n);
  for (std::size_t x = 0; x < n; ++x)
    for (std::size_t y = 0; y < n; ++y)
      g[x * n + y] = 0.5 * (d[x * n + w] + d[y * n + w] - d[x * n + y]);
  std::vector<double> best(threads, 0.0);
  parallel_rows(n, threads, [&](std::size_t x, unsigned t) {
    const double* gx = g.data() + x * n;
    double local = best[t];
    for (std::size_t y = x + 1; y < n; ++y) {
      const double* gy = g.data() + y * n;
      double max_min = -std::numeric_limits<double>::infinity();
      for (std::size_t z = 0; z < n; ++z)
        max_min = std::max(max_min, std::min(gx[z], gy[z]));
      local = std::max(local, max_min - gx[y]);
    }
    best[t] = local;
  });
  return *std::max_element(best.begin(), best.end());
}

}  // namespace detail

// Delta of an n x n symmetric distance matrix (row-major).
inline DeltaResult gromov_delta(std::span<const double> distances, std::size_t n,
                                const DeltaOptions& options = {}) {
  if (distances.size() != n * n)
    throw std::invalid_argument("gromov_delta: matrix has " + std::to_string(distances.size()) +
                                " entries, expected n*n = " + std::to_string(n * n));
  if (n < 4)
    throw std::invalid_argument("gromov_delta: need at least 4 points, got " + std::to_string(n));
  DeltaMethod method = options.method;
  if (method == DeltaMethod::automatic)
    method = n <= options.exact_up_to        ? DeltaMethod::exact
             : n <= options.base_point_up_to ? DeltaMethod::base_point
                                             : DeltaMethod::sampled;
  DeltaResult result;
  result.points = n;
  result.method = method;
  result.diameter = detail::diameter_of(distances);
  const unsigned threads = detail::thread_count(options.threads, n);
  switch (method) {
    case DeltaMethod::exact:
      result.delta = detail::exact_delta(distances, n, threads);
      break;
    case DeltaMethod::base_point:
      if (options.base_point >= n)
        throw std::invalid_argument("gromov_delta: base point " +
                                    std::to_string(options.base_point) +
                                    " out of range for n = " + std::to_string(n));
      result.delta = detail::base_point_delta(distances, n, options.base_point, threads);
      break;
    default: {
      auto engine = make_engine(options.seed);
      for (std::size_t s = 0; s < options.samples; ++s) {
        std::size_t q[4];
        for (auto& v : q)
          v = static_cast<std::size_t>(uniform_open01(engine) * n) % n;
        auto dd = [&](std::size_t a, std::size_t b) { return distances[q[a] * n + q[b]]; };
        result.delta = std::max(result.delta, four_point_delta(dd(0, 1), dd(2, 3), dd(0, 2),
                                                               dd(1, 3), dd(0, 3), dd(1, 2)));
      }
    }
  }
  result.relative = result.diameter > 0 ? 2 * result.delta / result.diameter : 0.0;
  return result;
}

// Delta of points 0..n-1 under a distance callable. Exact and base-point
// methods evaluate all n(n-1)/2 distances once; sampled evaluates only the
// sampled ones (and its diameter is the largest distance it saw).
template <class Distance>
DeltaResult gromov_delta(std::size_t n, Distance&& dist, const DeltaOptions& options = {}) {
  if (n < 4)
    throw std::invalid_argument("gromov_delta: need at least 4 points, got " + std::to_string(n));
  const bool sampled = options.method == DeltaMethod::sampled ||
                       (options.method == DeltaMethod::automatic && n > options.base_point_up_to);
  if (!sampled) {
    const auto d = detail::distance_matrix_of(
        n, [&](std::size_t i, std::size_t j) { return static_cast<double>(dist(i, j)); });
    DeltaOptions o = options;
    if (o.method == DeltaMethod::automatic)
      o.method = n <= o.exact_up_to ? DeltaMethod::exact : DeltaMethod::base_point;
    return gromov_delta(std::span<const double>(d), n, o);
  }
  DeltaResult result;
  result.points = n;
  result.method = DeltaMethod::sampled;
  auto engine = make_engine(options.seed);
  for (std::size_t s = 0; s < options.samples; ++s) {
    std::size_t q[4];
    for (auto& v : q)
      v = static_cast<std::size_t>(uniform_open01(engine) * n) % n;
    double d[4][4];
    for (int a = 0; a < 4; ++a)
      for (int b = a + 1; b < 4; ++b) {
        d[a][b] = q[a] == q[b] ? 0.0 : static_cast<double>(dist(q[a], q[b]));
        result.diameter = std::max(result.diameter, d[a][b]);
      }
    result.delta = std::max(result.delta,
                            four_point_delta(d[0][1], d[2][3], d[0][2], d[1][3], d[0][3], d[1][2]));
  }
  result.relative = result.diameter > 0 ? 2 * result.delta / result.diameter : 0.0;
  return result;
}

}  // namespace hyperbolic::text
