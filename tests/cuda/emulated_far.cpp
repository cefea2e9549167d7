// Backends agree past the comfortable domain: pairs drawn as in tools/accuracy
// (points at distance r from the origin in high precision, then rounded to
// the type), out to where the ball's points round onto its boundary and the
// hyperboloid's coordinates overflow; close pairs, far pairs and one point near
// the origin with one far out. The CPU batched kernels and the CUDA row
// kernels (emulated on the CPU) must classify every distance as the scalar
// path does (finite / inf / NaN), return exactly 0 for x = y, and agree with
// it within 64 eps relative (different summation orders and the SIMD asinh /
// log1p: a few ulp; the bound leaves room for the 768-term rows) plus twice
// the scalar path's own spread when every input coordinate moves by one ulp
// (close pairs far out are that ill-conditioned: another summation order is
// an ulp-level change of the inputs).
#include <hyperbolic/cpu/batched.hpp>
#include <hyperbolic/cpu/batched_backward.hpp>
#include <hyperbolic/cuda/batched.cuh>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "emulation_support.hpp"

namespace {

using namespace hyperbolic;
using namespace hyperbolic::cuda_testing;
using LD = long double;

enum class Kind { far, close, mixed, same };

template <class T>
struct Pairs {
  HostBatch<T> x, y;
};

// Rows at hyperbolic distance r (c = 1) in the ball or on the hyperboloid.
template <class M, class T>
Pairs<T> draw_pairs(index_t rows, index_t n, double r_max, std::uint64_t seed) {
  constexpr bool lorentz = std::is_same_v<M, Lorentz<T>>;
  const index_t d = M::ambient_dim(n);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  std::normal_distribution<double> normal;
  const auto point = [&](LD r, std::vector<LD>& dir, std::vector<T>& out) {
    if constexpr (lorentz) {
      out[0] = static_cast<T>(std::cosh(r));
      for (index_t j = 1; j < d; ++j)
        out[j] = static_cast<T>(std::sinh(r) * dir[j - 1]);
    } else {
      for (index_t j = 0; j < d; ++j)
        out[j] = static_cast<T>(std::tanh(r / 2) * dir[j]);
    }
  };
  Pairs<T> p{HostBatch<T>(rows, d), HostBatch<T>(rows, d)};
  std::vector<T> a(d), b(d);
  for (index_t i = 0; i < rows; ++i) {
    const Kind kind = static_cast<Kind>(i % 4);
    for (int attempt = 0;; ++attempt) {
      std::vector<LD> u(n), v(n);
      LD nu = 0, nv = 0;
      for (index_t j = 0; j < n; ++j) {
        u[j] = normal(rng);
        v[j] = normal(rng);
        nu += u[j] * u[j];
        nv += v[j] * v[j];
      }
      for (index_t j = 0; j < n; ++j) {
        u[j] /= std::sqrt(nu);
        v[j] /= std::sqrt(nv);
      }
      const LD r1 = std::exp(unit(rng) * std::log(r_max));
      LD r2 = std::exp(unit(rng) * std::log(r_max));
      if (kind == Kind::mixed) r2 = 1e-3L * (1 + unit(rng));
      if (kind == Kind::close || kind == Kind::same) {
        r2 = r1 * (1 + 1e-6L * unit(rng));
        const LD t = 1e-4L * unit(rng);
        for (index_t j = 0; j < n; ++j)
          v[j] = u[j] + t * v[j];
        nv = 0;
        for (index_t j = 0; j < n; ++j)
          nv += v[j] * v[j];
        for (index_t j = 0; j < n; ++j)
          v[j] /= std::sqrt(nv);
      }
      point(r1, u, a);
      if (kind == Kind::same)
        b = a;
      else
        point(r2, v, b);
      bool ok = true;
      if constexpr (!lorentz)
        ok = PoincareBall<T>(T(1)).check_point(a) && PoincareBall<T>(T(1)).check_point(b);
      for (index_t j = 0; j < d; ++j)
        ok = ok && std::isfinite(a[j]) && std::isfinite(b[j]);
      if (ok || attempt > 100) break;
    }
    for (index_t j = 0; j < d; ++j) {
      p.x.set(i, j, a[j]);
      p.y.set(i, j, b[j]);
    }
  }
  return p;
}

template <class T>
int category(T v) {
  return std::isnan(v) ? 2 : std::isinf(v) ? 1 : 0;
}

template <class M>
void check_backends_agree(const M& m, index_t n, double r_max) {
  using T = typename M::scalar;
  const index_t rows = 64;
  const auto p = draw_pairs<M, T>(rows, n, r_max, 7 + static_cast<std::uint64_t>(n));
  Batch<T> x(p.x), y(p.y);
  Buffer<T> gpu(static_cast<std::size_t>(rows)), gpu0(static_cast<std::size_t>(rows));
  cuda::dist(m, x.cview(), y.cview(), gpu.data());
  cuda::dist0(m, x.cview(), gpu0.data());
  std::vector<T> cpu_out(rows), cpu0(rows);
  const auto X = x.cview(), Y = y.cview();
  cpu::dist(m, cpu::Rows<const T>(X), cpu::Rows<const T>(Y), std::span<T>(cpu_out));
  cpu::dist0(m, cpu::Rows<const T>(X), std::span<T>(cpu0));
  const auto g = gpu.download(), g0 = gpu0.download();
  const double tol = 64 * std::numeric_limits<T>::epsilon();
  std::mt19937_64 flips(99);
  for (index_t i = 0; i < rows; ++i) {
    const auto xr = p.x.row(i), yr = p.y.row(i);
    const T want = m.dist(xr, yr), want0 = m.dist0(xr);
    // The scalar path's spread under one-ulp moves of every coordinate.
    double spread = 0, spread0 = 0;
    for (int pass = 0; pass < 4; ++pass) {
      auto xm = xr, ym = yr;
      for (auto* v : {&xm, &ym})
        for (auto& e : *v)
          e = std::nextafter(e, (flips() & 1) ? std::numeric_limits<T>::infinity()
                                              : -std::numeric_limits<T>::infinity());
      spread = std::max(spread, std::abs(double(m.dist(xm, ym)) - double(want)));
      spread0 = std::max(spread0, std::abs(double(m.dist0(xm)) - double(want0)));
    }
    INFO(std::string(M::name) << " " << sizeof(T) * 8 << "-bit n=" << n << " row " << i << " kind "
                              << i % 4 << ": scalar " << want << " cpu " << cpu_out[i] << " cuda "
                              << g[i] << " | dist0 scalar " << want0 << " cpu " << cpu0[i]
                              << " cuda " << g0[i]);
    CHECK(category(want) == 0);  // in-domain inputs: finite
    CHECK(category(cpu_out[i]) == category(want));
    CHECK(category(g[i]) == category(want));
    CHECK(category(cpu0[i]) == category(want0));
    CHECK(category(g0[i]) == category(want0));
    if (xr == yr) {
      CHECK(want == 0);
      CHECK(cpu_out[i] == 0);
      CHECK(g[i] == 0);
    }
    if (category(want) == 0) {
      const double bound = tol * std::abs(double(want)) + 2 * spread;
      CHECK(std::abs(double(cpu_out[i]) - double(want)) <= bound);
      CHECK(std::abs(double(g[i]) - double(want)) <= bound);
    }
    if (category(want0) == 0) {
      const double bound0 = tol * std::abs(double(want0)) + 2 * spread0;
      CHECK(std::abs(double(cpu0[i]) - double(want0)) <= bound0);
      CHECK(std::abs(double(g0[i]) - double(want0)) <= bound0);
    }
  }
}

TEST_CASE("backends agree with the scalar path out to the edge of the float range") {
  for (const index_t n : {2, 16, 64, 768}) {
    check_backends_agree(PoincareBall<float>(1.0f), n, 32);
    check_backends_agree(PoincareBall<double>(1.0), n, 72);
    check_backends_agree(Lorentz<float>(1.0f), n, 85);
    check_backends_agree(Lorentz<double>(1.0), n, 700);
  }
}

// Vector-valued primitives far out: the CPU batched kernels and the CUDA row
// kernels against the scalar path, normwise: the same finite / non-finite
// classification, and max_i |out_i - scalar_i| within 512 eps of max_i
// |scalar_i| plus four times the scalar path's spread under one-ulp moves of
// every input coordinate (four random moves underestimate the worst one).
// 512 eps, not 64: far out these outputs are combinations of terms up to
// ~100x larger than the result (logmap_backward's b g - through_diff, the
// transport's v + k (x + y)), whose roundings depend on the summation order.
template <class T>
using Outputs = std::vector<std::vector<T>>;

template <class T>
double max_abs(const std::vector<T>& v) {
  double m = 0;
  for (const T e : v)
    m = std::max(m, std::abs(double(e)));
  return m;
}
template <class T>
double max_diff(const std::vector<T>& a, const std::vector<T>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    m = std::max(m, std::abs(double(a[i]) - double(b[i])));
  return m;
}
template <class T>
bool all_finite(const std::vector<T>& v) {
  for (const T e : v)
    if (!std::isfinite(e)) return false;
  return true;
}

// scalar(inputs) -> output row; the batched results are given per row.
template <class T, class Scalar>
void check_rows_agree(const std::string& what, const std::vector<Outputs<T>>& inputs,
                      const Scalar& scalar, const Outputs<T>& cpu, const Outputs<T>& gpu) {
  const double tol = 512 * std::numeric_limits<T>::epsilon();
  std::mt19937_64 flips(5);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::vector<T> want = scalar(inputs[i]);
    double spread = 0;
    for (int pass = 0; pass < 4; ++pass) {
      auto moved = inputs[i];
      for (auto& v : moved)
        for (auto& e : v)
          e = std::nextafter(e, (flips() & 1) ? std::numeric_limits<T>::infinity()
                                              : -std::numeric_limits<T>::infinity());
      const auto o = scalar(moved);
      if (all_finite(o)) spread = std::max(spread, max_diff(o, want));
    }
    INFO(what << " row " << i << " kind " << i % 4 << ": |scalar| " << max_abs(want) << " cpu diff "
              << max_diff(cpu[i], want) << " cuda diff " << max_diff(gpu[i], want) << " spread "
              << spread);
    CHECK(all_finite(cpu[i]) == all_finite(want));
    CHECK(all_finite(gpu[i]) == all_finite(want));
    if (!all_finite(want)) continue;
    const double bound = tol * max_abs(want) + 4 * spread;
    CHECK(max_diff(cpu[i], want) <= bound);
    CHECK(max_diff(gpu[i], want) <= bound);
  }
}

template <class T>
Outputs<T> rows_of(const HostBatch<T>& b) {
  Outputs<T> out;
  for (index_t i = 0; i < b.rows; ++i)
    out.push_back(b.row(i));
  return out;
}

template <class T>
void check_lorentz_maps(index_t n, double r_max) {
  const Lorentz<T> m(T(1));
  const index_t rows = 64, d = n + 1;
  const auto p = draw_pairs<Lorentz<T>, T>(rows, n, r_max, 31 + static_cast<std::uint64_t>(n));
  // Tangent vectors at x (unit Riemannian norm) and upstream gradients.
  std::mt19937_64 rng(17);
  std::normal_distribution<double> normal;
  HostBatch<T> v(rows, d), g(rows, d);
  for (index_t i = 0; i < rows; ++i) {
    std::vector<T> raw(d), tan(d);
    for (auto& e : raw)
      e = static_cast<T>(normal(rng));
    const auto x = p.x.row(i);
    m.proju(x, raw, tan);
    const double nn = std::sqrt(std::max(1e-30, double(m.inner(x, tan, tan))));
    for (index_t j = 0; j < d; ++j) {
      v.set(i, j, static_cast<T>(tan[j] / nn));
      g.set(i, j, static_cast<T>(normal(rng)));
    }
  }
  Batch<T> X(p.x), Y(p.y), V(v), G(g), out(rows, d), out2(rows, d);
  HostBatch<T> cpu_out(rows, d), cpu_out2(rows, d);
  const cpu::Rows<const T> cx(X.cview()), cy(Y.cview()), cv(V.cview()), cg(G.cview());
  std::vector<Outputs<T>> pair_in, triple_in;
  for (index_t i = 0; i < rows; ++i) {
    pair_in.push_back({p.x.row(i), p.y.row(i)});
    triple_in.push_back({p.x.row(i), p.y.row(i), v.row(i)});
  }
  const std::string tag = std::to_string(sizeof(T) * 8) + "-bit n=" + std::to_string(n);
  const auto cpu_view = [](HostBatch<T>& b) {
    return cpu::Rows<T>(MatrixView<T>(b.data.data(), b.rows, b.cols, b.stride));
  };

  cuda::logmap(m, X.cview(), Y.cview(), out.view());
  cpu::logmap(m, cx, cy, cpu_view(cpu_out));
  check_rows_agree<T>(
      "Lorentz logmap " + tag, pair_in,
      [&](const Outputs<T>& z) {
        std::vector<T> o(z[0].size());
        m.logmap(z[0], z[1], o);
        return o;
      },
      rows_of(cpu_out), rows_of(out.fetch()));

  cuda::logmap0(m, Y.cview(), out.view());
  cpu::logmap0(m, cy, cpu_view(cpu_out));
  std::vector<Outputs<T>> single_in;
  for (index_t i = 0; i < rows; ++i)
    single_in.push_back({p.y.row(i)});
  check_rows_agree<T>(
      "Lorentz logmap0 " + tag, single_in,
      [&](const Outputs<T>& z) {
        std::vector<T> o(z[0].size());
        m.logmap0(z[0], o);
        return o;
      },
      rows_of(cpu_out), rows_of(out.fetch()));

  cuda::transp(m, X.cview(), Y.cview(), V.cview(), out.view());
  cpu::transp(m, cx, cy, cv, cpu_view(cpu_out));
  check_rows_agree<T>(
      "Lorentz transp " + tag, triple_in,
      [&](const Outputs<T>& z) {
        std::vector<T> o(z[0].size());
        m.transp(z[0], z[1], z[2], o);
        return o;
      },
      rows_of(cpu_out), rows_of(out.fetch()));

  cuda::mobius_add(m, X.cview(), Y.cview(), out.view());
  cpu::mobius_add(m, cx, cy, cpu_view(cpu_out));
  check_rows_agree<T>(
      "Lorentz mobius_add " + tag, pair_in,
      [&](const Outputs<T>& z) {
        std::vector<T> o(z[0].size());
        m.mobius_add(z[0], z[1], o);
        return o;
      },
      rows_of(cpu_out), rows_of(out.fetch()));

  // logmap_backward: both gradients side by side.
  std::vector<Outputs<T>> back_in;
  for (index_t i = 0; i < rows; ++i)
    back_in.push_back({p.x.row(i), p.y.row(i), g.row(i)});
  cuda::logmap_backward(m, X.cview(), Y.cview(), G.cview(), out.view(), out2.view());
  cpu::logmap_backward(m, cx, cy, cg, cpu_view(cpu_out), cpu_view(cpu_out2));
  const auto joined = [](const HostBatch<T>& a, const HostBatch<T>& b) {
    Outputs<T> o;
    for (index_t i = 0; i < a.rows; ++i) {
      auto r = a.row(i);
      const auto s = b.row(i);
      r.insert(r.end(), s.begin(), s.end());
      o.push_back(r);
    }
    return o;
  };
  check_rows_agree<T>(
      "Lorentz logmap_backward " + tag, back_in,
      [&](const Outputs<T>& z) {
        std::vector<T> gx(z[0].size()), gy(z[0].size());
        m.logmap_backward(z[0], z[1], z[2], gx, gy);
        gx.insert(gx.end(), gy.begin(), gy.end());
        return gx;
      },
      joined(cpu_out, cpu_out2), joined(out.fetch(), out2.fetch()));
}

template <class T>
void check_ball_maps(index_t n, double r_max) {
  const PoincareBall<T> m(T(1));
  const index_t rows = 64;
  const auto p = draw_pairs<PoincareBall<T>, T>(rows, n, r_max, 53 + static_cast<std::uint64_t>(n));
  Batch<T> Y(p.y), out(rows, n);
  HostBatch<T> cpu_out(rows, n);
  cuda::logmap0(m, Y.cview(), out.view());
  cpu::logmap0(m, cpu::Rows<const T>(Y.cview()),
               cpu::Rows<T>(MatrixView<T>(cpu_out.data.data(), rows, n, cpu_out.stride)));
  std::vector<Outputs<T>> single_in;
  for (index_t i = 0; i < rows; ++i)
    single_in.push_back({p.y.row(i)});
  check_rows_agree<T>(
      "Poincare logmap0 " + std::to_string(sizeof(T) * 8) + "-bit n=" + std::to_string(n),
      single_in,
      [&](const Outputs<T>& z) {
        std::vector<T> o(z[0].size());
        m.logmap0(z[0], o);
        return o;
      },
      rows_of(cpu_out), rows_of(out.fetch()));
}

TEST_CASE("maps and their gradients agree across backends out to the edge of the float range") {
  for (const index_t n : {2, 16, 64}) {
    check_lorentz_maps<float>(n, 85);
    check_lorentz_maps<double>(n, 700);
    check_ball_maps<float>(n, 32);
    check_ball_maps<double>(n, 72);
  }
}

}  // namespace
