// One property suite for every manifold and both scalar types: the identities
// that define a Riemannian manifold's primitives hold to a tolerance set by
// the conditioning of points within distance ~4 of the origin.

#include <doctest/doctest.h>

#include "manifold_fixtures.hpp"

using namespace hyperbolic;
using hyperbolic::testing::Fixture;
using hyperbolic::testing::max_abs;
using hyperbolic::testing::max_abs_diff;
using hyperbolic::testing::tolerance;

#define HYP_ALL_MANIFOLDS                                                                       \
  PoincareBall<float>, PoincareBall<double>, Lorentz<float>, Lorentz<double>, Euclidean<float>, \
      Euclidean<double>

namespace {
// Curvatures other than 1 catch every misplaced sqrt(c).
template <class M>
M make(double c) {
  if constexpr (std::is_same_v<M, Euclidean<typename M::scalar>>)
    return M{};
  else
    return M(typename M::scalar(c));
}
constexpr double kCurvatures[] = {1.0, 0.3, 2.5};
constexpr index_t kDims[] = {1, 2, 5, 16};
}  // namespace

TEST_CASE_TEMPLATE("exp and log are inverse", M, HYP_ALL_MANIFOLDS) {
  using T = typename M::scalar;
  for (double c : kCurvatures)
    for (index_t n : kDims) {
      Fixture<M> f(make<M>(c), n);
      for (int trial = 0; trial < 20; ++trial) {
        const auto x = f.point(T(trial % 4)), y = f.point(T(1.5));
        auto u = f.zeros(), y2 = f.zeros(), u2 = f.zeros();
        f.m.logmap(x, y, u);
        f.m.expmap(x, u, y2);
        CHECK(max_abs_diff(y, y2) <= tolerance<T>() * (T(1) + max_abs(y)) * T(4));
        const auto v = f.tangent(x, T(0.7));
        f.m.expmap(x, v, y2);
        f.m.logmap(x, y2, u2);
        CHECK(max_abs_diff(v, u2) <= tolerance<T>() * (T(1) + max_abs(x)) * T(4));
      }
    }
}

TEST_CASE_TEMPLATE("the exponential map moves by the norm of the vector", M, HYP_ALL_MANIFOLDS) {
  using T = typename M::scalar;
  for (double c : kCurvatures) {
    Fixture<M> f(make<M>(c), 5);
    for (int trial = 0; trial < 30; ++trial) {
      const auto x = f.point(T(trial % 3));
      const T len = T(0.05) + T(trial % 5);
      const auto u = f.tangent(x, len);
      auto y = f.zeros();
      f.m.expmap(x, u, y);
      const double expected = double(len * f.unit);
      CHECK(f.m.dist(x, y) == doctest::Approx(expected).epsilon(double(tolerance<T>())));
      CHECK(f.m.norm(x, u) == doctest::Approx(expected).epsilon(double(tolerance<T>())));
    }
  }
}

TEST_CASE_TEMPLATE("distance is a metric", M, HYP_ALL_MANIFOLDS) {
  using T = typename M::scalar;
  Fixture<M> f(make<M>(0.7), 4);
  for (int trial = 0; trial < 200; ++trial) {
    const auto x = f.point(T(trial % 5)), y = f.point(T(2)), z = f.point(T(0.5));
    const T dxy = f.m.dist(x, y), dyx = f.m.dist(y, x);
    CHECK(dxy >= T(0));
    CHECK(dxy == doctest::Approx(double(dyx)).epsilon(double(tolerance<T>())));
    CHECK(f.m.dist(x, x) == T(0));
    CHECK(dxy <= f.m.dist(x, z) + f.m.dist(z, y) + tolerance<T>() * (T(1) + dxy));
    CHECK(f.m.dist0(x) ==
          doctest::Approx(double(trial % 5) * f.unit).epsilon(double(tolerance<T>())));
  }
}

TEST_CASE_TEMPLATE("geodesics: endpoints and constant speed", M, HYP_ALL_MANIFOLDS) {
  using T = typename M::scalar;
  Fixture<M> f(make<M>(1.7), 3);
  for (int trial = 0; trial < 20; ++trial) {
    const auto x = f.point(T(1)), y = f.point(T(2));
    const T d = f.m.dist(x, y);
    auto g0 = f.zeros(), g1 = f.zeros(), gt = f.zeros();
    f.m.geodesic(x, y, T(0), g0);
    f.m.geodesic(x, y, T(1), g1);
    CHECK(max_abs_diff(g0, x) <= tolerance<T>() * (T(1) + max_abs(x)));
    CHECK(max_abs_diff(g1, y) <= tolerance<T>() * T(4) * (T(1) + max_abs(y)));
    for (T t : {T(0.25), T(0.5), T(0.9)}) {
      f.m.geodesic(x, y, t, gt);
      CHECK(f.m.dist(x, gt) == doctest::Approx(double(t * d)).epsilon(double(tolerance<T>())));
      CHECK(f.m.dist(gt, y) ==
            doctest::Approx(double((1 - t) * d)).epsilon(double(tolerance<T>()) * 4));
    }
  }
}

TEST_CASE_TEMPLATE("parallel transport is an isometry and maps log to -log", M, HYP_ALL_MANIFOLDS) {
  using T = typename M::scalar;
  Fixture<M> f(make<M>(0.5), 4);
  for (int trial = 0; trial < 30; ++trial) {
    const auto x = f.point(T(1.2)), y = f.point(T(0.8));
    const auto u = f.tangent(x, T(1)), v = f.tangent(x, T(0.6));
    auto pu = f.zeros(), pv = f.zeros();
    f.m.transp(x, y, u, pu);
    f.m.transp(x, y, v, pv);
    const double tol = double(tolerance<T>()) * 4;
    CHECK(f.m.inner(y, pu, pv) == doctest::Approx(double(f.m.inner(x, u, v))).epsilon(tol));
    CHECK(f.m.check_vector(y, pu));
    auto lxy = f.zeros(), lyx = f.zeros(), moved = f.zeros();
    f.m.logmap(x, y, lxy);
    f.m.logmap(y, x, lyx);
    f.m.transp(x, y, lxy, moved);
    for (auto& m : moved)
      m = -m;
    CHECK(max_abs_diff(moved, lyx) <= T(tol) * (T(1) + max_abs(lyx)));
    // transp0 / transp0back agree with transp from / to the origin.
    auto o = f.zeros(), a = f.zeros(), b = f.zeros(), w = f.tangent(o, T(1));
    f.m.origin(o);
    w = f.tangent(o, T(1));
    f.m.transp0(y, w, a);
    f.m.transp(o, y, w, b);
    CHECK(max_abs_diff(a, b) <= T(tol) * (T(1) + max_abs(b)));
    f.m.transp0back(y, pu, a);
    f.m.transp(y, o, pu, b);
    CHECK(max_abs_diff(a, b) <= T(tol) * (T(1) + max_abs(b)));
  }
}

TEST_CASE_TEMPLATE("projections and Riemannian gradients", M, HYP_ALL_MANIFOLDS) {
  using T = typename M::scalar;
  Fixture<M> f(make<M>(1.3), 3);
  for (int trial = 0; trial < 30; ++trial) {
    const auto x = f.point(T(1.5));
    auto px = f.zeros();
    f.m.projx(x, px);
    CHECK(max_abs_diff(x, px) <= tolerance<T>() * (T(1) + max_abs(x)));
    CHECK(f.m.check_point(px));
    // egrad2rgrad is the Riesz representer: <rgrad, v>_x = <egrad, v> (Euclidean)
    // for every tangent v.
    std::vector<T> egrad = f.zeros(), rgrad = f.zeros();
    std::mt19937 rng(trial);
    std::normal_distribution<T> normal;
    for (auto& e : egrad)
      e = normal(rng);
    f.m.egrad2rgrad(x, egrad, rgrad);
    CHECK(f.m.check_vector(x, rgrad));
    const auto v = f.tangent(x, T(1));
    T ev = 0;
    for (index_t i = 0; i < f.d(); ++i)
      ev += egrad[i] * v[i];
    CHECK(f.m.inner(x, rgrad, v) ==
          doctest::Approx(double(ev)).epsilon(double(tolerance<T>()) * 4).scale(1));
  }
}

TEST_CASE_TEMPLATE("retraction agrees with expmap to first order", M, HYP_ALL_MANIFOLDS) {
  using T = typename M::scalar;
  if constexpr (std::is_same_v<T, double>) {
    Fixture<M> f(make<M>(1.0), 3);
    const auto x = f.point(T(1)), u = f.tangent(x, T(1));
    for (T h : {T(1e-2), T(1e-3)}) {
      auto hu = u, e = f.zeros(), r = f.zeros();
      for (auto& v : hu)
        v *= h;
      f.m.expmap(x, hu, e);
      f.m.retr(x, hu, r);
      // Second-order agreement: the gap shrinks like h^2.
      CHECK(f.m.dist(e, r) <= T(10) * h * h);
      CHECK(f.m.check_point(r));
    }
  }
}

TEST_CASE_TEMPLATE("NaN in gives NaN out, never a crash", M, HYP_ALL_MANIFOLDS) {
  using T = typename M::scalar;
  Fixture<M> f(make<M>(1.0), 3);
  auto x = f.point(T(1));
  const auto y = f.point(T(1));
  const T bad[] = {std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity(),
                   -std::numeric_limits<T>::infinity()};
  for (T b : bad) {
    x[f.d() - 1] = b;
    CHECK_FALSE(f.m.check_point(x));
    auto out = f.zeros();
    f.m.logmap(x, y, out);
    f.m.expmap(y, x, out);
    f.m.projx(x, out);
    const T d = f.m.dist(x, y);
    if (std::isnan(b)) CHECK(std::isnan(d));
    CHECK_FALSE(d < T(0));
  }
}
