#pragma once
// Student's t distribution with nu > 0 degrees of freedom (nu need not be an
// integer): tail probabilities and quantiles, for t-based confidence
// intervals. P[T > t] = I_{nu/(nu+t^2)}(nu/2, 1/2) / 2 for t >= 0.

#include <cmath>
#include <stdexcept>
#include <string>

#include "hyperbolic/stats/incomplete_beta.hpp"
#include "hyperbolic/stats/tail_inverse.hpp"

namespace hyperbolic::stats {

// P[T > t].
inline double student_t_upper_tail(double t, double dof) {
  if (!(dof > 0))
    throw std::invalid_argument("student_t: degrees of freedom must be > 0, got " +
                                std::to_string(dof));
  if (std::isnan(t)) return t;
  if (t < 0) return 1 - student_t_upper_tail(-t, dof);
  if (std::isinf(t)) return 0;
  const double t2 = t * t;
  return 0.5 * regularized_incomplete_beta(0.5 * dof, 0.5, dof / (dof + t2), t2 / (dof + t2));
}

inline double student_t_cdf(double t, double dof) {
  return student_t_upper_tail(-t, dof);
}

// The t with P[T > t] = q; the two-sided critical value of level L is
// student_t_upper_quantile((1 - L) / 2, dof).
inline double student_t_upper_quantile(double q, double dof) {
  if (!(dof > 0))
    throw std::invalid_argument("student_t: degrees of freedom must be > 0, got " +
                                std::to_string(dof));
  return detail::invert_symmetric_upper_tail(
      [dof](double t) { return student_t_upper_tail(t, dof); }, q, "student_t_upper_quantile");
}

// The t with P[T <= t] = p.
inline double student_t_quantile(double p, double dof) {
  return -student_t_upper_quantile(p, dof);
}

}  // namespace hyperbolic::stats
