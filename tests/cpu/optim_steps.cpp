// Threaded optimizer steps (cpu/optim_steps.hpp, cpu/optim_rows.hpp) against
// the optimizers' own scalar steps, on every model, in float and double:
// the same update rule on the same state, with SIMD reductions and the
// coefficient step on SIMD registers across blocks of rows.
//
// Agreement bound. From one state, one step of either path evaluates the
// same formulas; they differ in (a) the summation order of each reduction,
// |delta| <= 2 d eps sum |terms| (both orders' worst case), (b) the SIMD
// tanh / sinh / cosh / sqrt against libm (a few ulp), (c) a few forms equal
// in exact arithmetic (Adam's |u|^2 as k^2 |m'|^2; the hyperboloid's <r, r>_L
// with its time term subtracted once). The coefficients are smooth in those
// inputs with condition numbers of order 1 for points within distance ~3 of
// the origin, so the new point differs by at most a small multiple of
// d eps (1 + |x_i|) per coordinate, and the moment by a small multiple of
// d eps |m|. We check 32 (d + 8) eps (batch_tolerance, as for the batched
// primitives) relative to (1 + |x_i|) for points and to the row's largest
// moment entry for moments; measured: below 1 (d + 8) eps (printed).
// Near the ball's boundary the transport factor carries 1 / (1 - c|y|^2),
// which amplifies the new point's rounding into the moment; there the moment
// bound is scaled by lambda_y = 2 / (1 - c|y|^2).

#include <hyperbolic/cpu/optim_steps.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "batch_fixtures.hpp"

using namespace hyperbolic;
using namespace hyperbolic::testing;

namespace {

template <class T>
struct StepErrors {
  T point = 0, moment = 0, second = 0;  // in units of (d + 8) eps
};

// |got - want| / scale with NaN matching NaN (a NaN on one side only: inf).
template <class T>
T mismatch(T got, T want, T scale) {
  if (std::isnan(got) || std::isnan(want))
    return std::isnan(got) && std::isnan(want) ? T(0) : std::numeric_limits<T>::infinity();
  if (got == want) return T(0);
  return std::abs(got - want) / scale;
}

template <class Opt>
using Scalar = typename Opt::T;

// The moment rows of an optimizer (Adam: first moment; SGD: momentum).
template <class Opt>
MatrixView<Scalar<Opt>> moments(Opt& opt) {
  if constexpr (requires { opt.exp_avg(); })
    return opt.exp_avg();
  else
    return opt.momentum();
}

// Largest errors of b against a, per row scaled as the header says.
template <class Opt>
StepErrors<Scalar<Opt>> compare(Opt& a, Opt& b, const std::vector<Scalar<Opt>>& xa,
                                const std::vector<Scalar<Opt>>& xb, index_t n, index_t d,
                                const std::vector<Scalar<Opt>>* row_scale = nullptr,
                                bool scale_points = true) {
  using T = Scalar<Opt>;
  const T unit = T(d + 8) * std::numeric_limits<T>::epsilon();
  StepErrors<T> e;
  const auto ma = moments(a), mb = moments(b);
  for (index_t r = 0; r < n; ++r) {
    T mmax = 0;
    for (index_t i = 0; i < d && ma.rows() > 0; ++i)
      mmax = std::max(mmax, std::abs(ma(r, i)));
    const T s = row_scale ? (*row_scale)[std::size_t(r)] : T(1);
    for (index_t i = 0; i < d; ++i) {
      const T want = xa[std::size_t(r * d + i)];
      e.point =
          std::max(e.point, mismatch(xb[std::size_t(r * d + i)], want,
                                     unit * (scale_points ? s : T(1)) * (T(1) + std::abs(want))));
      if (ma.rows() > 0)
        e.moment =
            std::max(e.moment, mismatch(mb(r, i), ma(r, i), unit * s * std::max(mmax, T(1e-30))));
    }
  }
  if constexpr (requires { a.exp_avg_sq(); }) {
    const auto va = a.exp_avg_sq(), vb = b.exp_avg_sq();
    for (index_t r = 0; r < va.rows(); ++r)
      for (index_t i = 0; i < va.cols(); ++i)
        e.second = std::max(
            e.second,
            mismatch(vb(r, i), va(r, i),
                     unit * (row_scale && va.cols() == 1 ? (*row_scale)[std::size_t(r)] : T(1)) *
                         std::max(std::abs(va(r, i)), T(1e-30))));
  }
  return e;
}

template <class Opt>
bool same_state(Opt& a, Opt& b, const std::vector<Scalar<Opt>>& xa,
                const std::vector<Scalar<Opt>>& xb) {
  using T = Scalar<Opt>;
  const auto bits_equal = [](const T* p, const T* q, std::size_t n) {
    return std::equal(p, p + n, q, [](T u, T v) {
      return (std::isnan(u) && std::isnan(v)) || std::memcmp(&u, &v, sizeof(T)) == 0;
    });
  };
  bool same = bits_equal(xa.data(), xb.data(), xa.size()) && a.steps() == b.steps();
  for (index_t r = 0; r < a.rows(); ++r)
    same = same && a.row_steps(r) == b.row_steps(r);
  const auto ma = moments(a), mb = moments(b);
  same = same && bits_equal(ma.data(), mb.data(), std::size_t(ma.rows() * ma.cols()));
  if constexpr (requires { a.exp_avg_sq(); }) {
    const auto va = a.exp_avg_sq(), vb = b.exp_avg_sq();
    same = same && bits_equal(va.data(), vb.data(), std::size_t(va.rows() * va.cols()));
  }
  return same;
}

// Option sets covering every branch of the drivers.
template <class T>
std::vector<std::pair<std::string, optim::AdamOptions<T>>> adam_variants() {
  std::vector<std::pair<std::string, optim::AdamOptions<T>>> v;
  optim::AdamOptions<T> o;
  o.lr = T(0.01);
  v.emplace_back("adam", o);
  o.amsgrad = true;
  o.weight_decay = T(0.1);
  v.emplace_back("amsgrad + L2", o);
  o.amsgrad = false;
  o.decay = optim::WeightDecay::decoupled;
  o.policy.step_map = optim::StepMap::retraction;
  v.emplace_back("adamw + retraction", o);
  o = {};
  o.lr = T(0.02);
  o.policy.project = false;
  o.policy.stabilize_every = 2;
  v.emplace_back("no projection, stabilize every 2", o);
  return v;
}
template <class T>
std::vector<std::pair<std::string, optim::SgdOptions<T>>> sgd_variants() {
  std::vector<std::pair<std::string, optim::SgdOptions<T>>> v;
  optim::SgdOptions<T> o;
  o.lr = T(0.05);
  v.emplace_back("sgd", o);
  o.momentum = T(0.9);
  v.emplace_back("heavy ball", o);
  o.nesterov = true;
  o.weight_decay = T(0.05);
  v.emplace_back("nesterov + L2", o);
  o.nesterov = false;
  o.dampening = T(0.3);
  o.policy.step_map = optim::StepMap::retraction;
  v.emplace_back("dampening + retraction", o);
  return v;
}

template <class T>
std::vector<T> scaled_gradients(const HostBatch<T>& g, index_t n, index_t d, T scale) {
  std::vector<T> out(std::size_t(n * d));
  for (index_t r = 0; r < n; ++r)
    for (index_t i = 0; i < d; ++i)
      out[std::size_t(r * d + i)] = scale * g.row(r)[i];
  return out;
}

// Per-row conditioning of the comparison. The hyperboloid's Lorentzian
// products of a point at time coordinate x0 cancel terms of size ~x0^2 / c
// down to O(1/c): rounding of either summation order grows by c x0^2.
template <class M>
std::vector<typename M::scalar> conditioning(const M& m, const std::vector<typename M::scalar>& x0,
                                             const std::vector<typename M::scalar>& x1, index_t n,
                                             index_t d) {
  using T = typename M::scalar;
  std::vector<T> s(static_cast<std::size_t>(n), T(1));
  if constexpr (std::is_same_v<M, Lorentz<T>>)
    for (index_t r = 0; r < n; ++r)
      for (const auto* x : {&x0, &x1}) {
        const T t = (*x)[std::size_t(r * d)];
        s[std::size_t(r)] = std::max(s[std::size_t(r)], m.c() * t * t);
      }
  return s;
}

// The sparse index list: every 7th row, some twice, and rows in any order.
inline std::vector<index_t> sparse_indices(index_t n) {
  std::vector<index_t> idx;
  for (index_t r = n - 1; r >= 0; r -= 7)
    idx.push_back(r);
  for (std::size_t k = 0; k < idx.size(); k += 5)
    idx.push_back(idx[k]);  // repeated: summed in the order given
  return idx;
}

// Warms an optimizer up (scalar steps, a sparse one so that rows have
// different step counts), copies it, then takes one dense and one sparse
// step on each copy: the scalar step on `a`, the batched one on `b`.
template <class Opt, class M, class Options>
StepErrors<typename M::scalar> one_step_each(const M& m, const Options& o, const BatchCase<M>& bc,
                                             index_t n) {
  using T = typename M::scalar;
  const index_t d = bc.d;
  std::vector<T> x(std::size_t(n * d)), g = scaled_gradients(bc.g, n, d, T(1));
  for (index_t r = 0; r < n; ++r)
    std::copy(bc.x.row(r).begin(), bc.x.row(r).end(), x.begin() + r * d);
  Opt a(m, n, d, o);
  const auto idx = sparse_indices(n);
  const auto k = static_cast<index_t>(idx.size());
  a.step(MatrixView<T>(x.data(), n, d), ConstMatrixView<T>(g.data(), n, d));
  a.step_rows(MatrixView<T>(x.data(), n, d), idx, ConstMatrixView<T>(g.data(), k, d));
  Opt b = a;
  std::vector<T> xa = x, xb = x;
  // A gradient that differs per step.
  std::vector<T> g2 = g;
  std::reverse(g2.begin(), g2.end());
  a.step(MatrixView<T>(xa.data(), n, d), ConstMatrixView<T>(g2.data(), n, d));
  cpu::step(b, cpu::Rows<T>(xb.data(), n, d, d), cpu::Rows<const T>(g2.data(), n, d, d));
  const auto s1 = conditioning(m, x, xa, n, d);
  auto e = compare(a, b, xa, xb, n, d, &s1);
  // Sparse, from the same state again.
  Opt a2 = a, b2 = a;
  std::vector<T> xa2 = xa, xb2 = xa;
  a2.step_rows(MatrixView<T>(xa2.data(), n, d), idx, ConstMatrixView<T>(g.data(), k, d));
  cpu::step_rows(b2, cpu::Rows<T>(xb2.data(), n, d, d), idx, cpu::Rows<const T>(g.data(), k, d, d));
  const auto s2 = conditioning(m, xa, xa2, n, d);
  const auto e2 = compare(a2, b2, xa2, xb2, n, d, &s2);
  CHECK(a2.steps() == b2.steps());
  for (index_t r = 0; r < n; ++r)
    CHECK(a2.row_steps(r) == b2.row_steps(r));
  // Rows not listed are untouched, bit for bit.
  std::vector<bool> listed(std::size_t(n), false);
  for (index_t r : idx)
    listed[std::size_t(r)] = true;
  for (index_t r = 0; r < n; ++r)
    if (!listed[std::size_t(r)])
      for (index_t i = 0; i < d; ++i)
        CHECK(xb2[std::size_t(r * d + i)] == xa[std::size_t(r * d + i)]);
  e.point = std::max(e.point, e2.point);
  e.moment = std::max(e.moment, e2.moment);
  e.second = std::max(e.second, e2.second);
  return e;
}

template <class T>
void check_errors(const std::string& what, const StepErrors<T>& e) {
  MESSAGE(what << ": point " << double(e.point) << ", moment " << double(e.moment)
               << ", second moment " << double(e.second) << " (units of (d + 8) eps)");
  CHECK(e.point <= T(32));
  CHECK(e.moment <= T(32));
  CHECK(e.second <= T(32));
}

template <class Opt>
void set_threads_and_step(int threads, Opt& opt, std::vector<Scalar<Opt>>& x, index_t n, index_t d,
                          const std::vector<Scalar<Opt>>& g, const std::vector<index_t>& idx) {
  using T = Scalar<Opt>;
#if defined(_OPENMP)
  const int before = omp_get_max_threads();
  omp_set_num_threads(threads);
#else
  (void)threads;
#endif
  const auto k = static_cast<index_t>(idx.size());
  cpu::step(opt, cpu::Rows<T>(x.data(), n, d, d), cpu::Rows<const T>(g.data(), n, d, d));
  cpu::step_rows(opt, cpu::Rows<T>(x.data(), n, d, d), idx, cpu::Rows<const T>(g.data(), k, d, d));
  cpu::step(opt, cpu::Rows<T>(x.data(), n, d, d), cpu::Rows<const T>(g.data(), n, d, d));
#if defined(_OPENMP)
  omp_set_num_threads(before);
#endif
}

}  // namespace

TEST_CASE_TEMPLATE("batched Adam and SGD steps agree with the optimizers' own steps", M,
                   HYP_CPU_MANIFOLDS) {
  using T = typename M::scalar;
  // 3000 rows x 17 (odd: every pass has a scalar tail), above the threading threshold.
  const BatchCase<M> bc(make_manifold<M>(1.0), 3000, 16, 0, -1);
  for (const auto& [name, o] : adam_variants<T>())
    check_errors(std::string(M::name) + " " + name,
                 one_step_each<optim::RiemannianAdam<M>>(bc.f.m, o, bc, bc.n));
  for (const auto& [name, o] : sgd_variants<T>())
    check_errors(std::string(M::name) + " " + name,
                 one_step_each<optim::RiemannianSGD<M>>(bc.f.m, o, bc, bc.n));
}

TEST_CASE_TEMPLATE("batched optimizer steps do not depend on the thread count", M,
                   HYP_CPU_MANIFOLDS) {
  using T = typename M::scalar;
  const BatchCase<M> bc(make_manifold<M>(1.0), 3000, 16, 0, 17);  // row 17 holds a NaN
  const index_t n = bc.n, d = bc.d;
  std::vector<T> x(std::size_t(n * d));
  for (index_t r = 0; r < n; ++r)
    std::copy(bc.x.row(r).begin(), bc.x.row(r).end(), x.begin() + r * d);
  std::vector<T> g = scaled_gradients(bc.g, n, d, T(1));
  g[std::size_t(40 * d + 3)] = std::numeric_limits<T>::infinity();  // an infinite gradient
  for (index_t i = 0; i < d; ++i)
    g[std::size_t(41 * d + i)] *= T(1e30);  // squares overflow in float
  const auto idx = sparse_indices(n);
  const auto run = [&](auto o) {
    using Opt = std::conditional_t<std::is_same_v<decltype(o), optim::AdamOptions<T>>,
                                   optim::RiemannianAdam<M>, optim::RiemannianSGD<M>>;
    Opt one(bc.f.m, n, d, o), two = one;
    std::vector<T> x1 = x, x2 = x;
    set_threads_and_step(1, one, x1, n, d, g, idx);
    set_threads_and_step(2, two, x2, n, d, g, idx);
    CHECK(same_state(one, two, x1, x2));
  };
  for (const auto& v : adam_variants<T>())
    run(v.second);
  for (const auto& v : sgd_variants<T>())
    run(v.second);
}

TEST_CASE_TEMPLATE("batched steps at the edges: boundary rows, huge and tiny gradients, NaN", T,
                   float, double) {
  using M = PoincareBall<T>;
  const M ball(T(1));
  const index_t n = 1200, d = 9;
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  std::vector<T> x(std::size_t(n * d)), g(x.size());
  // Radii from the middle of the ball out to projx's limit (and a few rows
  // beyond it, which projx moves): 1 - |x| from 1e-1 down to eps.
  const double eps = std::numeric_limits<T>::epsilon();
  for (index_t r = 0; r < n; ++r) {
    double norm = 0;
    std::vector<double> dir(static_cast<std::size_t>(d));
    for (auto& v : dir)
      v = normal(rng), norm += v * v;
    norm = std::sqrt(norm);
    const double depth = std::pow(10.0, -1.0 - std::log10(1.0 / eps) * double(r % 40) / 40.0);
    const double radius = r % 97 == 0 ? 1.0 + depth : 1.0 - depth;
    // Gradient scales from 1e-30 to 1e30 (float squares overflow past ~1e19
    // and underflow below ~1e-19), pointing out of the ball on half the rows.
    const double gs = std::pow(10.0, -30.0 + 60.0 * double((r * 7) % 61) / 60.0);
    for (index_t i = 0; i < d; ++i) {
      x[std::size_t(r * d + i)] = T(radius * dir[std::size_t(i)] / norm);
      g[std::size_t(r * d + i)] =
          T(gs * ((r % 2 ? -1.0 : 1.0) * dir[std::size_t(i)] / norm + 0.3 * normal(rng)));
    }
  }
  g[std::size_t(5 * d + 2)] = std::numeric_limits<T>::quiet_NaN();
  g[std::size_t(6 * d + 2)] = -std::numeric_limits<T>::infinity();
  const auto check_run = [&](auto o, const char* name) {
    using Opt = std::conditional_t<std::is_same_v<decltype(o), optim::AdamOptions<T>>,
                                   optim::RiemannianAdam<M>, optim::RiemannianSGD<M>>;
    Opt a(ball, n, d, o), b(ball, n, d, o);
    std::vector<T> xa = x, xb = x;
    StepErrors<T> worst;
    for (int it = 0; it < 3; ++it) {
      // One step each from the same state (b copies a first).
      b = a;
      xb = xa;
      // lambda = 2 / (1 - c|x|^2) before and after the step (see the header).
      std::vector<T> lambda(static_cast<std::size_t>(n), T(1));
      const auto note_lambda = [&](const std::vector<T>& pts) {
        for (index_t r = 0; r < n; ++r) {
          const T bound = T(1) - ball.c() * squared_norm(ConstRow<T>(pts.data() + r * d, d));
          const T l = T(2) / std::max(bound, std::numeric_limits<T>::min());
          if (l > lambda[std::size_t(r)]) lambda[std::size_t(r)] = l;
        }
      };
      note_lambda(xa);
      a.step(MatrixView<T>(xa.data(), n, d), ConstMatrixView<T>(g.data(), n, d));
      cpu::step(b, cpu::Rows<T>(xb.data(), n, d, d), cpu::Rows<const T>(g.data(), n, d, d));
      note_lambda(xa);
      const auto e = compare(a, b, xa, xb, n, d, &lambda, false);
      worst.point = std::max(worst.point, e.point);
      worst.moment = std::max(worst.moment, e.moment);
      worst.second = std::max(worst.second, e.second);
    }
    check_errors(std::string("ball edges, ") + name, worst);
    // NaN / Inf gradients: the point becomes NaN as in the scalar step (rows
    // 5, 6), every other row stays strictly inside the ball.
    for (index_t r = 0; r < n; ++r) {
      const ConstRow<T> row(xb.data() + r * d, d);
      if (r == 5 || r == 6) {
        CHECK(std::isnan(row[0]));
        continue;
      }
      CHECK(ball.check_point(row));
    }
  };
  optim::AdamOptions<T> adam;
  adam.lr = T(0.5);
  check_run(adam, "adam lr 0.5");
  optim::SgdOptions<T> sgd;
  sgd.lr = T(2);
  sgd.momentum = T(0.9);
  check_run(sgd, "sgd lr 2, momentum 0.9");
}

TEST_CASE_TEMPLATE("batched steps keep long runs on the manifold", M, HYP_CPU_MANIFOLDS) {
  using T = typename M::scalar;
  const BatchCase<M> bc(make_manifold<M>(0.7), 600, 8, 0, -1);
  const index_t n = bc.n, d = bc.d;
  std::vector<T> x(std::size_t(n * d));
  for (index_t r = 0; r < n; ++r)
    std::copy(bc.x.row(r).begin(), bc.x.row(r).end(), x.begin() + r * d);
  optim::AdamOptions<T> o;
  o.lr = T(0.01);  // 200 steps of ~0.01: within the representable radius of float hyperboloids
  optim::RiemannianAdam<M> adam(bc.f.m, n, d, o);
  std::vector<T> g = scaled_gradients(bc.g, n, d, T(1));
  std::mt19937_64 rng(9);
  std::normal_distribution<double> normal;
  for (int it = 0; it < 200; ++it) {
    for (auto& v : g)
      v = T(0.9) * v + T(0.3 * normal(rng));
    cpu::step(adam, cpu::Rows<T>(x.data(), n, d, d), cpu::Rows<const T>(g.data(), n, d, d));
  }
  for (index_t r = 0; r < n; ++r) {
    const ConstRow<T> row(x.data() + r * d, d);
    if constexpr (std::is_same_v<M, Lorentz<T>>)
      CHECK(bc.f.m.check_point(row, T(1e4) * std::numeric_limits<T>::epsilon()));
    else
      CHECK(bc.f.m.check_point(row));
  }
}

TEST_CASE_TEMPLATE("batched steps check their arguments", T, float, double) {
  using M = PoincareBall<T>;
  const index_t n = 50, d = 4;
  std::vector<T> x(std::size_t(n * d), T(0.1)), g(x.size(), T(0.2));
  optim::RiemannianSGD<M> b(M(T(1)), n, d);
  CHECK_THROWS_AS(cpu::step_rows(b, cpu::Rows<T>(x.data(), n, d, d), std::vector<index_t>{n},
                                 cpu::Rows<const T>(g.data(), 1, d, d)),
                  std::out_of_range);
  CHECK_THROWS_AS(
      cpu::step(b, cpu::Rows<T>(x.data(), n - 1, d, d), cpu::Rows<const T>(g.data(), n - 1, d, d)),
      std::invalid_argument);
  CHECK_THROWS_AS(cpu::step_rows(b, cpu::Rows<T>(x.data(), n, d, d), std::vector<index_t>{1, 2},
                                 cpu::Rows<const T>(g.data(), 1, d, d)),
                  std::invalid_argument);
}
