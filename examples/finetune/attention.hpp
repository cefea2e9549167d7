#pragma once
// Causal multi-head self-attention over a batch of B sequences of length L,
// stored as N = B*L rows. q, k, v, o are Linear layers (so adapters attach).
// Per (sequence, head): S = Q K^T / sqrt(dh) with the future masked,
// P = softmax(S), O = P V; backward dS = P . (dP - rowsum(dP . P)).

#include <cmath>
#include <limits>
#include <vector>

#include "linear.hpp"

namespace finetune {

template <class T>
class CausalSelfAttention {
 public:
  CausalSelfAttention() = default;
  template <class Rng>
  CausalSelfAttention(long d, long heads, T init_std, T out_std, Rng& rng)
      : q(d, d, init_std, rng),
        k(d, d, init_std, rng),
        v(d, d, init_std, rng),
        o(d, d, out_std, rng),
        heads_(heads) {}

  void forward(const Matrix<T>& X, long batch, long len, Matrix<T>& Y) {
    q.forward(X, Q_);
    k.forward(X, K_);
    v.forward(X, V_);
    const long d = X.cols(), dh = d / heads_;
    const T scale = T(1) / std::sqrt(T(dh));
    P_.resize(batch * heads_);
    O_.resize(X.rows(), d);
    // Three passes (products, softmax, products) so the GEMM clock measures
    // only the products.
    gemm([&] {
      HYP_NN_OMP(omp parallel for schedule(static))
      for (long bh = 0; bh < batch * heads_; ++bh) {
        const long b = bh / heads_, h = bh % heads_;
        P_[bh].noalias() = scale * (Q_.block(b * len, h * dh, len, dh) *
                                    K_.block(b * len, h * dh, len, dh).transpose());
      }
    });
    HYP_NN_OMP(omp parallel for schedule(static))
    for (long bh = 0; bh < batch * heads_; ++bh) {
      Matrix<T>& P = P_[bh];
      for (long i = 0; i < len; ++i) {
        auto row = P.row(i);
        const T mx = row.head(i + 1).maxCoeff();
        row.head(i + 1) = (row.head(i + 1).array() - mx).exp();
        row.head(i + 1) /= row.head(i + 1).sum();
        row.tail(len - i - 1).setZero();  // the future
      }
    }
    gemm([&] {
      HYP_NN_OMP(omp parallel for schedule(static))
      for (long bh = 0; bh < batch * heads_; ++bh) {
        const long b = bh / heads_, h = bh % heads_;
        O_.block(b * len, h * dh, len, dh).noalias() = P_[bh] * V_.block(b * len, h * dh, len, dh);
      }
    });
    o.forward(O_, Y);
  }

  void backward(const Matrix<T>& X, long batch, long len, const Matrix<T>& dY, Matrix<T>& dX) {
    o.backward(O_, dY, dO_);
    const long d = X.cols(), dh = d / heads_;
    const T scale = T(1) / std::sqrt(T(dh));
    dQ_.resize(X.rows(), d);
    dK_.resize(X.rows(), d);
    dV_.resize(X.rows(), d);
    dP_.resize(batch * heads_);
    gemm([&] {
      HYP_NN_OMP(omp parallel for schedule(static))
      for (long bh = 0; bh < batch * heads_; ++bh) {
        const long b = bh / heads_, h = bh % heads_;
        const auto dOb = dO_.block(b * len, h * dh, len, dh);
        dP_[bh].noalias() = dOb * V_.block(b * len, h * dh, len, dh).transpose();
        dV_.block(b * len, h * dh, len, dh).noalias() = P_[bh].transpose() * dOb;
      }
    });
    HYP_NN_OMP(omp parallel for schedule(static))
    for (long bh = 0; bh < batch * heads_; ++bh) {
      Matrix<T>& dP = dP_[bh];
      const Matrix<T>& P = P_[bh];
      const auto rowdot = (dP.array() * P.array()).rowwise().sum().eval();
      dP = (P.array() * (dP.array().colwise() - rowdot)) * scale;  // dS, with the 1/sqrt(dh)
    }
    gemm([&] {
      HYP_NN_OMP(omp parallel for schedule(static))
      for (long bh = 0; bh < batch * heads_; ++bh) {
        const long b = bh / heads_, h = bh % heads_;
        dQ_.block(b * len, h * dh, len, dh).noalias() =
            dP_[bh] * K_.block(b * len, h * dh, len, dh);
        dK_.block(b * len, h * dh, len, dh).noalias() =
            dP_[bh].transpose() * Q_.block(b * len, h * dh, len, dh);
      }
    });
    q.backward(X, dQ_, dX);
    k.backward(X, dK_, tmp_);
    dX += tmp_;
    v.backward(X, dV_, tmp_);
    dX += tmp_;
  }

  Linear<T> q, k, v, o;

 private:
  long heads_ = 1;
  Matrix<T> Q_, K_, V_, O_, dO_, dQ_, dK_, dV_, tmp_;
  std::vector<Matrix<T>> P_, dP_;
};

}  // namespace finetune
