#pragma once
// Input checks shared by the power-law fitters: every value positive and
// finite, enough values, not all equal. Errors name the bad value and where it is.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>

namespace hyperbolic::text {

inline constexpr std::size_t kMinimumSampleSize = 10;

namespace detail {

template <class T>
void validate_power_law_sample(std::span<const T> values, const char* who) {
  if (values.size() < kMinimumSampleSize) {
    std::ostringstream msg;
    msg << who << ": need at least " << kMinimumSampleSize << " values, got " << values.size();
    throw std::invalid_argument(msg.str());
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    const T v = values[i];
    bool bad = false;
    if constexpr (std::is_floating_point_v<T>) {
      bad = !std::isfinite(v) || !(v > 0);
    } else {
      bad = !(v > 0);
    }
    if (bad) {
      std::ostringstream msg;
      msg << who << ": values must be positive and finite; value " << v << " at index " << i;
      throw std::invalid_argument(msg.str());
    }
  }
  bool all_equal = true;
  for (std::size_t i = 1; i < values.size() && all_equal; ++i)
    all_equal = values[i] == values[0];
  if (all_equal) {
    std::ostringstream msg;
    msg << who << ": all " << values.size() << " values equal " << values[0]
        << "; a power law cannot be fitted";
    throw std::invalid_argument(msg.str());
  }
}

}  // namespace detail

}  // namespace hyperbolic::text
