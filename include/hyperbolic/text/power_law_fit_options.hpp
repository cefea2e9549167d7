#pragma once
// Options shared by the discrete and continuous power-law fitters.

#include <cstddef>
#include <optional>

namespace hyperbolic::text {

struct PowerLawFitOptions {
  // A candidate x_min must leave at least this many values in the tail
  // (tiny tails always fit well and would otherwise win the KS scan).
  std::size_t min_tail = 10;
  // Fit alpha for this x_min only instead of scanning.
  std::optional<double> fixed_x_min;
  // Search bracket for the discrete MLE of alpha.
  double alpha_lower = 1.0 + 1e-7;
  double alpha_upper = 30.0;
};

}  // namespace hyperbolic::text
