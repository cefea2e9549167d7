#pragma once
// Vuong's likelihood-ratio test between a fitted power law and each tail
// alternative (CSN 2009, sec. 5). R = sum of pointwise log-likelihood
// differences (power law minus alternative): R > 0 favours the power law.
// For non-nested pairs the normalised ratio R / (s sqrt(n)) is asymptotically
// standard normal, p = erfc(|R| / (s sqrt(2 n))). The power law is nested in
// the power law with cutoff, so there 2|R| ~ chi^2_1 and p = erfc(sqrt(|R|)).
// A small p-value means the sign of R is trustworthy.

#include <cmath>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "hyperbolic/text/continuous_power_law.hpp"
#include "hyperbolic/text/discrete_power_law.hpp"
#include "hyperbolic/text/hurwitz_zeta.hpp"
#include "hyperbolic/text/tail_alternatives.hpp"

namespace hyperbolic::text {

struct LikelihoodRatioTest {
  TailAlternative alternative{};
  std::array<double, 2> alternative_parameters{};
  double log_likelihood_ratio = 0;  // R, > 0 favours the power law
  double normalized_ratio = 0;      // R / (s sqrt(n))
  double p_value = 1;
  bool nested = false;
  // "power_law", the alternative's name, or "inconclusive" at significance 0.1.
  std::string favoured;
};

inline LikelihoodRatioTest vuong_test(std::span<const double> power_law_log_likelihoods,
                                      std::span<const double> alternative_log_likelihoods,
                                      bool nested) {
  if (power_law_log_likelihoods.size() != alternative_log_likelihoods.size() ||
      power_law_log_likelihoods.empty()) {
    throw std::invalid_argument("vuong_test: need two equally long, non-empty likelihood lists");
  }
  const double n = static_cast<double>(power_law_log_likelihoods.size());
  double sum = 0;
  for (std::size_t i = 0; i < power_law_log_likelihoods.size(); ++i)
    sum += power_law_log_likelihoods[i] - alternative_log_likelihoods[i];
  const double mean = sum / n;
  double variance = 0;
  for (std::size_t i = 0; i < power_law_log_likelihoods.size(); ++i) {
    const double d = power_law_log_likelihoods[i] - alternative_log_likelihoods[i] - mean;
    variance += d * d;
  }
  variance /= n;
  LikelihoodRatioTest test;
  test.nested = nested;
  test.log_likelihood_ratio = sum;
  test.normalized_ratio = variance > 0 ? sum / std::sqrt(variance * n) : 0.0;
  if (nested) {
    test.p_value = std::erfc(std::sqrt(std::fabs(sum)));
  } else {
    test.p_value = variance > 0 ? std::erfc(std::fabs(test.normalized_ratio) / std::sqrt(2.0)) : 1;
  }
  return test;
}

namespace detail {

inline void label_outcome(LikelihoodRatioTest& test, double significance = 0.1) {
  if (test.p_value >= significance || test.log_likelihood_ratio == 0) {
    test.favoured = "inconclusive";
  } else {
    test.favoured = test.log_likelihood_ratio > 0 ? "power_law" : to_string(test.alternative);
  }
}

}  // namespace detail

inline std::vector<LikelihoodRatioTest> compare_discrete_power_law(
    std::span<const std::int64_t> values, const DiscretePowerLawFit& fit) {
  std::vector<std::int64_t> tail;
  for (auto v : values)
    if (v >= fit.x_min) tail.push_back(v);
  std::vector<double> power_law;
  const double log_zeta = log_hurwitz_zeta(fit.alpha, static_cast<double>(fit.x_min));
  for (auto v : tail)
    power_law.push_back(-fit.alpha * std::log(static_cast<double>(v)) - log_zeta);
  std::vector<LikelihoodRatioTest> tests;
  for (auto kind : kAllTailAlternatives) {
    const auto alt =
        fit_tail_alternative<std::int64_t>(kind, tail, static_cast<double>(fit.x_min), true);
    auto test =
        vuong_test(power_law, alt.log_likelihoods, kind == TailAlternative::power_law_with_cutoff);
    test.alternative = kind;
    test.alternative_parameters = alt.parameters;
    detail::label_outcome(test);
    tests.push_back(test);
  }
  return tests;
}

inline std::vector<LikelihoodRatioTest> compare_continuous_power_law(
    std::span<const double> values, const ContinuousPowerLawFit& fit) {
  std::vector<double> tail;
  for (auto v : values)
    if (v >= fit.x_min) tail.push_back(v);
  std::vector<double> power_law;
  for (auto v : tail)
    power_law.push_back(continuous_power_law_log_pdf(fit.alpha, fit.x_min, v));
  std::vector<LikelihoodRatioTest> tests;
  for (auto kind : kAllTailAlternatives) {
    const auto alt = fit_tail_alternative<double>(kind, tail, fit.x_min, false);
    auto test =
        vuong_test(power_law, alt.log_likelihoods, kind == TailAlternative::power_law_with_cutoff);
    test.alternative = kind;
    test.alternative_parameters = alt.parameters;
    detail::label_outcome(test);
    tests.push_back(test);
  }
  return tests;
}

}  // namespace hyperbolic::text
