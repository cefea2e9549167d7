// Learning-rate schedules and the learnable-curvature parametrization.

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "optim_test_support.hpp"

using namespace hyperbolic;
using namespace hyperbolic::optim;

TEST_CASE("schedules: constant, linear warm-up, cosine, composition") {
  const auto c = schedule::constant(0.1);
  CHECK(c(0) == 0.1);
  CHECK(c(12345) == 0.1);
  const auto w = schedule::linear_warmup(4, schedule::constant(1.0));
  CHECK(w(0) == doctest::Approx(0.25));
  CHECK(w(1) == doctest::Approx(0.5));
  CHECK(w(3) == doctest::Approx(1.0));
  CHECK(w(100) == doctest::Approx(1.0));
  const auto cs = schedule::cosine(1.0, 10, 0.1);
  CHECK(cs(0) == doctest::Approx(1.0));
  CHECK(cs(5) == doctest::Approx(0.55));
  CHECK(cs(10) == doctest::Approx(0.1));
  CHECK(cs(50) == doctest::Approx(0.1));
  const auto wc = schedule::warmup_cosine(2.0, 5, 15, 0.0);
  CHECK(wc(0) == doctest::Approx(0.4));
  CHECK(wc(4) == doctest::Approx(2.0));
  CHECK(wc(5) == doctest::Approx(2.0));   // cosine starts at its peak
  CHECK(wc(10) == doctest::Approx(1.0));  // half-way through the decay
  CHECK(wc(15) == doctest::Approx(0.0));
  const auto th = schedule::then(schedule::constant(1.0), 3, schedule::constant(0.5));
  CHECK(th(2) == 1.0);
  CHECK(th(3) == 0.5);
  CHECK_THROWS_AS(schedule::warmup_cosine(1.0, 10, 5), std::invalid_argument);
}

TEST_CASE("curvature parameter: positive c, exact gradient through the parametrization") {
  for (auto map : {CurvatureMap::softplus, CurvatureMap::exp}) {
    for (double c0 : {1e-3, 0.5, 1.0, 7.0, 40.0}) {
      CurvatureParameter<double> k(c0, map);
      CHECK(k.c() == doctest::Approx(c0).epsilon(1e-12));
      // L(c) = dist on the ball of curvature -c between two fixed points;
      // dL/drho from dist_backward's dL/dc, against central differences.
      const double r = 0.9 / std::sqrt(40.0);
      std::vector<double> x = {r, 0.1 * r}, y = {-0.3 * r, 0.5 * r}, gx(2), gy(2);
      auto loss = [&](double rho) {
        CurvatureParameter<double> q(1.0, map);
        q.raw().data()[0] = rho;
        return PoincareBall<double>(q.c()).dist(ConstRow<double>(x), ConstRow<double>(y));
      };
      const double dl_dc = PoincareBall<double>(k.c()).dist_backward(
          ConstRow<double>(x), ConstRow<double>(y), 1.0, Row<double>(gx), Row<double>(gy));
      const double h = 1e-6, rho = k.rho();
      const double fd = (loss(rho + h) - loss(rho - h)) / (2 * h);
      CAPTURE(c0);
      CHECK(k.grad_rho(dl_dc) == doctest::Approx(fd).epsilon(1e-7));
    }
  }
  // Extreme rho: no overflow, c stays positive.
  CurvatureParameter<double> k(1.0);
  k.raw().data()[0] = -800.0;
  CHECK(k.c() >= 0.0);
  CHECK(std::isfinite(k.dc_drho()));
  k.raw().data()[0] = 800.0;
  CHECK(k.c() == doctest::Approx(800.0));
  CHECK(k.dc_drho() == doctest::Approx(1.0));
  CHECK_THROWS_AS(CurvatureParameter<double>(0.0), std::invalid_argument);
  CHECK_THROWS_AS(CurvatureParameter<double>(-1.0), std::invalid_argument);
  CHECK_THROWS_WITH_AS(CurvatureParameter<double>(std::numeric_limits<double>::infinity()),
                       doctest::Contains("got inf"), std::invalid_argument);
  CHECK_THROWS_AS(CurvatureParameter<double>(std::nan("")), std::invalid_argument);
}

TEST_CASE("curvature trains: Adam on rho recovers the curvature of a target distance") {
  // Two fixed points; find c with dist_c(x, y) = 2.0.
  std::vector<double> x = {0.3, 0.1}, y = {-0.2, 0.25}, gx(2), gy(2);
  CurvatureParameter<double> k(0.5);
  AdamOptions<double> o;
  o.lr = 0.05;
  RiemannianAdam<Euclidean<double>> opt(k.raw(), o);
  for (int s = 0; s < 3000; ++s) {
    const PoincareBall<double> m(k.c());
    const double d = m.dist(ConstRow<double>(x), ConstRow<double>(y));
    const double dl_dc = m.dist_backward(ConstRow<double>(x), ConstRow<double>(y), 2 * (d - 2.0),
                                         Row<double>(gx), Row<double>(gy));
    const std::vector<double> g = {k.grad_rho(dl_dc)};
    opt.step(k.raw(), g);
  }
  CHECK(PoincareBall<double>(k.c()).dist(ConstRow<double>(x), ConstRow<double>(y)) ==
        doctest::Approx(2.0).epsilon(1e-6));
}
