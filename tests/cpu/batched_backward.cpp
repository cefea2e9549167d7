// Every batched backward pass against the scalar *_backward member, row by
// row: input gradients element by element and dL/dc summed over the rows.

#include "batch_fixtures.hpp"

using namespace hyperbolic;
using namespace hyperbolic::testing;

namespace {
constexpr index_t kDims[] = {1, 2, 7, 16, 17, 40};
constexpr index_t kExtraStride[] = {0, 3};
constexpr index_t kRows = 23;

template <class T>
struct CurvatureGradient {
  T sum = 0, magnitude = 0;  // sum of dL/dc over rows and of its absolute values
  void add(T v) {
    sum += v;
    magnitude += std::abs(v);
  }
  bool matches(T got, T tol) const {
    if (std::isnan(sum)) return std::isnan(got);
    return std::abs(got - sum) <= tol * (T(1) + magnitude);
  }
};

template <class M, class Check>
void for_each_case(Check check) {
  for (index_t dim : kDims)
    for (index_t extra : kExtraStride) {
      // NaN rows only in the contiguous cases, so that dL/dc is compared as a
      // number in the strided ones.
      BatchCase<M> bc(make_manifold<M>(0.7), kRows, dim, extra, extra == 0 ? 5 : -1);
      CAPTURE(dim);
      CAPTURE(extra);
      check(bc);
    }
}
}  // namespace

TEST_CASE_TEMPLATE("batched backward passes of maps equal the scalar ones", M, HYP_CPU_MANIFOLDS) {
  using T = typename M::scalar;
  for_each_case<M>([](BatchCase<M>& bc) {
    const M& m = bc.f.m;
    const T tol = batch_tolerance<T>(bc.d);
    auto g1 = bc.output(), g2 = bc.output(), w1 = bc.output(), w2 = bc.output();
    CurvatureGradient<T> want;
    T got = 0;
    auto compare = [&](const char* name, bool two) {
      CAPTURE(std::string(name));
      CHECK(rows_close(g1, w1, tol));
      if (two) CHECK(rows_close(g2, w2, tol));
      CHECK(want.matches(got, tol));
      want = {};
    };
    for (index_t i = 0; i < bc.n; ++i)
      want.add(m.expmap_backward(bc.x.row(i), bc.u.row(i), bc.g.row(i), w1.row(i), w2.row(i)));
    got = cpu::expmap_backward(m, bc.x.rows(), bc.u.rows(), bc.g.rows(), g1.rows(), g2.rows());
    compare("expmap_backward", true);
    for (index_t i = 0; i < bc.n; ++i)
      want.add(m.expmap0_backward(bc.u.row(i), bc.g.row(i), w1.row(i)));
    got = cpu::expmap0_backward(m, bc.u.rows(), bc.g.rows(), g1.rows());
    compare("expmap0_backward", false);
    for (index_t i = 0; i < bc.n; ++i)
      want.add(m.logmap_backward(bc.x.row(i), bc.y.row(i), bc.g.row(i), w1.row(i), w2.row(i)));
    got = cpu::logmap_backward(m, bc.x.rows(), bc.y.rows(), bc.g.rows(), g1.rows(), g2.rows());
    compare("logmap_backward", true);
    for (index_t i = 0; i < bc.n; ++i)
      want.add(m.logmap0_backward(bc.y.row(i), bc.g.row(i), w1.row(i)));
    got = cpu::logmap0_backward(m, bc.y.rows(), bc.g.rows(), g1.rows());
    compare("logmap0_backward", false);
    // projx of the raw gradient rows: outside the ball for the Poincare
    // model, so the rescaling branch runs too.
    for (index_t i = 0; i < bc.n; ++i)
      want.add(m.projx_backward(bc.g.row(i), bc.u.row(i), w1.row(i)));
    got = cpu::projx_backward(m, bc.g.rows(), bc.u.rows(), g1.rows());
    compare("projx_backward", false);
    for (index_t i = 0; i < bc.n; ++i)
      want.add(m.mobius_add_backward(bc.x.row(i), bc.y.row(i), bc.g.row(i), w1.row(i), w2.row(i)));
    got = cpu::mobius_add_backward(m, bc.x.rows(), bc.y.rows(), bc.g.rows(), g1.rows(), g2.rows());
    compare("mobius_add_backward", true);
  });
}

TEST_CASE_TEMPLATE("batched backward passes of distances equal the scalar ones", M,
                   HYP_CPU_MANIFOLDS) {
  using T = typename M::scalar;
  for_each_case<M>([](BatchCase<M>& bc) {
    const M& m = bc.f.m;
    const T tol = batch_tolerance<T>(bc.d);
    auto g1 = bc.output(), g2 = bc.output(), w1 = bc.output(), w2 = bc.output();
    CurvatureGradient<T> want;
    T got = 0;
    for (index_t i = 0; i < bc.n; ++i)
      want.add(
          m.dist_backward(bc.x.row(i), bc.y.row(i), bc.gs[std::size_t(i)], w1.row(i), w2.row(i)));
    got = cpu::dist_backward(m, bc.x.rows(), bc.y.rows(), bc.gs, g1.rows(), g2.rows());
    CHECK(rows_close(g1, w1, tol));
    CHECK(rows_close(g2, w2, tol));
    CHECK(want.matches(got, tol));
    want = {};
    for (index_t i = 0; i < bc.n; ++i)
      want.add(m.dist0_backward(bc.x.row(i), bc.gs[std::size_t(i)], w1.row(i)));
    got = cpu::dist0_backward(m, bc.x.rows(), bc.gs, g1.rows());
    CHECK(rows_close(g1, w1, tol));
    CHECK(want.matches(got, tol));
    want = {};
    if constexpr (std::is_same_v<M, Lorentz<T>>) {
      for (index_t i = 0; i < bc.n; ++i)
        want.add(m.dist2plane_backward(bc.x.row(i), bc.a.row(i), bc.gs[std::size_t(i)], w1.row(i),
                                       w2.row(i)));
      got = cpu::dist2plane_backward(m, bc.x.rows(), bc.a.rows(), bc.gs, g1.rows(), g2.rows());
      CHECK(rows_close(g1, w1, tol));
      CHECK(rows_close(g2, w2, tol));
      CHECK(want.matches(got, tol));
    } else if constexpr (std::is_same_v<M, PoincareBall<T>>) {
      auto g3 = bc.output(), w3 = bc.output();
      for (index_t i = 0; i < bc.n; ++i)
        want.add(m.dist2plane_backward(bc.x.row(i), bc.p.row(i), bc.a.row(i), bc.gs[std::size_t(i)],
                                       w1.row(i), w2.row(i), w3.row(i)));
      got = cpu::dist2plane_backward(m, bc.x.rows(), bc.p.rows(), bc.a.rows(), bc.gs, g1.rows(),
                                     g2.rows(), g3.rows());
      CHECK(rows_close(g1, w1, tol));
      CHECK(rows_close(g2, w2, tol));
      CHECK(rows_close(g3, w3, tol));
      CHECK(want.matches(got, tol));
    }
  });
}

TEST_CASE_TEMPLATE("gradient outputs may be the input rows themselves", M, HYP_CPU_MANIFOLDS) {
  using T = typename M::scalar;
  BatchCase<M> bc(make_manifold<M>(1.0), 9, 17, 2, -1);
  const M& m = bc.f.m;
  auto w1 = bc.output(), w2 = bc.output();
  for (index_t i = 0; i < bc.n; ++i)
    m.logmap_backward(bc.x.row(i), bc.y.row(i), bc.g.row(i), w1.row(i), w2.row(i));
  cpu::logmap_backward(m, bc.x.rows(), bc.y.rows(), bc.g.rows(), bc.x.rows(), bc.g.rows());
  CHECK(rows_close(bc.x, w1, batch_tolerance<T>(bc.d)));
  CHECK(rows_close(bc.g, w2, batch_tolerance<T>(bc.d)));
}
