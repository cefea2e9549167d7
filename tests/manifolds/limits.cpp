// Behaviour at and beyond the representable radius, at zero vectors and at
// coincident points: defined values, never a crash.

#include <doctest/doctest.h>

#include <limits>

#include "manifold_fixtures.hpp"

using namespace hyperbolic;

namespace {
// Largest distance from the origin the ball represents in T: 1 - |x| can be
// no smaller than eps/2, so d_max = log((1 + |x|)/(1 - |x|)) ~ log(4/eps).
template <class T>
double ball_limit() {
  return std::log(4.0 / double(std::numeric_limits<T>::epsilon()));
}
}  // namespace

TEST_CASE_TEMPLATE("Poincare ball at and beyond the representable radius", T, float, double) {
  for (double c : {1.0, 0.2}) {
    const PoincareBall<T> B{T(c)};
    const double s = std::sqrt(c), limit = ball_limit<T>();
    std::vector<T> u{T(3), T(4)}, x(2), p(2), y(2);
    // A tangent vector reaching three times beyond the limit (expmap0(u) is at
    // distance 2|u|: lambda_0 = 2). tanh rounds to 1 and the point lands on the
    // rounded boundary: outside the open ball or at the very edge.
    const T scale = T(1.5 * limit / (5 * s));
    for (auto& v : u)
      v *= scale;
    B.expmap0(u, x);
    CHECK((!B.check_point(x) || double(B.dist0(x)) * s > limit - 3.5));
    // projx brings it inside, to a finite distance just short of the limit.
    B.projx(x, p);
    CHECK(B.check_point(p));
    const double d = double(B.dist0(p)) * s;  // in units of the curvature radius
    CHECK(std::isfinite(d));
    CHECK(d > limit - 3.5);
    CHECK(d < limit + 1);
    // A point exactly on the boundary is rejected, and is infinitely far from
    // every other point.
    const std::vector<T> edge{T(1 / s), T(0)}, inner{T(0.1), T(0.2)};
    CHECK_FALSE(B.check_point(edge));
    CHECK(std::string(B.check_point(edge).reason).find("outside the ball") != std::string::npos);
    // (With c != 1, 1/sqrt(c) may round to just outside: NaN, never a number.)
    const T de = B.dist(edge, inner);
    CHECK((std::isnan(de) || de == std::numeric_limits<T>::infinity()));
    if (c == 1.0) {
      CHECK(de == std::numeric_limits<T>::infinity());
      CHECK(B.dist0(edge) == std::numeric_limits<T>::infinity());
    }
    // Below the limit the round trip through logmap0 still recovers the length.
    std::vector<T> v{T(0.6), T(0.8)}, back(2);
    const double inside = 0.3 * limit / s;  // distance 0.6 * limit
    for (auto& e : v)
      e *= T(inside);
    B.expmap0(v, x);
    B.logmap0(x, back);
    CHECK(double(back[0]) == doctest::Approx(double(v[0])).epsilon(0.05));
  }
}

TEST_CASE_TEMPLATE("hyperboloid beyond its range overflows to a detected state", T, float, double) {
  const Lorentz<T> L{T(1)};
  std::vector<T> u{T(0), T(1000), T(0)}, x(3), y(3);
  L.expmap0(u, x);  // cosh(1000) overflows in both types
  CHECK_FALSE(L.check_point(x));
  CHECK(std::string(L.check_point(x).reason) == "coordinate is not finite");
  // A far but representable point: dist0 is exact from the space coordinates
  // (asinh), even where the constraint <x,x>_L = -1/c is lost to rounding.
  const T r = std::is_same_v<T, float> ? T(30) : T(200);
  u = {T(0), r, T(0)};
  L.expmap0(u, x);
  CHECK(L.dist0(x) == doctest::Approx(double(r)).epsilon(1e-6));
  // projx restores the time coordinate from the space part.
  x[0] *= T(1.5);
  L.projx(x, y);
  CHECK(L.check_point(y));
}

TEST_CASE_TEMPLATE("hyperboloid transport whose chord overflows stays defined", T, float, double) {
  // Two points at coordinates near the largest finite value, opposite in the
  // first space coordinate: their chord and the sum <ys - xs, vs> overflow to
  // inf. The fuzzer found the rescaled pass then taking ilogb(inf) (undefined
  // behaviour; the sanitizer build aborts on it). The factor k must stay
  // defined: the coordinate of v normal to the plane of x and y (x and y
  // are 0 there) is carried as v + k * 0, exactly 1 whenever k is finite.
  const Lorentz<T> L{T(1)};
  const T big = std::numeric_limits<T>::max() / T(1.5);
  const std::vector<T> x{big, big, T(0)}, y{big, -big, T(0)}, v{T(0), T(1), T(1)};
  std::vector<T> out(3);
  L.transp(x, y, v, out);
  CHECK(out[2] == T(1));
  // A moderate pair: the transported unit vector keeps its Minkowski norm.
  const std::vector<T> a{T(std::cosh(3.0)), T(std::sinh(3.0)), T(0)},
      b{T(std::cosh(2.0)), T(0), T(std::sinh(2.0))}, w{T(0), T(0), T(1)};
  L.transp(a, b, w, out);
  CHECK(double(L.inner(b, out, out)) == doctest::Approx(1.0).epsilon(1e-4));
}

TEST_CASE_TEMPLATE("zero vectors and coincident points", T, float, double) {
  const PoincareBall<T> B{T(1)};
  const Lorentz<T> L{T(1)};
  const std::vector<T> zero(3, T(0)), x{T(0.1), T(-0.2), T(0.3)};
  std::vector<T> out(3), lx(4), lout(4), lzero{T(0), T(0), T(0), T(0)};
  B.expmap(x, zero, out);
  CHECK(out == x);
  B.logmap(x, x, out);
  CHECK(out == zero);
  CHECK(B.dist(x, x) == T(0));
  B.expmap0(zero, out);
  CHECK(out == zero);
  B.logmap0(zero, out);
  CHECK(out == zero);
  poincare_to_lorentz(T(1), x, lx);
  L.logmap(lx, lx, lout);
  for (T v : lout)
    CHECK(v == T(0));
  CHECK(L.dist(lx, lx) == T(0));
  L.expmap(lx, lzero, lout);
  CHECK(lout == lx);
}

TEST_CASE_TEMPLATE("flat space: distances at the edge of the float range", T, float, double) {
  // Squares of differences below sqrt(min normal) underflow and of coordinates
  // above sqrt(max) overflow; the distance must still be the true one.
  const Euclidean<T> E;
  const T tiny = std::numeric_limits<T>::min() * T(1024);  // squares flush to 0
  const T huge = std::numeric_limits<T>::max() / T(8);     // squares overflow
  for (int d : {1, 3, 17}) {
    std::vector<T> x(std::size_t(d), T(0.5)), y = x, far(std::size_t(d), huge),
                                              zero(static_cast<std::size_t>(d));
    y[0] += std::nextafter(T(0.5), T(1)) - T(0.5);  // one ulp apart in one coordinate
    const T ulp = y[0] - x[0];
    CHECK(E.dist(x, y) == ulp);
    std::vector<T> a(std::size_t(d), T(0)), b(std::size_t(d), T(0));
    a[0] = tiny;
    CHECK(E.dist(a, b) == tiny);
    CHECK(E.dist0(a) == tiny);
    // |far| = huge sqrt(d) overflows T beyond d = 64; here it is finite.
    const T expect = huge * std::sqrt(T(d));
    CHECK(E.dist0(far) ==
          doctest::Approx(double(expect)).epsilon(4 * double(std::numeric_limits<T>::epsilon())));
    CHECK(E.dist(far, zero) ==
          doctest::Approx(double(expect)).epsilon(4 * double(std::numeric_limits<T>::epsilon())));
    // The gradient of a distance between distinct tiny-apart points is a unit vector.
    std::vector<T> gx(static_cast<std::size_t>(d)), gy(gx);
    E.dist_backward(a, b, T(1), gx, gy);
    CHECK(gx[0] == T(1));
    CHECK(gy[0] == T(-1));
  }
}
