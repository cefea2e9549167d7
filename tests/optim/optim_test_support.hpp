#pragma once
// Helpers shared by the optimizer tests: point clouds, the Frechet-mean loss,
// a long double Karcher-mean reference.

#include <cmath>
#include <random>
#include <type_traits>
#include <vector>

#include "hyperbolic/hyperbolic.hpp"
#include "hyperbolic/optim/optim.hpp"

namespace hyperbolic::optim::testing {

// The same manifold type over another scalar.
template <class M, class U>
struct rebind;
template <class T, class U>
struct rebind<PoincareBall<T>, U> {
  using type = PoincareBall<U>;
};
template <class T, class U>
struct rebind<Lorentz<T>, U> {
  using type = Lorentz<U>;
};
template <class T, class U>
struct rebind<Euclidean<T>, U> {
  using type = Euclidean<U>;
};
template <class M, class U>
using rebind_t = typename rebind<M, U>::type;

template <class M>
M make_manifold(double c) {
  if constexpr (std::is_same_v<M, Euclidean<typename M::scalar>>)
    return M();
  else
    return M(typename M::scalar(c));
}

// n points (ambient dim d) drawn from a wrapped normal around `center`.
template <class M>
std::vector<typename M::scalar> point_cloud(const M& m, index_t n, index_t d,
                                            const std::vector<typename M::scalar>& center,
                                            double spread, unsigned seed) {
  using T = typename M::scalar;
  std::mt19937_64 rng(seed);
  std::vector<T> pts(static_cast<std::size_t>(n * d));
  for (index_t i = 0; i < n; ++i)
    wrapped_normal(m, ConstRow<T>(center), T(spread), rng, Row<T>(pts.data() + i * d, d));
  return pts;
}

// A point at distance `r` from the origin in the direction (1, 1, ..., 1).
template <class M>
std::vector<typename M::scalar> point_at_radius(const M& m, index_t d, double r) {
  using T = typename M::scalar;
  std::vector<T> u(static_cast<std::size_t>(d), T(0)), x(static_cast<std::size_t>(d));
  const index_t first = std::is_same_v<M, Lorentz<T>> ? 1 : 0;
  const double unit = std::is_same_v<M, PoincareBall<T>> ? 0.5 : 1.0;  // lambda_0 = 2
  for (index_t i = first; i < d; ++i)
    u[static_cast<std::size_t>(i)] = T(r * unit / std::sqrt(double(d - first)));
  m.expmap0(ConstRow<T>(u), Row<T>(x));
  return x;
}

// Euclidean gradient of L(x) = (1 / 2n) sum_i d(x, p_i)^2 at x; returns L.
template <class M>
typename M::scalar frechet_loss_grad(const M& m, ConstRow<typename M::scalar> x,
                                     const std::vector<typename M::scalar>& pts, index_t d,
                                     Row<typename M::scalar> g) {
  using T = typename M::scalar;
  const index_t n = static_cast<index_t>(pts.size()) / d;
  std::vector<T> gx(static_cast<std::size_t>(d)), gy(static_cast<std::size_t>(d));
  fill(g, T(0));
  T loss = T(0);
  for (index_t i = 0; i < n; ++i) {
    const ConstRow<T> p(pts.data() + i * d, d);
    const T di = m.dist(x, p);
    loss += di * di / T(2 * n);
    m.dist_backward(x, p, di / T(n), Row<T>(gx), Row<T>(gy));
    for (index_t k = 0; k < d; ++k)
      g[k] += gx[static_cast<std::size_t>(k)];
  }
  return loss;
}

// Karcher fixed point x <- exp_x(mean_i log_x(p_i)) in long double.
template <class M>
std::vector<long double> karcher_mean_reference(const M& m, const std::vector<double>& pts,
                                                index_t d) {
  using L = rebind_t<M, long double>;
  const L ml = make_manifold<L>(static_cast<double>(m.c()));
  const index_t n = static_cast<index_t>(pts.size()) / d;
  std::vector<long double> p(pts.begin(), pts.end()), x(p.begin(), p.begin() + d),
      v(static_cast<std::size_t>(d)), lg(static_cast<std::size_t>(d)),
      y(static_cast<std::size_t>(d));
  for (int it = 0; it < 500; ++it) {
    std::fill(v.begin(), v.end(), 0.0L);
    for (index_t i = 0; i < n; ++i) {
      ml.logmap(ConstRow<long double>(x), ConstRow<long double>(p.data() + i * d, d),
                Row<long double>(lg));
      for (index_t k = 0; k < d; ++k)
        v[static_cast<std::size_t>(k)] += lg[static_cast<std::size_t>(k)] / (long double)n;
    }
    ml.expmap(ConstRow<long double>(x), ConstRow<long double>(v), Row<long double>(y));
    ml.projx(ConstRow<long double>(y), Row<long double>(y));
    x = y;
    if (ml.norm(ConstRow<long double>(x), ConstRow<long double>(v)) < 1e-18L) break;
  }
  return x;
}

template <class M>
long double dist_long(const M& m, ConstRow<typename M::scalar> a,
                      const std::vector<long double>& b) {
  using L = rebind_t<M, long double>;
  const L ml = make_manifold<L>(static_cast<double>(m.c()));
  std::vector<long double> al(a.begin(), a.end());
  // A float point is on the float manifold only to float precision: put it on
  // the long double one before measuring.
  ml.projx(ConstRow<long double>(al), Row<long double>(al));
  return ml.dist(ConstRow<long double>(al), ConstRow<long double>(b));
}

}  // namespace hyperbolic::optim::testing
