#pragma once
// Outcome of check_point / check_vector: ok, or the reason and offending value.

#include "../core/config.hpp"

namespace hyperbolic {

template <class T>
struct CheckResult {
  bool ok = true;
  const char* reason = "";  // static string; empty when ok
  T value = T(0);           // the quantity that failed the test (e.g. c|x|^2)

  HYP_HD constexpr explicit operator bool() const { return ok; }
  HYP_HD static constexpr CheckResult pass() { return {}; }
  HYP_HD static constexpr CheckResult fail(const char* why, T v) { return {false, why, v}; }
};

}  // namespace hyperbolic
