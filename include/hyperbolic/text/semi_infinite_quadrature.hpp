#pragma once
// Integral over [0, inf) of a smooth, decaying function by the exp-sinh
// (double-exponential) rule: u = exp(pi/2 sinh t). It converges quickly for
// both algebraic and exponential decay, which is what the normalising
// constants of the truncated power law need.

#include <cmath>
#include <numbers>

namespace hyperbolic::text {

template <class F>
double integrate_zero_to_infinity(F&& f, double step = 1.0 / 32.0, double t_max = 4.5) {
  const double half_pi = 0.5 * std::numbers::pi;
  double sum = 0;
  const int steps = static_cast<int>(t_max / step);
  for (int k = -steps; k <= steps; ++k) {
    const double t = k * step;
    const double u = std::exp(half_pi * std::sinh(t));
    const double weight = u * half_pi * std::cosh(t);
    if (!std::isfinite(u) || !std::isfinite(weight)) continue;
    const double value = f(u);
    if (std::isfinite(value)) sum += value * weight;
  }
  return sum * step;
}

}  // namespace hyperbolic::text
