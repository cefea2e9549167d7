// Lorentz linear layer: outputs on the hyperboloid, gradients (weights, bias,
// inputs, curvature) against finite differences.
#include <doctest/doctest.h>

#include <hyperbolic/manifolds/random.hpp>
#include <hyperbolic/nn/lorentz_linear.hpp>
#include <random>

#include "finite_difference.hpp"

using hyperbolic::Lorentz;
using hyperbolic::nn::LorentzLinear;
using hyperbolic::nn::Matrix;
using hyperbolic::testing::max_fd_error;

namespace {
template <class T>
Matrix<T> random_points(const Lorentz<T>& m, long n, long dim, std::mt19937_64& rng) {
  Matrix<T> X(n, dim + 1);
  std::normal_distribution<double> normal(0.0, 0.8);
  for (long i = 0; i < n; ++i) {
    Matrix<T> u = Matrix<T>::Zero(1, dim + 1);
    for (long j = 1; j <= dim; ++j)
      u(0, j) = T(normal(rng));
    m.expmap0(hyperbolic::ConstRow<T>(u.data(), dim + 1),
              hyperbolic::Row<T>(X.row(i).data(), dim + 1));
  }
  return X;
}
}  // namespace

TEST_CASE_TEMPLATE("LorentzLinear: outputs lie on the hyperboloid", T, float, double) {
  std::mt19937_64 rng(7);
  const Lorentz<T> m(T(1.7));
  LorentzLinear<T> layer(4, 6, rng);
  layer.b.setConstant(T(0.3));
  const Matrix<T> X = random_points(m, 5, 4, rng);
  Matrix<T> Y;
  layer.forward(m, X, Y);
  REQUIRE(Y.cols() == 7);
  for (long i = 0; i < Y.rows(); ++i)
    CHECK(m.check_point(hyperbolic::ConstRow<T>(Y.row(i).data(), 7)));
}

TEST_CASE("LorentzLinear: gradients match finite differences") {
  std::mt19937_64 rng(8);
  double c = 0.8;
  LorentzLinear<double> layer(3, 4, rng);
  hyperbolic::nn::fill_normal(layer.b, 0.5, rng);
  Matrix<double> X = random_points(Lorentz<double>(c), 5, 3, rng);
  Matrix<double> R(5, 5);
  hyperbolic::nn::fill_normal(R, 1.0, rng);
  const auto loss = [&] {
    Matrix<double> Y;
    layer.forward(Lorentz<double>(c), X, Y);
    return (Y.array() * R.array()).sum();
  };
  Matrix<double> Y, dX;
  layer.forward(Lorentz<double>(c), X, Y);
  const double gc = layer.backward(Lorentz<double>(c), X, Y, R, dX);
  const Matrix<double> gW = layer.grad_W;
  const auto gb = layer.grad_b;
  CHECK(max_fd_error(X.data(), X.size(), dX.data(), loss) < 1e-6);
  CHECK(max_fd_error(layer.W.data(), layer.W.size(), gW.data(), loss) < 1e-6);
  CHECK(max_fd_error(layer.b.data(), layer.b.size(), gb.data(), loss) < 1e-6);
  CHECK(max_fd_error(&c, 1, &gc, loss) < 1e-6);
}

TEST_CASE("LorentzLinear: mismatched input width is rejected") {
  std::mt19937_64 rng(9);
  LorentzLinear<double> layer(3, 2, rng);
  Matrix<double> X = Matrix<double>::Zero(2, 3), Y;
  CHECK_THROWS_AS(layer.forward(Lorentz<double>(1.0), X, Y), std::invalid_argument);
  CHECK_THROWS_AS(LorentzLinear<double>(0, 2, rng), std::invalid_argument);
}
