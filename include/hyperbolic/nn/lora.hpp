#pragma once
// Plain LoRA adapter (Hu et al. 2021) beside a linear layer W (d_out x d_in):
//   z = W x + (alpha / r) B A x,   A: r x d_in,  B: d_out x r,  B = 0 at init,
// so training starts at the frozen model. Batched over rows: H = X A^T,
// Y += s H B^T with s = alpha / r. The adapter only adds its term to Y; the
// owner of W computes X W^T.

#include <stdexcept>
#include <string>

#include "matrix.hpp"

namespace hyperbolic::nn {

template <class T>
class LoraAdapter {
 public:
  LoraAdapter() = default;
  // A ~ N(0, 1/d_in) (keeps |A x| of order |x| / sqrt(d_in) * sqrt(r)), B = 0.
  template <class Rng>
  LoraAdapter(Eigen::Index d_in, Eigen::Index d_out, Eigen::Index rank, T alpha, Rng& rng) {
    if (d_in <= 0 || d_out <= 0 || rank <= 0)
      throw std::invalid_argument(
          "LoraAdapter: sizes must be positive, got d_in=" + std::to_string(d_in) +
          " d_out=" + std::to_string(d_out) + " rank=" + std::to_string(rank));
    A.resize(rank, d_in);
    fill_normal(A, T(1) / std::sqrt(T(d_in)), rng);
    B = Matrix<T>::Zero(d_out, rank);
    scale = alpha / T(rank);
    zero_grad();
  }

  Eigen::Index rank() const { return A.rows(); }
  Eigen::Index parameter_count() const { return A.size() + B.size(); }
  void zero_grad() {
    grad_A = Matrix<T>::Zero(A.rows(), A.cols());
    grad_B = Matrix<T>::Zero(B.rows(), B.cols());
  }

  // Y += s (X A^T) B^T; keeps X A^T for backward.
  void forward(const Matrix<T>& X, Matrix<T>& Y) {
    H_.noalias() = X * A.transpose();
    Y.noalias() += scale * (H_ * B.transpose());
  }
  // Accumulates dL/dA, dL/dB and adds dL/dX into dX (given dL/dY).
  void backward(const Matrix<T>& X, const Matrix<T>& dY, Matrix<T>& dX) {
    dH_.noalias() = scale * (dY * B);
    grad_B.noalias() += scale * (dY.transpose() * H_);
    grad_A.noalias() += dH_.transpose() * X;
    dX.noalias() += dH_ * A;
  }

  Matrix<T> A, B, grad_A, grad_B;
  T scale = T(1);

 private:
  Matrix<T> H_, dH_;
};

}  // namespace hyperbolic::nn
