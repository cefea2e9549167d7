#pragma once
// Batched primitives over N x d row-major batches (see rows.hpp for what
// converts to Rows), float or double, for every manifold:
//
//   cpu::expmap(m, x, u, out);      // out.row(i) = m.expmap(x.row(i), u.row(i))
//   cpu::dist(m, x, y, dists);      // dists[i]   = m.dist(x.row(i), y.row(i))
//
// Each call validates the shapes (std::invalid_argument naming the bad
// argument), then runs one fused pass per row - SIMD reductions, the core's
// coefficient function, a SIMD combination (RowKernels<M>) - with threads
// across rows and no allocation. A manifold without RowKernels (or a
// primitive without a kernel) runs its scalar member function per row.
// Outputs may be the very same rows as an input (not a partial overlap).
// Per-row results equal the scalar path up to the rounding of a different
// summation order.

#include <cstdint>
#include <algorithm>
#include <span>

#include "euclidean_rows.hpp"
#include "lorentz_rows.hpp"
#include "parallel.hpp"
#include "poincare_rows.hpp"
#include "shape_checks.hpp"
#include "sphere_rows.hpp"

namespace hyperbolic::cpu {

namespace detail {
// out[r] = finish(argument(r)) for r in [0, n): argument runs per row (the
// row reductions and a few flops), finish (one transcendental) runs on SIMD
// registers across blocks of 16 rows - per row it would cost more than
// moving a row of 64 floats. Threads take whole blocks. A row whose argument
// is not finite (overflow far out, or a row the argument declines) takes
// fallback(r), the row kernel, instead.
template <class T, class Argument, class Finish, class Fallback>
void blocked_rows(index_t n, index_t d, std::span<T> out, Argument argument, Finish finish,
                  Fallback fallback) {
  using B = simd::batch<T>;
  constexpr index_t block = 16, lanes = static_cast<index_t>(B::size);
  static_assert(block % lanes == 0);
  for_each_row((n + block - 1) / block, d * block, [&](index_t b) {
    const index_t r0 = b * block, count = std::min(block, n - r0);
    alignas(64) T t[block] = {};
    std::uint32_t special = 0;
    for (index_t k = 0; k < count; ++k) {
      t[k] = argument(r0 + k);
      if (!math::isfinite(t[k])) {
        special |= std::uint32_t(1) << k;
        t[k] = T(0);
      }
    }
    for (index_t k = 0; k < block; k += lanes)
      finish(B::load_aligned(t + k)).store_aligned(t + k);
    for (index_t k = 0; k < count; ++k)
      out[std::size_t(r0 + k)] = (special >> k) & 1u ? fallback(r0 + k) : t[k];
  });
}
}  // namespace detail

template <class M>
using S = typename M::scalar;

template <class M>
requires requires(const M& mm) {
  mm.dist(ConstRow<S<M>>{}, ConstRow<S<M>>{});
}
void dist(const M& m, Rows<const S<M>> x, Rows<const S<M>> y, std::span<S<M>> out) {
  using K = RowKernels<M>;
  using T = S<M>;
  const index_t n = detail::check_batch("dist", {detail::in("x", x), detail::in("y", y)},
                                        {detail::len("out", out)});
  const index_t d = x.cols();
  if constexpr (requires { K::dist_asinh_argument(m, x.ptr(0), y.ptr(0), d); }) {
    // The transcendental step on SIMD registers across rows (see
    // detail::blocked_rows); curvature 0 takes the row kernel below.
    if (m.c() > T(0)) {
      const T two_over_s = T(2) / math::sqrt(m.c());
      detail::blocked_rows<T>(
          n, d, out, [&](index_t r) { return K::dist_asinh_argument(m, x.ptr(r), y.ptr(r), d); },
          [&](auto t) { return decltype(t)(two_over_s) * xsimd::asinh(t); },
          [&](index_t r) { return K::dist(m, x.ptr(r), y.ptr(r), d); });
      return;
    }
  }
  for_each_row(n, d, [&](index_t i) {
    if constexpr (requires { K::dist(m, x.ptr(i), y.ptr(i), d); })
      out[i] = K::dist(m, x.ptr(i), y.ptr(i), d);
    else
      out[i] = m.dist(x.row(i), y.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.dist0(ConstRow<S<M>>{});
}
void dist0(const M& m, Rows<const S<M>> x, std::span<S<M>> out) {
  using K = RowKernels<M>;
  using T = S<M>;
  const index_t n = detail::check_batch("dist0", {detail::in("x", x)}, {detail::len("out", out)});
  const index_t d = x.cols();
  if constexpr (requires { K::dist0_argument(m, x.ptr(0), d); }) {
    if (m.c() >
        T(0)) {  // ball: (1/s) log1p(u) (= (2/s) artanh(s|x|)); hyperboloid: (1/s) asinh(s|x_s|)
      const T s = math::sqrt(m.c());
      const auto argument = [&](index_t r) { return K::dist0_argument(m, x.ptr(r), d); };
      const auto fallback = [&](index_t r) { return K::dist0(m, x.ptr(r), d); };
      if constexpr (model_kind_v<M> == ModelKind::poincare)
        detail::blocked_rows<T>(
            n, d, out, argument, [&](auto t) { return decltype(t)(T(1) / s) * xsimd::log1p(t); },
            fallback);
      else
        detail::blocked_rows<T>(
            n, d, out, argument, [&](auto t) { return decltype(t)(T(1) / s) * xsimd::asinh(t); },
            fallback);
      return;
    }
  }
  for_each_row(n, d, [&](index_t i) {
    if constexpr (requires { K::dist0(m, x.ptr(i), d); })
      out[i] = K::dist0(m, x.ptr(i), d);
    else
      out[i] = m.dist0(x.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.expmap(ConstRow<S<M>>{}, ConstRow<S<M>>{}, Row<S<M>>{});
}
void expmap(const M& m, Rows<const S<M>> x, Rows<const S<M>> u, Rows<S<M>> out) {
  using K = RowKernels<M>;
  const index_t n = detail::check_batch(
      "expmap", {detail::in("x", x), detail::in("u", u), detail::out("out", out)}, {});
  const index_t d = x.cols();
  for_each_row(n, d, [&](index_t i) {
    if constexpr (requires { K::expmap(m, x.ptr(i), u.ptr(i), out.ptr(i), d); })
      K::expmap(m, x.ptr(i), u.ptr(i), out.ptr(i), d);
    else
      m.expmap(x.row(i), u.row(i), out.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.expmap0(ConstRow<S<M>>{}, Row<S<M>>{});
}
void expmap0(const M& m, Rows<const S<M>> u, Rows<S<M>> out) {
  using K = RowKernels<M>;
  const index_t n =
      detail::check_batch("expmap0", {detail::in("u", u), detail::out("out", out)}, {});
  const index_t d = u.cols();
  for_each_row(n, d, [&](index_t i) {
    if constexpr (requires { K::expmap0(m, u.ptr(i), out.ptr(i), d); })
      K::expmap0(m, u.ptr(i), out.ptr(i), d);
    else
      m.expmap0(u.row(i), out.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.logmap(ConstRow<S<M>>{}, ConstRow<S<M>>{}, Row<S<M>>{});
}
void logmap(const M& m, Rows<const S<M>> x, Rows<const S<M>> y, Rows<S<M>> out) {
  using K = RowKernels<M>;
  const index_t n = detail::check_batch(
      "logmap", {detail::in("x", x), detail::in("y", y), detail::out("out", out)}, {});
  const index_t d = x.cols();
  for_each_row(n, d, [&](index_t i) {
    if constexpr (requires { K::logmap(m, x.ptr(i), y.ptr(i), out.ptr(i), d); })
      K::logmap(m, x.ptr(i), y.ptr(i), out.ptr(i), d);
    else
      m.logmap(x.row(i), y.row(i), out.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.logmap0(ConstRow<S<M>>{}, Row<S<M>>{});
}
void logmap0(const M& m, Rows<const S<M>> y, Rows<S<M>> out) {
  using K = RowKernels<M>;
  const index_t n =
      detail::check_batch("logmap0", {detail::in("y", y), detail::out("out", out)}, {});
  const index_t d = y.cols();
  for_each_row(n, d, [&](index_t i) {
    if constexpr (requires { K::logmap0(m, y.ptr(i), out.ptr(i), d); })
      K::logmap0(m, y.ptr(i), out.ptr(i), d);
    else
      m.logmap0(y.row(i), out.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.projx(ConstRow<S<M>>{}, Row<S<M>>{});
}
void projx(const M& m, Rows<const S<M>> x, Rows<S<M>> out) {
  using K = RowKernels<M>;
  const index_t n = detail::check_batch("projx", {detail::in("x", x), detail::out("out", out)}, {});
  const index_t d = x.cols();
  for_each_row(n, d, [&](index_t i) {
    if constexpr (requires { K::projx(m, x.ptr(i), out.ptr(i), d); })
      K::projx(m, x.ptr(i), out.ptr(i), d);
    else
      m.projx(x.row(i), out.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.proju(ConstRow<S<M>>{}, ConstRow<S<M>>{}, Row<S<M>>{});
}
void proju(const M& m, Rows<const S<M>> x, Rows<const S<M>> u, Rows<S<M>> out) {
  using K = RowKernels<M>;
  const index_t n = detail::check_batch(
      "proju", {detail::in("x", x), detail::in("u", u), detail::out("out", out)}, {});
  const index_t d = x.cols();
  for_each_row(n, d, [&](index_t i) {
    if constexpr (requires { K::proju(m, x.ptr(i), u.ptr(i), out.ptr(i), d); })
      K::proju(m, x.ptr(i), u.ptr(i), out.ptr(i), d);
    else
      m.proju(x.row(i), u.row(i), out.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.egrad2rgrad(ConstRow<S<M>>{}, ConstRow<S<M>>{}, Row<S<M>>{});
}
void egrad2rgrad(const M& m, Rows<const S<M>> x, Rows<const S<M>> g, Rows<S<M>> out) {
  using K = RowKernels<M>;
  const index_t n = detail::check_batch(
      "egrad2rgrad", {detail::in("x", x), detail::in("g", g), detail::out("out", out)}, {});
  const index_t d = x.cols();
  for_each_row(n, d, [&](index_t i) {
    if constexpr (requires { K::egrad2rgrad(m, x.ptr(i), g.ptr(i), out.ptr(i), d); })
      K::egrad2rgrad(m, x.ptr(i), g.ptr(i), out.ptr(i), d);
    else
      m.egrad2rgrad(x.row(i), g.row(i), out.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.transp(ConstRow<S<M>>{}, ConstRow<S<M>>{}, ConstRow<S<M>>{}, Row<S<M>>{});
}
void transp(const M& m, Rows<const S<M>> x, Rows<const S<M>> y, Rows<const S<M>> v,
            Rows<S<M>> out) {
  using K = RowKernels<M>;
  const index_t n = detail::check_batch(
      "transp",
      {detail::in("x", x), detail::in("y", y), detail::in("v", v), detail::out("out", out)}, {});
  const index_t d = x.cols();
  for_each_row(n, d, [&](index_t i) {
    if constexpr (requires { K::transp(m, x.ptr(i), y.ptr(i), v.ptr(i), out.ptr(i), d); })
      K::transp(m, x.ptr(i), y.ptr(i), v.ptr(i), out.ptr(i), d);
    else
      m.transp(x.row(i), y.row(i), v.row(i), out.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.mobius_add(ConstRow<S<M>>{}, ConstRow<S<M>>{}, Row<S<M>>{});
}
void mobius_add(const M& m, Rows<const S<M>> x, Rows<const S<M>> y, Rows<S<M>> out) {
  using K = RowKernels<M>;
  const index_t n = detail::check_batch(
      "mobius_add", {detail::in("x", x), detail::in("y", y), detail::out("out", out)}, {});
  const index_t d = x.cols();
  for_each_row(n, d, [&](index_t i) {
    if constexpr (requires { K::mobius_add(m, x.ptr(i), y.ptr(i), out.ptr(i), d); })
      K::mobius_add(m, x.ptr(i), y.ptr(i), out.ptr(i), d);
    else
      m.mobius_add(x.row(i), y.row(i), out.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.mobius_scalar_mul(S<M>{}, ConstRow<S<M>>{}, Row<S<M>>{});
}
void mobius_scalar_mul(const M& m, S<M> r, Rows<const S<M>> x, Rows<S<M>> out) {
  using K = RowKernels<M>;
  const index_t n =
      detail::check_batch("mobius_scalar_mul", {detail::in("x", x), detail::out("out", out)}, {});
  const index_t d = x.cols();
  for_each_row(n, d, [&](index_t i) {
    if constexpr (requires { K::mobius_scalar_mul(m, r, x.ptr(i), out.ptr(i), d); })
      K::mobius_scalar_mul(m, r, x.ptr(i), out.ptr(i), d);
    else
      m.mobius_scalar_mul(r, x.row(i), out.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.dist2plane(ConstRow<S<M>>{}, ConstRow<S<M>>{}, ConstRow<S<M>>{});
}
void dist2plane(const M& m, Rows<const S<M>> x, Rows<const S<M>> p, Rows<const S<M>> a,
                std::span<S<M>> out) {
  using K = RowKernels<M>;
  const index_t n = detail::check_batch(
      "dist2plane", {detail::in("x", x), detail::in("p", p), detail::in("a", a)},
      {detail::len("out", out)});
  const index_t d = x.cols();
  for_each_row(n, d, [&](index_t i) {
    if constexpr (requires { K::dist2plane(m, x.ptr(i), p.ptr(i), a.ptr(i), d); })
      out[i] = K::dist2plane(m, x.ptr(i), p.ptr(i), a.ptr(i), d);
    else
      out[i] = m.dist2plane(x.row(i), p.row(i), a.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.dist2plane(ConstRow<S<M>>{}, ConstRow<S<M>>{});
}
void dist2plane(const M& m, Rows<const S<M>> x, Rows<const S<M>> a, std::span<S<M>> out) {
  using K = RowKernels<M>;
  const index_t n = detail::check_batch("dist2plane", {detail::in("x", x), detail::in("a", a)},
                                        {detail::len("out", out)});
  const index_t d = x.cols();
  for_each_row(n, d, [&](index_t i) {
    if constexpr (requires { K::dist2plane(m, x.ptr(i), a.ptr(i), d); })
      out[i] = K::dist2plane(m, x.ptr(i), a.ptr(i), d);
    else
      out[i] = m.dist2plane(x.row(i), a.row(i));
  });
}
}  // namespace hyperbolic::cpu
