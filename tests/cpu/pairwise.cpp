// All-pairs distances and k nearest neighbours against the scalar dist,
// including pairs close enough that the GEMM form would cancel.

#include <hyperbolic/cpu/all.hpp>

#include "batch_fixtures.hpp"

using namespace hyperbolic;
using namespace hyperbolic::testing;

namespace {
// Entries kept from the GEMM have a relative error in |x - y|^2 of at most
// (d + 3) eps / recompute_below (see pairwise.hpp), hence in the distance;
// plus the scalar path's own rounding (batch_tolerance).
template <class T>
T pairwise_tolerance(index_t d) {
  return T(d + 3) * std::numeric_limits<T>::epsilon() / cpu::default_recompute_below<T> +
         batch_tolerance<T>(d);
}
}  // namespace

TEST_CASE_TEMPLATE("pairwise distances equal the scalar dist", M, HYP_CPU_MANIFOLDS) {
  using T = typename M::scalar;
  for (index_t dim : {1, 7, 64}) {
    CAPTURE(dim);
    BatchCase<M> xs(make_manifold<M>(0.8), 37, dim, 2, -1, 3),
        ys(make_manifold<M>(0.8), 29, dim, 0, 4, 5);
    const M& m = xs.f.m;
    // Make some pairs close or equal: y_j = x_j, or x_j moved by a tiny step.
    for (index_t j = 0; j < 6; ++j) {
      std::vector<T> step(std::size_t(xs.d)), moved(step.size());
      xs.f.m.expmap(xs.x.row(j), xs.u.row(j), moved);  // u has length >= 0.18
      const T t = j == 0 ? T(0) : std::pow(T(10), -T(j));
      for (index_t k = 0; k < xs.d; ++k)
        step[std::size_t(k)] = t * xs.u.row(j)[k];
      xs.f.m.expmap(xs.x.row(j), step, moved);
      for (index_t k = 0; k < xs.d; ++k)
        ys.x.row(j)[k] = moved[std::size_t(k)];
    }
    HostBatch<T> out(37, 29, 31);
    cpu::pairwise_dist(m, xs.x.rows(), ys.x.rows(), out.rows());
    CHECK(out.padding_intact());
    const T tol = pairwise_tolerance<T>(xs.d);
    for (index_t i = 0; i < 37; ++i)
      for (index_t j = 0; j < 29; ++j) {
        const T want = m.dist(xs.x.row(i), ys.x.row(j));
        CAPTURE(i);
        CAPTURE(j);
        if (std::isnan(want))
          CHECK(std::isnan(out.row(i)[j]));
        else
          CHECK(std::abs(out.row(i)[j] - want) <= tol * want + batch_tolerance<T>(xs.d));
      }
    // The close pairs go through the exact path: as accurate as dist itself.
    for (index_t j = 0; j < 6; ++j) {
      const T want = m.dist(xs.x.row(j), ys.x.row(j));
      CHECK(close(out.row(j)[j], want, batch_tolerance<T>(xs.d)));
    }
  }
}

TEST_CASE_TEMPLATE("without recomputation close pairs would be wrong", T, float, double) {
  // The rule is what keeps close pairs accurate: the GEMM form alone loses
  // everything for points 1e-4 (float) / 1e-9 (double) apart at radius ~2.
  const PoincareBall<T> m(T(1));
  Fixture<PoincareBall<T>> f(m, 32, 9);
  const auto x = f.point(T(2)), u = f.tangent(x, T(1));
  const T t = std::is_same_v<T, float> ? T(1e-4) : T(1e-9);
  std::vector<T> step(u.size()), y(u.size());
  for (std::size_t k = 0; k < u.size(); ++k)
    step[k] = t * u[k];
  m.expmap(x, step, y);
  const T want = m.dist(x, y);
  T exact = 0, gemm_only = 0;
  cpu::pairwise_dist(m, cpu::Rows<const T>(x.data(), 1, 32, 32),
                     cpu::Rows<const T>(y.data(), 1, 32, 32), cpu::Rows<T>(&exact, 1, 1, 1));
  cpu::pairwise_dist(m, cpu::Rows<const T>(x.data(), 1, 32, 32),
                     cpu::Rows<const T>(y.data(), 1, 32, 32), cpu::Rows<T>(&gemm_only, 1, 1, 1),
                     T(0));
  CHECK(std::abs(exact - want) <= batch_tolerance<T>(32) * want);
  CHECK(std::abs(gemm_only - want) > T(0.01) * want);
}

// The GEMM forms are for the models that declare their kind (manifolds/model_kind.hpp).
struct UntaggedSpace {
  using scalar = double;
};
static_assert(cpu::detail::has_gemm_form<Lorentz<double>>);
static_assert(cpu::detail::has_gemm_form<PoincareBall<float>>);
static_assert(!cpu::detail::has_gemm_form<UntaggedSpace>);

TEST_CASE("pairwise_dist validates its shapes") {
  const Lorentz<double> m(1.0);
  std::vector<double> a(12), o(16);
  const cpu::Rows<const double> x(a.data(), 4, 3, 3), y(a.data(), 3, 4, 4);
  CHECK_THROWS_AS(cpu::pairwise_dist(m, x, y, cpu::Rows<double>(o.data(), 4, 3, 3)),
                  std::invalid_argument);
  CHECK_THROWS_AS(cpu::pairwise_dist(m, x, x, cpu::Rows<double>(o.data(), 4, 3, 3)),
                  std::invalid_argument);  // must be 4 x 4
  CHECK_THROWS_AS(cpu::pairwise_dist(m, x, x, cpu::Rows<double>(o.data(), 4, 4, 2)),
                  std::invalid_argument);
}

TEST_CASE_TEMPLATE("k nearest neighbours match a brute-force scan", M, HYP_CPU_MANIFOLDS) {
  using T = typename M::scalar;
  BatchCase<M> qs(make_manifold<M>(1.0), 21, 16, 1, -1, 21),
      ps(make_manifold<M>(1.0), 50, 16, 0, 7, 22);
  const M& m = qs.f.m;
  constexpr index_t k = 5;
  HostBatch<index_t> idx(21, k, k);
  HostBatch<T> dist(21, k, k + 2);
  // A tiny block size exercises the blocking over queries.
  cpu::knn(m, qs.x.rows(), ps.x.rows(), k, idx.rows(), dist.rows(), 64);
  for (index_t i = 0; i < 21; ++i) {
    std::vector<std::pair<T, index_t>> all;
    for (index_t j = 0; j < 50; ++j) {
      const T dj = m.dist(qs.x.row(i), ps.x.row(j));
      all.push_back({std::isnan(dj) ? std::numeric_limits<T>::infinity() : dj, j});
    }
    std::sort(all.begin(), all.end());
    for (index_t r = 0; r < k; ++r) {
      CAPTURE(i);
      CAPTURE(r);
      CHECK(idx.row(i)[r] == all[std::size_t(r)].second);
      CHECK(close(dist.row(i)[r], all[std::size_t(r)].first, pairwise_tolerance<T>(qs.d)));
    }
    CHECK(idx.row(i)[0] != 7);  // the NaN point ranks last
  }
  CHECK_THROWS_AS(cpu::knn(m, qs.x.rows(), ps.x.rows(), 51, idx.rows(), dist.rows()),
                  std::invalid_argument);
}
