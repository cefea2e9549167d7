// The per-model clamps, the step clip and the ranking keys that hierarchy trainers use
// (manifolds/poincare/clamp.hpp, manifolds/lorentz/clamp.hpp, optim/step_clip.hpp,
// manifolds/ranking_key.hpp, cpu/ranking_keys.hpp), for several curvatures, float and double:
//  - a clamped point is inside the model at the requested bound, on its ray; a point within
//    the bound is unchanged bit for bit;
//  - the step clip bounds the step's length, and leaves short steps alone;
//  - a ranking key is strictly increasing in the true distance (the library's dist, in double)
//    from a fixed source, on random, near and far targets; the batched keys equal the scalar
//    key bit for bit.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "hyperbolic/cpu/ranking_keys.hpp"
#include "hyperbolic/manifolds/lorentz/clamp.hpp"
#include "hyperbolic/manifolds/poincare/clamp.hpp"
#include "hyperbolic/optim/step_clip.hpp"
#include "manifold_fixtures.hpp"

using namespace hyperbolic;
using hyperbolic::testing::Fixture;

namespace {

constexpr double kCurvatures[] = {0.01, 0.3, 1.0, 4.0, 100.0};

template <class M>
M make(double c) {
  if constexpr (std::is_same_v<M, Euclidean<typename M::scalar>>)
    return M{};
  else
    return M(typename M::scalar(c));
}

template <class T>
T norm_of(const std::vector<T>& x, std::size_t first = 0) {
  T s = 0;
  for (std::size_t i = first; i < x.size(); ++i)
    s += x[i] * x[i];
  return std::sqrt(s);
}

// The same point in double (the reference for float rows).
template <class T>
std::vector<double> widened(const std::vector<T>& x) {
  return std::vector<double>(x.begin(), x.end());
}

}  // namespace

TEST_CASE_TEMPLATE("ball clamp: inside at the requested norm, on the ray; inside rows unchanged", T,
                   float, double) {
  const T eps = std::numeric_limits<T>::epsilon();
  CHECK(poincare::clamp_norm_at(T(1), T(1 - 1e-5)) == T(1 - 1e-5));  // the reference's number
  for (double c : kCurvatures)
    for (index_t n : {1, 2, 5, 16})
      for (double fraction : {0.5, 0.9, 1 - 1e-3, 1 - 1e-5}) {
        CAPTURE(c);
        CAPTURE(n);
        CAPTURE(fraction);
        const PoincareBall<T> m{T(c)};
        Fixture<PoincareBall<T>> f(m, n, 11);
        const T max_norm = poincare::clamp_norm_at(T(c), T(fraction));
        const T radius = T(1) / std::sqrt(T(c));
        for (int trial = 0; trial < 20; ++trial) {
          // Within the bound: bit for bit unchanged.
          auto inside = f.point(T(0.3) * T(1 + trial % 4));
          const T scale = max_norm * T(0.99) * T(trial + 1) / T(20) / norm_of(inside);
          for (T& v : inside)
            v *= scale;
          const auto before = inside;
          CHECK_FALSE(poincare::clamp_norm(Row<T>(inside.data(), n), max_norm));
          CHECK(inside == before);
          // Beyond it (and beyond the ball itself): onto the bound, inside the ball, same ray.
          auto outside = before;
          const T factor = T(1.01) + T(trial) * T(0.5);
          for (T& v : outside)
            v *= max_norm * factor / norm_of(before);
          const auto unclamped = outside;
          CHECK(poincare::clamp_norm(Row<T>(outside.data(), n), max_norm));
          CHECK(std::abs(norm_of(outside) - max_norm) <= T(4) * eps * max_norm);
          CHECK(norm_of(outside) < radius);
          CHECK(m.check_point(ConstRow<T>(outside.data(), n)));
          for (index_t i = 0; i < n; ++i)  // a positive multiple of the input
            CHECK(std::abs(outside[i] * norm_of(unclamped) - unclamped[i] * max_norm) <=
                  T(8) * eps * std::abs(unclamped[i]) * max_norm);
        }
      }
  // NaN passes through: not clamped, left as it is.
  std::vector<double> bad = {0.5, std::nan(""), 0.1};
  CHECK_FALSE(poincare::clamp_norm(Row<double>(bad.data(), 3), 0.9));
  CHECK(std::isnan(bad[1]));
  CHECK(bad[0] == 0.5);
}

TEST_CASE_TEMPLATE("hyperboloid radius clamp: at the requested distance, on the ray", T, float,
                   double) {
  const T eps = std::numeric_limits<T>::epsilon();
  const auto unit = lorentz::radius_bound(T(1), T(3));
  CHECK(unit.time == std::cosh(T(3)));  // the reference's numbers at c = 1
  CHECK(unit.space == std::sinh(T(3)));
  for (double c : kCurvatures)
    for (index_t n : {1, 2, 5, 16})
      for (double scaled : {0.5, 2.0, 4.0}) {  // the bound s r, in units of 1/sqrt(c)
        CAPTURE(c);
        CAPTURE(n);
        CAPTURE(scaled);
        const Lorentz<T> m{T(c)};
        Fixture<Lorentz<T>> f(m, n, 5);
        const T s = std::sqrt(T(c)), r = T(scaled) / s;
        const auto bound = lorentz::radius_bound(T(c), r);
        for (int trial = 0; trial < 20; ++trial) {
          auto inside = f.point(T(scaled) * T(trial + 1) / T(24));  // distance < r
          const auto before = inside;
          CHECK_FALSE(lorentz::clamp_radius(Row<T>(inside.data(), n + 1), bound));
          CHECK(inside == before);
          auto outside = f.point(T(scaled) * (T(1.05) + T(trial) / T(10)));
          const auto unclamped = outside;
          CHECK(lorentz::clamp_radius(Row<T>(outside.data(), n + 1), bound));
          const T d0 = m.dist0(ConstRow<T>(outside.data(), n + 1));
          CHECK(std::abs(d0 - r) <= T(64) * eps * (T(1) + r));
          CHECK(m.check_point(ConstRow<T>(outside.data(), n + 1)));
          const T ratio = norm_of(outside, 1) / norm_of(unclamped, 1);
          for (index_t i = 1; i <= n; ++i)  // the space part scaled by one positive factor
            CHECK(std::abs(outside[i] - ratio * unclamped[i]) <=
                  T(8) * eps * std::abs(unclamped[i]) * ratio);
        }
      }
}

TEST_CASE_TEMPLATE("step clip: lr * |u| shortened to the bound, short steps untouched", M,
                   PoincareBall<float>, PoincareBall<double>, Lorentz<float>, Lorentz<double>,
                   Euclidean<float>, Euclidean<double>) {
  using T = typename M::scalar;
  const T eps = std::numeric_limits<T>::epsilon();
  for (double c : {0.3, 1.0, 4.0}) {
    CAPTURE(c);
    Fixture<M> f(make<M>(c), 5, 3);
    for (int trial = 0; trial < 40; ++trial) {
      const auto x = f.point(T(trial % 3));
      const T length = T(0.05) * T(1 + trial);  // |u|_x, in units of the curvature radius
      auto u = f.tangent(x, length);
      const T lr = T(0.5), max_length = T(1);
      const T factor = optim::step_clip_factor(f.m, ConstRow<T>(x), ConstRow<T>(u), lr, max_length);
      const T step = lr * f.m.norm(x, u);
      CHECK(factor > T(0));
      CHECK(factor <= T(1));
      if (step <= max_length) {
        CHECK(factor == T(1));
      } else {
        CHECK(std::abs(lr * factor * f.m.norm(x, u) - max_length) <= T(8) * eps * max_length);
      }
      // The clipped step moves the point by at most max_length.
      for (T& v : u)
        v *= -lr * factor;
      auto y = f.zeros();
      f.m.expmap(x, u, y);
      CHECK(f.m.dist(x, y) <= max_length * (T(1) + (std::is_same_v<T, float> ? T(1e-3) : T(1e-9))));
    }
  }
}

TEST_CASE_TEMPLATE("ranking keys are strictly increasing in the true distance", M,
                   PoincareBall<float>, PoincareBall<double>, Lorentz<float>, Lorentz<double>,
                   Euclidean<float>, Euclidean<double>) {
  using T = typename M::scalar;
  using W = std::conditional_t<
      std::is_same_v<M, PoincareBall<T>>, PoincareBall<double>,
      std::conditional_t<std::is_same_v<M, Lorentz<T>>, Lorentz<double>, Euclidean<double>>>;
  const bool is_float = std::is_same_v<T, float>;
  // Two distances this far apart (relative) must give keys in the same order: a few ulps of
  // the key's terms for float rows (coordinates up to e^3), none needed in double.
  const double separation = is_float ? 1e-3 : 1e-9;
  const double far = is_float ? 3.0 : 6.0;  // radii, in units of the curvature radius
  for (double c : {0.1, 1.0, 7.5})
    for (index_t n : {2, 5, 10}) {
      CAPTURE(c);
      CAPTURE(n);
      const M m = make<M>(c);
      const W wide = make<W>(c);
      Fixture<M> f(m, n, 17);
      for (int source = 0; source < 6; ++source) {
        const auto x = f.point(T(far * source / 6.0));
        // Targets: random points near and far from the origin, and near x along geodesics.
        std::vector<std::vector<T>> targets;
        for (int k = 0; k < 40; ++k)
          targets.push_back(f.point(T(far * (k % 8) / 8.0 + 0.05)));
        for (double length : {1e-3, 3e-3, 1e-2, 0.05, 0.2, 0.7, 1.5}) {
          auto u = f.tangent(x, T(length));
          auto y = f.zeros();
          m.expmap(x, u, y);
          targets.push_back(y);
        }
        std::vector<double> dist;
        std::vector<T> key;
        for (const auto& y : targets) {
          dist.push_back(wide.dist(widened(x), widened(y)));
          key.push_back(RankingKey<M>::key(m, ConstRow<T>(x), ConstRow<T>(y)));
        }
        for (std::size_t i = 0; i < targets.size(); ++i)
          for (std::size_t j = 0; j < targets.size(); ++j)
            if (dist[i] < dist[j] * (1 - separation)) {
              CAPTURE(dist[i]);
              CAPTURE(dist[j]);
              CHECK(key[i] < key[j]);
            }
        // Along one geodesic from x: keys strictly increase with the distance travelled.
        const auto u = f.tangent(x, T(1));
        T previous = RankingKey<M>::key(m, ConstRow<T>(x), ConstRow<T>(x));
        for (double t : {0.01, 0.05, 0.2, 0.5, 1.0, 2.0}) {
          auto ut = u;
          for (T& v : ut)
            v *= T(t);
          auto y = f.zeros();
          m.expmap(x, ut, y);
          const T k = RankingKey<M>::key(m, ConstRow<T>(x), ConstRow<T>(y));
          CHECK(k > previous);
          previous = k;
        }
      }
    }
}

TEST_CASE_TEMPLATE("batched ranking keys equal the scalar key bit for bit", M, PoincareBall<float>,
                   PoincareBall<double>, Lorentz<float>, Lorentz<double>, Euclidean<float>,
                   Euclidean<double>) {
  using T = typename M::scalar;
  for (double c : {0.5, 1.0, 3.0}) {
    CAPTURE(c);
    const index_t n = 7, d = M::ambient_dim(n);
    Fixture<M> f(make<M>(c), n, 23);
    const std::size_t rows = 37;
    std::vector<T> x;
    for (std::size_t r = 0; r < rows; ++r) {
      const auto p = f.point(T(0.1 * double(r % 9)));
      x.insert(x.end(), p.begin(), p.end());
    }
    const cpu::RankingKeys<M> keys(f.m, rows, std::size_t(d), x);
    std::vector<T> out(rows);
    for (std::size_t u = 0; u < rows; ++u) {
      keys(u, out);
      for (std::size_t w = 0; w < rows; ++w) {
        const T want = RankingKey<M>::key(f.m, ConstRow<T>(x.data() + u * d, d),
                                          ConstRow<T>(x.data() + w * d, d));
        CHECK(out[w] == want);
      }
    }
    CHECK_THROWS_AS(keys(rows, out), std::invalid_argument);
    CHECK_THROWS_AS(cpu::RankingKeys<M>(f.m, rows + 1, std::size_t(d), x), std::invalid_argument);
  }
}

TEST_CASE("ball ranking weight: finite on and beyond the boundary") {
  const PoincareBall<double> m(2.0);
  std::vector<double> y = {1 / std::sqrt(2.0), 0.0};  // c|y|^2 = 1 (to rounding)
  const double w = RankingKey<PoincareBall<double>>::weight(m, ConstRow<double>(y.data(), 2));
  CHECK(std::isfinite(w));
  CHECK(w > 0);
  y[0] = 2.0;
  CHECK(std::isfinite(RankingKey<PoincareBall<double>>::weight(m, ConstRow<double>(y.data(), 2))));
}
