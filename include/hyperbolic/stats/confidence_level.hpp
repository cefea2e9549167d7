#pragma once
// A two-sided confidence level L in (0, 1) puts (1 - L) / 2 in each tail.

#include <stdexcept>
#include <string>

namespace hyperbolic::stats::detail {

inline double two_sided_tail(double level, const char* who) {
  if (!(level > 0 && level < 1))
    throw std::invalid_argument(std::string(who) + ": confidence level must be in (0, 1), got " +
                                std::to_string(level));
  return 0.5 * (1 - level);
}

}  // namespace hyperbolic::stats::detail
