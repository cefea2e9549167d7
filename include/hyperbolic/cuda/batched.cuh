#pragma once
// Host launchers of the batched primitives and backward passes on device
// row views. Every function:
//  - takes the manifold (PoincareBall<C>, Lorentz<C> or Euclidean<C>) whose
//    scalar C is the compute type of the storage type S (float, double, or
//    __half / __nv_bfloat16 computed in float);
//  - takes N x d device batches (Lorentz: d = n + 1, time first) with any row
//    stride >= d, and per-row scalars as device arrays of N entries;
//  - checks its arguments on the host first (std::invalid_argument naming the
//    bad value), then enqueues one kernel on `stream` and returns; a launch
//    error throws CudaError, errors of the running kernel show up at the next
//    synchronizing call, as usual in CUDA;
//  - writes outputs that may alias inputs with the same row stride.
// The scalar type S is deduced from the output; inputs take S by NoDeduce so
// that mutable views convert to const ones.

#include <type_traits>

#include "row_backward.cuh"
#include "row_launch.cuh"
#include "row_forward.cuh"
#include "validate.cuh"

namespace hyperbolic::cuda {

template <class S>
using ConstRows = NoDeduce<ConstMatrixView<S>>;

namespace detail {
template <class M, class S>
constexpr void check_types() {
  static_assert(std::is_same_v<typename M::scalar, compute_t<S>>,
                "the manifold's scalar must be the compute type of the storage type "
                "(float for float/__half/__nv_bfloat16, double for double)");
}

// Checks a manifold and a list of (name, view) batches of one shape; returns
// what the batches allow the launcher (16-byte rows or not).
template <class M, class S0, class... Rest>
RowAccess check_batches(const char* fn, const M& m, const char* n0, MatrixView<S0> v0,
                        const Rest&... rest) {
  check_manifold(fn, m);
  check_view(fn, n0, v0);
  RowAccess access{rows_aligned_16(v0)};
  if constexpr (sizeof...(Rest) > 0) {
    auto check_pair = [&](const char* name, auto view) {
      check_same_shape(fn, n0, v0, name, view);
      access.aligned_16 = access.aligned_16 && rows_aligned_16(view);
    };
    auto each = [&](auto& self, const char* name, auto view, const auto&... more) -> void {
      check_pair(name, view);
      if constexpr (sizeof...(more) > 0) self(self, more...);
    };
    each(each, rest...);
  }
  return access;
}
}  // namespace detail

// ---- forward ------------------------------------------------------------------

template <class M, class S>
void dist(const M& m, ConstRows<S> x, ConstRows<S> y, S* out, cudaStream_t stream = nullptr) {
  detail::check_types<M, S>();
  const RowAccess access = detail::check_batches("dist", m, "x", x, "y", y);
  detail::check_vector_out("dist", "out", out, x.rows());
  launch_rows(ops::Dist<M, S>{m, in_rows(x), in_rows(y), out, x.cols()}, x.rows(), x.cols(), stream,
              access);
}

template <class M, class S>
void dist0(const M& m, ConstRows<S> x, S* out, cudaStream_t stream = nullptr) {
  detail::check_types<M, S>();
  const RowAccess access = detail::check_batches("dist0", m, "x", x);
  detail::check_vector_out("dist0", "out", out, x.rows());
  launch_rows(ops::Dist0<M, S>{m, in_rows(x), out, x.cols()}, x.rows(), x.cols(), stream, access);
}

template <class M, class S>
void expmap(const M& m, ConstRows<S> x, ConstRows<S> u, MatrixView<S> out,
            cudaStream_t stream = nullptr) {
  detail::check_types<M, S>();
  const RowAccess access = detail::check_batches("expmap", m, "x", x, "u", u, "out", out);
  launch_rows(ops::Expmap<M, S>{m, in_rows(x), in_rows(u), out_rows(out), x.cols()}, x.rows(),
              x.cols(), stream, access);
}

template <class M, class S>
void expmap0(const M& m, ConstRows<S> u, MatrixView<S> out, cudaStream_t stream = nullptr) {
  detail::check_types<M, S>();
  const RowAccess access = detail::check_batches("expmap0", m, "u", u, "out", out);
  launch_rows(ops::Expmap0<M, S>{m, in_rows(u), out_rows(out), u.cols()}, u.rows(), u.cols(),
              stream, access);
}

template <class M, class S>
void logmap(const M& m, ConstRows<S> x, ConstRows<S> y, MatrixView<S> out,
            cudaStream_t stream = nullptr) {
  detail::check_types<M, S>();
  const RowAccess access = detail::check_batches("logmap", m, "x", x, "y", y, "out", out);
  launch_rows(ops::Logmap<M, S>{m, in_rows(x), in_rows(y), out_rows(out), x.cols()}, x.rows(),
              x.cols(), stream, access);
}

template <class M, class S>
void logmap0(const M& m, ConstRows<S> y, MatrixView<S> out, cudaStream_t stream = nullptr) {
  detail::check_types<M, S>();
  const RowAccess access = detail::check_batches("logmap0", m, "y", y, "out", out);
  launch_rows(ops::Logmap0<M, S>{m, in_rows(y), out_rows(out), y.cols()}, y.rows(), y.cols(),
              stream, access);
}

template <class M, class S>
void projx(const M& m, ConstRows<S> x, MatrixView<S> out, cudaStream_t stream = nullptr) {
  detail::check_types<M, S>();
  const RowAccess access = detail::check_batches("projx", m, "x", x, "out", out);
  launch_rows(ops::Projx<M, S>{m, in_rows(x), out_rows(out), x.cols()}, x.rows(), x.cols(), stream,
              access);
}

template <class M, class S>
void proju(const M& m, ConstRows<S> x, ConstRows<S> u, MatrixView<S> out,
           cudaStream_t stream = nullptr) {
  detail::check_types<M, S>();
  const RowAccess access = detail::check_batches("proju", m, "x", x, "u", u, "out", out);
  launch_rows(ops::Proju<M, S>{m, in_rows(x), in_rows(u), out_rows(out), x.cols()}, x.rows(),
              x.cols(), stream, access);
}

template <class M, class S>
void egrad2rgrad(const M& m, ConstRows<S> x, ConstRows<S> g, MatrixView<S> out,
                 cudaStream_t stream = nullptr) {
  detail::check_types<M, S>();
  const RowAccess access = detail::check_batches("egrad2rgrad", m, "x", x, "g", g, "out", out);
  launch_rows(ops::Egrad2rgrad<M, S>{m, in_rows(x), in_rows(g), out_rows(out), x.cols()}, x.rows(),
              x.cols(), stream, access);
}

// Parallel transport of v (tangent at x) to y. out may alias v, not x or y.
template <class M, class S>
void transp(const M& m, ConstRows<S> x, ConstRows<S> y, ConstRows<S> v, MatrixView<S> out,
            cudaStream_t stream = nullptr) {
  detail::check_types<M, S>();
  const RowAccess access = detail::check_batches("transp", m, "x", x, "y", y, "v", v, "out", out);
  launch_rows(ops::Transp<M, S>{m, in_rows(x), in_rows(y), in_rows(v), out_rows(out), x.cols()},
              x.rows(), x.cols(), stream, access);
}

template <class M, class S>
void mobius_add(const M& m, ConstRows<S> x, ConstRows<S> y, MatrixView<S> out,
                cudaStream_t stream = nullptr) {
  detail::check_types<M, S>();
  const RowAccess access = detail::check_batches("mobius_add", m, "x", x, "y", y, "out", out);
  launch_rows(ops::MobiusAdd<M, S>{m, in_rows(x), in_rows(y), out_rows(out), x.cols()}, x.rows(),
              x.cols(), stream, access);
}

// ---- backward -------------------------------------------------------------------
// g is the upstream gradient of the forward output; the input gradients are
// overwritten; grad_c (N entries, may be null) receives dL/dc per row: sum it
// for the gradient of a shared curvature.

template <class M, class S>
void dist_backward(const M& m, ConstRows<S> x, ConstRows<S> y, const S* g, MatrixView<S> gx,
                   MatrixView<S> gy, S* grad_c = nullptr, cudaStream_t stream = nullptr) {
  detail::check_types<M, S>();
  const RowAccess access =
      detail::check_batches("dist_backward", m, "x", x, "y", y, "gx", gx, "gy", gy);
  detail::check_vector_out("dist_backward", "g", g, x.rows());
  launch_rows(ops::DistBackward<M, S>{m, in_rows(x), in_rows(y), g, out_rows(gx), out_rows(gy),
                                      grad_c, x.cols()},
              x.rows(), x.cols(), stream, access);
}

template <class M, class S>
void expmap_backward(const M& m, ConstRows<S> x, ConstRows<S> u, ConstRows<S> g, MatrixView<S> gx,
                     MatrixView<S> gu, S* grad_c = nullptr, cudaStream_t stream = nullptr) {
  detail::check_types<M, S>();
  const RowAccess access =
      detail::check_batches("expmap_backward", m, "x", x, "u", u, "g", g, "gx", gx, "gu", gu);
  launch_rows(ops::ExpmapBackward<M, S>{m, in_rows(x), in_rows(u), in_rows(g), out_rows(gx),
                                        out_rows(gu), grad_c, x.cols()},
              x.rows(), x.cols(), stream, access);
}

template <class M, class S>
void logmap_backward(const M& m, ConstRows<S> x, ConstRows<S> y, ConstRows<S> g, MatrixView<S> gx,
                     MatrixView<S> gy, S* grad_c = nullptr, cudaStream_t stream = nullptr) {
  detail::check_types<M, S>();
  const RowAccess access =
      detail::check_batches("logmap_backward", m, "x", x, "y", y, "g", g, "gx", gx, "gy", gy);
  launch_rows(ops::LogmapBackward<M, S>{m, in_rows(x), in_rows(y), in_rows(g), out_rows(gx),
                                        out_rows(gy), grad_c, x.cols()},
              x.rows(), x.cols(), stream, access);
}

template <class M, class S>
void expmap0_backward(const M& m, ConstRows<S> u, ConstRows<S> g, MatrixView<S> gu,
                      S* grad_c = nullptr, cudaStream_t stream = nullptr) {
  detail::check_types<M, S>();
  const RowAccess access = detail::check_batches("expmap0_backward", m, "u", u, "g", g, "gu", gu);
  launch_rows(
      ops::RadialBackward<M, S, true>{m, in_rows(u), in_rows(g), out_rows(gu), grad_c, u.cols()},
      u.rows(), u.cols(), stream, access);
}

template <class M, class S>
void logmap0_backward(const M& m, ConstRows<S> y, ConstRows<S> g, MatrixView<S> gy,
                      S* grad_c = nullptr, cudaStream_t stream = nullptr) {
  detail::check_types<M, S>();
  const RowAccess access = detail::check_batches("logmap0_backward", m, "y", y, "g", g, "gy", gy);
  launch_rows(
      ops::RadialBackward<M, S, false>{m, in_rows(y), in_rows(g), out_rows(gy), grad_c, y.cols()},
      y.rows(), y.cols(), stream, access);
}

template <class M, class S>
void mobius_add_backward(const M& m, ConstRows<S> x, ConstRows<S> y, ConstRows<S> g,
                         MatrixView<S> gx, MatrixView<S> gy, S* grad_c = nullptr,
                         cudaStream_t stream = nullptr) {
  detail::check_types<M, S>();
  const RowAccess access =
      detail::check_batches("mobius_add_backward", m, "x", x, "y", y, "g", g, "gx", gx, "gy", gy);
  launch_rows(ops::MobiusAddBackward<M, S>{m, in_rows(x), in_rows(y), in_rows(g), out_rows(gx),
                                           out_rows(gy), grad_c, x.cols()},
              x.rows(), x.cols(), stream, access);
}

}  // namespace hyperbolic::cuda
