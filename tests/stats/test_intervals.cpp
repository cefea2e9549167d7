// Mean (t) and Wilson intervals against hand-computed values; the percentile
// bootstrap: coverage on normal samples, narrowing with n, determinism.
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "hyperbolic/stats/bootstrap.hpp"
#include "hyperbolic/stats/mean_ci.hpp"
#include "hyperbolic/stats/proportion_ci.hpp"
#include "hyperbolic/stats/splitmix64.hpp"

using namespace hyperbolic::stats;

namespace {
std::vector<double> normal_sample(std::size_t n, std::uint64_t seed) {
  SplitMix64 g(seed);
  std::vector<double> v(n);
  for (auto& x : v)
    x = g.normal();
  return v;
}
auto mean_of(const std::vector<double>& v) {
  return [&v](std::span<const std::size_t> idx) {
    double s = 0;
    for (auto i : idx)
      s += v[i];
    return s / static_cast<double>(idx.size());
  };
}
}  // namespace

TEST_CASE("mean interval: hand-computed case, n = 1, errors") {
  const std::vector<double> v = {1, 2, 3, 4, 5};
  const auto r = mean_confidence_interval(v);
  // mean 3, s = sqrt(2.5), t_{0.975,4} = 2.7764451051977944.
  CHECK(r.n == 5);
  CHECK(r.mean == doctest::Approx(3.0));
  CHECK(r.half_width == doctest::Approx(1.9632431614775577).epsilon(1e-12));
  CHECK(r.lo == doctest::Approx(3 - 1.9632431614775577).epsilon(1e-12));
  CHECK(r.hi == doctest::Approx(3 + 1.9632431614775577).epsilon(1e-12));
  // A constant sample has zero width, not NaN.
  const std::vector<double> same = {0.25, 0.25, 0.25};
  CHECK(mean_confidence_interval(same).half_width == 0.0);

  const std::vector<double> one = {0.7};
  const auto r1 = mean_confidence_interval(one);
  CHECK(r1.mean == 0.7);
  CHECK(std::isnan(r1.half_width));
  CHECK(std::isnan(r1.lo));

  const std::vector<double> none;
  CHECK_THROWS_WITH_AS(mean_confidence_interval(none), doctest::Contains("no values"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(mean_confidence_interval(v, 1.5), doctest::Contains("(0, 1)"),
                       std::invalid_argument);
  const std::vector<double> bad = {1, NAN};
  CHECK_THROWS_WITH_AS(mean_confidence_interval(bad), doctest::Contains("value 1"),
                       std::invalid_argument);
}

TEST_CASE("mean interval covers the true mean about 95% of the time for normal data") {
  int covered = 0;
  const int trials = 2000;
  for (int t = 0; t < trials; ++t) {
    const auto r = mean_confidence_interval(normal_sample(5, 100 + t));
    covered += r.lo <= 0 && 0 <= r.hi;
  }
  // Binomial sd of the coverage is 0.005; 4 sd either side.
  CHECK(covered / double(trials) == doctest::Approx(0.95).epsilon(0.02 / 0.95));
}

TEST_CASE("Wilson interval: hand-computed cases and boundaries") {
  // 8 of 10, z = 1.959963984540054.
  const auto r = wilson_interval(8, 10);
  CHECK(r.proportion == 0.8);
  CHECK(r.lo == doctest::Approx(0.490162471536642).epsilon(1e-12));
  CHECK(r.hi == doctest::Approx(0.943317848545625).epsilon(1e-12));
  // 0 of 100: lower bound 0, upper z^2/(n + z^2).
  const auto z0 = wilson_interval(0, 100);
  CHECK(z0.lo == 0.0);
  CHECK(z0.hi == doctest::Approx(0.0369934982069857).epsilon(1e-12));
  // k of n mirrors n-k of n.
  const auto a = wilson_interval(3, 17), b = wilson_interval(14, 17);
  CHECK(a.lo == doctest::Approx(1 - b.hi).epsilon(1e-14));
  CHECK(a.hi == doctest::Approx(1 - b.lo).epsilon(1e-14));
  CHECK(wilson_interval(17, 17).hi == 1.0);
  // Wider at a higher level.
  const auto w99 = wilson_interval(8, 10, 0.99);
  CHECK(w99.lo < r.lo);
  CHECK(w99.hi > r.hi);
  CHECK_THROWS_WITH_AS(wilson_interval(11, 10), doctest::Contains("11 successes"),
                       std::invalid_argument);
  CHECK_THROWS_AS(wilson_interval(0, 0), std::invalid_argument);
}

TEST_CASE("bootstrap interval of a mean: contains it, narrows like 1/sqrt(n), matches t") {
  const auto small = normal_sample(50, 1), large = normal_sample(800, 2);
  const auto cs = bootstrap_ci(small.size(), mean_of(small), 2000, 11);
  const auto cl = bootstrap_ci(large.size(), mean_of(large), 2000, 11);
  const double ms = std::accumulate(small.begin(), small.end(), 0.0) / small.size();
  CHECK(cs.estimate == doctest::Approx(ms).epsilon(1e-14));
  CHECK(cs.lo < cs.estimate);
  CHECK(cs.estimate < cs.hi);
  CHECK(cl.lo < cl.estimate);
  CHECK(cl.estimate < cl.hi);
  CHECK(cs.resamples == 2000);
  CHECK(cs.nonfinite == 0);
  // n grows 16-fold: the width shrinks about 4-fold.
  const double ratio = (cs.hi - cs.lo) / (cl.hi - cl.lo);
  CHECK(ratio > 2.5);
  CHECK(ratio < 6.0);
  // At n = 800 the bootstrap and t intervals agree within Monte Carlo noise.
  const auto t = mean_confidence_interval(large);
  CHECK((cl.hi - cl.lo) / (2 * t.half_width) == doctest::Approx(1.0).epsilon(0.1));
}

TEST_CASE("bootstrap interval coverage for a normal mean, n = 30") {
  int covered = 0;
  const int trials = 300;
  for (int t = 0; t < trials; ++t) {
    const auto v = normal_sample(30, 5000 + t);
    const auto c = bootstrap_ci(v.size(), mean_of(v), 400, t);
    covered += c.lo <= 0 && 0 <= c.hi;
  }
  // Percentile intervals undercover slightly at n = 30 (about 0.94); binomial
  // sd of 300 trials is 0.013.
  const double coverage = covered / double(trials);
  CHECK(coverage > 0.88);
  CHECK(coverage < 0.99);
}

TEST_CASE("bootstrap is deterministic for a seed and changes with it") {
  const auto v = normal_sample(40, 3);
  const auto a = bootstrap_ci(v.size(), mean_of(v), 500, 42);
  const auto b = bootstrap_ci(v.size(), mean_of(v), 500, 42);
  const auto c = bootstrap_ci(v.size(), mean_of(v), 500, 43);
  CHECK(a.lo == b.lo);
  CHECK(a.hi == b.hi);
  CHECK((a.lo != c.lo || a.hi != c.hi));
}

TEST_CASE("bootstrap: non-finite replicates are counted and left out; errors") {
  const auto v = normal_sample(10, 4);
  std::size_t calls = 0;
  const auto r = bootstrap_ci(
      v.size(),
      [&](std::span<const std::size_t> idx) { return ++calls % 2 == 0 ? NAN : mean_of(v)(idx); },
      100, 1);
  CHECK(r.nonfinite == 50);
  CHECK(std::isfinite(r.lo));
  CHECK_THROWS_WITH_AS(bootstrap_ci(0, mean_of(v), 10, 1), doctest::Contains("n = 0"),
                       std::invalid_argument);
  CHECK_THROWS_AS(bootstrap_ci(v.size(), mean_of(v), 0, 1), std::invalid_argument);
  CHECK_THROWS_AS(bootstrap_ci(v.size(), mean_of(v), 10, 1, 0.0), std::invalid_argument);
}

TEST_CASE("type-7 quantiles of sorted values") {
  const std::vector<double> s = {1, 2, 3, 4, 5};
  CHECK(quantile_of_sorted(s, 0.0) == 1.0);
  CHECK(quantile_of_sorted(s, 1.0) == 5.0);
  CHECK(quantile_of_sorted(s, 0.5) == 3.0);
  CHECK(quantile_of_sorted(s, 0.1) == doctest::Approx(1.4));
}
