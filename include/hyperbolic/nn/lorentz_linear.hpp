#pragma once
// Fully hyperbolic linear layer on the Lorentz model (in the spirit of Chen et
// al. 2022, "Fully Hyperbolic Neural Networks"): for a point x on the
// hyperboloid of curvature -c (n_in + 1 coordinates, time first),
//   y_s = W x + b       (W: n_out x (n_in + 1) reads the time coordinate too)
//   y_0 = sqrt(1/c + |y_s|^2)
// so y is on the hyperboloid <y, y>_L = -1/c by construction. The curvature is
// passed in (it may be shared across layers or learned); backward returns dL/dc
// through the core's projx_backward.

#include <stdexcept>
#include <string>
#include <utility>

#include "../manifolds/lorentz/lorentz.hpp"
#include "curvature_parameter.hpp"
#include "matrix.hpp"

namespace hyperbolic::nn {

template <class T>
class LorentzLinear {
 public:
  LorentzLinear() = default;
  // W ~ N(0, 1/(n_in + 1)), b = 0.
  template <class Rng>
  LorentzLinear(Eigen::Index n_in, Eigen::Index n_out, Rng& rng) {
    if (n_in <= 0 || n_out <= 0)
      throw std::invalid_argument("LorentzLinear: sizes must be positive, got n_in=" +
                                  std::to_string(n_in) + " n_out=" + std::to_string(n_out));
    W.resize(n_out, n_in + 1);
    fill_normal(W, T(1) / std::sqrt(T(n_in + 1)), rng);
    b = Vector<T>::Zero(n_out);
    zero_grad();
  }
  void zero_grad() {
    grad_W = Matrix<T>::Zero(W.rows(), W.cols());
    grad_b = Vector<T>::Zero(b.size());
  }

  // X: N x (n_in + 1) points; Y: resized to N x (n_out + 1) points.
  void forward(const Lorentz<T>& m, const Matrix<T>& X, Matrix<T>& Y) const {
    if (X.cols() != W.cols())
      throw std::invalid_argument("LorentzLinear: input has " + std::to_string(X.cols()) +
                                  " coordinates, expected " + std::to_string(W.cols()));
    const Eigen::Index n = X.rows(), n_out = W.rows();
    Y.resize(n, n_out + 1);
    Y.rightCols(n_out).noalias() = X * W.transpose();
    Y.rightCols(n_out).rowwise() += b.transpose();
    for (Eigen::Index i = 0; i < n; ++i) {
      const Row<T> y = detail::row_of(Y, i);
      m.projx(ConstRow<T>(y), y);
    }
  }
  // Given the forward input X, output Y and dL/dY (N x (n_out + 1), the time
  // column included), accumulates dL/dW, dL/db, writes dL/dX and returns dL/dc.
  T backward(const Lorentz<T>& m, const Matrix<T>& X, const Matrix<T>& Y, const Matrix<T>& dY,
             Matrix<T>& dX) {
    const Eigen::Index n = X.rows(), n_out = W.rows();
    G_.resize(n, n_out + 1);
    T grad_c = T(0);
    for (Eigen::Index i = 0; i < n; ++i)
      grad_c +=
          m.projx_backward(detail::row_of(Y, i), detail::row_of(dY, i), detail::row_of(G_, i));
    const auto gs = G_.rightCols(n_out);
    grad_W.noalias() += gs.transpose() * X;
    grad_b += gs.colwise().sum().transpose();
    dX.noalias() = gs * W;
    return grad_c;
  }

  Matrix<T> W, grad_W;
  Vector<T> b, grad_b;

 private:
  Matrix<T> G_;
};

}  // namespace hyperbolic::nn
