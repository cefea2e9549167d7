#pragma once
// Batched backward passes (vector-Jacobian products), row by row the same as
// the scalar *_backward members: they overwrite the input gradients and
// return dL/dc summed over the rows. The upstream gradient g is one scalar
// per row for distances and a batch for maps. Gradient outputs may be the
// very same rows as an input.

#include "batched.hpp"

namespace hyperbolic::cpu {

template <class M>
requires requires(const M& mm) {
  mm.dist_backward(ConstRow<S<M>>{}, ConstRow<S<M>>{}, S<M>{}, Row<S<M>>{}, Row<S<M>>{});
}
S<M> dist_backward(const M& m, Rows<const S<M>> x, Rows<const S<M>> y, std::span<const S<M>> g,
                   Rows<S<M>> gx, Rows<S<M>> gy) {
  using K = RowKernels<M>;
  const index_t n = detail::check_batch(
      "dist_backward",
      {detail::in("x", x), detail::in("y", y), detail::out("gx", gx), detail::out("gy", gy)},
      {detail::len("g", g)});
  const index_t d = x.cols();
  return sum_over_rows<S<M>>(n, d, [&](index_t i) {
    if constexpr (requires {
                    K::dist_backward(m, x.ptr(i), y.ptr(i), g[i], gx.ptr(i), gy.ptr(i), d);
                  })
      return K::dist_backward(m, x.ptr(i), y.ptr(i), g[i], gx.ptr(i), gy.ptr(i), d);
    else
      return m.dist_backward(x.row(i), y.row(i), g[i], gx.row(i), gy.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.dist0_backward(ConstRow<S<M>>{}, S<M>{}, Row<S<M>>{});
}
S<M> dist0_backward(const M& m, Rows<const S<M>> x, std::span<const S<M>> g, Rows<S<M>> gx) {
  using K = RowKernels<M>;
  const index_t n = detail::check_batch(
      "dist0_backward", {detail::in("x", x), detail::out("gx", gx)}, {detail::len("g", g)});
  const index_t d = x.cols();
  return sum_over_rows<S<M>>(n, d, [&](index_t i) {
    if constexpr (requires { K::dist0_backward(m, x.ptr(i), g[i], gx.ptr(i), d); })
      return K::dist0_backward(m, x.ptr(i), g[i], gx.ptr(i), d);
    else
      return m.dist0_backward(x.row(i), g[i], gx.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.dist2plane_backward(ConstRow<S<M>>{}, ConstRow<S<M>>{}, ConstRow<S<M>>{}, S<M>{}, Row<S<M>>{},
                         Row<S<M>>{}, Row<S<M>>{});
}
S<M> dist2plane_backward(const M& m, Rows<const S<M>> x, Rows<const S<M>> p, Rows<const S<M>> a,
                         std::span<const S<M>> g, Rows<S<M>> gx, Rows<S<M>> gp, Rows<S<M>> ga) {
  using K = RowKernels<M>;
  const index_t n =
      detail::check_batch("dist2plane_backward",
                          {detail::in("x", x), detail::in("p", p), detail::in("a", a),
                           detail::out("gx", gx), detail::out("gp", gp), detail::out("ga", ga)},
                          {detail::len("g", g)});
  const index_t d = x.cols();
  return sum_over_rows<S<M>>(n, d, [&](index_t i) {
    if constexpr (requires {
                    K::dist2plane_backward(m, x.ptr(i), p.ptr(i), a.ptr(i), g[i], gx.ptr(i),
                                           gp.ptr(i), ga.ptr(i), d);
                  })
      return K::dist2plane_backward(m, x.ptr(i), p.ptr(i), a.ptr(i), g[i], gx.ptr(i), gp.ptr(i),
                                    ga.ptr(i), d);
    else
      return m.dist2plane_backward(x.row(i), p.row(i), a.row(i), g[i], gx.row(i), gp.row(i),
                                   ga.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.dist2plane_backward(ConstRow<S<M>>{}, ConstRow<S<M>>{}, S<M>{}, Row<S<M>>{}, Row<S<M>>{});
}
S<M> dist2plane_backward(const M& m, Rows<const S<M>> x, Rows<const S<M>> a,
                         std::span<const S<M>> g, Rows<S<M>> gx, Rows<S<M>> ga) {
  using K = RowKernels<M>;
  const index_t n = detail::check_batch(
      "dist2plane_backward",
      {detail::in("x", x), detail::in("a", a), detail::out("gx", gx), detail::out("ga", ga)},
      {detail::len("g", g)});
  const index_t d = x.cols();
  return sum_over_rows<S<M>>(n, d, [&](index_t i) {
    if constexpr (requires {
                    K::dist2plane_backward(m, x.ptr(i), a.ptr(i), g[i], gx.ptr(i), ga.ptr(i), d);
                  })
      return K::dist2plane_backward(m, x.ptr(i), a.ptr(i), g[i], gx.ptr(i), ga.ptr(i), d);
    else
      return m.dist2plane_backward(x.row(i), a.row(i), g[i], gx.row(i), ga.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.expmap_backward(ConstRow<S<M>>{}, ConstRow<S<M>>{}, ConstRow<S<M>>{}, Row<S<M>>{},
                     Row<S<M>>{});
}
S<M> expmap_backward(const M& m, Rows<const S<M>> x, Rows<const S<M>> u, Rows<const S<M>> g,
                     Rows<S<M>> gx, Rows<S<M>> gu) {
  using K = RowKernels<M>;
  const index_t n = detail::check_batch("expmap_backward",
                                        {detail::in("x", x), detail::in("u", u), detail::in("g", g),
                                         detail::out("gx", gx), detail::out("gu", gu)},
                                        {});
  const index_t d = x.cols();
  return sum_over_rows<S<M>>(n, d, [&](index_t i) {
    if constexpr (requires {
                    K::expmap_backward(m, x.ptr(i), u.ptr(i), g.ptr(i), gx.ptr(i), gu.ptr(i), d);
                  })
      return K::expmap_backward(m, x.ptr(i), u.ptr(i), g.ptr(i), gx.ptr(i), gu.ptr(i), d);
    else
      return m.expmap_backward(x.row(i), u.row(i), g.row(i), gx.row(i), gu.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.expmap0_backward(ConstRow<S<M>>{}, ConstRow<S<M>>{}, Row<S<M>>{});
}
S<M> expmap0_backward(const M& m, Rows<const S<M>> u, Rows<const S<M>> g, Rows<S<M>> gu) {
  using K = RowKernels<M>;
  const index_t n = detail::check_batch(
      "expmap0_backward", {detail::in("u", u), detail::in("g", g), detail::out("gu", gu)}, {});
  const index_t d = u.cols();
  return sum_over_rows<S<M>>(n, d, [&](index_t i) {
    if constexpr (requires { K::expmap0_backward(m, u.ptr(i), g.ptr(i), gu.ptr(i), d); })
      return K::expmap0_backward(m, u.ptr(i), g.ptr(i), gu.ptr(i), d);
    else
      return m.expmap0_backward(u.row(i), g.row(i), gu.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.logmap_backward(ConstRow<S<M>>{}, ConstRow<S<M>>{}, ConstRow<S<M>>{}, Row<S<M>>{},
                     Row<S<M>>{});
}
S<M> logmap_backward(const M& m, Rows<const S<M>> x, Rows<const S<M>> y, Rows<const S<M>> g,
                     Rows<S<M>> gx, Rows<S<M>> gy) {
  using K = RowKernels<M>;
  const index_t n = detail::check_batch("logmap_backward",
                                        {detail::in("x", x), detail::in("y", y), detail::in("g", g),
                                         detail::out("gx", gx), detail::out("gy", gy)},
                                        {});
  const index_t d = x.cols();
  return sum_over_rows<S<M>>(n, d, [&](index_t i) {
    if constexpr (requires {
                    K::logmap_backward(m, x.ptr(i), y.ptr(i), g.ptr(i), gx.ptr(i), gy.ptr(i), d);
                  })
      return K::logmap_backward(m, x.ptr(i), y.ptr(i), g.ptr(i), gx.ptr(i), gy.ptr(i), d);
    else
      return m.logmap_backward(x.row(i), y.row(i), g.row(i), gx.row(i), gy.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.logmap0_backward(ConstRow<S<M>>{}, ConstRow<S<M>>{}, Row<S<M>>{});
}
S<M> logmap0_backward(const M& m, Rows<const S<M>> y, Rows<const S<M>> g, Rows<S<M>> gy) {
  using K = RowKernels<M>;
  const index_t n = detail::check_batch(
      "logmap0_backward", {detail::in("y", y), detail::in("g", g), detail::out("gy", gy)}, {});
  const index_t d = y.cols();
  return sum_over_rows<S<M>>(n, d, [&](index_t i) {
    if constexpr (requires { K::logmap0_backward(m, y.ptr(i), g.ptr(i), gy.ptr(i), d); })
      return K::logmap0_backward(m, y.ptr(i), g.ptr(i), gy.ptr(i), d);
    else
      return m.logmap0_backward(y.row(i), g.row(i), gy.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.projx_backward(ConstRow<S<M>>{}, ConstRow<S<M>>{}, Row<S<M>>{});
}
S<M> projx_backward(const M& m, Rows<const S<M>> x, Rows<const S<M>> g, Rows<S<M>> gx) {
  using K = RowKernels<M>;
  const index_t n = detail::check_batch(
      "projx_backward", {detail::in("x", x), detail::in("g", g), detail::out("gx", gx)}, {});
  const index_t d = x.cols();
  return sum_over_rows<S<M>>(n, d, [&](index_t i) {
    if constexpr (requires { K::projx_backward(m, x.ptr(i), g.ptr(i), gx.ptr(i), d); })
      return K::projx_backward(m, x.ptr(i), g.ptr(i), gx.ptr(i), d);
    else
      return m.projx_backward(x.row(i), g.row(i), gx.row(i));
  });
}

template <class M>
requires requires(const M& mm) {
  mm.mobius_add_backward(ConstRow<S<M>>{}, ConstRow<S<M>>{}, ConstRow<S<M>>{}, Row<S<M>>{},
                         Row<S<M>>{});
}
S<M> mobius_add_backward(const M& m, Rows<const S<M>> x, Rows<const S<M>> y, Rows<const S<M>> g,
                         Rows<S<M>> gx, Rows<S<M>> gy) {
  using K = RowKernels<M>;
  const index_t n = detail::check_batch("mobius_add_backward",
                                        {detail::in("x", x), detail::in("y", y), detail::in("g", g),
                                         detail::out("gx", gx), detail::out("gy", gy)},
                                        {});
  const index_t d = x.cols();
  return sum_over_rows<S<M>>(n, d, [&](index_t i) {
    if constexpr (requires {
                    K::mobius_add_backward(m, x.ptr(i), y.ptr(i), g.ptr(i), gx.ptr(i), gy.ptr(i),
                                           d);
                  })
      return K::mobius_add_backward(m, x.ptr(i), y.ptr(i), g.ptr(i), gx.ptr(i), gy.ptr(i), d);
    else
      return m.mobius_add_backward(x.row(i), y.row(i), g.row(i), gx.row(i), gy.row(i));
  });
}
}  // namespace hyperbolic::cpu
