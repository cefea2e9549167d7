// Threaded optimizer steps give exactly what the optimizers' own steps give
// (the same per-row kernel runs on the same state, only on other threads).

#include <hyperbolic/cpu/optim_steps.hpp>

#include "batch_fixtures.hpp"

using namespace hyperbolic;
using namespace hyperbolic::testing;

namespace {
template <class Opt, class T>
void expect_same_state(Opt& a, Opt& b, const std::vector<T>& xa, const std::vector<T>& xb) {
  CHECK(xa == xb);
  CHECK(a.steps() == b.steps());
  for (index_t r = 0; r < a.rows(); ++r)
    CHECK(a.row_steps(r) == b.row_steps(r));
}
}  // namespace

TEST_CASE_TEMPLATE("batched Adam steps equal the optimizer's steps", M, HYP_CPU_MANIFOLDS) {
  using T = typename M::scalar;
  // 3000 rows x 17: above the threading threshold.
  BatchCase<M> bc(make_manifold<M>(1.0), 3000, 16, 0, -1);
  const index_t n = bc.n, d = bc.d;
  std::vector<T> xa(bc.x.data.begin(), bc.x.data.begin() + n * d), xb = xa;
  std::vector<T> g(bc.g.data.begin(), bc.g.data.begin() + n * d);
  optim::AdamOptions<T> o;
  o.lr = T(0.01);
  o.amsgrad = true;
  optim::RiemannianAdam<M> a(bc.f.m, n, d, o), b(bc.f.m, n, d, o);
  for (int it = 0; it < 3; ++it) {
    a.step(MatrixView<T>(xa.data(), n, d), ConstMatrixView<T>(g.data(), n, d));
    cpu::step(b, cpu::Rows<T>(xb.data(), n, d, d), cpu::Rows<const T>(g.data(), n, d, d));
  }
  expect_same_state(a, b, xa, xb);
  CHECK(std::vector<T>(a.exp_avg().data(), a.exp_avg().data() + n * d) ==
        std::vector<T>(b.exp_avg().data(), b.exp_avg().data() + n * d));

  // Sparse: 1% of the rows, with a repeated index.
  std::vector<index_t> idx;
  for (index_t r = 0; r < n; r += 97)
    idx.push_back(r);
  idx.push_back(idx[3]);
  const auto k = static_cast<index_t>(idx.size());
  a.step_rows(MatrixView<T>(xa.data(), n, d), idx, ConstMatrixView<T>(g.data(), k, d));
  cpu::step_rows(b, cpu::Rows<T>(xb.data(), n, d, d), idx, cpu::Rows<const T>(g.data(), k, d, d));
  expect_same_state(a, b, xa, xb);
}

TEST_CASE_TEMPLATE("batched SGD steps equal the optimizer's steps", T, float, double) {
  using M = PoincareBall<T>;
  BatchCase<M> bc(M(T(1)), 2500, 16, 0, 17);  // a NaN row too
  const index_t n = bc.n, d = bc.d;
  std::vector<T> xa(bc.x.data.begin(), bc.x.data.begin() + n * d), xb = xa;
  std::vector<T> g(bc.g.data.begin(), bc.g.data.begin() + n * d);
  optim::SgdOptions<T> o;
  o.lr = T(0.05);
  o.momentum = T(0.9);
  optim::RiemannianSGD<M> a(bc.f.m, n, d, o), b(bc.f.m, n, d, o);
  for (int it = 0; it < 2; ++it) {
    a.step(MatrixView<T>(xa.data(), n, d), ConstMatrixView<T>(g.data(), n, d));
    cpu::step(b, cpu::Rows<T>(xb.data(), n, d, d), cpu::Rows<const T>(g.data(), n, d, d));
  }
  for (std::size_t i = 0; i < xa.size(); ++i)
    CHECK(((xa[i] == xb[i]) || (std::isnan(xa[i]) && std::isnan(xb[i]))));
  CHECK_THROWS_AS(cpu::step_rows(b, cpu::Rows<T>(xb.data(), n, d, d), std::vector<index_t>{n},
                                 cpu::Rows<const T>(g.data(), 1, d, d)),
                  std::out_of_range);
  CHECK_THROWS_AS(
      cpu::step(b, cpu::Rows<T>(xb.data(), n - 1, d, d), cpu::Rows<const T>(g.data(), n - 1, d, d)),
      std::invalid_argument);
}
