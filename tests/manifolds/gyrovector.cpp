// Gyrovector-space identities, isometry invariance and conversions between
// the models. Lorentz gyro-operations are the ball's carried over by the
// isometry, so the same identities must hold there; "-a" on the hyperboloid
// negates the space coordinates.

#include <doctest/doctest.h>

#include "manifold_fixtures.hpp"

using namespace hyperbolic;
using hyperbolic::testing::Fixture;
using hyperbolic::testing::max_abs;
using hyperbolic::testing::max_abs_diff;
using hyperbolic::testing::tolerance;

namespace {
template <class M>
std::vector<typename M::scalar> negate(const M&, std::vector<typename M::scalar> a) {
  for (std::size_t i = std::is_same_v<M, Lorentz<typename M::scalar>> ? 1 : 0; i < a.size(); ++i)
    a[i] = -a[i];
  return a;
}
}  // namespace

#define HYP_GYRO_MANIFOLDS \
  PoincareBall<float>, PoincareBall<double>, Lorentz<float>, Lorentz<double>

TEST_CASE_TEMPLATE("gyrogroup identities", M, HYP_GYRO_MANIFOLDS) {
  using T = typename M::scalar;
  for (double c : {1.0, 0.4, 3.0}) {
    Fixture<M> f(M(T(c)), 4);
    const T tol = tolerance<T>() * 8;
    for (int trial = 0; trial < 30; ++trial) {
      const auto a = f.point(T(1)), b = f.point(T(1.5));
      auto o = f.zeros(), t1 = f.zeros(), t2 = f.zeros();
      f.m.origin(o);
      // a (+) 0 = a and 0 (+) a = a
      f.m.mobius_add(a, o, t1);
      CHECK(max_abs_diff(t1, a) <= tol * (1 + max_abs(a)));
      f.m.mobius_add(o, a, t1);
      CHECK(max_abs_diff(t1, a) <= tol * (1 + max_abs(a)));
      // (-a) (+) a = 0
      const auto na = negate(f.m, a);
      f.m.mobius_add(na, a, t1);
      CHECK(max_abs_diff(t1, o) <= tol * (1 + max_abs(a)));
      // left cancellation: (-a) (+) (a (+) b) = b
      f.m.mobius_add(a, b, t1);
      f.m.mobius_add(na, t1, t2);
      CHECK(max_abs_diff(t2, b) <= tol * (1 + max_abs(b)) * 4);
      // scalar multiplication: distributive and associative
      const T r1 = T(0.3 + trial % 3), r2 = T(-0.7);
      auto s1 = f.zeros(), s2 = f.zeros(), s12 = f.zeros(), sum = f.zeros();
      f.m.mobius_scalar_mul(r1, a, s1);
      f.m.mobius_scalar_mul(r2, a, s2);
      f.m.mobius_scalar_mul(r1 + r2, a, s12);
      f.m.mobius_add(s1, s2, sum);
      CHECK(max_abs_diff(sum, s12) <= tol * (1 + max_abs(s12)) * 4);
      f.m.mobius_scalar_mul(r1 * r2, a, s12);
      f.m.mobius_scalar_mul(r1, s2, sum);
      CHECK(max_abs_diff(sum, s12) <= tol * (1 + max_abs(s12)) * 4);
      // r (x) a scales the distance from the origin by |r|.
      CHECK(f.m.dist0(s1) == doctest::Approx(double(r1 * f.m.dist0(a))).epsilon(double(tol)));
    }
  }
}

TEST_CASE_TEMPLATE("gyro-translations and orthogonal maps are isometries", M, HYP_GYRO_MANIFOLDS) {
  using T = typename M::scalar;
  Fixture<M> f(M(T(0.8)), 3);
  // A rotation of the 3 space coordinates for mobius_matvec.
  const double th = 0.7;
  const T R[9] = {
      T(std::cos(th)), T(-std::sin(th)), 0, T(std::sin(th)), T(std::cos(th)), 0, 0, 0, 1};
  const ConstMatrixView<T> rot(R, 3, 3);
  for (int trial = 0; trial < 30; ++trial) {
    const auto a = f.point(T(1.2)), x = f.point(T(1)), y = f.point(T(0.6));
    auto ax = f.zeros(), ay = f.zeros(), rx = f.zeros(), ry = f.zeros();
    f.m.mobius_add(a, x, ax);
    f.m.mobius_add(a, y, ay);
    const double d = double(f.m.dist(x, y)), tol = double(tolerance<T>()) * 8;
    CHECK(f.m.dist(ax, ay) == doctest::Approx(d).epsilon(tol));
    f.m.mobius_matvec(rot, x, rx);  // on the hyperboloid M acts on the space coordinates
    f.m.mobius_matvec(rot, y, ry);
    CHECK(f.m.dist(rx, ry) == doctest::Approx(d).epsilon(tol));
  }
}

TEST_CASE_TEMPLATE("Poincare distance equals the gyro form", T, float, double) {
  Fixture<PoincareBall<T>> f(PoincareBall<T>(T(1.9)), 5);
  for (int trial = 0; trial < 50; ++trial) {
    const auto x = f.point(T(1)), y = f.point(T(2));
    auto w = f.zeros(), nx = x;
    for (auto& v : nx)
      v = -v;
    f.m.mobius_add(nx, y, w);
    const double s = std::sqrt(double(f.m.c()));
    const double n = std::sqrt(double(squared_norm(ConstRow<T>(w))));
    CHECK(f.m.dist(x, y) ==
          doctest::Approx(2 / s * std::atanh(s * n)).epsilon(double(tolerance<T>())));
  }
}

TEST_CASE_TEMPLATE("conversions are inverse isometries", T, float, double) {
  for (double c : {1.0, 0.25, 4.0}) {
    Fixture<PoincareBall<T>> fp(PoincareBall<T>(T(c)), 4);
    const Lorentz<T> L{T(c)};
    const T tol = tolerance<T>() * 8;
    for (int trial = 0; trial < 30; ++trial) {
      const auto x = fp.point(T(trial % 3)), y = fp.point(T(1));
      std::vector<T> lx(5), ly(5), back(4), k(4), lk(5);
      poincare_to_lorentz(T(c), x, lx);
      poincare_to_lorentz(T(c), y, ly);
      CHECK(L.check_point(lx));
      CHECK(L.dist(lx, ly) == doctest::Approx(double(fp.m.dist(x, y))).epsilon(double(tol)));
      lorentz_to_poincare(T(c), lx, back);
      CHECK(max_abs_diff(back, x) <= tol);
      poincare_to_klein(T(c), x, k);
      klein_to_poincare(T(c), k, back);
      CHECK(max_abs_diff(back, x) <= tol);
      klein_to_lorentz(T(c), k, lk);
      CHECK(max_abs_diff(lk, lx) <= tol * (1 + max_abs(lx)));
      lorentz_to_klein(T(c), lx, back);
      CHECK(max_abs_diff(back, k) <= tol);
      // Gyro-addition commutes with the isometry.
      std::vector<T> pxy(4), lxy(5), lpxy(5);
      fp.m.mobius_add(x, y, pxy);
      L.mobius_add(lx, ly, lxy);
      poincare_to_lorentz(T(c), pxy, lpxy);
      CHECK(max_abs_diff(lxy, lpxy) <= tol * (1 + max_abs(lpxy)));
      // ... and so does the signed distance to a hyperplane through p.
      const auto p = fp.point(T(0.5));
      std::vector<T> a(4), lp(5), lq(5), la(5);
      const auto q = fp.point(T(0.9));
      fp.m.logmap(p, q, a);
      poincare_to_lorentz(T(c), p, lp);
      poincare_to_lorentz(T(c), q, lq);
      L.logmap(lp, lq, la);
      CHECK(L.dist2plane(lx, la) ==
            doctest::Approx(double(fp.m.dist2plane(x, p, a))).epsilon(double(tol)).scale(1));
    }
  }
}

TEST_CASE_TEMPLATE("midpoints", T, float, double) {
  Fixture<PoincareBall<T>> fp(PoincareBall<T>(T(0.6)), 3);
  const Lorentz<T> L{T(0.6)};
  const T tol = tolerance<T>() * 8;
  // The midpoint of two points is the geodesic midpoint, in both models.
  for (int trial = 0; trial < 20; ++trial) {
    const auto x = fp.point(T(1)), y = fp.point(T(1.3));
    std::vector<T> pts(6), m(3), g(3);
    std::copy(x.begin(), x.end(), pts.begin());
    std::copy(y.begin(), y.end(), pts.begin() + 3);
    fp.m.midpoint(ConstMatrixView<T>(pts.data(), 2, 3), nullptr, m);
    fp.m.geodesic(x, y, T(0.5), g);
    CHECK(max_abs_diff(m, g) <= tol);
    std::vector<T> lpts(8), lm(4), lg(4);
    poincare_to_lorentz(T(0.6), x, Row<T>(lpts.data(), 4));
    poincare_to_lorentz(T(0.6), y, Row<T>(lpts.data() + 4, 4));
    L.midpoint(ConstMatrixView<T>(lpts.data(), 2, 4), nullptr, lm);
    poincare_to_lorentz(T(0.6), g, lg);
    CHECK(max_abs_diff(lm, lg) <= tol * (1 + max_abs(lg)));
    // Weights: a point with all the weight is its own midpoint.
    const T w[2] = {T(1), T(0)};
    fp.m.midpoint(ConstMatrixView<T>(pts.data(), 2, 3), w, m);
    CHECK(max_abs_diff(m, x) <= tol);
  }
}

TEST_CASE_TEMPLATE("curvature to zero gives the Euclidean limit", T, float, double) {
  // With metric lambda^2 |dx|^2 and lambda -> 2, the ball tends to R^n with
  // the metric 4|dx|^2: distances -> 2|x - y|, expmap -> x + u, (+) -> +.
  for (double c : {0.0, 1e-12}) {
    const PoincareBall<T> B{T(c)};
    const std::vector<T> x{T(0.3), T(-1.2)}, y{T(2.0), T(0.5)}, u{T(-0.4), T(0.25)};
    std::vector<T> o(2);
    const double e = std::hypot(0.3 - 2.0, -1.2 - 0.5);
    CHECK(B.dist(x, y) == doctest::Approx(2 * e).epsilon(1e-5));
    B.expmap(x, u, o);
    CHECK(o[0] == doctest::Approx(-0.1).epsilon(1e-5));
    CHECK(o[1] == doctest::Approx(-0.95).epsilon(1e-5));
    B.logmap(x, y, o);
    CHECK(o[0] == doctest::Approx(1.7).epsilon(1e-5));
    B.mobius_add(x, y, o);
    CHECK(o[1] == doctest::Approx(-0.7).epsilon(1e-5));
  }
}
