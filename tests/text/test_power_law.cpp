// Power-law fitting: Hurwitz zeta, discrete and continuous MLE, x_min scan,
// bootstrap p-value, likelihood-ratio tests and degenerate inputs.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <vector>

#include "hyperbolic/text/power_law.hpp"

using namespace hyperbolic::text;

namespace {

std::vector<std::int64_t> discrete_sample(double alpha, std::int64_t x_min, std::size_t n,
                                          std::uint64_t seed) {
  auto engine = make_engine(seed);
  std::vector<std::int64_t> out(n);
  for (auto& v : out)
    v = sample_discrete_power_law(alpha, x_min, engine);
  return out;
}

std::vector<double> continuous_sample(double alpha, double x_min, std::size_t n,
                                      std::uint64_t seed) {
  auto engine = make_engine(seed);
  std::vector<double> out(n);
  for (auto& v : out)
    v = sample_continuous_power_law(alpha, x_min, engine);
  return out;
}

template <class F>
std::string error_message(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<no exception>";
}

}  // namespace

TEST_CASE("Hurwitz zeta matches closed forms") {
  const double pi = std::numbers::pi;
  CHECK(riemann_zeta(2.0) == doctest::Approx(pi * pi / 6).epsilon(1e-14));
  CHECK(riemann_zeta(4.0) == doctest::Approx(std::pow(pi, 4) / 90).epsilon(1e-14));
  CHECK(riemann_zeta(3.0) == doctest::Approx(1.2020569031595942854).epsilon(1e-14));
  // zeta(2, 1/2) = (2^2 - 1) zeta(2)
  CHECK(hurwitz_zeta(2.0, 0.5) == doctest::Approx(pi * pi / 2).epsilon(1e-14));
  // zeta(s) near the pole: 1/(s-1) + Euler's gamma + O(s-1)
  const double eps = std::ldexp(1.0, -20);  // exact, so s - 1 has no rounding
  CHECK(riemann_zeta(1.0 + eps) ==
        doctest::Approx(1.0 / eps + 0.5772156649015329 + 0.0728158454836767 * eps).epsilon(1e-14));
}

TEST_CASE("Hurwitz zeta recurrence holds from small to huge q") {
  for (double s : {1.05, 1.5, 2.0, 2.7, 6.0, 25.0}) {
    for (double q : {0.3, 1.0, 7.5, 40.0, 1e3, 1e6, 1e12}) {
      CAPTURE(s);
      CAPTURE(q);
      // log zeta(s, q) = log(q^{-s} + zeta(s, q + 1))
      const double lhs = log_hurwitz_zeta(s, q);
      const double rhs_term = -s * std::log(q);
      const double rhs_rest = log_hurwitz_zeta(s, q + 1);
      const double m = std::max(rhs_term, rhs_rest);
      const double rhs = m + std::log(std::exp(rhs_term - m) + std::exp(rhs_rest - m));
      CHECK(lhs == doctest::Approx(rhs).epsilon(1e-13));
    }
  }
  // Large q: zeta(s, q) ~ q^{1-s}/(s-1) + q^{-s}/2.
  const double q = 1e12;
  CHECK(hurwitz_zeta(2.0, q) == doctest::Approx(1.0 / q + 0.5 / (q * q)).epsilon(1e-15));
  // No underflow in log form: zeta(60, 1e9) ~ 1e-540 * 1e9 / 59.
  CHECK(log_hurwitz_zeta(60.0, 1e9) ==
        doctest::Approx(-59.0 * std::log(1e9) - std::log(59.0) + 59.0 / 2e9).epsilon(1e-14));
  CHECK_THROWS_AS(hurwitz_zeta(1.0, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(hurwitz_zeta(2.0, 0.0), std::invalid_argument);
}

TEST_CASE("discrete sampler follows the exact pmf") {
  const double alpha = 2.2;
  const auto sample = discrete_sample(alpha, 2, 200000, 7);
  std::size_t at_two = 0, at_three = 0;
  for (auto v : sample)
    at_two += v == 2, at_three += v == 3;
  const double p2 = std::exp(discrete_power_law_log_pmf(alpha, 2, 2));
  const double p3 = std::exp(discrete_power_law_log_pmf(alpha, 2, 3));
  const double n = static_cast<double>(sample.size());
  CHECK(at_two / n == doctest::Approx(p2).epsilon(0.01));
  CHECK(at_three / n == doctest::Approx(p3).epsilon(0.02));
}

TEST_CASE("continuous MLE equals the closed form") {
  std::vector<double> x = {1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0, 9.0, 15.0, 40.0, 100.0};
  PowerLawFitOptions options;
  options.fixed_x_min = 1.0;
  const auto fit = fit_continuous_power_law(x, options);
  double sum_log = 0;
  for (double v : x)
    sum_log += std::log(v);
  const double expected = 1.0 + static_cast<double>(x.size()) / sum_log;
  CHECK(fit.alpha == doctest::Approx(expected).epsilon(1e-14));
  CHECK(fit.sigma == doctest::Approx((expected - 1) / std::sqrt(11.0)).epsilon(1e-14));
  CHECK(fit.n_tail == x.size());
}

TEST_CASE("discrete MLE is a stationary point of the likelihood") {
  const auto x = discrete_sample(2.5, 1, 3000, 11);
  const double alpha = fit_discrete_power_law_alpha(x, 1);
  auto log_likelihood = [&](double a) {
    double total = 0;
    for (auto v : x)
      total += discrete_power_law_log_pmf(a, 1, v);
    return total;
  };
  const double h = 1e-5;
  const double slope = (log_likelihood(alpha + h) - log_likelihood(alpha - h)) / (2 * h);
  CHECK(std::fabs(slope) < 1e-3);
  CHECK(log_likelihood(alpha) >= log_likelihood(alpha + 1e-3));
  CHECK(log_likelihood(alpha) >= log_likelihood(alpha - 1e-3));
}

TEST_CASE("discrete alpha is recovered within its standard error over many seeds") {
  const double alpha = 2.5;
  const int seeds = 40;
  int within_one_sigma = 0, within_three_sigma = 0;
  double mean_sigma = 0, mean = 0, mean_sq = 0;
  PowerLawFitOptions options;
  options.fixed_x_min = 1;
  for (int seed = 0; seed < seeds; ++seed) {
    const auto x = discrete_sample(alpha, 1, 2000, 100 + seed);
    const auto fit = fit_discrete_power_law(x, options);
    const double z = std::fabs(fit.alpha - alpha) / fit.sigma;
    within_one_sigma += z < 1;
    within_three_sigma += z < 3;
    mean_sigma += fit.sigma / seeds;
    mean += fit.alpha / seeds;
    mean_sq += fit.alpha * fit.alpha / seeds;
  }
  // A standard normal lands within 1 sigma 68% of the time.
  CHECK(within_one_sigma >= 20);
  CHECK(within_one_sigma <= 36);
  CHECK(within_three_sigma >= 39);
  // The reported sigma matches the spread across seeds.
  const double spread = std::sqrt(mean_sq - mean * mean);
  CHECK(spread == doctest::Approx(mean_sigma).epsilon(0.35));
}

TEST_CASE("x_min scan finds the start of the tail") {
  // Body: uniform on 1..9 (not a power law), tail: power law from 10.
  auto engine = make_engine(5);
  std::vector<std::int64_t> x = discrete_sample(2.3, 10, 3000, 6);
  for (int i = 0; i < 2000; ++i)
    x.push_back(1 + static_cast<std::int64_t>(9 * uniform_open01(engine)));
  const auto fit = fit_discrete_power_law(x);
  MESSAGE("x_min scan: alpha ", fit.alpha, " x_min ", fit.x_min, " sigma ", fit.sigma);
  CHECK(fit.x_min >= 8);
  CHECK(fit.x_min <= 25);
  CHECK(std::fabs(fit.alpha - 2.3) < 3 * fit.sigma + 0.02);
  CHECK(fit.n == x.size());
}

TEST_CASE("continuous alpha and x_min are recovered") {
  const auto x = continuous_sample(2.0, 3.0, 5000, 21);
  const auto fit = fit_continuous_power_law(x);
  CHECK(fit.x_min == doctest::Approx(3.0).epsilon(0.3));
  CHECK(std::fabs(fit.alpha - 2.0) < 4 * fit.sigma);
}

TEST_CASE("bootstrap p-value: deterministic per seed, independent of thread count") {
  const auto x = discrete_sample(2.0, 1, 400, 3);
  const auto fit = fit_discrete_power_law(x);
  BootstrapOptions options;
  options.replicates = 24;
  options.seed = 42;
  options.threads = 1;
  std::size_t calls = 0;
  options.progress = [&](std::size_t done, std::size_t total) {
    ++calls;
    CHECK(done <= total);
  };
  const auto one = bootstrap_discrete_power_law(x, fit, options);
  options.threads = 3;
  options.progress = nullptr;
  const auto three = bootstrap_discrete_power_law(x, fit, options);
  CHECK(calls == 24);
  CHECK(one.ks_distances == three.ks_distances);
  CHECK(one.p_value == three.p_value);
  CHECK(one.p_value > 0.05);  // data really is a power law

  // Geometric data is not a power law: the bootstrap rejects it.
  auto engine = make_engine(9);
  std::vector<std::int64_t> geometric(400);
  for (auto& v : geometric)
    v = 1 + static_cast<std::int64_t>(std::floor(-std::log(uniform_open01(engine)) / 0.3));
  const auto bad_fit = fit_discrete_power_law(geometric);
  options.replicates = 20;
  const auto rejected = bootstrap_discrete_power_law(geometric, bad_fit, options);
  CHECK(rejected.p_value < 0.1);
}

TEST_CASE("likelihood-ratio tests pick the right family") {
  const auto x = discrete_sample(2.2, 1, 5000, 8);
  const auto fit = fit_discrete_power_law(x);
  const auto tests = compare_discrete_power_law(x, fit);
  REQUIRE(tests.size() == 4);
  for (const auto& t : tests) {
    CAPTURE(to_string(t.alternative));
    CHECK(std::isfinite(t.log_likelihood_ratio));
    CHECK(std::isfinite(t.p_value));
    CHECK(t.p_value >= 0);
    CHECK(t.p_value <= 1);
  }
  CHECK(tests[1].alternative == TailAlternative::exponential);
  CHECK(tests[1].favoured == "power_law");
  CHECK(tests[1].normalized_ratio > 3);
  // The nested cutoff model can only do as well or slightly better.
  CHECK(tests[3].nested);
  CHECK(tests[3].log_likelihood_ratio <= 1e-6);
  CHECK(tests[3].p_value > 0.01);

  // Exponential data: the exponential wins.
  auto engine = make_engine(4);
  std::vector<double> e(3000);
  for (auto& v : e)
    v = 1.0 - std::log(uniform_open01(engine)) / 0.5;
  PowerLawFitOptions options;
  options.fixed_x_min = 1.0;
  const auto efit = fit_continuous_power_law(e, options);
  const auto etests = compare_continuous_power_law(e, efit);
  CHECK(etests[1].favoured == "exponential");
  CHECK(etests[1].normalized_ratio < -3);
  CHECK(etests[1].alternative_parameters[0] == doctest::Approx(0.5).epsilon(0.05));
}

TEST_CASE("degenerate inputs throw with a message naming the bad value") {
  std::vector<std::int64_t> equal(50, 7);
  CHECK(error_message([&] { fit_discrete_power_law(equal); }).find("equal 7") != std::string::npos);
  std::vector<std::int64_t> few = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  CHECK(error_message([&] { fit_discrete_power_law(few); }).find("got 9") != std::string::npos);
  std::vector<std::int64_t> with_zero = {1, 2, 3, 0, 5, 6, 7, 8, 9, 10, 11};
  CHECK(error_message([&] { fit_discrete_power_law(with_zero); }).find("value 0 at index 3") !=
        std::string::npos);
  std::vector<std::int64_t> negative = {1, 2, 3, 4, 5, 6, 7, 8, 9, -3, 11};
  CHECK(error_message([&] { fit_discrete_power_law(negative); }).find("-3") != std::string::npos);
  std::vector<double> with_nan = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, std::nan("")};
  CHECK(error_message([&] { fit_continuous_power_law(with_nan); }).find("nan") !=
        std::string::npos);
  std::vector<double> with_inf = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, HUGE_VAL};
  CHECK(error_message([&] { fit_continuous_power_law(with_inf); }).find("inf") !=
        std::string::npos);
  // No candidate x_min leaves a large enough tail.
  std::vector<std::int64_t> two_values(30, 1);
  two_values[0] = 2;
  PowerLawFitOptions strict;
  strict.min_tail = 50;
  CHECK(error_message([&] { fit_discrete_power_law(two_values, strict); }).find("x_min") !=
        std::string::npos);
  // A fixed x_min fit on a spread of values is fine and finite.
  PowerLawFitOptions fixed;
  fixed.fixed_x_min = 1;
  const auto fit = fit_discrete_power_law(two_values, fixed);
  CHECK(std::isfinite(fit.alpha));
  CHECK(std::isfinite(fit.sigma));
}

TEST_SUITE("power_law_large") {
  TEST_CASE("bias of the discrete MLE at n = 1e5 is below 0.01") {
    const double alpha = 2.0;
    const int seeds = 4;
    double bias = 0;
    PowerLawFitOptions options;
    options.fixed_x_min = 1;
    for (int seed = 0; seed < seeds; ++seed) {
      const auto x = discrete_sample(alpha, 1, 100000, 1000 + seed);
      bias += (fit_discrete_power_law(x, options).alpha - alpha) / seeds;
    }
    CHECK(std::fabs(bias) < 0.01);
    // Full scan (x_min unknown) on one large sample.
    const auto x = discrete_sample(alpha, 3, 100000, 77);
    const auto fit = fit_discrete_power_law(x);
    CHECK(std::fabs(fit.alpha - alpha) < 0.02);
    CHECK(fit.x_min <= 6);
  }
}
