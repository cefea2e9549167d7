// The Frechet (Karcher) mean of a point cloud, found by RiemannianSGD and
// RiemannianAdam on the Poincare ball and the Lorentz model, against a long
// double Karcher fixed-point iteration computed independently.

#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "optim_test_support.hpp"

using namespace hyperbolic;
using namespace hyperbolic::optim;
using namespace hyperbolic::optim::testing;

namespace {

std::string format_double(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

template <class M>
void check_frechet_mean(double tol) {
  using T = typename M::scalar;
  const M m = make_manifold<M>(0.7);
  const index_t n = 24, d = M::ambient_dim(3);
  const auto center = point_at_radius(m, d, 1.5);
  const auto pts = point_cloud(m, n, d, center, 0.8, 42);
  const std::vector<double> pts_d(pts.begin(), pts.end());
  const auto ref = karcher_mean_reference(m, pts_d, d);

  for (int which = 0; which < 3; ++which) {
    ManifoldParameter<M> x(m, 1, d);  // starts at the origin
    std::vector<T> g(static_cast<std::size_t>(d));
    long double err = 0;
    if (which < 2) {
      SgdOptions<T> o;
      o.lr = T(0.6), o.momentum = T(0.3);
      o.policy.step_map = which == 0 ? StepMap::exponential : StepMap::retraction;
      RiemannianSGD<M> opt(x, o);
      for (int s = 0; s < 400; ++s) {
        frechet_loss_grad(m, x.row(0), pts, d, Row<T>(g));
        opt.step(x, g);
      }
    } else {
      const auto sched = schedule::warmup_cosine(0.1, 50, 1500, 0.0);
      RiemannianAdam<M> opt(x, AdamOptions<T>{});
      for (int s = 0; s < 1500; ++s) {
        opt.set_lr(T(sched(opt.steps())));
        frechet_loss_grad(m, x.row(0), pts, d, Row<T>(g));
        opt.step(x, g);
      }
    }
    err = dist_long(m, x.row(0), ref);
    const char* names[] = {"SGD+momentum (expmap)", "SGD+momentum (retraction)",
                           "Adam (warm-up + cosine)"};
    const std::string line = std::string(M::name) + (sizeof(T) == 4 ? " float " : " double ") +
                             names[which] + ": distance to the long double Karcher mean " +
                             format_double(double(err));
    MESSAGE(line);
    CHECK(err < tol);
  }
}

}  // namespace

TEST_CASE("Frechet mean on the Poincare ball matches the Karcher reference") {
  check_frechet_mean<PoincareBall<double>>(1e-10);
  check_frechet_mean<PoincareBall<float>>(5e-6);
}

TEST_CASE("Frechet mean on the Lorentz model matches the Karcher reference") {
  check_frechet_mean<Lorentz<double>>(1e-10);
  check_frechet_mean<Lorentz<float>>(5e-6);
}
