#pragma once
// Goodness of fit of a power law by the semi-parametric bootstrap of Clauset,
// Shalizi & Newman (2009, sec. 4.1): each synthetic data set keeps the sample
// size; a value comes from the fitted power law with probability n_tail / n,
// otherwise it is drawn uniformly from the observed values below x_min. Each
// synthetic set is fitted in full (x_min scan included), and the p-value is the
// share of synthetic KS distances at least as large as the observed one.
//
// Replicates run on std::thread workers; replicate r always uses the random
// stream (seed, r), so the result does not depend on the number of threads.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <stdexcept>
#include <thread>
#include <vector>

#include "hyperbolic/text/continuous_power_law.hpp"
#include "hyperbolic/text/deterministic_random.hpp"
#include "hyperbolic/text/discrete_power_law.hpp"

namespace hyperbolic::text {

struct BootstrapOptions {
  std::size_t replicates = 100;
  std::uint64_t seed = 1;
  unsigned threads = 0;  // 0: std::thread::hardware_concurrency()
  // Called after each finished replicate with (done, total), from a worker
  // thread but never concurrently (a mutex serialises the calls).
  std::function<void(std::size_t, std::size_t)> progress;
  PowerLawFitOptions fit;  // used for the synthetic fits (fixed_x_min is ignored)
};

struct BootstrapResult {
  double p_value = 0;
  std::size_t replicates = 0;        // replicates that produced a fit
  std::size_t at_least_as_far = 0;   // replicates with KS >= observed KS
  std::vector<double> ks_distances;  // per replicate (NaN where the fit failed)
};

namespace detail {

template <class Value, class SampleTail, class FitKs>
BootstrapResult run_semi_parametric_bootstrap(std::span<const Value> values, Value x_min,
                                              double observed_ks, const BootstrapOptions& options,
                                              SampleTail&& sample_tail, FitKs&& fit_ks) {
  if (options.replicates == 0) throw std::invalid_argument("bootstrap: replicates must be > 0");
  std::vector<Value> body;
  for (auto v : values)
    if (v < x_min) body.push_back(v);
  const std::size_t n = values.size();
  const double tail_share = static_cast<double>(n - body.size()) / static_cast<double>(n);

  BootstrapResult result;
  result.ks_distances.assign(options.replicates, std::numeric_limits<double>::quiet_NaN());
  std::atomic<std::size_t> next{0};
  std::size_t done = 0;
  std::mutex progress_mutex;
  auto worker = [&]() {
    std::vector<Value> synthetic(n);
    for (std::size_t r = next++; r < options.replicates; r = next++) {
      RandomEngine engine = make_engine(options.seed, r);
      for (auto& v : synthetic) {
        if (body.empty() || uniform_open01(engine) < tail_share) {
          v = sample_tail(engine);
        } else {
          const auto k =
              static_cast<std::size_t>(uniform_open01(engine) * static_cast<double>(body.size()));
          v = body[std::min(k, body.size() - 1)];
        }
      }
      try {
        result.ks_distances[r] = fit_ks(std::span<const Value>(synthetic));
      } catch (const std::invalid_argument&) {
        // A degenerate synthetic set (possible for tiny tails) is left out.
      }
      std::lock_guard lock(progress_mutex);
      ++done;
      if (options.progress) options.progress(done, options.replicates);
    }
  };
  unsigned threads = options.threads ? options.threads : std::thread::hardware_concurrency();
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(options.replicates)));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(worker);
  worker();
  for (auto& t : pool)
    t.join();

  for (double ks : result.ks_distances) {
    if (std::isnan(ks)) continue;
    ++result.replicates;
    if (ks >= observed_ks) ++result.at_least_as_far;
  }
  result.p_value = result.replicates ? static_cast<double>(result.at_least_as_far) /
                                           static_cast<double>(result.replicates)
                                     : std::numeric_limits<double>::quiet_NaN();
  return result;
}

}  // namespace detail

inline BootstrapResult bootstrap_discrete_power_law(std::span<const std::int64_t> values,
                                                    const DiscretePowerLawFit& fit,
                                                    const BootstrapOptions& options = {}) {
  PowerLawFitOptions fit_options = options.fit;
  fit_options.fixed_x_min.reset();
  return detail::run_semi_parametric_bootstrap<std::int64_t>(
      values, fit.x_min, fit.ks_distance, options,
      [&](RandomEngine& e) { return sample_discrete_power_law(fit.alpha, fit.x_min, e); },
      [&](std::span<const std::int64_t> s) {
        return fit_discrete_power_law(s, fit_options).ks_distance;
      });
}

inline BootstrapResult bootstrap_continuous_power_law(std::span<const double> values,
                                                      const ContinuousPowerLawFit& fit,
                                                      const BootstrapOptions& options = {}) {
  PowerLawFitOptions fit_options = options.fit;
  fit_options.fixed_x_min.reset();
  return detail::run_semi_parametric_bootstrap<double>(
      values, fit.x_min, fit.ks_distance, options,
      [&](RandomEngine& e) { return sample_continuous_power_law(fit.alpha, fit.x_min, e); },
      [&](std::span<const double> s) {
        return fit_continuous_power_law(s, fit_options).ks_distance;
      });
}

}  // namespace hyperbolic::text
