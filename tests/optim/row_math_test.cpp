// The bias-correction power ipow: the branch-free loop equals plain repeated
// squaring bit for bit, and its error against pow is what squaring implies.

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "hyperbolic/optim/row_math.hpp"

namespace {

// The textbook loop the branch-free one replaced.
template <class T>
T branching_power(T b, std::int64_t n) {
  T r = T(1);
  while (n > 0) {
    if (n & 1) r *= b;
    b *= b;
    n >>= 1;
  }
  return r;
}

}  // namespace

TEST_CASE_TEMPLATE("ipow is repeated squaring, bit for bit, and close to pow", T, float, double) {
  for (T b : {T(0), T(0.5), T(0.9), T(0.99), T(0.999), T(0.9999), T(1)}) {
    CAPTURE(b);
    for (std::int64_t n = 0; n < 5000; n = n < 64 ? n + 1 : n * 3 / 2 + 7) {
      CAPTURE(n);
      const T got = hyperbolic::optim::ipow(b, n);
      CHECK(got == branching_power(b, n));
      // Each squaring doubles the relative error of the power so far, so the rounding of
      // b^(2^k) grows to about 2^k eps/2: n eps/2 in all, plus one eps/2 per multiplication into
      // r. Bound: (n + log2(n) + 2) eps relative (powers that underflow compared absolutely).
      const long double want = std::pow(static_cast<long double>(b), static_cast<long double>(n));
      const double bits = n > 0 ? std::log2(double(n)) + 1 : 1;
      const long double tol = (double(n) + bits + 1) * std::numeric_limits<T>::epsilon() * want +
                              std::numeric_limits<T>::denorm_min();
      CHECK(std::fabs(static_cast<long double>(got) - want) <= tol);
    }
  }
  CHECK(hyperbolic::optim::ipow(T(0.9), 0) == T(1));
  CHECK(hyperbolic::optim::ipow(T(0), 3) == T(0));
}
