#pragma once
// HypLoRA adapter (Yang et al., arXiv 2410.04010) on the Lorentz model, beside
// a linear layer W (d_out x d_in):
//   z = W x + (alpha / r) logmap0( LLR(B A, expmap0(x / e^sigma)) )
// with the library's curvature convention: c > 0, sectional curvature -c,
// hyperboloid <y, y>_L = -1/c, time coordinate first. (The reference code
// writes K for the curvature in some places and 1/K in others; here c is the
// one number, used the same way in expmap0, the constraint and logmap0.)
//   x~  = x / e^sigma                      (optional input scale, see below)
//   u   = expmap0(x~)                      (x~ as the space part of a tangent vector at o)
//   v_s = B A u_s,  v_0 = sqrt(1/c + |v_s|^2)   (LLR: low-rank map on the space
//                                               coordinates, time from the constraint)
//   z   = W x + s logmap0(v)_s,  s = alpha / r
// A: r x d_in, B: d_out x r, B = 0 at init (z = W x at the start). The
// curvature is learnable: c = softplus(rho) (curvature_parameter.hpp); dL/dc
// comes from the core's expmap0/projx/logmap0 backward passes.
//
// Input scale: the reference code divides the adapter input by a learnable
// scale initialised to sqrt(d_in), which brings RMSNorm-ed rows (|x| ~
// sqrt(d_in)) to |x~| ~ 1, where expmap0 has not yet saturated into its
// exponential range. Off by default (e^sigma = 1, results bit-identical to the
// unscaled adapter); enable_input_scale(s0, learned) sets sigma = log(s0).
// Stored as sigma so the scale stays positive under any optimizer step.
//
// Domain: expmap0 grows like e^{sqrt(c)|x~|}; rows with sqrt(c)|x~| beyond the
// type's representable radius (about 88 in float, 709 in double) overflow to
// inf and give NaN, which is passed on, never hidden. Transformer inputs after
// RMSNorm have |x| ~ sqrt(d_in), well inside for c ~ 1 even without the scale.

#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

#include "../manifolds/lorentz/coefficients.hpp"
#include "curvature_parameter.hpp"
#include "matrix.hpp"

namespace hyperbolic::nn {

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

  // Divide the input by s0 > 0 before expmap0 (the reference code uses s0 =
  // sqrt(d_in)); learned: sigma = log(s) gets a gradient.
  void enable_input_scale(T s0, bool learned) {
    if (!(s0 > T(0)) || !std::isfinite(s0))
      throw std::invalid_argument("HypLoraAdapter: input scale must be positive and finite, got " +
                                  std::to_string(s0));
    input_scale_enabled = true;
    input_scale_learned = learned;
    sigma = std::log(s0);
    grad_sigma = T(0);
  }

  Eigen::Index rank() const { return A.rows(); }
  Eigen::Index parameter_count() const {
    return A.size() + B.size() + (curvature.learned ? 1 : 0) + (sigma_learned() ? 1 : 0);
  }
  T c() const { return curvature.c(); }
  // The divisor e^sigma; exactly 1 when the option is off.
  T input_scale() const { return input_scale_enabled ? std::exp(sigma) : T(1); }
  void zero_grad() {
    grad_A = Matrix<T>::Zero(A.rows(), A.cols());
    grad_B = Matrix<T>::Zero(B.rows(), B.cols());
    curvature.grad_rho = T(0);
    grad_sigma = T(0);
  }

  // Y += s logmap0(LLR(B A, expmap0(X / e^sigma))); keeps what backward needs.
  //
  // Both maps at the origin are radial, so they fold into the matrix
  // products as per-row scalars (no Lorentz-layout copies, no per-row passes
  // beyond two row norms):
  //   expmap0(x)_s = k x,   k = lorentz::expmap0_space(c, |x|^2)  (sinh(s|x|) / (s|x|))
  //   logmap0(v)_s = q v_s, q = lorentz::logmap0(c, |v_s|^2)      (time from the constraint)
  // so with P = X A^T (n x r):  H = diag(k) P,  V = H B^T,  Y += s diag(q) V.
  // The input scale t = e^-sigma folds in the same way: x~ = t x, so k is
  // taken at |x~|^2 = t^2 |x|^2 and H = diag(k t) P; X itself is never
  // rescaled (with the option off t = 1, and multiplying by 1 is exact, so
  // every value is the unscaled adapter's, bit for bit).
  // tests/nn checks this against the composition of the core's Lorentz
  // expmap0 / projx / logmap0, and every gradient against finite differences.
  void forward(const Matrix<T>& X, Matrix<T>& Y) {
    const Eigen::Index n = X.rows();
    const T c_now = c();
    t_ = T(1) / input_scale();
    X_ = X;
    xx_ = X_.rowwise().squaredNorm();
    timed([&] { P_.noalias() = X_ * A.transpose(); });
    k_.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      xx_[i] *= t_ * t_;  // now |x~|^2
      k_[i] = lorentz::expmap0_space(c_now, xx_[i]) * t_;
    }
    H_.noalias() = k_.asDiagonal() * P_;
    timed([&] { V_.noalias() = H_ * B.transpose(); });
    vv_ = V_.rowwise().squaredNorm();
    q_.resize(n);
    for (Eigen::Index i = 0; i < n; ++i)
      q_[i] = lorentz::logmap0(c_now, vv_[i]);
    Y.noalias() += (scale * q_).asDiagonal() * V_;
  }

  // Accumulates dL/dA, dL/dB, dL/drho and dL/dsigma (if learned) and adds
  // dL/dX into dX. With g = s dY and the scalar maps' partial derivatives from
  // the core's coefficient functions on dual numbers (q_c = dq/dc, q_vv =
  // dq/d|v|^2, ...; k and its partials at |x~|^2):
  //   dV = diag(q) g + diag(2 q_vv <v, g>) V,   dL/dc += sum q_c <v, g>
  //   dH = dV B,  dP = diag(k t) dH,  a_i = t <dH_i, P_i> (= dL/dk_i)
  //   dA += dP^T X,  dX += dP A + diag(2 k_xx a t^2) X,  dL/dc += sum k_c a
  // and, as dx~/dsigma = -x~,  dL/dsigma = -sum <dL/dx~_i, x~_i>
  //   = -sum a_i (k_i + 2 |x~_i|^2 k_xx,i)   (<(dP A)_i, x~_i> = k_i a_i: no extra product)
  void backward(const Matrix<T>& dY, Matrix<T>& dX) {
    const Eigen::Index n = dY.rows();
    const T c_now = c();
    T grad_c = T(0);
    vg_.noalias() = V_.cwiseProduct(dY).rowwise().sum();
    coef_g_.resize(n);
    coef_v_.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const Partials q =
          lorentz::logmap0(Partials::variable(c_now, 0), Partials::variable(vv_[i], 1));
      const T vgi = scale * vg_[i];
      coef_g_[i] = scale * q_[i];
      coef_v_[i] = T(2) * q.d[1] * vgi;
      grad_c += q.d[0] * vgi;
    }
    dV_.noalias() = coef_g_.asDiagonal() * dY;
    dV_.noalias() += coef_v_.asDiagonal() * V_;
    timed([&] {
      grad_B.noalias() += dV_.transpose() * H_;
      dH_.noalias() = dV_ * B;
    });
    coef_x_.resize(n);
    a_.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const Partials k =
          lorentz::expmap0_space(Partials::variable(c_now, 0), Partials::variable(xx_[i], 1));
      const T a = t_ * dH_.row(i).dot(P_.row(i));
      a_[i] = a;
      coef_x_[i] = T(2) * k.d[1] * a * (t_ * t_);
      grad_c += k.d[0] * a;
    }
    // dL/dsigma from what is stored (k_ = k t, coef_x_ = 2 k_xx a t^2), outside
    // the loop so the unscaled path compiles to the same arithmetic as without
    // the option (no new uses of the dual parts to change FMA contraction).
    if (sigma_learned()) {
      const T e_sigma = T(1) / t_;
      grad_sigma -= e_sigma * (a_.dot(k_) + e_sigma * xx_.dot(coef_x_));
    }
    dH_ = k_.asDiagonal() * dH_;  // now dP
    timed([&] {
      grad_A.noalias() += dH_.transpose() * X_;
      dX.noalias() += dH_ * A;
    });
    dX.noalias() += coef_x_.asDiagonal() * X_;
    curvature.accumulate(grad_c);
  }

  Matrix<T> A, B, grad_A, grad_B;
  T scale = T(1);
  SoftplusCurvature<T> curvature;
  // Input scale e^sigma (see the top of the file); set by enable_input_scale.
  T sigma = T(0), grad_sigma = T(0);
  bool input_scale_enabled = false, input_scale_learned = false;

 private:
  template <class F>
  void timed(F&& f) {
    if (!gemm_seconds) return f();
    const auto t0 = std::chrono::steady_clock::now();
    f();
    *gemm_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  using Partials = Dual<T, 2>;  // (d/dc, d/d|row|^2) of a per-row scalar map

  bool sigma_learned() const { return input_scale_enabled && input_scale_learned; }

  Matrix<T> X_, P_, H_, V_, dV_, dH_;
  T t_ = T(1);                 // 1 / input_scale() at forward
  Vector<T> xx_, k_, vv_, q_;  // per row, kept from forward (xx_: |x~|^2, k_: k t)
  Vector<T> vg_, coef_g_, coef_v_, coef_x_, a_;  // backward scratch, reused across calls
};

}  // namespace hyperbolic::nn
