// Every backward pass against central finite differences in double.
//
// For a primitive out = F(inputs, c) and a random upstream gradient g, the
// backward must return dL/dz for L = <g, F> and every input coordinate z
// (and c). Central differences with step h have truncation error O(h^2) and
// rounding error O(eps/h); h = 1e-6 balances them at about 1e-10 relative,
// so the comparison uses a relative tolerance of 1e-6 on the gradient scale.

#include <doctest/doctest.h>

#include <functional>

#include "manifold_fixtures.hpp"

using namespace hyperbolic;
using hyperbolic::testing::Fixture;

namespace {

using Vec = std::vector<double>;
// L as a function of all inputs concatenated, and of c.
using Objective = std::function<double(const std::vector<Vec>&, double)>;

struct Gradient {
  std::vector<Vec> inputs;
  double c;
};

void check_gradient(const Objective& L, const std::vector<Vec>& inputs, double c,
                    const Gradient& analytic, bool check_c = true) {
  const double h = 1e-6;
  double scale = 1e-3;
  for (const auto& g : analytic.inputs)
    for (double v : g)
      scale = std::max(scale, std::abs(v));
  scale = std::max(scale, std::abs(analytic.c));
  for (std::size_t k = 0; k < inputs.size(); ++k)
    for (std::size_t i = 0; i < inputs[k].size(); ++i) {
      auto plus = inputs, minus = inputs;
      plus[k][i] += h;
      minus[k][i] -= h;
      const double fd = (L(plus, c) - L(minus, c)) / (2 * h);
      INFO("input " << k << " coordinate " << i);
      CHECK(analytic.inputs[k][i] == doctest::Approx(fd).epsilon(1e-6).scale(scale));
    }
  if (check_c) {
    const double fd = (L(inputs, c + h) - L(inputs, c - h)) / (2 * h);
    INFO("curvature");
    CHECK(analytic.c == doctest::Approx(fd).epsilon(1e-6).scale(scale));
  }
}

Vec random_vec(std::mt19937_64& rng, std::size_t n, double s = 1) {
  std::normal_distribution<double> normal;
  Vec v(n);
  for (auto& x : v)
    x = s * normal(rng);
  return v;
}

double dotv(const Vec& a, const Vec& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    s += a[i] * b[i];
  return s;
}

// sqrt(<x - y, x - y>_L) as a plain function of the ambient coordinates.
double minkowski_chord(const Vec& x, const Vec& y) {
  double q = -(x[0] - y[0]) * (x[0] - y[0]);
  for (std::size_t i = 1; i < x.size(); ++i)
    q += (x[i] - y[i]) * (x[i] - y[i]);
  return std::sqrt(std::max(q, 0.0));
}

// Checks a vector-valued binary primitive and its backward.
template <class M, class Fwd, class Bwd>
void check_binary(const std::vector<Vec>& in, double c, Fwd fwd, Bwd bwd, std::size_t out_size,
                  std::mt19937_64& rng, bool check_c = true) {
  const Vec g = random_vec(rng, out_size);
  const Objective L = [&](const std::vector<Vec>& z, double cc) {
    Vec out(out_size);
    fwd(M(cc), z, out);
    return dotv(g, out);
  };
  Gradient an{{}, 0};
  for (const auto& v : in)
    an.inputs.emplace_back(v.size());
  an.c = bwd(M(c), in, g, an.inputs);
  check_gradient(L, in, c, an, check_c);
}

}  // namespace

TEST_CASE("Poincare ball backward passes match finite differences") {
  std::mt19937_64 rng(11);
  for (double c : {1.0, 0.35, 2.2}) {
    using M = PoincareBall<double>;
    Fixture<M> f(M(c), 4, 3);
    for (int trial = 0; trial < 4; ++trial) {
      const Vec x = f.point(0.3 + trial), y = f.point(1.1), u = f.tangent(x, 0.8);
      check_binary<M>(
          {x, y}, c, [](M m, auto& z, Vec& o) { o[0] = m.dist(z[0], z[1]); },
          [](M m, auto& z, const Vec& g, auto& gr) {
            return m.dist_backward(z[0], z[1], g[0], gr[0], gr[1]);
          },
          1, rng);
      check_binary<M>(
          {x}, c, [](M m, auto& z, Vec& o) { o[0] = m.dist0(z[0]); },
          [](M m, auto& z, const Vec& g, auto& gr) { return m.dist0_backward(z[0], g[0], gr[0]); },
          1, rng);
      check_binary<M>(
          {x, u}, c, [](M m, auto& z, Vec& o) { m.expmap(z[0], z[1], o); },
          [](M m, auto& z, const Vec& g, auto& gr) {
            return m.expmap_backward(z[0], z[1], g, gr[0], gr[1]);
          },
          4, rng);
      check_binary<M>(
          {u}, c, [](M m, auto& z, Vec& o) { m.expmap0(z[0], o); },
          [](M m, auto& z, const Vec& g, auto& gr) { return m.expmap0_backward(z[0], g, gr[0]); },
          4, rng);
      check_binary<M>(
          {x, y}, c, [](M m, auto& z, Vec& o) { m.logmap(z[0], z[1], o); },
          [](M m, auto& z, const Vec& g, auto& gr) {
            return m.logmap_backward(z[0], z[1], g, gr[0], gr[1]);
          },
          4, rng);
      check_binary<M>(
          {y}, c, [](M m, auto& z, Vec& o) { m.logmap0(z[0], o); },
          [](M m, auto& z, const Vec& g, auto& gr) { return m.logmap0_backward(z[0], g, gr[0]); },
          4, rng);
      check_binary<M>(
          {x, y}, c, [](M m, auto& z, Vec& o) { m.mobius_add(z[0], z[1], o); },
          [](M m, auto& z, const Vec& g, auto& gr) {
            return m.mobius_add_backward(z[0], z[1], g, gr[0], gr[1]);
          },
          4, rng);
      const Vec a = random_vec(rng, 4);
      check_binary<M>(
          {x, y, a}, c, [](M m, auto& z, Vec& o) { o[0] = m.dist2plane(z[0], z[1], z[2]); },
          [](M m, auto& z, const Vec& g, auto& gr) {
            return m.dist2plane_backward(z[0], z[1], z[2], g[0], gr[0], gr[1], gr[2]);
          },
          1, rng);
      // mobius_matvec: a 3 x 4 matrix flattened as the first input.
      const Vec Mflat = random_vec(rng, 12, 0.5);
      check_binary<M>(
          {Mflat, x}, c,
          [](M m, auto& z, Vec& o) {
            m.mobius_matvec(ConstMatrixView<double>(z[0].data(), 3, 4), z[1], o);
          },
          [](M m, auto& z, const Vec& g, auto& gr) {
            return m.mobius_matvec_backward(ConstMatrixView<double>(z[0].data(), 3, 4), z[1], g,
                                            MatrixView<double>(gr[0].data(), 3, 4), gr[1]);
          },
          3, rng);
      // midpoint of three weighted points (points flattened, then weights).
      Vec pts;
      for (int p = 0; p < 3; ++p) {
        const Vec q = f.point(0.5 + p);
        pts.insert(pts.end(), q.begin(), q.end());
      }
      const Vec w{0.5, 1.5, 1.0};
      check_binary<M>(
          {pts, w}, c,
          [](M m, auto& z, Vec& o) {
            m.midpoint(ConstMatrixView<double>(z[0].data(), 3, 4), z[1].data(), o);
          },
          [](M m, auto& z, const Vec& g, auto& gr) {
            Vec mid(4);
            m.midpoint(ConstMatrixView<double>(z[0].data(), 3, 4), z[1].data(), mid);
            return m.midpoint_backward(ConstMatrixView<double>(z[0].data(), 3, 4), z[1].data(), mid,
                                       g, MatrixView<double>(gr[0].data(), 3, 4), gr[1].data());
          },
          4, rng);
      // projx outside the ball: a point pushed beyond the boundary.
      Vec far = x;
      const double n = std::sqrt(dotv(x, x)), target = 1.3 / std::sqrt(c);
      for (auto& v : far)
        v *= target / n;
      check_binary<M>(
          {far}, c, [](M m, auto& z, Vec& o) { m.projx(z[0], o); },
          [](M m, auto& z, const Vec& g, auto& gr) { return m.projx_backward(z[0], g, gr[0]); }, 4,
          rng);
    }
  }
}

TEST_CASE("Lorentz backward passes match finite differences") {
  std::mt19937_64 rng(12);
  for (double c : {1.0, 0.35, 2.2}) {
    using M = Lorentz<double>;
    Fixture<M> f(M(c), 3, 5);
    for (int trial = 0; trial < 4; ++trial) {
      const Vec x = f.point(0.3 + trial), y = f.point(1.1), u = f.tangent(x, 0.8);
      // Ambient finite differences leave the hyperboloid. The backward passes
      // are gradients of the closed-form extensions through the Minkowski
      // chord <x - y, x - y>_L; the forward computes that chord with
      // identities that hold on the hyperboloid only (lorentz/chord.hpp), so
      // the differences of dist and logmap are taken of the extension itself.
      check_binary<M>(
          {x, y}, c,
          [](M m, auto& z, Vec& o) { o[0] = lorentz::dist(m.c(), minkowski_chord(z[0], z[1])); },
          [](M m, auto& z, const Vec& g, auto& gr) {
            return m.dist_backward(z[0], z[1], g[0], gr[0], gr[1]);
          },
          1, rng);
      check_binary<M>(
          {x}, c, [](M m, auto& z, Vec& o) { o[0] = m.dist0(z[0]); },
          [](M m, auto& z, const Vec& g, auto& gr) { return m.dist0_backward(z[0], g[0], gr[0]); },
          1, rng);
      check_binary<M>(
          {x, u}, c, [](M m, auto& z, Vec& o) { m.expmap(z[0], z[1], o); },
          [](M m, auto& z, const Vec& g, auto& gr) {
            return m.expmap_backward(z[0], z[1], g, gr[0], gr[1]);
          },
          4, rng);
      Vec u0 = u;
      u0[0] = 0;
      check_binary<M>(
          {u0}, c, [](M m, auto& z, Vec& o) { m.expmap0(z[0], o); },
          [](M m, auto& z, const Vec& g, auto& gr) { return m.expmap0_backward(z[0], g, gr[0]); },
          4, rng);
      check_binary<M>(
          {x, y}, c,
          [](M m, auto& z, Vec& o) {
            const double n = minkowski_chord(z[0], z[1]);
            const auto k = lorentz::logmap(m.c(), n);
            for (std::size_t i = 0; i < o.size(); ++i)
              o[i] = k.a * (z[1][i] - z[0][i]) + k.b * z[0][i];
          },
          [](M m, auto& z, const Vec& g, auto& gr) {
            return m.logmap_backward(z[0], z[1], g, gr[0], gr[1]);
          },
          4, rng);
      check_binary<M>(
          {y}, c, [](M m, auto& z, Vec& o) { m.logmap0(z[0], o); },
          [](M m, auto& z, const Vec& g, auto& gr) { return m.logmap0_backward(z[0], g, gr[0]); },
          4, rng);
      check_binary<M>(
          {x, y}, c, [](M m, auto& z, Vec& o) { m.mobius_add(z[0], z[1], o); },
          [](M m, auto& z, const Vec& g, auto& gr) {
            return m.mobius_add_backward(z[0], z[1], g, gr[0], gr[1]);
          },
          4, rng);
      const Vec a = f.tangent(y, 1.0);
      check_binary<M>(
          {x, a}, c, [](M m, auto& z, Vec& o) { o[0] = m.dist2plane(z[0], z[1]); },
          [](M m, auto& z, const Vec& g, auto& gr) {
            return m.dist2plane_backward(z[0], z[1], g[0], gr[0], gr[1]);
          },
          1, rng);
      check_binary<M>(
          {x}, c, [](M m, auto& z, Vec& o) { m.projx(z[0], o); },
          [](M m, auto& z, const Vec& g, auto& gr) { return m.projx_backward(z[0], g, gr[0]); }, 4,
          rng);
      const Vec Mflat = random_vec(rng, 6, 0.5);  // 2 x 3 on the space coordinates
      check_binary<M>(
          {Mflat, x}, c,
          [](M m, auto& z, Vec& o) {
            m.mobius_matvec(ConstMatrixView<double>(z[0].data(), 2, 3), z[1], o);
          },
          [](M m, auto& z, const Vec& g, auto& gr) {
            return m.mobius_matvec_backward(ConstMatrixView<double>(z[0].data(), 2, 3), z[1], g,
                                            MatrixView<double>(gr[0].data(), 2, 3), gr[1]);
          },
          3, rng);
      Vec pts;
      for (int p = 0; p < 3; ++p) {
        const Vec q = f.point(0.5 + p);
        pts.insert(pts.end(), q.begin(), q.end());
      }
      const Vec w{0.5, 1.5, 1.0};
      check_binary<M>(
          {pts, w}, c,
          [](M m, auto& z, Vec& o) {
            m.midpoint(ConstMatrixView<double>(z[0].data(), 3, 4), z[1].data(), o);
          },
          [](M m, auto& z, const Vec& g, auto& gr) {
            Vec mid(4);
            m.midpoint(ConstMatrixView<double>(z[0].data(), 3, 4), z[1].data(), mid);
            return m.midpoint_backward(ConstMatrixView<double>(z[0].data(), 3, 4), z[1].data(), mid,
                                       g, MatrixView<double>(gr[0].data(), 3, 4), gr[1].data());
          },
          4, rng);
    }
  }
}

TEST_CASE("conversion backward passes match finite differences") {
  std::mt19937_64 rng(13);
  for (double c : {1.0, 0.5, 3.0}) {
    Fixture<PoincareBall<double>> f(PoincareBall<double>(c), 3, 9);
    const Vec x = f.point(1.2);
    Vec y(4), k(3);
    poincare_to_lorentz(c, x, y);
    poincare_to_klein(c, x, k);
    using P = PoincareBall<double>;  // only carries c through check_binary
    check_binary<P>(
        {x}, c, [](P m, auto& z, Vec& o) { poincare_to_lorentz(m.c(), z[0], o); },
        [](P m, auto& z, const Vec& g, auto& gr) {
          return poincare_to_lorentz_backward(m.c(), z[0], g, gr[0]);
        },
        4, rng);
    check_binary<P>(
        {y}, c, [](P m, auto& z, Vec& o) { lorentz_to_poincare(m.c(), z[0], o); },
        [](P m, auto& z, const Vec& g, auto& gr) {
          return lorentz_to_poincare_backward(m.c(), z[0], g, gr[0]);
        },
        3, rng);
    check_binary<P>(
        {x}, c, [](P m, auto& z, Vec& o) { poincare_to_klein(m.c(), z[0], o); },
        [](P m, auto& z, const Vec& g, auto& gr) {
          return poincare_to_klein_backward(m.c(), z[0], g, gr[0]);
        },
        3, rng);
    check_binary<P>(
        {k}, c, [](P m, auto& z, Vec& o) { klein_to_poincare(m.c(), z[0], o); },
        [](P m, auto& z, const Vec& g, auto& gr) {
          return klein_to_poincare_backward(m.c(), z[0], g, gr[0]);
        },
        3, rng);
    check_binary<P>(
        {k}, c, [](P m, auto& z, Vec& o) { klein_to_lorentz(m.c(), z[0], o); },
        [](P m, auto& z, const Vec& g, auto& gr) {
          return klein_to_lorentz_backward(m.c(), z[0], g, gr[0]);
        },
        4, rng);
    check_binary<P>(
        {y}, c, [](P m, auto& z, Vec& o) { lorentz_to_klein(m.c(), z[0], o); },
        [](P m, auto& z, const Vec& g, auto& gr) {
          return lorentz_to_klein_backward(m.c(), z[0], g, gr[0]);
        },
        3, rng);
  }
}

TEST_CASE("gradients are finite at the origin, at zero vectors and at coincident points") {
  // The f(z)/z functions are smooth in z^2: no 0/0 anywhere.
  const PoincareBall<double> B(1.0);
  const Lorentz<double> L(1.0);
  const Vec zero(3, 0.0), g{0.3, -0.2, 0.1};
  Vec gx(3), gy(3);
  CHECK(std::isfinite(B.expmap_backward(zero, zero, g, gx, gy)));
  for (double v : gy)
    CHECK(std::isfinite(v));
  CHECK(std::isfinite(B.logmap_backward(zero, zero, g, gx, gy)));
  CHECK(B.dist_backward(g, g, 1.0, gx, gy) == doctest::Approx(0.0));
  for (double v : gx)
    CHECK(v == doctest::Approx(0.0));  // subgradient 0 at x = y
  const Vec o{1, 0, 0}, lg{0.1, 0.2, -0.3};
  Vec lx(3), ly(3);
  CHECK(std::isfinite(L.logmap_backward(o, o, lg, lx, ly)));
  for (double v : lx)
    CHECK(std::isfinite(v));
  CHECK(std::isfinite(L.expmap0_backward(Vec{0, 0, 0}, lg, lx)));
}

TEST_CASE_TEMPLATE("mobius_scalar_mul and the flat backward passes match finite differences", M,
                   PoincareBall<double>, Lorentz<double>, Euclidean<double>) {
  std::mt19937_64 rng(21);
  const double c = 0.7;
  Fixture<M> f(std::is_same_v<M, Euclidean<double>> ? M() : M(c), 3, 4);
  const bool curved = !std::is_same_v<M, Euclidean<double>>;
  const index_t d = f.d();
  for (int trial = 0; trial < 4; ++trial) {
    const Vec x = f.point(0.4 + trial), r{0.3 + trial};
    // r is the second "input": its gradient comes back through grad_r.
    check_binary<M>(
        {x, r}, c, [](M m, auto& z, Vec& o) { m.mobius_scalar_mul(z[1][0], z[0], o); },
        [](M m, auto& z, const Vec& g, auto& gr) {
          return m.mobius_scalar_mul_backward(z[1][0], z[0], g, gr[0], gr[1][0]);
        },
        std::size_t(d), rng, curved);
  }
  if constexpr (std::is_same_v<M, Euclidean<double>>) {
    const Vec x = random_vec(rng, 3), p = random_vec(rng, 3), a = random_vec(rng, 3);
    check_binary<M>(
        {x, p, a}, c, [](M m, auto& z, Vec& o) { o[0] = m.dist2plane(z[0], z[1], z[2]); },
        [](M m, auto& z, const Vec& g, auto& gr) {
          return m.dist2plane_backward(z[0], z[1], z[2], g[0], gr[0], gr[1], gr[2]);
        },
        1, rng, false);
    const Vec Mflat = random_vec(rng, 6);
    check_binary<M>(
        {Mflat, x}, c,
        [](M m, auto& z, Vec& o) {
          m.mobius_matvec(ConstMatrixView<double>(z[0].data(), 2, 3), z[1], o);
        },
        [](M m, auto& z, const Vec& g, auto& gr) {
          return m.mobius_matvec_backward(ConstMatrixView<double>(z[0].data(), 2, 3), z[1], g,
                                          MatrixView<double>(gr[0].data(), 2, 3), gr[1]);
        },
        2, rng, false);
    const Vec pts = random_vec(rng, 9), w{0.5, 2.0, 1.0};
    check_binary<M>(
        {pts, w}, c,
        [](M m, auto& z, Vec& o) {
          m.midpoint(ConstMatrixView<double>(z[0].data(), 3, 3), z[1].data(), o);
        },
        [](M m, auto& z, const Vec& g, auto& gr) {
          Vec mid(3);
          m.midpoint(ConstMatrixView<double>(z[0].data(), 3, 3), z[1].data(), mid);
          return m.midpoint_backward(ConstMatrixView<double>(z[0].data(), 3, 3), z[1].data(), mid,
                                     g, MatrixView<double>(gr[0].data(), 3, 3), gr[1].data());
        },
        3, rng, false);
  }
}

// The distance is dist's bit for bit everywhere; the gradients too where the partials come from
// the same dual-number evaluation (hyperboloid, Euclidean). The ball's partials have a closed form
// (poincare_ball.hpp): there the gradients agree to a few ulps of their size. Every factor of the
// closed form is a product or quotient of positive terms, so 16 eps relative covers the ~6
// roundings of each side with margin; a wrong term would be O(1) off.
TEST_CASE_TEMPLATE("dist_partials + dist_backward_from equal dist + dist_backward", M,
                   PoincareBall<double>, Lorentz<double>, Euclidean<double>, PoincareBall<float>,
                   Lorentz<float>) {
  using T = typename M::scalar;
  Fixture<M> f(std::is_same_v<M, Euclidean<T>> ? M() : M(T(0.7)), 5, 33);
  // Close pairs, far pairs, points far out and a coincident pair.
  for (const T radius : {T(0.01), T(0.5), T(3), T(8)})
    for (int trial = 0; trial < 8; ++trial) {
      const auto x = f.point(radius), y = trial == 0 ? x : f.point(T(0.5) * radius);
      const T g = T(0.37) * T(trial - 3);
      std::vector<T> gx(x.size()), gy(x.size()), px(x.size()), py(x.size());
      const DistPartials<T> p = f.m.dist_partials(x, y);
      CHECK(p.value == f.m.dist(x, y));
      f.m.dist_backward(x, y, g, gx, gy);
      f.m.dist_backward_from(p, x, y, g, px, py);
      if constexpr (std::is_same_v<M, PoincareBall<T>>) {
        // Relative to the largest gradient entry: the entries are sums of two terms.
        T scale = 0;
        for (std::size_t i = 0; i < x.size(); ++i)
          scale = std::max({scale, std::abs(gx[i]), std::abs(gy[i])});
        const T tol = T(16) * std::numeric_limits<T>::epsilon() * scale;
        for (std::size_t i = 0; i < x.size(); ++i) {
          CAPTURE(radius);
          CAPTURE(trial);
          CHECK(std::abs(px[i] - gx[i]) <= tol);
          CHECK(std::abs(py[i] - gy[i]) <= tol);
        }
      } else {
        CHECK(px == gx);
        CHECK(py == gy);
      }
    }
}
