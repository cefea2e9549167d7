// Paired comparisons of two methods on the same items: exact McNemar against
// hand-computed binomial tails, the paired bootstrap's interval and p-value.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "hyperbolic/stats/paired_tests.hpp"

using namespace hyperbolic::stats;

namespace {
// n items: both right on `both`, only A on `only_a`, only B on `only_b`, rest both wrong.
void scores(std::size_t n, std::size_t both, std::size_t only_a, std::size_t only_b,
            std::vector<int>& a, std::vector<int>& b) {
  a.assign(n, 0);
  b.assign(n, 0);
  std::size_t i = 0;
  for (std::size_t k = 0; k < both; ++k, ++i)
    a[i] = b[i] = 1;
  for (std::size_t k = 0; k < only_a; ++k, ++i)
    a[i] = 1;
  for (std::size_t k = 0; k < only_b; ++k, ++i)
    b[i] = 1;
}
std::vector<double> as_double(const std::vector<int>& v) {
  return {v.begin(), v.end()};
}
}  // namespace

TEST_CASE("McNemar exact: hand-computed binomial tails") {
  std::vector<int> a, b;
  // 10 vs 2 discordant: 2 (1 + 12 + 66) / 4096 = 0.03857421875.
  scores(100, 60, 10, 2, a, b);
  auto r = mcnemar_exact(a, b);
  CHECK(r.n == 100);
  CHECK(r.only_a == 10);
  CHECK(r.only_b == 2);
  CHECK(r.mean_difference == doctest::Approx(0.08));
  CHECK(r.p_value == doctest::Approx(0.03857421875).epsilon(1e-13));
  CHECK(std::isnan(r.lo));
  // The order of the methods does not change p.
  CHECK(mcnemar_exact(b, a).p_value == r.p_value);
  CHECK(mcnemar_exact(b, a).mean_difference == doctest::Approx(-0.08));
  // Doubles with 0/1 values give the same answer.
  CHECK(mcnemar_exact(as_double(a), as_double(b)).p_value == r.p_value);
  // 1 vs 0: 2 * 1/2 = 1; balanced and no discordance: 1.
  scores(5, 2, 1, 0, a, b);
  CHECK(mcnemar_exact(a, b).p_value == 1.0);
  scores(50, 10, 7, 7, a, b);
  CHECK(mcnemar_exact(a, b).p_value == 1.0);
  scores(50, 10, 0, 0, a, b);
  CHECK(mcnemar_exact(a, b).p_value == 1.0);
  // 6 vs 0: 2 / 64.
  scores(20, 3, 6, 0, a, b);
  CHECK(mcnemar_exact(a, b).p_value == doctest::Approx(2.0 / 64).epsilon(1e-14));
  // Thousands of discordant pairs: 1400 vs 1600 (mpmath).
  scores(4000, 500, 1400, 1600, a, b);
  CHECK(mcnemar_exact(a, b).p_value == doctest::Approx(0.000278563961039234).epsilon(1e-10));
}

TEST_CASE("McNemar exact: errors name the sizes and bad scores") {
  const std::vector<int> a = {1, 0, 1}, b = {1, 1, 0, 0}, c = {1, 2, 0};
  CHECK_THROWS_WITH_AS(mcnemar_exact(a, b), doctest::Contains("3 and 4"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(mcnemar_exact(a, c), doctest::Contains("0 or 1, item 1"),
                       std::invalid_argument);
  const std::vector<int> e;
  CHECK_THROWS_AS(mcnemar_exact(e, e), std::invalid_argument);
}

TEST_CASE("paired bootstrap: identical methods give 0 and p = 1") {
  std::vector<int> a, b;
  scores(200, 80, 0, 0, a, b);
  const auto r = paired_bootstrap(as_double(a), as_double(b), 500, 1);
  CHECK(r.mean_difference == 0.0);
  CHECK(r.lo == 0.0);
  CHECK(r.hi == 0.0);
  CHECK(r.p_value == 1.0);
}

TEST_CASE("paired bootstrap: interval and p agree with the exact test") {
  std::vector<int> a, b;
  // 10 vs 2 discordant in 100: mean difference 0.08, McNemar p = 0.039.
  scores(100, 60, 10, 2, a, b);
  const auto da = as_double(a), db = as_double(b);
  const auto r = paired_bootstrap(da, db, 4000, 7);
  CHECK(r.n == 100);
  CHECK(r.only_a == 10);
  CHECK(r.only_b == 2);
  CHECK(r.mean_difference == doctest::Approx(0.08));
  // Normal approximation: 0.08 -+ 1.96 * 0.0337 = [0.014, 0.146]; the
  // replicates are multiples of 0.01.
  CHECK(r.lo > 0.0);
  CHECK(r.lo <= 0.03);
  CHECK(r.hi >= 0.13);
  CHECK(r.hi <= 0.16);
  CHECK(r.p_value > 0.002);
  CHECK(r.p_value < 0.06);
  // Swapping the methods mirrors the interval (same seed, same resamples).
  const auto s = paired_bootstrap(db, da, 4000, 7);
  CHECK(s.lo == doctest::Approx(-r.hi));
  CHECK(s.hi == doctest::Approx(-r.lo));
  CHECK(s.p_value == r.p_value);
  // Same seed, same answer.
  const auto again = paired_bootstrap(da, db, 4000, 7);
  CHECK(again.lo == r.lo);
  CHECK(again.p_value == r.p_value);
  // A clear win: every resample favours A, p is at its floor 0.
  scores(100, 20, 40, 0, a, b);
  CHECK(paired_bootstrap(as_double(a), as_double(b), 1000, 1).p_value == 0.0);
}

TEST_CASE("paired bootstrap on seed-averaged scores") {
  // Per-item accuracy averaged over 4 seeds: A is ahead by 0.25 on every item.
  std::vector<double> a(60), b(60);
  for (std::size_t i = 0; i < a.size(); ++i) {
    b[i] = (i % 4) / 4.0;
    a[i] = b[i] + 0.25;
  }
  const auto r = paired_bootstrap(a, b, 500, 3);
  CHECK(r.mean_difference == doctest::Approx(0.25));
  CHECK(r.lo == doctest::Approx(0.25));
  CHECK(r.hi == doctest::Approx(0.25));
  CHECK(r.only_a == 60);
  CHECK(r.p_value == 0.0);
}

TEST_CASE("paired bootstrap: errors") {
  const std::vector<double> a = {1, 0, 1}, b = {1, 1};
  CHECK_THROWS_WITH_AS(paired_bootstrap(a, b, 10, 1), doctest::Contains("3 and 2"),
                       std::invalid_argument);
  const std::vector<double> e;
  CHECK_THROWS_WITH_AS(paired_bootstrap(e, e, 10, 1), doctest::Contains("no items"),
                       std::invalid_argument);
  CHECK_THROWS_AS(paired_bootstrap(a, a, 0, 1), std::invalid_argument);
}
