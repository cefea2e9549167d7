// Sparse-row steps: only the listed rows (and their state) change; listing
// every row once is the dense step, bit for bit; duplicates are summed.

#include <doctest/doctest.h>

#include <cstring>
#include <numeric>
#include <random>
#include <vector>

#include "optim_test_support.hpp"

using namespace hyperbolic;
using namespace hyperbolic::optim;
using namespace hyperbolic::optim::testing;

namespace {

template <class M>
ManifoldParameter<M> random_parameter(const M& m, index_t rows, index_t d, unsigned seed) {
  ManifoldParameter<M> p(m, rows, d);
  p.data() = point_cloud(m, rows, d, point_at_radius(m, d, 0.5), 0.7, seed);
  return p;
}

template <class M>
std::vector<typename M::scalar> random_gradient(index_t rows, index_t d, std::mt19937_64& rng) {
  std::normal_distribution<double> n(0.0, 1.0);
  std::vector<typename M::scalar> g(static_cast<std::size_t>(rows * d));
  for (auto& v : g)
    v = typename M::scalar(n(rng));
  return g;
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

template <class Opt, class M>
void check_sparse_equals_dense(typename Opt::T /*tag*/, const M& m, auto options) {
  using T = typename M::scalar;
  const index_t rows = 6, d = M::ambient_dim(3);
  auto dense_p = random_parameter(m, rows, d, 3);
  auto sparse_p = dense_p;
  Opt dense(dense_p, options), sparse(sparse_p, options);
  std::mt19937_64 rng(9);
  std::vector<index_t> all(static_cast<std::size_t>(rows));
  std::iota(all.begin(), all.end(), index_t(0));
  for (int s = 0; s < 200; ++s) {
    const auto g = random_gradient<M>(rows, d, rng);
    dense.step(dense_p, g);
    // Same rows, shuffled order, permuted gradient rows.
    std::shuffle(all.begin(), all.end(), rng);
    std::vector<T> gs(g.size());
    for (index_t k = 0; k < rows; ++k)
      std::copy(g.begin() + all[k] * d, g.begin() + (all[k] + 1) * d, gs.begin() + k * d);
    sparse.step_rows(sparse_p, all, ConstMatrixView<T>(gs.data(), rows, d));
  }
  CHECK(same_bits(dense_p.data(), sparse_p.data()));
  CHECK(dense.steps() == sparse.steps());
}

}  // namespace

TEST_CASE_TEMPLATE("sparse step over every row == dense step, bit for bit", M, PoincareBall<double>,
                   Lorentz<double>, Euclidean<double>, PoincareBall<float>, Lorentz<float>) {
  using T = typename M::scalar;
  const M m = make_manifold<M>(1.2);
  AdamOptions<T> ao;
  ao.lr = T(0.05), ao.amsgrad = true, ao.weight_decay = T(0.01);
  check_sparse_equals_dense<RiemannianAdam<M>>(T(0), m, ao);
  ao.decay = WeightDecay::decoupled, ao.amsgrad = false;
  check_sparse_equals_dense<RiemannianAdam<M>>(T(0), m, ao);
  SgdOptions<T> so;
  so.lr = T(0.05), so.momentum = T(0.9), so.nesterov = true, so.weight_decay = T(0.01);
  check_sparse_equals_dense<RiemannianSGD<M>>(T(0), m, so);
}

TEST_CASE("sparse steps are lazy: untouched rows and their state do not change") {
  using M = PoincareBall<double>;
  const M m(1.0);
  const index_t rows = 5, d = 3;
  auto p = random_parameter(m, rows, d, 4);
  AdamOptions<double> o;
  o.lr = 0.05;
  RiemannianAdam<M> opt(p, o);
  std::mt19937_64 rng(1);
  // Warm every row up.
  for (int s = 0; s < 3; ++s)
    opt.step(p, random_gradient<M>(rows, d, rng));
  const auto before = p.data();
  const std::vector<double> m_before(opt.exp_avg().data(), opt.exp_avg().data() + rows * d);
  const std::vector<double> v_before(opt.exp_avg_sq().data(), opt.exp_avg_sq().data() + rows);
  const std::vector<index_t> idx = {3, 1};
  const auto g = random_gradient<M>(2, d, rng);
  opt.step_rows(p, idx, ConstMatrixView<double>(g.data(), 2, d));
  for (index_t r = 0; r < rows; ++r) {
    const bool touched = r == 1 || r == 3;
    CHECK(opt.row_steps(r) == (touched ? 4 : 3));
    bool same = true;
    for (index_t i = 0; i < d; ++i) {
      same = same && p.row(r)[i] == before[std::size_t(r * d + i)];
      same = same && opt.exp_avg()(r, i) == m_before[std::size_t(r * d + i)];
    }
    same = same && opt.exp_avg_sq()(r, 0) == v_before[std::size_t(r)];
    CHECK(same == !touched);
  }
  CHECK(opt.steps() == 4);

  // A row's own counter drives its bias correction: a row first touched at
  // global step 100 takes the same first step as a fresh optimizer's first.
  auto q = random_parameter(m, rows, d, 4);
  RiemannianAdam<M> lazy(q, o), fresh(q, o);
  auto q_fresh = q;
  const auto g1 = random_gradient<M>(1, d, rng);
  const std::vector<index_t> row0 = {0}, row4 = {4};
  for (int s = 0; s < 100; ++s)
    lazy.step_rows(q, row0, ConstMatrixView<double>(g1.data(), 1, d));
  lazy.step_rows(q, row4, ConstMatrixView<double>(g1.data(), 1, d));
  fresh.step_rows(q_fresh, row4, ConstMatrixView<double>(g1.data(), 1, d));
  for (index_t i = 0; i < d; ++i)
    CHECK(q.row(4)[i] == q_fresh.row(4)[i]);
}

TEST_CASE("sparse steps sum duplicate rows and reject bad indices") {
  using M = Lorentz<double>;
  const M m(1.0);
  const index_t rows = 4, d = 3;
  auto a = random_parameter(m, rows, d, 8);
  auto b = a;
  SgdOptions<double> o;
  o.lr = 0.1, o.momentum = 0.5;
  RiemannianSGD<M> oa(a, o), ob(b, o);
  std::mt19937_64 rng(2);
  const auto g = random_gradient<M>(3, d, rng);
  // Row 2 twice (g0 + g2), row 0 once (g1).
  const std::vector<index_t> dup = {2, 0, 2};
  oa.step_rows(a, dup, ConstMatrixView<double>(g.data(), 3, d));
  std::vector<double> summed(static_cast<std::size_t>(2 * d));
  for (index_t i = 0; i < d; ++i) {
    summed[std::size_t(i)] = g[std::size_t(i)] + g[std::size_t(2 * d + i)];
    summed[std::size_t(d + i)] = g[std::size_t(d + i)];
  }
  const std::vector<index_t> uniq = {2, 0};
  ob.step_rows(b, uniq, ConstMatrixView<double>(summed.data(), 2, d));
  CHECK(same_bits(a.data(), b.data()));

  const std::vector<index_t> bad = {0, 4};
  CHECK_THROWS_AS(oa.step_rows(a, bad, ConstMatrixView<double>(g.data(), 2, d)), std::out_of_range);
  const std::vector<index_t> neg = {-1};
  CHECK_THROWS_AS(oa.step_rows(a, neg, ConstMatrixView<double>(g.data(), 1, d)), std::out_of_range);
  CHECK_THROWS_AS(oa.step_rows(a, uniq, ConstMatrixView<double>(g.data(), 3, d)),
                  std::invalid_argument);
}
