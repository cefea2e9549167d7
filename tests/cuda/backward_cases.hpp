#pragma once
// Every batched backward pass against the scalar *_backward methods: both
// input gradients and the per-row dL/dc, for the three models and the given
// storage type (see reference_support.hpp for the tolerances). Shared by the
// GPU suite (gpu_backward.cu) and the CPU emulation of the kernels
// (emulated_backward.cpp), as forward_cases.hpp.

#include <array>
#include <limits>
#include <random>
#include <tuple>

#include "reference_support.hpp"

namespace hyperbolic::cuda_testing {

template <class M, class S>
void run_backward(const M& m, index_t n, index_t rows) {
  using C = typename M::scalar;
  const index_t d = M::ambient_dim(n);
  const Inputs<M, S> in(m, rows, n, 2000 + static_cast<std::uint64_t>(n));
  Batch<S> x(in.x), y(in.y), u(in.u), g(in.g), ga(rows, d), gb(rows, d);
  Buffer<S> g_scalar(in.g_scalar), grad_c(static_cast<std::size_t>(rows));
  RowsOf<S> X(in.x), Y(in.y), U(in.u), G(in.g);

  const auto with_perturbed_inputs = [&](int pass, auto body) {
    with_perturbed_rows<S>({&X, &Y, &U, &G}, pass, body);
  };
  const auto widen = [](C& spread, C nominal, C moved) { widen_spread(spread, nominal, moved); };

  // Spreads of ref's outputs (wa, wb, wc at the nominal inputs).
  const auto spreads = [&](auto ref, const std::vector<std::vector<C>>& wa,
                           const std::vector<std::vector<C>>& wb, const std::vector<C>& wc) {
    std::vector<std::vector<C>> sa(rows, std::vector<C>(d, C(0))), sb = sa;
    std::vector<C> sc(rows, C(0));
    for (int pass = 0; pass < 4; ++pass)
      with_perturbed_inputs(pass, [&] {
        std::vector<C> ta(d), tb(d);
        for (index_t r = 0; r < rows; ++r) {
          widen(sc[r], wc[r], ref(r, wr(ta), wr(tb)));
          for (index_t j = 0; j < d; ++j) {
            widen(sa[r][j], wa[r][j], ta[j]);
            widen(sb[r][j], wb[r][j], tb[j]);
          }
        }
      });
    return std::tuple{sa, sb, sc};
  };

  // launch(ga, gb); ref(r, ga row, gb row) -> dL/dc. One-gradient passes
  // leave gb alone and ignore it.
  auto grad_case = [&](const char* name, bool two, auto launch, auto ref) {
    launch(ga.view(), gb.view());
    finish();
    std::vector<std::vector<C>> wa(rows, std::vector<C>(d)), wb = wa;
    std::vector<C> wc(rows);
    for (index_t r = 0; r < rows; ++r)
      wc[r] = ref(r, wr(wa[r]), wr(wb[r]));
    const auto [sa, sb, sc] = spreads(ref, wa, wb, wc);
    check_rows<S>(name, ga.fetch(), wa, -1, &sa);
    if (two) check_rows<S>(name, gb.fetch(), wb, -1, &sb);
    check_scalars<S>(name, grad_c.download(), wc, d, &sc);
  };
  const auto gs = [&](index_t r) { return cuda::to_compute(in.g_scalar[r]); };

  grad_case(
      "dist_backward", true,
      [&](MatrixView<S> a, MatrixView<S> b) {
        cuda::dist_backward(m, x.cview(), y.cview(), g_scalar.data(), a, b, grad_c.data());
      },
      [&](index_t r, Row<C> a, Row<C> b) { return m.dist_backward(X(r), Y(r), gs(r), a, b); });
  grad_case(
      "expmap_backward", true,
      [&](MatrixView<S> a, MatrixView<S> b) {
        cuda::expmap_backward(m, x.cview(), u.cview(), g.cview(), a, b, grad_c.data());
      },
      [&](index_t r, Row<C> a, Row<C> b) { return m.expmap_backward(X(r), U(r), G(r), a, b); });
  grad_case(
      "logmap_backward", true,
      [&](MatrixView<S> a, MatrixView<S> b) {
        cuda::logmap_backward(m, x.cview(), y.cview(), g.cview(), a, b, grad_c.data());
      },
      [&](index_t r, Row<C> a, Row<C> b) { return m.logmap_backward(X(r), Y(r), G(r), a, b); });
  grad_case(
      "expmap0_backward", false,
      [&](MatrixView<S> a, MatrixView<S>) {
        cuda::expmap0_backward(m, u.cview(), g.cview(), a, grad_c.data());
      },
      [&](index_t r, Row<C> a, Row<C>) { return m.expmap0_backward(U(r), G(r), a); });
  grad_case(
      "logmap0_backward", false,
      [&](MatrixView<S> a, MatrixView<S>) {
        cuda::logmap0_backward(m, y.cview(), g.cview(), a, grad_c.data());
      },
      [&](index_t r, Row<C> a, Row<C>) { return m.logmap0_backward(Y(r), G(r), a); });
  grad_case(
      "mobius_add_backward", true,
      [&](MatrixView<S> a, MatrixView<S> b) {
        cuda::mobius_add_backward(m, x.cview(), y.cview(), g.cview(), a, b, grad_c.data());
      },
      [&](index_t r, Row<C> a, Row<C> b) { return m.mobius_add_backward(X(r), Y(r), G(r), a, b); });

  // grad_c may be null; gradients may overwrite their inputs (gx = x, gy = y).
  Batch<S> xa(in.x), ya(in.y);
  cuda::mobius_add_backward(m, xa.cview(), ya.cview(), g.cview(), xa.view(), ya.view());
  finish();
  std::vector<std::vector<C>> wa(rows, std::vector<C>(d)), wb = wa;
  std::vector<C> wc(rows);
  const auto mobius_ref = [&](index_t r, Row<C> a, Row<C> b) {
    return m.mobius_add_backward(X(r), Y(r), G(r), a, b);
  };
  for (index_t r = 0; r < rows; ++r)
    wc[r] = mobius_ref(r, wr(wa[r]), wr(wb[r]));
  const auto [sa, sb, sc] = spreads(mobius_ref, wa, wb, wc);
  check_rows<S>("mobius_add_backward in place", xa.fetch(), wa, -1, &sa);
  check_rows<S>("mobius_add_backward in place", ya.fetch(), wb, -1, &sb);
}

// 300: more coordinates than a warp keeps in registers (the memory path).
inline constexpr index_t backward_dims[] = {1, 2, 3, 7, 16, 31, 64, 100, 300};

template <class S>
void backward_all_models(index_t n, index_t rows) {
  using C = compute_t<S>;
  run_backward<PoincareBall<C>, S>(PoincareBall<C>(C(0.7)), n, rows);
  run_backward<Lorentz<C>, S>(Lorentz<C>(C(0.7)), n, rows);
  run_backward<Euclidean<C>, S>(Euclidean<C>(), n, rows);
}

}  // namespace hyperbolic::cuda_testing
