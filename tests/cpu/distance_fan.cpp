// DistanceFan (one source row, many targets) against the scalar members
// dist_partials / dist_backward_from, pair by pair.

#include <hyperbolic/cpu/distance_fan.hpp>

#include <stdexcept>

#include "batch_fixtures.hpp"

using namespace hyperbolic;
using namespace hyperbolic::testing;

TEST_CASE_TEMPLATE("distance fan equals dist_partials and dist_backward_from", M,
                   HYP_CPU_MANIFOLDS) {
  using T = typename M::scalar;
  for (index_t dim : {1, 2, 10, 33}) {
    CAPTURE(dim);
    // 13 targets: not a multiple of the block's column padding.
    BatchCase<M> xs(make_manifold<M>(0.8), 13, dim, 3, -1, 7);
    const M& m = xs.f.m;
    const index_t a = xs.d, count = xs.n;
    // Target 3 coincides with the source: distance 0, and a zero norm in the backward pass.
    for (index_t c = 0; c < a; ++c)
      xs.y.row(3)[c] = xs.x.row(0)[c];
    std::vector<const T*> targets;
    for (index_t j = 0; j < count; ++j)
      targets.push_back(xs.y.row(j).data());

    cpu::DistanceFan<M> fan;
    fan.evaluate(m, xs.x.row(0).data(), targets, a);
    REQUIRE(fan.size() == count);

    std::vector<T> g(static_cast<std::size_t>(count));
    for (index_t j = 0; j < count; ++j)
      g[std::size_t(j)] = T(0.3) * T(j % 5) - T(0.5);  // both signs
    g[5] = T(0);                                       // a target without gradient gets zeros
    std::vector<T> gx(std::size_t(a), T(0.25)), gy(std::size_t(count * a), T(-99));
    fan.backward(g, gx.data(), gy.data());

    const T tol = batch_tolerance<T>(a);
    const auto size = static_cast<std::size_t>(a);
    std::vector<T> want_gx(size, T(0.25)), gxj(size), gyj(size);
    for (index_t j = 0; j < count; ++j) {
      CAPTURE(j);
      const DistPartials<T> want = m.dist_partials(xs.x.row(0), xs.y.row(j));
      const DistPartials<T> got = fan.partials(j);
      CHECK(close(got.value, want.value, tol));
      CHECK(close(got.d_xx, want.d_xx, tol));
      CHECK(close(got.d_yy, want.d_yy, tol));
      CHECK(close(got.d_norm, want.d_norm, tol));
      CHECK(close(got.norm, want.norm, tol));
      CHECK(close(fan.distance(j), m.dist(xs.x.row(0), xs.y.row(j)), tol));
      m.dist_backward_from(want, xs.x.row(0), xs.y.row(j), g[std::size_t(j)], gxj, gyj);
      for (index_t c = 0; c < a; ++c) {
        want_gx[std::size_t(c)] += gxj[std::size_t(c)];
        CHECK(close(gy[std::size_t(j * a + c)], gyj[std::size_t(c)], tol));
      }
    }
    CHECK(fan.distance(3) == T(0));
    for (index_t c = 0; c < a; ++c) {
      CHECK(gy[std::size_t(5 * a + c)] == T(0));
      // gx sums `count` terms of size up to ~|g| |dd/dx|: the tolerance grows with the count.
      CHECK(close(gx[std::size_t(c)], want_gx[std::size_t(c)], T(count) * tol));
    }
  }
}

TEST_CASE("distance fan: NaN in a target stays in that target's results") {
  using M = PoincareBall<double>;
  const M m(1.0);
  const std::vector<double> x{0.1, -0.2, 0.3}, y0{0.0, 0.5, -0.1}, y1{std::nan(""), 0.0, 0.0},
      y2{-0.4, 0.1, 0.2};
  const std::vector<const double*> targets{y0.data(), y1.data(), y2.data()};
  cpu::DistanceFan<M> fan;
  fan.evaluate(m, x.data(), targets, 3);
  CHECK(std::isfinite(fan.distance(0)));
  CHECK(std::isnan(fan.distance(1)));
  CHECK(std::isfinite(fan.distance(2)));
  std::vector<double> gx(3, 0.0), gy(9, 0.0);
  const std::vector<double> g{1.0, 0.0, -1.0};
  fan.backward(g, gx.data(), gy.data());
  for (int c = 0; c < 3; ++c) {
    CHECK(std::isfinite(gy[std::size_t(c)]));
    CHECK(std::isfinite(gy[std::size_t(6 + c)]));
  }
}

TEST_CASE("distance fan: bad arguments are named") {
  using M = Euclidean<double>;
  cpu::DistanceFan<M> fan;
  const std::vector<double> x{1.0, 2.0};
  const std::vector<const double*> targets{x.data()};
  CHECK_THROWS_WITH_AS(fan.evaluate(M{}, x.data(), targets, 0),
                       "DistanceFan: dim must be positive, got 0", std::invalid_argument);
  fan.evaluate(M{}, x.data(), targets, 2);
  std::vector<double> gx(2), gy(2);
  const std::vector<double> g{1.0, 2.0};
  CHECK_THROWS_WITH_AS(fan.backward(g, gx.data(), gy.data()),
                       "DistanceFan::backward: 2 upstream gradients for 1 distances",
                       std::invalid_argument);
}
