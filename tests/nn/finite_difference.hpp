#pragma once
// Central finite differences for the nn and fine-tuner gradient checks.
// Everything is checked in double: with step h = 1e-5 the truncation error is
// O(h^2 f''') ~ 1e-10 and the rounding error O(eps |f| / h) ~ 1e-11 for the
// O(1) losses used here, so an agreement to 1e-6 relative (to the largest
// gradient entry) has two orders of margin yet catches any wrong term.

#include <algorithm>
#include <cmath>
#include <functional>

namespace hyperbolic::testing {

// Max over entries of |analytic - numeric| / max(1, max |analytic|), where
// numeric perturbs each of the n values at p and re-evaluates loss().
inline double max_fd_error(double* p, long n, const double* analytic,
                           const std::function<double()>& loss, double h = 1e-5) {
  double scale = 1.0, worst = 0.0;
  for (long i = 0; i < n; ++i)
    scale = std::max(scale, std::fabs(analytic[i]));
  for (long i = 0; i < n; ++i) {
    const double saved = p[i];
    p[i] = saved + h;
    const double up = loss();
    p[i] = saved - h;
    const double down = loss();
    p[i] = saved;
    worst = std::max(worst, std::fabs((up - down) / (2 * h) - analytic[i]));
  }
  return worst / scale;
}

}  // namespace hyperbolic::testing
