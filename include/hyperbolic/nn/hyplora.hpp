#pragma once
// HypLoRA adapter (Yang et al., arXiv 2410.04010) on the Lorentz model, beside
// a linear layer W (d_out x d_in):
//   z = W x + (alpha / r) logmap0( LLR(B A, expmap0(x)) )
// with the library's curvature convention: c > 0, sectional curvature -c,
// hyperboloid <y, y>_L = -1/c, time coordinate first. (The reference code
// writes K for the curvature in some places and 1/K in others; here c is the
// one number, used the same way in expmap0, the constraint and logmap0.)
//   u   = expmap0(x)                       (x as the space part of a tangent vector at o)
//   v_s = B A u_s,  v_0 = sqrt(1/c + |v_s|^2)   (LLR: low-rank map on the space
//                                               coordinates, time from the constraint)
//   z   = W x + s logmap0(v)_s,  s = alpha / r
// A: r x d_in, B: d_out x r, B = 0 at init (z = W x at the start). The
// curvature is learnable: c = softplus(rho) (curvature_parameter.hpp); dL/dc
// comes from the core's expmap0/projx/logmap0 backward passes.
//
// Domain: expmap0 grows like e^{sqrt(c)|x|}; rows with sqrt(c)|x| beyond the
// type's representable radius (about 88 in float, 709 in double) overflow to
// inf and give NaN, which is passed on, never hidden. Transformer inputs after
// RMSNorm have |x| ~ sqrt(d_in), well inside for c ~ 1.

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>

#include "../manifolds/lorentz/lorentz.hpp"
#include "curvature_parameter.hpp"
#include "matrix.hpp"

namespace hyperbolic::nn {

namespace detail {
template <class T>
Row<T> row_of(Matrix<T>& m, Eigen::Index i) {
  return Row<T>(m.data() + i * m.cols(), m.cols());
}
template <class T>
ConstRow<T> row_of(const Matrix<T>& m, Eigen::Index i) {
  return ConstRow<T>(m.data() + i * m.cols(), m.cols());
}
}  // namespace detail

template <class T>
class HypLoraAdapter {
 public:
  // Optional: where to add the wall time of the adapter's matrix products
  // (profiling the share of a step spent in GEMM); null: not measured.
  double* gemm_seconds = nullptr;

  HypLoraAdapter() = default;
  // A ~ N(0, 1/d_in), B = 0, curvature c_init (learned or fixed).
  template <class Rng>
  HypLoraAdapter(Eigen::Index d_in, Eigen::Index d_out, Eigen::Index rank, T alpha, T c_init,
                 bool learn_curvature, Rng& rng) {
    if (d_in <= 0 || d_out <= 0 || rank <= 0)
      throw std::invalid_argument(
          "HypLoraAdapter: sizes must be positive, got d_in=" + std::to_string(d_in) +
          " d_out=" + std::to_string(d_out) + " rank=" + std::to_string(rank));
    A.resize(rank, d_in);
    fill_normal(A, T(1) / std::sqrt(T(d_in)), rng);
    B = Matrix<T>::Zero(d_out, rank);
    scale = alpha / T(rank);
    curvature.set_c(c_init);
    curvature.learned = learn_curvature;
    zero_grad();
  }

  Eigen::Index rank() const { return A.rows(); }
  Eigen::Index parameter_count() const { return A.size() + B.size() + (curvature.learned ? 1 : 0); }
  T c() const { return curvature.c(); }
  void zero_grad() {
    grad_A = Matrix<T>::Zero(A.rows(), A.cols());
    grad_B = Matrix<T>::Zero(B.rows(), B.cols());
    curvature.grad_rho = T(0);
  }

  // Y += s logmap0(LLR(B A, expmap0(X))) row by row; keeps what backward needs.
  void forward(const Matrix<T>& X, Matrix<T>& Y) {
    const Eigen::Index n = X.rows(), d = X.cols(), d_out = B.rows();
    const Lorentz<T> m(c());
    X_.resize(n, d + 1);  // a leading (ignored) time slot, the layout the core expects
    X_.col(0).setZero();
    X_.rightCols(d) = X;
    U_.resize(n, d + 1);
    // clang-format off
    HYP_NN_OMP(omp parallel for if (n > 256))
    for (Eigen::Index i = 0; i < n; ++i)
      m.expmap0(detail::row_of(std::as_const(X_), i), detail::row_of(U_, i));
    // clang-format on
    V_.resize(n, d_out + 1);
    timed([&] {
      H_.noalias() = U_.rightCols(d) * A.transpose();
      V_.rightCols(d_out).noalias() = H_ * B.transpose();
    });
    Z_.resize(n, d_out + 1);
    // clang-format off
    HYP_NN_OMP(omp parallel for if (n > 256))
    for (Eigen::Index i = 0; i < n; ++i) {
      const Row<T> v = detail::row_of(V_, i);
      m.projx(ConstRow<T>(v), v);  // time from the constraint <v, v>_L = -1/c
      m.logmap0(ConstRow<T>(v), detail::row_of(Z_, i));
    }
    // clang-format on
    Y.noalias() += scale * Z_.rightCols(d_out);
  }

  // Accumulates dL/dA, dL/dB, dL/drho (if learned) and adds dL/dX into dX.
  void backward(const Matrix<T>& dY, Matrix<T>& dX) {
    const Eigen::Index n = dY.rows(), d = A.cols(), d_out = B.rows();
    const Lorentz<T> m(c());
    G_.resize(n, d_out + 1);
    G_.col(0).setZero();
    G_.rightCols(d_out) = scale * dY;
    T grad_c = T(0);
    // clang-format off
    HYP_NN_OMP(omp parallel for reduction(+ : grad_c) if (n > 256))
    for (Eigen::Index i = 0; i < n; ++i) {
      const Row<T> g = detail::row_of(G_, i);
      const ConstRow<T> v = detail::row_of(std::as_const(V_), i);
      // In place: the core's backward passes read each g[i] before writing it.
      grad_c += m.logmap0_backward(v, ConstRow<T>(g), g);
      grad_c += m.projx_backward(v, ConstRow<T>(g), g);
    }
    // clang-format on
    const auto dV = G_.rightCols(d_out);
    GU_.resize(n, d + 1);
    GU_.col(0).setZero();  // A reads only the space coordinates of u
    timed([&] {
      grad_B.noalias() += dV.transpose() * H_;
      dH_.noalias() = dV * B;
      grad_A.noalias() += dH_.transpose() * U_.rightCols(d);
      GU_.rightCols(d).noalias() = dH_ * A;
    });
    // clang-format off
    HYP_NN_OMP(omp parallel for reduction(+ : grad_c) if (n > 256))
    for (Eigen::Index i = 0; i < n; ++i) {
      const Row<T> g = detail::row_of(GU_, i);
      grad_c += m.expmap0_backward(detail::row_of(std::as_const(X_), i), ConstRow<T>(g), g);
    }
    // clang-format on
    dX.noalias() += GU_.rightCols(d);
    curvature.accumulate(grad_c);
  }

  Matrix<T> A, B, grad_A, grad_B;
  T scale = T(1);
  SoftplusCurvature<T> curvature;

 private:
  template <class F>
  void timed(F&& f) {
    if (!gemm_seconds) return f();
    const auto t0 = std::chrono::steady_clock::now();
    f();
    *gemm_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  Matrix<T> X_, U_, H_, V_, Z_, G_, dH_, GU_;
};

}  // namespace hyperbolic::nn
