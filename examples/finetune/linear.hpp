#pragma once
// A bias-free linear layer Y = X W^T (W: d_out x d_in) with an optional LoRA or
// HypLoRA adapter beside it. The base weight can be frozen (adapter modes).

#include <memory>
#include <string>
#include <vector>

#include <hyperbolic/nn/hyplora.hpp>
#include <hyperbolic/nn/lora.hpp>

#include "gemm_clock.hpp"
#include "parameter.hpp"

namespace finetune {

using hyperbolic::nn::Matrix;

template <class T>
class Linear {
 public:
  Linear() = default;
  template <class Rng>
  Linear(long d_in, long d_out, T init_std, Rng& rng) : W(d_out, d_in) {
    hyperbolic::nn::fill_normal(W, init_std, rng);
    grad_W = Matrix<T>::Zero(d_out, d_in);
  }

  void forward(const Matrix<T>& X, Matrix<T>& Y) {
    gemm([&] { Y.noalias() = X * W.transpose(); });
    if (lora) gemm([&] { lora->forward(X, Y); });
    if (hyplora) hyplora->forward(X, Y);  // its products report to GemmClock themselves
  }
  // dX = dL/dX (overwritten); accumulates the trainable gradients.
  void backward(const Matrix<T>& X, const Matrix<T>& dY, Matrix<T>& dX) {
    if (train_W) gemm([&] { grad_W.noalias() += dY.transpose() * X; });
    gemm([&] { dX.noalias() = dY * W; });
    if (lora) gemm([&] { lora->backward(X, dY, dX); });
    if (hyplora) hyplora->backward(dY, dX);
  }
  void zero_grad() {
    grad_W.setZero();
    if (lora) lora->zero_grad();
    if (hyplora) hyplora->zero_grad();
  }
  void collect(const std::string& name, std::vector<Parameter<T>>& out) {
    out.push_back({name + ".weight", W.data(), grad_W.data(), W.rows(), W.cols(), train_W, true});
    if (lora) {
      out.push_back({name + ".lora_A", lora->A.data(), lora->grad_A.data(), lora->A.rows(),
                     lora->A.cols(), true, true});
      out.push_back({name + ".lora_B", lora->B.data(), lora->grad_B.data(), lora->B.rows(),
                     lora->B.cols(), true, true});
    }
    if (hyplora) {
      out.push_back({name + ".hyplora_A", hyplora->A.data(), hyplora->grad_A.data(),
                     hyplora->A.rows(), hyplora->A.cols(), true, true});
      out.push_back({name + ".hyplora_B", hyplora->B.data(), hyplora->grad_B.data(),
                     hyplora->B.rows(), hyplora->B.cols(), true, true});
      out.push_back({name + ".hyplora_rho", &hyplora->curvature.rho, &hyplora->curvature.grad_rho,
                     1, 1, hyplora->curvature.learned, false});
      // Only when enabled, so checkpoints without the option still load.
      if (hyplora->input_scale_enabled)
        out.push_back({name + ".hyplora_log_scale", &hyplora->sigma, &hyplora->grad_sigma, 1, 1,
                       hyplora->input_scale_learned, false});
    }
  }

  Matrix<T> W, grad_W;
  bool train_W = true;
  std::unique_ptr<hyperbolic::nn::LoraAdapter<T>> lora;
  std::unique_ptr<hyperbolic::nn::HypLoraAdapter<T>> hyplora;
};

}  // namespace finetune
