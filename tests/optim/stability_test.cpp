// Long runs at large learning rates stay on the manifold; boundary starts and
// zero gradients produce no NaN; transported moments stay tangent.

#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "optim_test_support.hpp"

using namespace hyperbolic;
using namespace hyperbolic::optim;
using namespace hyperbolic::optim::testing;

namespace {

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

template <class T>
bool all_finite(const std::vector<T>& v) {
  for (T x : v)
    if (!std::isfinite(x)) return false;
  return true;
}

// |c <x, x>_L + 1| for Lorentz; 0 elsewhere.
template <class M>
double constraint_violation(const M& m, ConstRow<typename M::scalar> x) {
  if constexpr (std::is_same_v<M, Lorentz<typename M::scalar>>) {
    double s = -double(x[0]) * double(x[0]);
    for (index_t i = 1; i < x.size(); ++i)
      s += double(x[i]) * double(x[i]);
    return std::abs(double(m.c()) * s + 1.0);
  } else {
    return 0.0;
  }
}

// Largest c|x|^2 (must stay < 1 on the ball).
template <class M>
double ball_radius_sq(const M& m, ConstRow<typename M::scalar> x) {
  if constexpr (std::is_same_v<M, PoincareBall<typename M::scalar>>)
    return double(m.c()) * double(squared_norm(x));
  else
    return 0.0;
}

// Each row is pulled towards its own target about distance 2 from the origin,
// and kicked by a large random force: a*grad d(x, z) with z drawn around the
// target and a ~ N(0, noise). Both terms have bounded Riemannian gradients
// (|grad d| = 1), as real distance-based losses do.
template <class M, class Opt>
void long_run(Opt& opt, const M& m, ManifoldParameter<M>& p,
              const std::vector<typename M::scalar>& targets, std::int64_t steps, double noise,
              double& worst_violation, double& worst_radius, double& worst_dist0, bool& finite) {
  using T = typename M::scalar;
  const index_t rows = p.rows(), d = p.dim();
  std::vector<T> g(static_cast<std::size_t>(rows * d)), gy(static_cast<std::size_t>(d)),
      gk(static_cast<std::size_t>(d));
  // A fixed pool of kick centres per row (drawing wrapped normals every step
  // would dominate the run time).
  std::vector<T> kicks;
  const index_t pool = 64;
  for (index_t r = 0; r < rows; ++r) {
    const std::vector<T> t(targets.begin() + r * d, targets.begin() + (r + 1) * d);
    const auto z = point_cloud(m, pool, d, t, 1.0, unsigned(900 + r));
    kicks.insert(kicks.end(), z.begin(), z.end());
  }
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal(0.0, noise);
  std::uniform_int_distribution<index_t> pick(0, pool - 1);
  for (std::int64_t s = 0; s < steps; ++s) {
    for (index_t r = 0; r < rows; ++r) {
      const ConstRow<T> t(targets.data() + r * d, d);
      const Row<T> gr(g.data() + r * d, d);
      m.dist_backward(p.row(r), t, m.dist(p.row(r), t), gr, Row<T>(gy));
      const ConstRow<T> z(kicks.data() + (r * pool + pick(rng)) * d, d);
      m.dist_backward(p.row(r), z, T(normal(rng)), Row<T>(gk), Row<T>(gy));
      for (index_t i = 0; i < d; ++i)
        gr[i] += gk[static_cast<std::size_t>(i)];
    }
    opt.step(p, g);
    for (index_t r = 0; r < rows; ++r) {
      worst_violation = std::max(worst_violation, constraint_violation(m, p.row(r)));
      worst_radius = std::max(worst_radius, ball_radius_sq(m, p.row(r)));
      worst_dist0 = std::max(worst_dist0, double(m.dist0(p.row(r))));
    }
  }
  finite = all_finite(p.data());
}

template <class M>
void check_long_runs(double violation_tol, double noise) {
  using T = typename M::scalar;
  const M m = make_manifold<M>(1.0);
  const index_t rows = 4, d = M::ambient_dim(3);
  std::vector<T> targets;
  for (index_t r = 0; r < rows; ++r) {
    const auto t = point_cloud(m, 1, d, point_at_radius(m, d, 2.0), 0.5, unsigned(100 + r));
    targets.insert(targets.end(), t.begin(), t.end());
  }
  const std::int64_t steps = 100000;
  for (int which = 0; which < 3; ++which) {
    ManifoldParameter<M> p(m, rows, d);
    double violation = 0, radius = 0, dist0 = 0;
    bool finite = false;
    std::string name;
    if (which == 0) {
      AdamOptions<T> o;
      o.lr = T(1.0);  // Adam moves ~lr per step: a large rate
      name = "Adam lr=1";
      RiemannianAdam<M> opt(p, o);
      long_run(opt, m, p, targets, steps, noise, violation, radius, dist0, finite);
    } else if (which == 1) {
      AdamOptions<T> o;
      o.lr = T(0.5), o.amsgrad = true, o.weight_decay = T(0.1), o.decay = WeightDecay::decoupled;
      o.policy.step_map = StepMap::retraction;
      name = "AdamW+AMSGrad lr=0.5 retraction";
      RiemannianAdam<M> opt(p, o);
      long_run(opt, m, p, targets, steps, noise, violation, radius, dist0, finite);
    } else {
      SgdOptions<T> o;
      o.lr = T(0.5), o.momentum = T(0.9), o.nesterov = true;
      name = "SGD lr=0.5 Nesterov 0.9";
      RiemannianSGD<M> opt(p, o);
      long_run(opt, m, p, targets, steps, noise, violation, radius, dist0, finite);
    }
    const std::string line =
        std::string(M::name) + (sizeof(T) == 4 ? " float " : " double ") + name + ", noise " +
        fmt(noise) + ", 100k steps: max d(o, x) = " + fmt(dist0) +
        ", max |c<x,x>_L + 1| = " + fmt(violation) + ", max c|x|^2 = " + fmt(radius);
    MESSAGE(line);
    CHECK(finite);
    CHECK(violation <= violation_tol);
    CHECK(radius < 1.0);
    for (index_t r = 0; r < rows; ++r)
      CHECK(m.check_point(p.row(r)).ok);
  }
}

}  // namespace

TEST_CASE("100k steps at large learning rates stay on the manifold") {
  check_long_runs<Lorentz<double>>(1e-10, 0.3);
  check_long_runs<PoincareBall<double>>(0.0, 0.3);
  check_long_runs<Lorentz<float>>(1e-2, 0.3);  // float: absolute violation ~ eps |x|^2
  check_long_runs<PoincareBall<float>>(0.0, 0.3);
  // Much harder kicks: the ball is left only through its boundary, which
  // projx keeps strictly inside.
  check_long_runs<PoincareBall<double>>(0.0, 3.0);
  check_long_runs<PoincareBall<float>>(0.0, 3.0);
}

TEST_CASE_TEMPLATE("Poincare: boundary starts and points pushed outwards stay strictly inside", T,
                   float, double) {
  const PoincareBall<T> m(T(1));
  const index_t rows = 3, d = 2;
  ManifoldParameter<PoincareBall<T>> p(m, rows, d);
  // Start ON the boundary, beyond it, and near the origin.
  p.row(0)[0] = T(1), p.row(0)[1] = T(0);
  p.row(1)[0] = T(0.8), p.row(1)[1] = T(0.7);
  p.row(2)[0] = T(1e-3), p.row(2)[1] = T(0);
  ManifoldParameter<PoincareBall<T>> q = p;
  AdamOptions<T> o;
  o.lr = T(2.0);
  RiemannianAdam<PoincareBall<T>> adam(p, o);
  SgdOptions<T> so;
  so.lr = T(5.0), so.momentum = T(0.9);
  RiemannianSGD<PoincareBall<T>> sgd(q, so);

  // First step from the invalid starts, with a finite gradient (zero for row 1).
  std::vector<T> g = {T(1), T(-1), T(0), T(0), T(0.5), T(0.5)};
  adam.step(p, g);
  sgd.step(q, g);
  for (index_t r = 0; r < rows; ++r) {
    CHECK(m.check_point(p.row(r)).ok);
    CHECK(m.check_point(q.row(r)).ok);
  }
  // Then the loss -dist0(x), which drives every point outwards without bound.
  for (int s = 0; s < 20000; ++s) {
    for (index_t r = 0; r < rows; ++r)
      m.dist0_backward(p.row(r), T(-1), Row<T>(g.data() + r * d, d));
    adam.step(p, g);
    for (index_t r = 0; r < rows; ++r)
      m.dist0_backward(q.row(r), T(-1), Row<T>(g.data() + r * d, d));
    sgd.step(q, g);
  }
  CHECK(all_finite(p.data()));
  CHECK(all_finite(q.data()));
  for (index_t r = 0; r < rows; ++r) {
    CHECK(m.check_point(p.row(r)).ok);
    CHECK(m.check_point(q.row(r)).ok);
    CHECK(squared_norm(p.row(r)) < T(1));
    CHECK(squared_norm(q.row(r)) < T(1));
    // They did reach the edge of the representable ball.
    CHECK(m.dist0(p.row(r)) > T(sizeof(T) == 4 ? 14 : 34));
    CHECK(m.dist0(q.row(r)) > T(sizeof(T) == 4 ? 14 : 34));
  }
}

TEST_CASE_TEMPLATE("zero gradients: no NaN, points and moments stay put", M, PoincareBall<double>,
                   Lorentz<double>, PoincareBall<float>, Lorentz<float>) {
  using T = typename M::scalar;
  const M m = make_manifold<M>(1.3);
  const index_t rows = 3, d = M::ambient_dim(2);
  ManifoldParameter<M> p(m, rows, d);
  const auto far = point_at_radius(m, d, 2.0);
  std::copy(far.begin(), far.end(), p.row(1).begin());
  const auto before = p.data();
  std::vector<T> g(static_cast<std::size_t>(rows * d), T(0));
  AdamOptions<T> ao;
  ao.amsgrad = true;
  RiemannianAdam<M> adam(p, ao);
  SgdOptions<T> so;
  so.momentum = T(0.9);
  RiemannianSGD<M> sgd(p, so);
  for (int s = 0; s < 1000; ++s) {
    adam.step(p, g);
    sgd.step(p, g);
  }
  CHECK(all_finite(p.data()));
  for (std::size_t i = 0; i < before.size(); ++i)
    CHECK(double(p.data()[i]) == doctest::Approx(double(before[i])).epsilon(1e-6));
}

TEST_CASE_TEMPLATE("transported moments stay tangent (Lorentz, double)", StepMapTag,
                   std::integral_constant<int, 0>, std::integral_constant<int, 1>) {
  using M = Lorentz<double>;
  const M m(0.8);
  const index_t rows = 3, d = M::ambient_dim(4);
  std::vector<double> targets;
  for (index_t r = 0; r < rows; ++r) {
    const auto t = point_cloud(m, 1, d, point_at_radius(m, d, 1.0), 0.5, unsigned(7 + r));
    targets.insert(targets.end(), t.begin(), t.end());
  }
  ManifoldParameter<M> p(m, rows, d), q(m, rows, d);
  AdamOptions<double> ao;
  ao.lr = 0.1;
  ao.policy.step_map = StepMap(StepMapTag::value);
  SgdOptions<double> so;
  so.lr = 0.1, so.momentum = 0.9;
  so.policy.step_map = StepMap(StepMapTag::value);
  RiemannianAdam<M> adam(p, ao);
  RiemannianSGD<M> sgd(q, so);
  std::vector<double> g(static_cast<std::size_t>(rows * d)), gy(static_cast<std::size_t>(d)),
      pu(static_cast<std::size_t>(d)), gk(static_cast<std::size_t>(d));
  double worst = 0, worst_cos = 0;
  auto tangent_error = [&](ConstRow<double> x, ConstRow<double> v) {
    m.proju(x, v, Row<double>(pu));
    double e = 0, s = 0;
    for (index_t i = 0; i < d; ++i) {
      e = std::max(e, std::abs(pu[std::size_t(i)] - v[i]));
      s = std::max(s, std::abs(v[i]));
    }
    worst_cos = std::max(worst_cos,
                         std::abs(minkowski_dot(x, v)) /
                             std::sqrt(double(squared_norm(x)) * double(squared_norm(v)) + 1e-300));
    return e / std::max(s, 1.0);
  };
  for (int s = 0; s < 2000; ++s) {
    for (auto* par : {&p, &q}) {
      for (index_t r = 0; r < rows; ++r) {
        const ConstRow<double> t(targets.data() + r * d, d);
        m.dist_backward(par->row(r), t, m.dist(par->row(r), t), Row<double>(g.data() + r * d, d),
                        Row<double>(gy));
        // Keep it moving: a periodic pull towards the next row's target.
        const ConstRow<double> t2(targets.data() + ((r + 1) % rows) * d, d);
        m.dist_backward(par->row(r), t2, std::sin(0.1 * double(s)), Row<double>(gk),
                        Row<double>(gy));
        for (index_t i = 0; i < d; ++i)
          g[std::size_t(r * d + i)] += gk[std::size_t(i)];
      }
      if (par == &p)
        adam.step(p, g);
      else
        sgd.step(q, g);
    }
    for (index_t r = 0; r < rows; ++r) {
      worst = std::max(worst, tangent_error(p.row(r), ConstRow<double>(adam.exp_avg().row(r))));
      worst = std::max(worst, tangent_error(q.row(r), ConstRow<double>(sgd.momentum().row(r))));
    }
  }
  const std::string line = std::string("max |proju(m) - m| / max(1, |m|) over 2000 steps (") +
                           (StepMapTag::value ? "retraction" : "expmap") + "): " + fmt(worst) +
                           "; max |<x, m>_L| / (|x| |m|) = " + fmt(worst_cos);
  MESSAGE(line);
  CHECK(worst <= 1e-12);
  CHECK(worst_cos <= 1e-14);
}

TEST_CASE("Lorentz Adam far from the origin: a rounded-negative <r, r> gives no NaN") {
  // At distance ~19 from the origin the coordinates are ~1e8 and the Minkowski square of a
  // tangent vector cancels to within rounding of 0 (here it rounds negative for some
  // gradients); the second moment must stay a square, not feed sqrt a negative number.
  const Lorentz<double> m(1.0);
  constexpr index_t d = 11;
  std::mt19937_64 rng(5);
  std::normal_distribution<double> gauss;
  AdamHyper<double> h;
  h.lr = 0.01;
  int negative_squares = 0;
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<double> x(d), g(d), r(d), mom(d, 0.0), v(1, 0.0), work(adam_work_size(d));
    double s2 = 0;
    for (index_t i = 1; i < d; ++i) {
      x[i] = gauss(rng);
      s2 += x[i] * x[i];
    }
    const double scale = std::sinh(19.0) / std::sqrt(s2);  // distance 19 from the origin
    for (index_t i = 1; i < d; ++i)
      x[i] *= scale;
    m.projx(ConstRow<double>(x.data(), d), Row<double>(x.data(), d));
    for (double& gi : g)
      gi = 1e-6 * gauss(rng);
    m.egrad2rgrad(ConstRow<double>(x.data(), d), ConstRow<double>(g.data(), d),
                  Row<double>(r.data(), d));
    const ConstRow<double> cr(r.data(), d);
    if (m.inner(ConstRow<double>(x.data(), d), cr, cr) < 0) ++negative_squares;
    std::int64_t steps = 0;
    adam_step_row(m, h, Row<double>(x.data(), d), ConstRow<double>(g.data(), d),
                  Row<double>(mom.data(), d), Row<double>(v.data(), 1), Row<double>(), steps,
                  Row<double>(work.data(), index_t(work.size())));
    CHECK(std::isfinite(v[0]));
    CHECK(v[0] >= 0);
    CHECK(all_finite(x));
  }
  CHECK(negative_squares > 0);  // the situation the test is about did occur
}
