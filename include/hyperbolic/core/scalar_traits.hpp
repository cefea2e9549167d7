#pragma once
// Per-type numeric facts used by the stable formulas (host and device).

#include "config.hpp"

namespace hyperbolic {

template <class T>
struct scalar_traits;

template <>
struct scalar_traits<float> {
  // Machine epsilon (2^-23).
  static constexpr float epsilon = 1.1920928955078125e-07f;
  // Below this argument the even Taylor series of tanh(z)/z, artanh(z)/z, ...
  // (8 terms) is exact to rounding, value and derivative alike.
  static constexpr float series_cutoff = 0.3f;
};

template <>
struct scalar_traits<double> {
  static constexpr double epsilon = 2.220446049250313080847e-16;
  static constexpr double series_cutoff = 0.1;
};

template <>
struct scalar_traits<long double> {
  static constexpr long double epsilon = 1.0842021724855044340e-19L;
  static constexpr long double series_cutoff = 0.05L;
};

}  // namespace hyperbolic
