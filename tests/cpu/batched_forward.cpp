// Every batched primitive against the scalar member, row by row, on
// dimensions that are below, at and off a multiple of every SIMD width,
// contiguous and strided rows, with a NaN row.

#include "batch_fixtures.hpp"

using namespace hyperbolic;
using namespace hyperbolic::testing;

namespace {
constexpr index_t kDims[] = {1, 2, 7, 16, 17, 40};  // intrinsic; Lorentz rows have one more
constexpr index_t kExtraStride[] = {0, 3};
constexpr double kCurvatures[] = {1.0, 0.3};
constexpr index_t kRows = 23, kNanRow = 5;

// Runs check(case) over every shape and curvature.
template <class M, class Check>
void for_each_case(Check check) {
  for (double c : kCurvatures)
    for (index_t dim : kDims)
      for (index_t extra : kExtraStride) {
        BatchCase<M> bc(make_manifold<M>(c), kRows, dim, extra, kNanRow);
        CAPTURE(c);
        CAPTURE(dim);
        CAPTURE(extra);
        check(bc);
      }
}
}  // namespace

TEST_CASE_TEMPLATE("batched maps equal the scalar maps", M, HYP_CPU_MANIFOLDS) {
  using T = typename M::scalar;
  for_each_case<M>([](BatchCase<M>& bc) {
    const M& m = bc.f.m;
    const T tol = batch_tolerance<T>(bc.d);
    auto got = bc.output(), want = bc.output();
    auto compare = [&](const char* name) {
      CAPTURE(std::string(name));
      CHECK(rows_close(got, want, tol));
    };
    for (index_t i = 0; i < bc.n; ++i)
      m.expmap(bc.x.row(i), bc.u.row(i), want.row(i));
    cpu::expmap(m, bc.x.rows(), bc.u.rows(), got.rows());
    compare("expmap");
    for (index_t i = 0; i < bc.n; ++i)
      m.expmap0(bc.u.row(i), want.row(i));
    cpu::expmap0(m, bc.u.rows(), got.rows());
    compare("expmap0");
    for (index_t i = 0; i < bc.n; ++i)
      m.logmap(bc.x.row(i), bc.y.row(i), want.row(i));
    cpu::logmap(m, bc.x.rows(), bc.y.rows(), got.rows());
    compare("logmap");
    for (index_t i = 0; i < bc.n; ++i)
      m.logmap0(bc.y.row(i), want.row(i));
    cpu::logmap0(m, bc.y.rows(), got.rows());
    compare("logmap0");
    for (index_t i = 0; i < bc.n; ++i)
      m.projx(bc.g.row(i), want.row(i));  // off-manifold input
    cpu::projx(m, bc.g.rows(), got.rows());
    compare("projx");
    for (index_t i = 0; i < bc.n; ++i)
      m.proju(bc.x.row(i), bc.g.row(i), want.row(i));
    cpu::proju(m, bc.x.rows(), bc.g.rows(), got.rows());
    compare("proju");
    for (index_t i = 0; i < bc.n; ++i)
      m.egrad2rgrad(bc.x.row(i), bc.g.row(i), want.row(i));
    cpu::egrad2rgrad(m, bc.x.rows(), bc.g.rows(), got.rows());
    compare("egrad2rgrad");
    for (index_t i = 0; i < bc.n; ++i)
      m.transp(bc.x.row(i), bc.y.row(i), bc.v.row(i), want.row(i));
    cpu::transp(m, bc.x.rows(), bc.y.rows(), bc.v.rows(), got.rows());
    compare("transp");
    for (index_t i = 0; i < bc.n; ++i)
      m.mobius_add(bc.x.row(i), bc.y.row(i), want.row(i));
    cpu::mobius_add(m, bc.x.rows(), bc.y.rows(), got.rows());
    compare("mobius_add");
    for (index_t i = 0; i < bc.n; ++i)
      m.mobius_scalar_mul(T(0.7), bc.x.row(i), want.row(i));
    cpu::mobius_scalar_mul(m, T(0.7), bc.x.rows(), got.rows());
    compare("mobius_scalar_mul");
  });
}

TEST_CASE_TEMPLATE("batched distances equal the scalar distances", M, HYP_CPU_MANIFOLDS) {
  using T = typename M::scalar;
  for_each_case<M>([](BatchCase<M>& bc) {
    const M& m = bc.f.m;
    const T tol = batch_tolerance<T>(bc.d);
    std::vector<T> got(std::size_t(bc.n)), want(got.size());
    auto compare = [&](const char* name) {
      CAPTURE(std::string(name));
      for (std::size_t i = 0; i < got.size(); ++i) {
        CAPTURE(i);
        CHECK(close(got[i], want[i], tol));
      }
      CHECK(std::isnan(want[kNanRow]));
    };
    for (index_t i = 0; i < bc.n; ++i)
      want[std::size_t(i)] = m.dist(bc.x.row(i), bc.y.row(i));
    cpu::dist(m, bc.x.rows(), bc.y.rows(), got);
    compare("dist");
    for (index_t i = 0; i < bc.n; ++i)
      want[std::size_t(i)] = m.dist0(bc.x.row(i));
    cpu::dist0(m, bc.x.rows(), got);
    compare("dist0");
    if constexpr (std::is_same_v<M, Lorentz<T>>) {
      for (index_t i = 0; i < bc.n; ++i)
        want[std::size_t(i)] = m.dist2plane(bc.x.row(i), bc.a.row(i));
      cpu::dist2plane(m, bc.x.rows(), bc.a.rows(), got);
    } else {
      for (index_t i = 0; i < bc.n; ++i)
        want[std::size_t(i)] = m.dist2plane(bc.x.row(i), bc.p.row(i), bc.a.row(i));
      cpu::dist2plane(m, bc.x.rows(), bc.p.rows(), bc.a.rows(), got);
    }
    compare("dist2plane");
  });
}

TEST_CASE_TEMPLATE("outputs may be the input rows themselves", M, HYP_CPU_MANIFOLDS) {
  using T = typename M::scalar;
  BatchCase<M> bc(make_manifold<M>(1.0), 9, 17, 2, -1);
  const M& m = bc.f.m;
  auto want = bc.output();
  for (index_t i = 0; i < bc.n; ++i)
    m.expmap(bc.x.row(i), bc.u.row(i), want.row(i));
  cpu::expmap(m, bc.x.rows(), bc.u.rows(), bc.u.rows());  // out is u
  CHECK(rows_close(bc.u, want, batch_tolerance<T>(bc.d)));
  for (index_t i = 0; i < bc.n; ++i)
    m.mobius_add(bc.x.row(i), bc.y.row(i), want.row(i));
  cpu::mobius_add(m, bc.x.rows(), bc.y.rows(), bc.x.rows());  // out is x
  CHECK(rows_close(bc.x, want, batch_tolerance<T>(bc.d)));
}

TEST_CASE_TEMPLATE("a stride-0 input broadcasts one row", M, HYP_CPU_MANIFOLDS) {
  using T = typename M::scalar;
  BatchCase<M> bc(make_manifold<M>(1.0), 12, 16, 0, -1);
  const M& m = bc.f.m;
  const cpu::Rows<const T> one_x(bc.x.data.data(), bc.n, bc.d, 0);
  std::vector<T> got(std::size_t(bc.n));
  cpu::dist(m, one_x, bc.y.rows(), got);
  for (index_t i = 0; i < bc.n; ++i)
    CHECK(close(got[std::size_t(i)], m.dist(bc.x.row(0), bc.y.row(i)), batch_tolerance<T>(bc.d)));
}

TEST_CASE_TEMPLATE("large batches run threaded and still match", M, HYP_CPU_MANIFOLDS) {
  using T = typename M::scalar;
  // Above cpu::min_parallel_elements, so OpenMP (when linked) splits the rows.
  BatchCase<M> bc(make_manifold<M>(0.5), 3000, 16, 1, 1234);
  const M& m = bc.f.m;
  auto got = bc.output(), want = bc.output();
  for (index_t i = 0; i < bc.n; ++i)
    m.logmap(bc.x.row(i), bc.y.row(i), want.row(i));
  cpu::logmap(m, bc.x.rows(), bc.y.rows(), got.rows());
  CHECK(rows_close(got, want, batch_tolerance<T>(bc.d)));
}

namespace {
// A manifold the backend has no kernels for: the batched API falls back to
// its scalar members.
struct PlainBall : PoincareBall<double> {
  using PoincareBall<double>::PoincareBall;
};
}  // namespace

TEST_CASE("manifolds without row kernels run their scalar members") {
  BatchCase<PoincareBall<double>> bc(PoincareBall<double>(1.0), 10, 5, 1, 3);
  const PlainBall m(1.0);
  auto got = bc.output(), want = bc.output();
  for (index_t i = 0; i < bc.n; ++i)
    m.expmap(bc.x.row(i), bc.u.row(i), want.row(i));
  cpu::expmap(m, bc.x.rows(), bc.u.rows(), got.rows());
  CHECK(rows_close(got, want, 0.0));  // the very same code runs: bit for bit
}

TEST_CASE_TEMPLATE("batched flat distances at the edge of the float range", T, float, double) {
  const Euclidean<T> E;
  const index_t n = 3, d = 19;
  const T tiny = std::numeric_limits<T>::min() * T(1024),
          huge = std::numeric_limits<T>::max() / T(8);
  std::vector<T> x(static_cast<std::size_t>(n * d), T(0)), y(x), out(static_cast<std::size_t>(n));
  x[0] = tiny;  // row 0: squares underflow
  for (index_t i = 0; i < d; ++i)
    x[std::size_t(d + i)] = huge / T(8);  // row 1: squares overflow
  x[std::size_t(2 * d + 5)] = T(3);       // row 2: plain
  const cpu::Rows<const T> X(std::span<const T>(x), n, d, d), Y(std::span<const T>(y), n, d, d);
  cpu::dist(E, X, Y, std::span<T>(out));
  CHECK(out[0] == tiny);
  CHECK(out[1] == doctest::Approx(double(huge / T(8)) * std::sqrt(double(d))).epsilon(1e-6));
  CHECK(out[2] == T(3));
  for (index_t r = 0; r < n; ++r) {
    const ConstRow<T> xr(x.data() + r * d, d), yr(y.data() + r * d, d);
    CHECK(out[std::size_t(r)] == doctest::Approx(double(E.dist(xr, yr))).epsilon(1e-6));
  }
}
