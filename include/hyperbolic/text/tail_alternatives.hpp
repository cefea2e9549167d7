#pragma once
// The alternatives a power-law tail is compared with (CSN 2009, table 2.1),
// each fitted by maximum likelihood on the same tail x >= x_min:
//   log-normal            p(x) ~ exp(-(ln x - mu)^2 / (2 sigma^2)) / x
//   exponential           p(x) ~ exp(-lambda x)
//   stretched exponential p(x) ~ x^{beta-1} exp(-lambda x^beta)
//   power law w/ cutoff   p(x) ~ x^{-alpha} exp(-lambda x)
// Continuous densities are normalised on [x_min, inf). Discrete versions are
// the continuous laws discretised as P(k) = (S(k) - S(k+1)) / S(x_min) with S
// the survival function, except the cutoff law, which is normalised by exact
// summation (Euler–Maclaurin for the far tail).

#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <numbers>
#include <span>
#include <string>
#include <vector>

#include "hyperbolic/text/scalar_minimize.hpp"
#include "hyperbolic/text/semi_infinite_quadrature.hpp"

namespace hyperbolic::text {

enum class TailAlternative {
  log_normal,
  exponential,
  stretched_exponential,
  power_law_with_cutoff
};

inline constexpr std::array<TailAlternative, 4> kAllTailAlternatives = {
    TailAlternative::log_normal, TailAlternative::exponential,
    TailAlternative::stretched_exponential, TailAlternative::power_law_with_cutoff};

inline std::string to_string(TailAlternative a) {
  switch (a) {
    case TailAlternative::log_normal:
      return "lognormal";
    case TailAlternative::exponential:
      return "exponential";
    case TailAlternative::stretched_exponential:
      return "stretched_exponential";
    case TailAlternative::power_law_with_cutoff:
      return "truncated_power_law";
  }
  return "unknown";
}

// Parameter names per alternative, in the order of AlternativeFit::parameters.
inline std::array<const char*, 2> parameter_names(TailAlternative a) {
  switch (a) {
    case TailAlternative::log_normal:
      return {"mu", "sigma"};
    case TailAlternative::exponential:
      return {"lambda", ""};
    case TailAlternative::stretched_exponential:
      return {"lambda", "beta"};
    case TailAlternative::power_law_with_cutoff:
      return {"alpha", "lambda"};
  }
  return {"", ""};
}

struct AlternativeFit {
  TailAlternative kind{};
  std::array<double, 2> parameters{};   // see parameter_names
  std::vector<double> log_likelihoods;  // per tail value, in input order
  double log_likelihood = 0;
};

namespace detail {

// log P(Z > z) for a standard normal, accurate far into the upper tail.
inline double log_normal_sf(double z) {
  if (z < 30.0) return std::log(0.5 * std::erfc(z / std::numbers::sqrt2));
  const double inv_z2 = 1.0 / (z * z);
  return -0.5 * z * z - std::log(z) - 0.5 * std::log(2 * std::numbers::pi) +
         std::log1p(inv_z2 * (-1.0 + inv_z2 * (3.0 - 15.0 * inv_z2)));
}

// log(exp(a) - exp(b)) for a > b.
inline double log_diff_exp(double a, double b) {
  return a + std::log(-std::expm1(b - a));
}

// Distinct values with multiplicities, so likelihoods cost O(distinct values).
template <class T>
std::vector<std::pair<T, double>> tally(std::span<const T> tail) {
  std::map<T, double> counts;
  for (auto v : tail)
    counts[v] += 1.0;
  return {counts.begin(), counts.end()};
}

// log sum_{k >= x_min} k^{-alpha} exp(-lambda k), lambda > 0.
inline double log_discrete_cutoff_normaliser(double alpha, double lambda, double x_min) {
  auto log_term_ratio = [&](double k) {  // log of term(k) / term(x_min)
    return -alpha * std::log(k / x_min) - lambda * (k - x_min);
  };
  constexpr int kExplicitTerms = 2000;
  double sum = 0, previous = 2;
  double k = x_min;
  for (int i = 0; i < kExplicitTerms; ++i, k += 1) {
    const double term = std::exp(log_term_ratio(k));
    sum += term;
    if (term < previous && term < 1e-18 * sum) {
      return -alpha * std::log(x_min) - lambda * x_min + std::log(sum);
    }
    previous = term;
  }
  // Euler–Maclaurin tail from N = k: integral + f(N)/2 - f'(N)/12.
  const double n_start = k;
  const double f_n = std::exp(log_term_ratio(n_start));
  const double df_n = -f_n * (alpha / n_start + lambda);
  const double integral =
      integrate_zero_to_infinity([&](double u) { return std::exp(log_term_ratio(n_start + u)); });
  sum += integral + 0.5 * f_n - df_n / 12.0;
  return -alpha * std::log(x_min) - lambda * x_min + std::log(sum);
}

// log int_{x_min}^inf x^{-alpha} exp(-lambda x) dx, lambda > 0.
inline double log_continuous_cutoff_normaliser(double alpha, double lambda, double x_min) {
  const double scaled = integrate_zero_to_infinity(
      [&](double u) { return std::exp(-alpha * std::log1p(u / x_min) - lambda * u); });
  return -alpha * std::log(x_min) - lambda * x_min + std::log(scaled);
}

// Per-value log-likelihood of `kind` with `params` (already on the natural scale).
template <class T>
double alternative_log_pdf(TailAlternative kind, const std::array<double, 2>& params, bool discrete,
                           double x_min, double log_normaliser, T value) {
  const double x = static_cast<double>(value);
  switch (kind) {
    case TailAlternative::log_normal: {
      const double mu = params[0], sigma = params[1];
      const double z_min = (std::log(x_min) - mu) / sigma;
      if (discrete) {
        const double a = log_normal_sf((std::log(x) - mu) / sigma);
        const double b = log_normal_sf((std::log(x + 1) - mu) / sigma);
        return log_diff_exp(a, b) - log_normal_sf(z_min);
      }
      const double z = (std::log(x) - mu) / sigma;
      return -0.5 * z * z - std::log(std::sqrt(2 * std::numbers::pi) * sigma * x) -
             log_normal_sf(z_min);
    }
    case TailAlternative::exponential: {
      const double lambda = params[0];
      if (discrete) return std::log(-std::expm1(-lambda)) - lambda * (x - x_min);
      return std::log(lambda) - lambda * (x - x_min);
    }
    case TailAlternative::stretched_exponential: {
      const double lambda = params[0], beta = params[1];
      const double x_min_beta = std::pow(x_min, beta);
      const double x_beta = std::pow(x, beta);
      if (discrete) {
        return -lambda * (x_beta - x_min_beta) +
               std::log(-std::expm1(-lambda * (std::pow(x + 1, beta) - x_beta)));
      }
      return std::log(beta * lambda) + (beta - 1) * std::log(x) - lambda * (x_beta - x_min_beta);
    }
    case TailAlternative::power_law_with_cutoff: {
      const double alpha = params[0], lambda = params[1];
      return -alpha * std::log(x) - lambda * x - log_normaliser;
    }
  }
  return 0;
}

}  // namespace detail

// Fit `kind` to tail values (all >= x_min) by maximum likelihood.
template <class T>
AlternativeFit fit_tail_alternative(TailAlternative kind, std::span<const T> tail, double x_min,
                                    bool discrete) {
  const auto distinct = detail::tally(tail);
  double n = 0, mean_log = 0, mean_excess = 0;
  for (auto& [v, c] : distinct) {
    n += c;
    mean_log += c * std::log(static_cast<double>(v));
    mean_excess += c * (static_cast<double>(v) - x_min);
  }
  mean_log /= n;
  mean_excess /= n;
  double var_log = 0;
  for (auto& [v, c] : distinct) {
    const double d = std::log(static_cast<double>(v)) - mean_log;
    var_log += c * d * d;
  }
  var_log /= n;

  // Natural parameters from the optimiser's unconstrained ones.
  auto natural = [&](const std::array<double, 2>& p) -> std::array<double, 2> {
    switch (kind) {
      case TailAlternative::log_normal:
        return {p[0], std::exp(p[1])};
      case TailAlternative::exponential:
        return {std::exp(p[0]), 0};
      case TailAlternative::stretched_exponential:
        return {std::exp(p[0]), std::exp(p[1])};
      case TailAlternative::power_law_with_cutoff:
        return {p[0], std::exp(p[1])};
    }
    return p;
  };
  auto normaliser = [&](const std::array<double, 2>& q) {
    if (kind != TailAlternative::power_law_with_cutoff) return 0.0;
    return discrete ? detail::log_discrete_cutoff_normaliser(q[0], q[1], x_min)
                    : detail::log_continuous_cutoff_normaliser(q[0], q[1], x_min);
  };
  auto negative_log_likelihood = [&](const std::array<double, 2>& p) {
    const auto q = natural(p);
    const double log_z = normaliser(q);
    double total = 0;
    for (auto& [v, c] : distinct)
      total += c * detail::alternative_log_pdf(kind, q, discrete, x_min, log_z, v);
    return -total;
  };

  std::array<double, 2> best{};
  switch (kind) {
    case TailAlternative::exponential: {
      // Closed form: geometric (discrete) or shifted exponential (continuous).
      const double lambda = discrete ? std::log1p(1.0 / mean_excess) : 1.0 / mean_excess;
      best = {std::log(lambda), 0};
      break;
    }
    case TailAlternative::log_normal: {
      const double sigma0 = std::sqrt(std::max(var_log, 1e-4));
      best =
          nelder_mead_minimize<2>(negative_log_likelihood, {mean_log, std::log(sigma0)}, {0.5, 0.3})
              .x;
      break;
    }
    case TailAlternative::stretched_exponential: {
      const double beta0 = 0.5;
      double mean_stretched = 0;
      for (auto& [v, c] : distinct)
        mean_stretched += c * (std::pow(static_cast<double>(v), beta0) - std::pow(x_min, beta0));
      mean_stretched = std::max(mean_stretched / n, 1e-12);
      best = nelder_mead_minimize<2>(negative_log_likelihood,
                                     {std::log(1.0 / mean_stretched), std::log(beta0)}, {0.5, 0.3})
                 .x;
      break;
    }
    case TailAlternative::power_law_with_cutoff: {
      // Start from the pure power-law estimate with a cutoff far in the tail.
      const double alpha0 = 1.0 + 1.0 / std::max(mean_log - std::log(x_min), 1e-3);
      const double lambda0 = 0.1 / (x_min + mean_excess);
      best =
          nelder_mead_minimize<2>(negative_log_likelihood, {alpha0, std::log(lambda0)}, {0.2, 1.0})
              .x;
      break;
    }
  }
  AlternativeFit fit;
  fit.kind = kind;
  fit.parameters = natural(best);
  const double log_z = normaliser(fit.parameters);
  fit.log_likelihoods.reserve(tail.size());
  for (auto v : tail) {
    fit.log_likelihoods.push_back(
        detail::alternative_log_pdf(kind, fit.parameters, discrete, x_min, log_z, v));
    fit.log_likelihood += fit.log_likelihoods.back();
  }
  return fit;
}

}  // namespace hyperbolic::text
