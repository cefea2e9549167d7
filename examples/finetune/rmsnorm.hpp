#pragma once
// RMSNorm (Zhang & Sennrich 2019): y = g * x / sqrt(mean(x^2) + eps), row-wise.

#include <string>
#include <vector>

#include <hyperbolic/nn/matrix.hpp>

#include "parameter.hpp"

namespace finetune {

using hyperbolic::nn::Matrix;

template <class T>
class RMSNorm {
 public:
  RMSNorm() = default;
  explicit RMSNorm(long d) : gain(Matrix<T>::Ones(1, d)), grad_gain(Matrix<T>::Zero(1, d)) {}

  void forward(const Matrix<T>& X, Matrix<T>& Y) {
    inv_rms_ = ((X.array().square().rowwise().sum() / T(X.cols())) + eps).rsqrt().matrix();
    Y = (X.array().colwise() * inv_rms_.col(0).array()).rowwise() * gain.row(0).array();
  }
  // dX = r (dxh - xh * mean(dxh . xh)), dxh = dY * g, xh = x r.
  void backward(const Matrix<T>& X, const Matrix<T>& dY, Matrix<T>& dX) {
    const auto r = inv_rms_.col(0).array();
    const Matrix<T> xh = X.array().colwise() * r;
    if (train) grad_gain.row(0) += (dY.array() * xh.array()).colwise().sum().matrix();
    const Matrix<T> dxh = dY.array().rowwise() * gain.row(0).array();
    const auto m = ((dxh.array() * xh.array()).rowwise().sum() / T(X.cols())).eval();
    dX = (dxh.array() - xh.array().colwise() * m).colwise() * r;
  }
  void zero_grad() { grad_gain.setZero(); }
  void collect(const std::string& name, std::vector<Parameter<T>>& out) {
    out.push_back({name + ".gain", gain.data(), grad_gain.data(), 1, gain.cols(), train, false});
  }

  Matrix<T> gain, grad_gain;
  bool train = true;
  static constexpr T eps = T(1e-5);

 private:
  Matrix<T> inv_rms_;
};

}  // namespace finetune
