// LoRA and HypLoRA adapters: gradients against finite differences (double),
// the zero-B start, the small-input limit HypLoRA -> LoRA, float vs double,
// HypLoRA's optional (learnable) input scale.
#include <doctest/doctest.h>

#include <hyperbolic/nn/hyplora.hpp>
#include <hyperbolic/manifolds/lorentz/lorentz.hpp>
#include <hyperbolic/nn/lora.hpp>
#include <random>
#include <vector>

#include "finite_difference.hpp"

using hyperbolic::nn::HypLoraAdapter;
using hyperbolic::nn::LoraAdapter;
using hyperbolic::nn::Matrix;
using hyperbolic::testing::max_fd_error;

namespace {

// Loss sum(R .* (X W^T + adapter(X))) for a fixed random R; returns dL/dX too.
template <class Adapter>
struct AdapterProblem {
  Adapter adapter;
  Matrix<double> X, W, R;

  double loss() {
    Matrix<double> Y = X * W.transpose();
    adapter.forward(X, Y);
    return (Y.array() * R.array()).sum();
  }
  Matrix<double> backward() {
    adapter.zero_grad();
    loss();
    Matrix<double> dX = R * W;  // through W x
    adapter.backward_any(X, R, dX);
    return dX;
  }
};

struct LoraAny : LoraAdapter<double> {
  using LoraAdapter<double>::LoraAdapter;
  void backward_any(const Matrix<double>& X, const Matrix<double>& dY, Matrix<double>& dX) {
    backward(X, dY, dX);
  }
};
struct HypLoraAny : HypLoraAdapter<double> {
  using HypLoraAdapter<double>::HypLoraAdapter;
  void backward_any(const Matrix<double>&, const Matrix<double>& dY, Matrix<double>& dX) {
    backward(dY, dX);
  }
};

template <class Adapter>
void check_gradients(AdapterProblem<Adapter>& p, bool with_curvature, bool with_sigma = false) {
  const Matrix<double> dX = p.backward();
  const auto loss = [&] { return p.loss(); };
  CHECK(max_fd_error(p.X.data(), p.X.size(), dX.data(), loss) < 1e-6);
  const Matrix<double> gA = p.adapter.grad_A, gB = p.adapter.grad_B;
  CHECK(max_fd_error(p.adapter.A.data(), p.adapter.A.size(), gA.data(), loss) < 1e-6);
  CHECK(max_fd_error(p.adapter.B.data(), p.adapter.B.size(), gB.data(), loss) < 1e-6);
  if constexpr (std::is_same_v<Adapter, HypLoraAny>) {
    if (with_curvature) {
      const double g_rho = p.adapter.curvature.grad_rho;
      CHECK(g_rho != 0.0);
      CHECK(max_fd_error(&p.adapter.curvature.rho, 1, &g_rho, loss) < 1e-6);
    }
    if (with_sigma) {
      const double g_sigma = p.adapter.grad_sigma;
      CHECK(g_sigma != 0.0);
      CHECK(max_fd_error(&p.adapter.sigma, 1, &g_sigma, loss) < 1e-6);
    }
  }
}

Matrix<double> random_matrix(long r, long c, double s, std::mt19937_64& rng) {
  Matrix<double> m(r, c);
  hyperbolic::nn::fill_normal(m, s, rng);
  return m;
}

}  // namespace

TEST_CASE("LoRA adapter: gradients match finite differences") {
  std::mt19937_64 rng(1);
  AdapterProblem<LoraAny> p{LoraAny(5, 4, 2, 3.0, rng), random_matrix(6, 5, 1.0, rng),
                            random_matrix(4, 5, 0.5, rng), random_matrix(6, 4, 1.0, rng)};
  p.adapter.B = random_matrix(4, 2, 0.5, rng);  // B = 0 would hide dL/dA and dL/dX terms
  check_gradients(p, false);
}

TEST_CASE("HypLoRA adapter: gradients (incl. learned curvature) match finite differences") {
  std::mt19937_64 rng(2);
  for (const double c : {0.3, 1.0, 2.5}) {
    CAPTURE(c);
    AdapterProblem<HypLoraAny> p{HypLoraAny(5, 4, 3, 6.0, c, true, rng),
                                 random_matrix(7, 5, 0.6, rng), random_matrix(4, 5, 0.5, rng),
                                 random_matrix(7, 4, 1.0, rng)};
    p.adapter.B = random_matrix(4, 3, 0.7, rng);
    p.X.row(2).setZero();  // the origin: series branches of sinhc/asinhc
    check_gradients(p, true);
  }
}

TEST_CASE("HypLoRA adapter: fixed curvature gets no gradient") {
  std::mt19937_64 rng(3);
  HypLoraAdapter<double> a(4, 3, 2, 2.0, 1.5, false, rng);
  a.B = random_matrix(3, 2, 1.0, rng);
  const Matrix<double> X = random_matrix(5, 4, 1.0, rng);
  Matrix<double> Y = Matrix<double>::Zero(5, 3), dX = Matrix<double>::Zero(5, 4);
  a.forward(X, Y);
  a.backward(Matrix<double>::Ones(5, 3), dX);
  CHECK(a.curvature.grad_rho == 0.0);
  CHECK(a.parameter_count() == 4 * 2 + 3 * 2);
  CHECK(a.c() == doctest::Approx(1.5).epsilon(1e-14));
}

TEST_CASE("HypLoRA adapter: B = 0 leaves the layer unchanged; small inputs give LoRA") {
  std::mt19937_64 rng(4);
  HypLoraAdapter<double> h(6, 5, 2, 4.0, 1.0, true, rng);
  const Matrix<double> X = random_matrix(3, 6, 1.0, rng);
  Matrix<double> Y = Matrix<double>::Zero(3, 5);
  h.forward(X, Y);
  CHECK(Y.norm() == 0.0);

  // expmap0 and logmap0 are the identity to first order at the origin, so for
  // |x| = eps the two adapters differ by O(eps^3) (relative O(eps^2)).
  LoraAdapter<double> l;
  l.A = h.A;
  h.B = random_matrix(5, 2, 1.0, rng);
  l.B = h.B;
  l.scale = h.scale;
  const Matrix<double> small = 1e-3 * X;
  Matrix<double> Yh = Matrix<double>::Zero(3, 5), Yl = Matrix<double>::Zero(3, 5);
  h.forward(small, Yh);
  l.forward(small, Yl);
  CHECK((Yh - Yl).norm() <= 1e-5 * Yl.norm());
  CHECK((Yh - Yl).norm() > 0.0);  // but it is not LoRA: curvature acts
}

TEST_CASE_TEMPLATE("HypLoRA adapter: float agrees with double", T, float, double) {
  std::mt19937_64 rng(5);
  HypLoraAdapter<double> hd(8, 6, 3, 8.0, 0.7, true, rng);
  hd.B = random_matrix(6, 3, 0.5, rng);
  const Matrix<double> X = random_matrix(4, 8, 1.0, rng);
  HypLoraAdapter<T> ht;
  ht.A = hd.A.cast<T>();
  ht.B = hd.B.cast<T>();
  ht.scale = T(hd.scale);
  ht.curvature.set_c(T(0.7));
  Matrix<double> Yd = Matrix<double>::Zero(4, 6);
  Matrix<T> Yt = Matrix<T>::Zero(4, 6);
  hd.forward(X, Yd);
  ht.forward(X.cast<T>(), Yt);
  // A few dozen roundings of relative size eps each (|x| ~ 3, sinh grows ~e^3).
  const double tol = 200 * std::numeric_limits<T>::epsilon();
  CHECK((Yt.template cast<double>() - Yd).norm() <= tol * Yd.norm());
}

// The fused forward (radial maps folded into the products) against the
// definition spelled out with the core's Lorentz primitives row by row:
// u = expmap0((0, x)), v_s = B A u_s, v = projx(v), z = logmap0(v)_s.
TEST_CASE("HypLoRA adapter: forward equals the composition of the core's Lorentz maps") {
  std::mt19937_64 rng(6);
  for (const double c : {0.05, 1.0, 3.0}) {
    CAPTURE(c);
    HypLoraAdapter<double> h(6, 5, 3, 6.0, c, true, rng);
    h.B = random_matrix(5, 3, 0.8, rng);
    Matrix<double> X = random_matrix(9, 6, 1.2, rng);
    X.row(4).setZero();
    Matrix<double> Y = Matrix<double>::Zero(9, 5);
    h.forward(X, Y);
    const hyperbolic::Lorentz<double> m(h.c());
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
      std::vector<double> t(7, 0.0), u(7), v(6, 0.0), z(6);
      for (int j = 0; j < 6; ++j)
        t[std::size_t(j + 1)] = X(i, j);
      m.expmap0(hyperbolic::ConstRow<double>(t.data(), 7), hyperbolic::Row<double>(u.data(), 7));
      for (int o = 0; o < 5; ++o)
        for (int r = 0; r < 3; ++r)
          for (int j = 0; j < 6; ++j)
            v[std::size_t(o + 1)] += h.B(o, r) * h.A(r, j) * u[std::size_t(j + 1)];
      m.projx(hyperbolic::ConstRow<double>(v.data(), 6), hyperbolic::Row<double>(v.data(), 6));
      m.logmap0(hyperbolic::ConstRow<double>(v.data(), 6), hyperbolic::Row<double>(z.data(), 6));
      for (int o = 0; o < 5; ++o)
        CHECK(Y(i, o) == doctest::Approx(h.scale * z[std::size_t(o + 1)]).epsilon(1e-12));
    }
  }
}

// The reference code's input scale x~ = x / e^sigma, s0 = sqrt(d_in).
TEST_CASE("HypLoRA adapter: gradients with a learned input scale match finite differences") {
  std::mt19937_64 rng(7);
  for (const double c : {0.4, 1.7}) {
    CAPTURE(c);
    AdapterProblem<HypLoraAny> p{HypLoraAny(5, 4, 3, 6.0, c, true, rng),
                                 random_matrix(7, 5, 1.5, rng), random_matrix(4, 5, 0.5, rng),
                                 random_matrix(7, 4, 1.0, rng)};
    p.adapter.B = random_matrix(4, 3, 0.7, rng);
    p.adapter.enable_input_scale(std::sqrt(5.0), true);
    CHECK(p.adapter.input_scale() == doctest::Approx(std::sqrt(5.0)).epsilon(1e-15));
    CHECK(p.adapter.parameter_count() == 3 * 5 + 4 * 3 + 2);
    p.X.row(2).setZero();  // the origin: no sigma gradient from this row, no NaN
    check_gradients(p, true, true);
  }
}

TEST_CASE("HypLoRA adapter: a fixed input scale divides the input and gets no gradient") {
  std::mt19937_64 rng(8);
  AdapterProblem<HypLoraAny> p{HypLoraAny(6, 4, 2, 4.0, 0.9, false, rng),
                               random_matrix(5, 6, 1.0, rng), random_matrix(4, 6, 0.5, rng),
                               random_matrix(5, 4, 1.0, rng)};
  p.adapter.B = random_matrix(4, 2, 0.6, rng);
  p.adapter.enable_input_scale(2.5, false);
  CHECK(p.adapter.parameter_count() == 6 * 2 + 4 * 2);
  check_gradients(p, false);  // dX, dA, dB through the fixed scale
  CHECK(p.adapter.grad_sigma == 0.0);

  // Same as the unscaled adapter on X / 2.5, up to the rounding of e^log(2.5).
  HypLoraAny plain;
  plain.A = p.adapter.A;
  plain.B = p.adapter.B;
  plain.scale = p.adapter.scale;
  plain.curvature = p.adapter.curvature;
  Matrix<double> Ys = Matrix<double>::Zero(5, 4), Yp = Matrix<double>::Zero(5, 4);
  p.adapter.forward(p.X, Ys);
  plain.forward(p.X / 2.5, Yp);
  CHECK(Yp.norm() > 0.0);
  CHECK((Ys - Yp).norm() <= 1e-13 * Yp.norm());

  CHECK_THROWS_AS(p.adapter.enable_input_scale(0.0, true), std::invalid_argument);
  CHECK_THROWS_AS(p.adapter.enable_input_scale(-1.0, false), std::invalid_argument);
}

// Multiplying by t = 1 is exact, so s0 = 1 reproduces the adapter without the
// option bit for bit (values and every gradient), which is also what the
// default-off path computes.
TEST_CASE("HypLoRA adapter: input scale 1 is bit-identical to no input scale") {
  std::mt19937_64 rng(9);
  HypLoraAdapter<double> off(6, 5, 3, 6.0, 1.3, true, rng);
  off.B = random_matrix(5, 3, 0.8, rng);
  HypLoraAdapter<double> on = off;
  CHECK(off.input_scale() == 1.0);
  on.enable_input_scale(1.0, true);
  CHECK(on.input_scale() == 1.0);
  Matrix<double> X = random_matrix(8, 6, 1.4, rng), dY = random_matrix(8, 5, 1.0, rng);
  X.row(3).setZero();
  Matrix<double> Y_off = Matrix<double>::Zero(8, 5), Y_on = Y_off;
  Matrix<double> dX_off = Matrix<double>::Zero(8, 6), dX_on = dX_off;
  off.forward(X, Y_off);
  on.forward(X, Y_on);
  off.backward(dY, dX_off);
  on.backward(dY, dX_on);
  CHECK(Y_on == Y_off);
  CHECK(dX_on == dX_off);
  CHECK(on.grad_A == off.grad_A);
  CHECK(on.grad_B == off.grad_B);
  CHECK(on.curvature.grad_rho == off.curvature.grad_rho);
  CHECK(on.grad_sigma != 0.0);
  CHECK(off.grad_sigma == 0.0);
  CHECK(on.parameter_count() == off.parameter_count() + 1);
}

TEST_CASE("HypLoRA adapter: B = 0 is still the identity with the input scale on") {
  std::mt19937_64 rng(10);
  HypLoraAdapter<double> h(9, 4, 2, 4.0, 1.0, true, rng);
  h.enable_input_scale(3.0, true);
  const Matrix<double> X = random_matrix(3, 9, 1.0, rng);
  Matrix<double> Y = Matrix<double>::Zero(3, 4), dX = Matrix<double>::Zero(3, 9);
  h.forward(X, Y);
  CHECK(Y.norm() == 0.0);
  h.backward(Matrix<double>::Ones(3, 4), dX);
  CHECK(dX.norm() == 0.0);
  CHECK(h.grad_sigma == 0.0);
}
