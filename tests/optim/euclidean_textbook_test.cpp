// On Euclidean space both optimizers must be the textbook methods, step for
// step. The references below are written from the PyTorch update rules
// (torch.optim.SGD / Adam / AdamW, single-tensor path), independently of the
// library's kernels.

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include "hyperbolic/optim/optim.hpp"

using namespace hyperbolic;
using namespace hyperbolic::optim;

namespace {

using Vec = std::vector<double>;

// Gradient of a fixed, non-separable quadratic-plus-quartic loss so that the
// trajectories are non-trivial.
Vec loss_grad(const Vec& x) {
  Vec g(x.size());
  const std::size_t n = x.size();
  for (std::size_t i = 0; i < n; ++i) {
    const double xi = x[i], xn = x[(i + 1) % n];
    g[i] = 0.7 * xi - 0.3 * xn + 0.2 * xi * xi * xi + 0.1 * double(i) - 0.05;
  }
  return g;
}

struct TextbookSgd {
  double lr, momentum, dampening, wd;
  bool nesterov;
  Vec buf{};
  bool has_buf = false;
  void step(Vec& p, const Vec& grad) {
    Vec d = grad;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (wd != 0) d[i] = d[i] + wd * p[i];
    if (momentum != 0) {
      if (!has_buf) {
        buf = d;
        has_buf = true;
      } else {
        for (std::size_t i = 0; i < p.size(); ++i)
          buf[i] = buf[i] * momentum + (1 - dampening) * d[i];
      }
      if (nesterov)
        for (std::size_t i = 0; i < p.size(); ++i)
          d[i] = d[i] + momentum * buf[i];
      else
        d = buf;
    }
    for (std::size_t i = 0; i < p.size(); ++i)
      p[i] = p[i] + (-lr) * d[i];
  }
};

struct TextbookAdam {
  double lr, b1, b2, eps, wd;
  bool decoupled, amsgrad;
  Vec m{}, v{}, vmax{};
  long step_count = 0;
  void step(Vec& p, const Vec& grad) {
    const std::size_t n = p.size();
    if (m.empty()) m.assign(n, 0), v.assign(n, 0), vmax.assign(n, 0);
    Vec g = grad;
    if (wd != 0) {
      if (decoupled)
        for (std::size_t i = 0; i < n; ++i)
          p[i] *= 1 - lr * wd;
      else
        for (std::size_t i = 0; i < n; ++i)
          g[i] += wd * p[i];
    }
    ++step_count;
    for (std::size_t i = 0; i < n; ++i) {
      m[i] = m[i] * b1 + (1 - b1) * g[i];
      v[i] = v[i] * b2 + (1 - b2) * g[i] * g[i];
    }
    const double bc1 = 1 - std::pow(b1, double(step_count));
    const double bc2 = 1 - std::pow(b2, double(step_count));
    const double step_size = lr / bc1;
    for (std::size_t i = 0; i < n; ++i) {
      double vi = v[i];
      if (amsgrad) vi = vmax[i] = std::max(vmax[i], v[i]);
      const double denom = std::sqrt(vi) / std::sqrt(bc2) + eps;
      p[i] += -step_size * m[i] / denom;
    }
  }
};

Vec start_point(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.5, 1.5);
  Vec x(n);
  for (auto& v : x)
    v = u(rng);
  return x;
}

double max_abs_diff(const Vec& a, const Vec& b) {
  double e = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    e = std::max(e, std::abs(a[i] - b[i]));
  return e;
}

}  // namespace

TEST_CASE("Euclidean RiemannianSGD is textbook SGD step for step") {
  struct Case {
    double lr, momentum, dampening, wd;
    bool nesterov;
    StepMap map;
  };
  const Case cases[] = {
      {0.05, 0.0, 0.0, 0.0, false, StepMap::exponential},
      {0.05, 0.9, 0.0, 0.0, false, StepMap::exponential},
      {0.03, 0.9, 0.3, 0.01, false, StepMap::retraction},
      {0.04, 0.8, 0.0, 0.02, true, StepMap::exponential},
      {0.02, 0.5, 0.1, 0.0, false, StepMap::exponential},
  };
  const std::size_t rows = 3, dim = 4;
  for (const auto& c : cases) {
    CAPTURE(c.momentum);
    CAPTURE(c.nesterov);
    SgdOptions<double> o;
    o.lr = c.lr, o.momentum = c.momentum, o.dampening = c.dampening, o.weight_decay = c.wd;
    o.nesterov = c.nesterov;
    o.policy.step_map = c.map;
    EuclideanParameter<double> p(Euclidean<double>(), rows, dim);
    p.data() = start_point(rows * dim, 7);
    RiemannianSGD<Euclidean<double>> opt(p, o);
    // The reference treats each row as its own tensor (the loss couples
    // coordinates within a row).
    std::vector<TextbookSgd> ref(rows,
                                 TextbookSgd{c.lr, c.momentum, c.dampening, c.wd, c.nesterov});
    std::vector<Vec> ref_x(rows);
    for (std::size_t r = 0; r < rows; ++r)
      ref_x[r] = Vec(p.data().begin() + r * dim, p.data().begin() + (r + 1) * dim);
    double worst = 0;
    for (int s = 0; s < 300; ++s) {
      Vec g(rows * dim);
      for (std::size_t r = 0; r < rows; ++r) {
        const Vec gr = loss_grad(ref_x[r]);
        std::copy(gr.begin(), gr.end(), g.begin() + r * dim);
        ref[r].step(ref_x[r], gr);
      }
      // Library gradient evaluated at its own point (identical if on track).
      Vec gl(rows * dim);
      for (std::size_t r = 0; r < rows; ++r) {
        const Vec xr(p.data().begin() + r * dim, p.data().begin() + (r + 1) * dim);
        const Vec gr = loss_grad(xr);
        std::copy(gr.begin(), gr.end(), gl.begin() + r * dim);
      }
      opt.step(p, gl);
      for (std::size_t r = 0; r < rows; ++r)
        worst = std::max(
            worst, max_abs_diff(Vec(p.data().begin() + r * dim, p.data().begin() + (r + 1) * dim),
                                ref_x[r]));
    }
    CHECK(worst <= 1e-12);
    MESSAGE("SGD momentum=" << c.momentum << " nesterov=" << c.nesterov
                            << " max |x - x_ref| over 300 steps: " << worst);
  }
}

TEST_CASE("Euclidean RiemannianAdam is textbook Adam / AMSGrad / AdamW step for step") {
  struct Case {
    double lr, wd;
    bool decoupled, amsgrad;
  };
  const Case cases[] = {{1e-2, 0.0, false, false},
                        {1e-2, 0.05, false, false},
                        {1e-2, 0.05, true, false},
                        {3e-2, 0.0, false, true},
                        {3e-2, 0.1, true, true}};
  const std::size_t rows = 2, dim = 5;
  for (const auto& c : cases) {
    CAPTURE(c.decoupled);
    CAPTURE(c.amsgrad);
    CAPTURE(c.wd);
    AdamOptions<double> o;
    o.lr = c.lr, o.weight_decay = c.wd, o.amsgrad = c.amsgrad;
    o.decay = c.decoupled ? WeightDecay::decoupled : WeightDecay::coupled;
    o.beta1 = 0.9, o.beta2 = 0.99, o.eps = 1e-8;
    EuclideanParameter<double> p(Euclidean<double>(), rows, dim);
    p.data() = start_point(rows * dim, 11);
    RiemannianAdam<Euclidean<double>> opt(p, o);
    CHECK(opt.second_moment_width() == index_t(dim));
    std::vector<TextbookAdam> ref(
        rows, TextbookAdam{c.lr, 0.9, 0.99, 1e-8, c.wd, c.decoupled, c.amsgrad});
    std::vector<Vec> ref_x(rows);
    for (std::size_t r = 0; r < rows; ++r)
      ref_x[r] = Vec(p.data().begin() + r * dim, p.data().begin() + (r + 1) * dim);
    double worst = 0;
    for (int s = 0; s < 500; ++s) {
      Vec gl(rows * dim);
      for (std::size_t r = 0; r < rows; ++r) {
        ref[r].step(ref_x[r], loss_grad(ref_x[r]));
        const Vec gr = loss_grad(Vec(p.data().begin() + r * dim, p.data().begin() + (r + 1) * dim));
        std::copy(gr.begin(), gr.end(), gl.begin() + r * dim);
      }
      opt.step(p, gl);
      for (std::size_t r = 0; r < rows; ++r)
        worst = std::max(
            worst, max_abs_diff(Vec(p.data().begin() + r * dim, p.data().begin() + (r + 1) * dim),
                                ref_x[r]));
    }
    CHECK(worst <= 1e-12);
    MESSAGE("Adam decoupled=" << c.decoupled << " amsgrad=" << c.amsgrad << " wd=" << c.wd
                              << " max |x - x_ref| over 500 steps: " << worst);
  }
}
