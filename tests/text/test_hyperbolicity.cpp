// Gromov delta on spaces with known values, and norm-versus-frequency analysis.
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <queue>
#include <vector>

#include "hyperbolic/text/deterministic_random.hpp"
#include "hyperbolic/text/gromov_delta.hpp"
#include "hyperbolic/text/norm_frequency_analysis.hpp"

using namespace hyperbolic::text;

namespace {

// All-pairs shortest paths of an unweighted graph by BFS.
std::vector<double> graph_distances(const std::vector<std::vector<std::size_t>>& adjacency) {
  const std::size_t n = adjacency.size();
  std::vector<double> d(n * n, -1);
  for (std::size_t s = 0; s < n; ++s) {
    std::queue<std::size_t> q;
    q.push(s);
    d[s * n + s] = 0;
    while (!q.empty()) {
      const auto u = q.front();
      q.pop();
      for (auto v : adjacency[u])
        if (d[s * n + v] < 0) d[s * n + v] = d[s * n + u] + 1, q.push(v);
    }
  }
  return d;
}

// Hyperbolic plane, curvature -1, points in polar coordinates (r, theta):
// cosh d = cosh r1 cosh r2 - sinh r1 sinh r2 cos(theta1 - theta2).
double hyperbolic_distance(double r1, double t1, double r2, double t2) {
  const double c =
      std::cosh(r1) * std::cosh(r2) - std::sinh(r1) * std::sinh(r2) * std::cos(t1 - t2);
  return std::acosh(std::max(1.0, c));
}

}  // namespace

TEST_CASE("a tree has delta 0 with every method") {
  auto engine = make_engine(3);
  const std::size_t n = 80;
  std::vector<std::vector<std::size_t>> adjacency(n);
  for (std::size_t v = 1; v < n; ++v) {  // random recursive tree
    const auto parent = static_cast<std::size_t>(uniform_open01(engine) * v);
    adjacency[v].push_back(parent);
    adjacency[parent].push_back(v);
  }
  const auto d = graph_distances(adjacency);
  for (auto method : {DeltaMethod::exact, DeltaMethod::base_point, DeltaMethod::sampled}) {
    DeltaOptions options;
    options.method = method;
    options.samples = 20000;
    const auto r = gromov_delta(d, n, options);
    CAPTURE(to_string(method));
    CHECK(r.delta == 0.0);
    CHECK(r.relative == 0.0);
    CHECK(r.diameter > 3);
  }
}

TEST_CASE("cycle graph C_n has delta n/4 and relative delta 1") {
  for (std::size_t n : {8, 12, 16, 20}) {
    std::vector<std::vector<std::size_t>> adjacency(n);
    for (std::size_t v = 0; v < n; ++v) {
      adjacency[v].push_back((v + 1) % n);
      adjacency[(v + 1) % n].push_back(v);
    }
    const auto d = graph_distances(adjacency);
    const auto r = gromov_delta(d, n);
    CAPTURE(n);
    CHECK(r.method == DeltaMethod::exact);
    CHECK(r.delta == doctest::Approx(n / 4.0));
    CHECK(r.diameter == doctest::Approx(n / 2.0));
    CHECK(r.relative == doctest::Approx(1.0));
    // A base point gives a lower bound within a factor 2.
    DeltaOptions base;
    base.method = DeltaMethod::base_point;
    const auto b = gromov_delta(d, n, base);
    CHECK(b.delta <= r.delta + 1e-12);
    CHECK(b.delta >= r.delta / 2 - 1e-12);
  }
}

TEST_CASE("points on a sphere and in the Euclidean plane") {
  // Four equally spaced points on a great circle of the unit sphere: a circle
  // of length 2 pi, so delta = pi/2, diameter pi, relative delta 1.
  const double pi = std::numbers::pi;
  auto sphere = [&](std::size_t i, std::size_t j) {
    const double a = i * pi / 2, b = j * pi / 2;
    const double dot = std::cos(a) * std::cos(b) + std::sin(a) * std::sin(b);
    return std::acos(std::clamp(dot, -1.0, 1.0));
  };
  const auto s = gromov_delta(4, sphere);
  CHECK(s.delta == doctest::Approx(pi / 2));
  CHECK(s.relative == doctest::Approx(1.0));
  // Unit square in the plane: delta = sqrt 2 - 1, relative 2 (sqrt 2 - 1) / sqrt 2.
  const double xs[] = {0, 1, 1, 0}, ys[] = {0, 0, 1, 1};
  auto plane = [&](std::size_t i, std::size_t j) {
    return std::hypot(xs[i] - xs[j], ys[i] - ys[j]);
  };
  const auto p = gromov_delta(4, plane);
  CHECK(p.delta == doctest::Approx(std::sqrt(2.0) - 1));
  CHECK(p.relative == doctest::Approx(2 * (std::sqrt(2.0) - 1) / std::sqrt(2.0)));
}

TEST_CASE("points in the hyperbolic plane") {
  // Regular quadrilateral at radius R: sides a with cosh a = cosh^2 R,
  // diagonals 2R, so delta = 2R - a, which tends to log 2 from below.
  for (double radius : {0.5, 2.0, 8.0}) {
    auto square = [&](std::size_t i, std::size_t j) {
      return hyperbolic_distance(radius, i * std::numbers::pi / 2, radius,
                                 j * std::numbers::pi / 2);
    };
    const auto r = gromov_delta(4, square);
    const double expected = 2 * radius - std::acosh(std::cosh(radius) * std::cosh(radius));
    CAPTURE(radius);
    CHECK(r.delta == doctest::Approx(expected).epsilon(1e-9));
    CHECK(r.delta < std::log(2.0));
  }
  // Random points in a disk of radius 6: delta stays below log 2 (the plane's
  // four-point constant) while the diameter is large, so relative delta is small.
  auto engine = make_engine(12);
  const std::size_t n = 40;
  std::vector<double> radii(n), angles(n);
  for (std::size_t i = 0; i < n; ++i) {
    radii[i] = 6.0 * std::sqrt(uniform_open01(engine));
    angles[i] = 2 * std::numbers::pi * uniform_open01(engine);
  }
  auto dist = [&](std::size_t i, std::size_t j) {
    return hyperbolic_distance(radii[i], angles[i], radii[j], angles[j]);
  };
  const auto h = gromov_delta(n, dist);
  CHECK(h.delta <= std::log(2.0) + 1e-9);
  CHECK(h.relative < 0.15);
  DeltaOptions sampled;
  sampled.method = DeltaMethod::sampled;
  sampled.samples = 50000;
  const auto hs = gromov_delta(n, dist, sampled);
  CHECK(hs.delta <= h.delta + 1e-12);
  CHECK(hs.delta > 0.5 * h.delta);
}

TEST_CASE("delta input errors") {
  std::vector<double> d(9, 0.0);
  CHECK_THROWS_AS(gromov_delta(d, 3), std::invalid_argument);
  CHECK_THROWS_AS(gromov_delta(d, 4), std::invalid_argument);
  auto bad = [](std::size_t, std::size_t) { return std::nan(""); };
  CHECK_THROWS_AS(gromov_delta(5, bad), std::invalid_argument);
}

TEST_CASE("norm versus frequency: correlations and binned means") {
  // Norm decreasing in log frequency: Spearman -1 exactly.
  std::vector<double> freq, norms;
  for (int i = 1; i <= 100; ++i) {
    freq.push_back(i * i);
    norms.push_back(10.0 - std::log(i));
  }
  const auto a = analyze_norm_vs_frequency(norms, freq, 4);
  CHECK(a.spearman == doctest::Approx(-1.0));
  CHECK(a.pearson_log_frequency < -0.99);
  REQUIRE(a.bins.size() == 4);
  CHECK(a.bins[0].count == 25);
  CHECK(a.bins[0].mean_norm > a.bins[3].mean_norm);
  CHECK(a.bins[0].min_frequency == 1);
  CHECK(a.bins[3].max_frequency == 10000);
  // Exact Pearson on a linear relation, ties in Spearman ranks averaged.
  CHECK(pearson_correlation(std::vector<double>{1, 2, 3}, std::vector<double>{2, 4, 6}) ==
        doctest::Approx(1.0));
  CHECK(average_ranks(std::vector<double>{5, 1, 5}) == std::vector<double>{2.5, 1, 2.5});
  const std::vector<float> table = {3, 4, 0, 0, 1, 0};
  CHECK(row_norms<float>(table, 3, 2) == std::vector<double>{5, 0, 1});
  CHECK_THROWS_AS(analyze_norm_vs_frequency(std::vector<double>{1, 2}, std::vector<double>{1, -1}),
                  std::invalid_argument);
}
