// Student t, normal and binomial tails against values computed to 40 digits
// with mpmath (and closed forms where the distribution has one).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <numbers>

#include "hyperbolic/stats/binomial_tail.hpp"
#include "hyperbolic/stats/incomplete_beta.hpp"
#include "hyperbolic/stats/normal.hpp"
#include "hyperbolic/stats/splitmix64.hpp"
#include "hyperbolic/stats/student_t.hpp"

using namespace hyperbolic::stats;

TEST_CASE("regularized incomplete beta matches reference values") {
  CHECK(regularized_incomplete_beta(2.5, 4, 0.3) ==
        doctest::Approx(0.35219758590676724).epsilon(1e-13));
  CHECK(regularized_incomplete_beta(0.5, 7, 0.9) ==
        doctest::Approx(0.99999997807021575).epsilon(1e-14));
  // Deep tail for a large parameter, where x^a alone underflows nothing but
  // naive products of Gamma values would overflow.
  CHECK(regularized_incomplete_beta(500, 0.5, 0.5) ==
        doctest::Approx(1.0887202471751543e-152).epsilon(1e-10));
  CHECK(regularized_incomplete_beta(3, 2, 0.0) == 0.0);
  CHECK(regularized_incomplete_beta(3, 2, 1.0) == 1.0);
  CHECK_THROWS_AS(regularized_incomplete_beta(0, 2, 0.5), std::invalid_argument);
  CHECK_THROWS_AS(regularized_incomplete_beta(1, 2, 1.5), std::invalid_argument);
}

TEST_CASE("Student t quantiles match tables to 1e-6") {
  struct Row {
    double dof, p, t;
  };
  // mpmath, 40 digits; the first column of the brief's table is t_{0.975}.
  const Row rows[] = {
      {1, 0.975, 12.7062047361747},    {1, 0.995, 63.6567411628716},
      {1, 0.9, 3.07768353717525},      {2, 0.975, 4.30265272974946},
      {2, 0.995, 9.92484320091829},    {2, 0.9, 1.88561808316413},
      {3, 0.975, 3.18244630528371},    {3, 0.995, 5.84090930973336},
      {4, 0.975, 2.7764451051977944},  {5, 0.975, 2.57058183563632},
      {5, 0.995, 4.03214298355523},    {10, 0.975, 2.22813885198627},
      {10, 0.995, 3.16927267261695},   {10, 0.9, 1.37218364111034},
      {30, 0.975, 2.04227245630124},   {30, 0.995, 2.74999565356723},
      {30, 0.9, 1.3104150253914},      {100, 0.975, 1.98397151852355},
      {100, 0.995, 2.62589052143802},  {1000, 0.975, 1.96233908082641},
      {1000, 0.995, 2.58075469806595}, {1000, 0.9, 1.28239872146092},
  };
  for (const auto& r : rows) {
    CAPTURE(r.dof);
    CAPTURE(r.p);
    CHECK(std::fabs(student_t_quantile(r.p, r.dof) - r.t) < 1e-6);
    CHECK(std::fabs(student_t_quantile(1 - r.p, r.dof) + r.t) < 1e-6);  // symmetry
    CHECK(std::fabs(student_t_upper_quantile(1 - r.p, r.dof) - r.t) < 1e-6);
  }
  CHECK(student_t_quantile(0.5, 7) == 0.0);
  // Large dof tends to the normal quantile 1.959964.
  CHECK(student_t_upper_quantile(0.025, 1e6) == doctest::Approx(1.95996398454005).epsilon(1e-6));
}

TEST_CASE("Student t quantiles match the closed forms for 1 and 2 dof across p") {
  for (double p = 0.01; p < 0.995; p += 0.0137) {
    CAPTURE(p);
    const double cauchy = std::tan(std::numbers::pi * (p - 0.5));
    const double two = (2 * p - 1) / std::sqrt(2 * p * (1 - p));
    CHECK(std::fabs(student_t_quantile(p, 1) - cauchy) < 1e-9 * std::max(1.0, std::fabs(cauchy)));
    CHECK(std::fabs(student_t_quantile(p, 2) - two) < 1e-9 * std::max(1.0, std::fabs(two)));
  }
}

TEST_CASE("Student t tail inverts its quantile for every dof 1..1000") {
  double previous = INFINITY;
  for (int dof = 1; dof <= 1000; ++dof) {
    const double t = student_t_upper_quantile(0.025, dof);
    CAPTURE(dof);
    CHECK(student_t_upper_tail(t, dof) == doctest::Approx(0.025).epsilon(1e-12));
    CHECK(t < previous);  // heavier tails for fewer dof
    CHECK(t > 1.959963984540);
    previous = t;
  }
}

TEST_CASE("Student t tails at reference points") {
  CHECK(student_t_upper_tail(2.5, 7) == doctest::Approx(0.020496109292876448).epsilon(1e-12));
  CHECK(student_t_upper_tail(40, 3) == doctest::Approx(1.7190340394579264e-5).epsilon(1e-11));
  CHECK(student_t_cdf(-2.5, 7) == doctest::Approx(0.020496109292876448).epsilon(1e-12));
  CHECK(student_t_upper_tail(0, 5) == doctest::Approx(0.5).epsilon(1e-15));
  CHECK_THROWS_AS(student_t_upper_quantile(0.025, 0), std::invalid_argument);
  CHECK_THROWS_AS(student_t_upper_quantile(0.0, 5), std::invalid_argument);
  CHECK_THROWS_AS(student_t_upper_quantile(1.0, 5), std::invalid_argument);
}

TEST_CASE("normal quantile") {
  CHECK(normal_upper_quantile(0.025) == doctest::Approx(1.95996398454005).epsilon(1e-12));
  CHECK(normal_upper_quantile(0.5) == 0.0);
  CHECK(normal_upper_quantile(0.975) == doctest::Approx(-1.95996398454005).epsilon(1e-12));
}

TEST_CASE("binomial(m, 1/2) lower tail: exact sums for small m, references for large m") {
  // Exact integer sums of C(m, i) for m <= 60 (2^60 fits in 64 bits).
  for (std::uint64_t m = 0; m <= 60; ++m) {
    std::uint64_t c = 1, cumulative = 0;  // c = C(m, k)
    for (std::uint64_t k = 0; k <= m; ++k) {
      cumulative += c;
      const double exact = std::ldexp(static_cast<double>(cumulative), -static_cast<int>(m));
      CAPTURE(m);
      CAPTURE(k);
      CHECK(binomial_half_lower_tail(m, k) == doctest::Approx(exact).epsilon(1e-12));
      if (k < m) c = c * (m - k) / (k + 1);  // < 2^62 for m <= 60, division exact
    }
  }
  // Thousands of trials, where 2^-m underflows a double (mpmath references).
  CHECK(2 * binomial_half_lower_tail(3000, 1400) ==
        doctest::Approx(0.000278563961039234).epsilon(1e-10));
  CHECK(2 * binomial_half_lower_tail(5000, 2400) ==
        doctest::Approx(0.00488364973751752).epsilon(1e-10));
  CHECK(2 * binomial_half_lower_tail(2000, 900) ==
        doctest::Approx(8.4570895355039273e-6).epsilon(1e-10));
}

TEST_CASE("SplitMix64 reproduces the reference stream and draws unbiased indices") {
  // Reference outputs of Vigna's splitmix64.c for seed 1234567.
  SplitMix64 g(1234567);
  CHECK(g.next() == 6457827717110365317ull);
  CHECK(g.next() == 3203168211198807973ull);
  CHECK(g.next() == 9817491932198370423ull);
  // below(n): every value in range, counts within 5 sd of uniform.
  SplitMix64 h(7);
  const std::uint64_t n = 7, draws = 70000;
  std::uint64_t counts[7] = {};
  for (std::uint64_t i = 0; i < draws; ++i) {
    const auto v = h.below(n);
    REQUIRE(v < n);
    ++counts[v];
  }
  for (auto c : counts)
    CHECK(std::fabs(static_cast<double>(c) - 10000.0) < 5 * std::sqrt(10000.0 * 6 / 7));
  // normal(): mean 0, variance 1 within 5 standard errors.
  double s = 0, ss = 0;
  const int m = 40000;
  for (int i = 0; i < m; ++i) {
    const double z = h.normal();
    s += z;
    ss += z * z;
  }
  CHECK(std::fabs(s / m) < 5 / std::sqrt(m));
  CHECK(std::fabs(ss / m - 1) < 5 * std::sqrt(2.0 / m));
}
