// check_point / check_vector name what is wrong and the offending value.

#include <doctest/doctest.h>

#include <string>

#include "manifold_fixtures.hpp"

using namespace hyperbolic;

TEST_CASE_TEMPLATE("check_point and check_vector give reasons", T, float, double) {
  const PoincareBall<T> B{T(2)};
  const std::vector<T> inside{T(0.3), T(0.4)}, outside{T(0.6), T(0.5)};
  CHECK(B.check_point(inside));
  const auto out = B.check_point(outside);
  CHECK_FALSE(out);
  CHECK(std::string(out.reason) == "outside the ball: c|x|^2 >= 1");
  CHECK(out.value == doctest::Approx(2 * 0.61).epsilon(1e-6));

  const Lorentz<T> L{T(0.5)};
  std::vector<T> x{T(0), T(0.3), T(-0.2)}, u{T(0.1), T(1), T(0)};
  L.projx(x, x);
  CHECK(L.check_point(x));
  auto off = x;
  off[0] *= T(1.01);
  const auto r = L.check_point(off);
  CHECK_FALSE(r);
  CHECK(std::string(r.reason) == "off the hyperboloid: c<x,x>_L + 1 != 0");
  auto lower = x;
  lower[0] = -lower[0];
  CHECK(std::string(L.check_point(lower).reason) == "time coordinate x0 <= 0");
  CHECK(std::string(L.check_vector(x, u).reason) == "not tangent: <x,u>_L != 0");
  std::vector<T> t(3);
  L.proju(x, u, t);
  CHECK(L.check_vector(x, t));
  t[1] = std::numeric_limits<T>::quiet_NaN();
  CHECK(std::string(L.check_vector(x, t).reason) == "component is not finite");
}

TEST_CASE("long double instantiation agrees with the closed form") {
  const PoincareBall<long double> B(1.0L);
  const std::vector<long double> x{0.1L, 0.2L}, y{-0.3L, 0.4L};
  // cosh d = 1 + 2|x-y|^2 / ((1-|x|^2)(1-|y|^2)) = 1 + 0.4 / 0.7125
  CHECK(std::abs(B.dist(x, y) - std::acosh(1.0L + 0.4L / 0.7125L)) < 1e-17L);
}
