// Argument validation of the batched API and the ways to pass a batch.

#include <Eigen/Core>

#include "batch_fixtures.hpp"

#include <stdexcept>
#include <string>

using namespace hyperbolic;
using namespace hyperbolic::testing;

namespace {
// The message of the std::invalid_argument thrown by f ("" if none).
template <class F>
std::string invalid_argument_message(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}
bool contains(const std::string& s, const char* part) {
  return s.find(part) != std::string::npos;
}
}  // namespace

TEST_CASE("mismatched shapes throw and name the arguments") {
  const PoincareBall<float> m(1.0f);
  std::vector<float> x(40, 0.1f), y(48, 0.1f), out(40), d(10);
  const cpu::Rows<const float> X(std::span<const float>(x), 4), Y(std::span<const float>(y), 4);
  const cpu::Rows<float> O(std::span<float>(out), 4);
  std::string msg = invalid_argument_message([&] { cpu::expmap(m, X, Y, O); });
  CHECK(contains(msg, "expmap"));
  CHECK(contains(msg, "u is 12 x 4"));
  CHECK(contains(msg, "x is 10 x 4"));
  msg = invalid_argument_message([&] { cpu::dist(m, X, X, std::span<float>(d.data(), 9)); });
  CHECK(contains(msg, "out has 9 entries"));
  msg =
      invalid_argument_message([&] { cpu::logmap0(m, X, cpu::Rows<float>(out.data(), 10, 4, 2)); });
  CHECK(contains(msg, "overlap"));
  msg = invalid_argument_message([&] { cpu::Rows<const float>(std::span<const float>(x), 3); });
  CHECK(contains(msg, "not a whole number of rows"));
  msg =
      invalid_argument_message([&] { cpu::Rows<const float>(std::span<const float>(x), 5, 8, 9); });
  CHECK(contains(msg, "too small"));
  msg = invalid_argument_message([&] {
    cpu::dist0(m, cpu::Rows<const float>(x.data(), 3, 0, 0), std::span<float>(d.data(), 3));
  });
  CHECK(contains(msg, "at least one element"));
  msg = invalid_argument_message([&] {
    std::vector<float> g(10);
    cpu::dist_backward(m, X, X, std::span<const float>(g.data(), 7), O, O);
  });
  CHECK(contains(msg, "g has 7 entries"));
}

TEST_CASE_TEMPLATE("empty batches are fine", M, HYP_CPU_MANIFOLDS) {
  using T = typename M::scalar;
  const M m = make_manifold<M>(1.0);
  const cpu::Rows<const T> none(static_cast<const T*>(nullptr), 0, 8, 8);
  const cpu::Rows<T> none_out(static_cast<T*>(nullptr), 0, 8, 8);
  cpu::expmap(m, none, none, none_out);
  cpu::dist(m, none, none, std::span<T>());
  CHECK(cpu::dist_backward(m, none, none, std::span<const T>(), none_out, none_out) == T(0));
  CHECK(cpu::expmap_backward(m, none, none, none, none_out, none_out) == T(0));
}

TEST_CASE("Eigen row-major matrices, maps and blocks are batches") {
  using Mat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const PoincareBall<double> m(1.0);
  Mat x = Mat::Random(6, 5) * 0.2, u = Mat::Random(6, 5) * 0.3, out(6, 5);
  cpu::expmap(m, x, u, out);
  Mat want(6, 5);
  for (index_t i = 0; i < 6; ++i)
    m.expmap(ConstRow<double>(x.row(i).data(), 5), ConstRow<double>(u.row(i).data(), 5),
             Row<double>(want.row(i).data(), 5));
  CHECK((out - want).cwiseAbs().maxCoeff() <= 1e-14);

  // A strided map (rows 7 apart) and a block of a wider matrix.
  std::vector<double> buf(6 * 7, 0.05);
  Eigen::Map<Mat, 0, Eigen::OuterStride<>> strided(buf.data(), 6, 5, Eigen::OuterStride<>(7));
  Mat wide = Mat::Zero(6, 9);
  cpu::expmap(m, strided, u, wide.block(0, 2, 6, 5));
  for (index_t i = 0; i < 6; ++i)
    m.expmap(ConstRow<double>(strided.row(i).data(), 5), ConstRow<double>(u.row(i).data(), 5),
             Row<double>(want.row(i).data(), 5));
  CHECK((wide.block(0, 2, 6, 5) - want).cwiseAbs().maxCoeff() <= 1e-14);
  CHECK(wide.col(0).isZero());
  CHECK(wide.col(8).isZero());

  Eigen::VectorXd dists(6);
  cpu::dist(m, x, u, std::span<double>(dists.data(), 6));
  CHECK(dists(2) == doctest::Approx(m.dist(ConstRow<double>(x.row(2).data(), 5),
                                           ConstRow<double>(u.row(2).data(), 5))));
}
