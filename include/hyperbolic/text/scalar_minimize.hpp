#pragma once
// Small derivative-free minimisers for the likelihood fits: Brent's method in
// one dimension and Nelder–Mead in a few. Likelihoods here are smooth and
// unimodal in a bracket, which is all these need.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

namespace hyperbolic::text {

struct Minimum1D {
  double x;
  double value;
};

// Brent's minimisation (golden section + parabolic steps) of f on [lo, hi].
template <class F>
Minimum1D brent_minimize(F&& f, double lo, double hi, double tolerance = 1e-10,
                         int max_iterations = 200) {
  const double golden = 0.3819660112501051;
  double a = lo, b = hi;
  double x = a + golden * (b - a), w = x, v = x;
  double fx = f(x), fw = fx, fv = fx;
  double d = 0.0, e = 0.0;
  for (int it = 0; it < max_iterations; ++it) {
    const double m = 0.5 * (a + b);
    const double tol1 = tolerance * std::fabs(x) + 1e-12;
    const double tol2 = 2.0 * tol1;
    if (std::fabs(x - m) <= tol2 - 0.5 * (b - a)) break;
    bool parabolic = false;
    if (std::fabs(e) > tol1) {
      double r = (x - w) * (fx - fv);
      double q = (x - v) * (fx - fw);
      double p = (x - v) * q - (x - w) * r;
      q = 2.0 * (q - r);
      if (q > 0) p = -p;
      q = std::fabs(q);
      if (std::fabs(p) < std::fabs(0.5 * q * e) && p > q * (a - x) && p < q * (b - x)) {
        e = d;
        d = p / q;
        const double u = x + d;
        if (u - a < tol2 || b - u < tol2) d = (x < m) ? tol1 : -tol1;
        parabolic = true;
      }
    }
    if (!parabolic) {
      e = (x < m) ? b - x : a - x;
      d = golden * e;
    }
    const double u = std::fabs(d) >= tol1 ? x + d : x + (d > 0 ? tol1 : -tol1);
    const double fu = f(u);
    if (fu <= fx) {
      if (u < x)
        b = x;
      else
        a = x;
      v = w, fv = fw, w = x, fw = fx, x = u, fx = fu;
    } else {
      if (u < x)
        a = u;
      else
        b = u;
      if (fu <= fw || w == x) {
        v = w, fv = fw, w = u, fw = fu;
      } else if (fu <= fv || v == x || v == w) {
        v = u, fv = fu;
      }
    }
  }
  return {x, fx};
}

template <std::size_t N>
struct MinimumND {
  std::array<double, N> x;
  double value;
};

// Nelder–Mead simplex minimisation from `start` with initial step `step`.
// Non-finite function values count as +infinity, so f may reject a region.
template <std::size_t N, class F>
MinimumND<N> nelder_mead_minimize(F&& f, std::array<double, N> start, std::array<double, N> step,
                                  int max_evaluations = 2000, double tolerance = 1e-10) {
  using Point = std::array<double, N>;
  auto eval = [&](const Point& p) {
    const double value = f(p);
    return std::isfinite(value) ? value : std::numeric_limits<double>::infinity();
  };
  std::array<Point, N + 1> simplex;
  std::array<double, N + 1> values;
  simplex[0] = start;
  for (std::size_t i = 0; i < N; ++i) {
    simplex[i + 1] = start;
    simplex[i + 1][i] += step[i];
  }
  int evaluations = 0;
  for (std::size_t i = 0; i <= N; ++i)
    values[i] = eval(simplex[i]), ++evaluations;
  std::array<std::size_t, N + 1> order;
  while (evaluations < max_evaluations) {
    for (std::size_t i = 0; i <= N; ++i)
      order[i] = i;
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return values[a] < values[b]; });
    const std::size_t best = order[0], worst = order[N], second_worst = order[N - 1];
    const double spread = std::fabs(values[worst] - values[best]);
    if (std::isfinite(values[worst]) &&
        spread <= tolerance * (std::fabs(values[best]) + tolerance)) {
      break;
    }
    Point centroid{};
    for (std::size_t i = 0; i <= N; ++i) {
      if (i == worst) continue;
      for (std::size_t k = 0; k < N; ++k)
        centroid[k] += simplex[i][k] / N;
    }
    auto along = [&](double t) {
      Point p;
      for (std::size_t k = 0; k < N; ++k)
        p[k] = centroid[k] + t * (simplex[worst][k] - centroid[k]);
      return p;
    };
    const Point reflected = along(-1.0);
    const double f_reflected = eval(reflected);
    ++evaluations;
    if (f_reflected < values[best]) {
      const Point expanded = along(-2.0);
      const double f_expanded = eval(expanded);
      ++evaluations;
      if (f_expanded < f_reflected) {
        simplex[worst] = expanded, values[worst] = f_expanded;
      } else {
        simplex[worst] = reflected, values[worst] = f_reflected;
      }
      continue;
    }
    if (f_reflected < values[second_worst]) {
      simplex[worst] = reflected, values[worst] = f_reflected;
      continue;
    }
    const Point contracted = f_reflected < values[worst] ? along(-0.5) : along(0.5);
    const double f_contracted = eval(contracted);
    ++evaluations;
    if (f_contracted < std::min(f_reflected, values[worst])) {
      simplex[worst] = contracted, values[worst] = f_contracted;
      continue;
    }
    // Shrink towards the best point.
    for (std::size_t i = 0; i <= N; ++i) {
      if (i == best) continue;
      for (std::size_t k = 0; k < N; ++k)
        simplex[i][k] = simplex[best][k] + 0.5 * (simplex[i][k] - simplex[best][k]);
      values[i] = eval(simplex[i]);
      ++evaluations;
    }
  }
  std::size_t best = 0;
  for (std::size_t i = 1; i <= N; ++i)
    if (values[i] < values[best]) best = i;
  return {simplex[best], values[best]};
}

}  // namespace hyperbolic::text
