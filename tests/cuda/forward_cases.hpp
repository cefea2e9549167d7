#pragma once
// Every batched forward primitive against the scalar path, for the three
// models, the given storage type, and row lengths that cover every tile
// width (1 .. 32 lanes) and several passes per lane; rows have a padded
// stride. Shared by the GPU suite (gpu_forward.cu) and the CPU emulation of
// the kernels (emulated_forward.cpp): the includer provides Batch<S>,
// Buffer<S> and finish() (gpu_support.cuh / emulation_support.hpp) and
// includes batched.cuh first.

#include "reference_support.hpp"

namespace hyperbolic::cuda_testing {

template <class M, class S>
void run_forward(const M& m, index_t n, index_t rows) {
  using C = typename M::scalar;
  const index_t d = M::ambient_dim(n);
  const Inputs<M, S> in(m, rows, n, 1000 + static_cast<std::uint64_t>(n));
  Batch<S> x(in.x), y(in.y), u(in.u), g(in.g), out(rows, d);
  Buffer<S> scalars(static_cast<std::size_t>(rows));
  RowsOf<S> X(in.x), Y(in.y), U(in.u), G(in.g);

  auto scalar_case = [&](const char* name, auto launch, auto ref) {
    launch();
    finish();
    std::vector<C> want(rows);
    for (index_t r = 0; r < rows; ++r)
      want[r] = ref(X(r), Y(r));
    check_scalars<S>(name, scalars.download(), want, d);
  };
  // launch(out view); ref(r, out row) on the scalar path.
  auto row_case = [&](const char* name, auto launch, auto ref) {
    launch(out.view());
    finish();
    std::vector<std::vector<C>> want(rows, std::vector<C>(d));
    for (index_t r = 0; r < rows; ++r)
      ref(r, wr(want[r]));
    // The scalar path's spread under ulp-level input changes (reference_support.hpp).
    std::vector<std::vector<C>> slack(rows, std::vector<C>(d, C(0)));
    std::vector<C> moved(d);
    for (int pass = 0; pass < 4; ++pass)
      with_perturbed_rows<S>({&X, &Y, &U, &G}, pass, [&] {
        for (index_t r = 0; r < rows; ++r) {
          ref(r, wr(moved));
          for (index_t j = 0; j < d; ++j)
            widen_spread(slack[r][j], want[r][j], moved[j]);
        }
      });
    check_rows<S>(name, out.fetch(), want, -1, &slack);
  };

  scalar_case(
      "dist", [&] { cuda::dist(m, x.cview(), y.cview(), scalars.data()); },
      [&](ConstRow<C> a, ConstRow<C> b) { return m.dist(a, b); });
  scalar_case(
      "dist0", [&] { cuda::dist0(m, x.cview(), scalars.data()); },
      [&](ConstRow<C> a, ConstRow<C>) { return m.dist0(a); });
  row_case(
      "expmap", [&](MatrixView<S> o) { cuda::expmap(m, x.cview(), u.cview(), o); },
      [&](index_t r, Row<C> o) { m.expmap(X(r), U(r), o); });
  row_case(
      "expmap0", [&](MatrixView<S> o) { cuda::expmap0(m, u.cview(), o); },
      [&](index_t r, Row<C> o) { m.expmap0(U(r), o); });
  row_case(
      "logmap", [&](MatrixView<S> o) { cuda::logmap(m, x.cview(), y.cview(), o); },
      [&](index_t r, Row<C> o) { m.logmap(X(r), Y(r), o); });
  row_case(
      "logmap0", [&](MatrixView<S> o) { cuda::logmap0(m, y.cview(), o); },
      [&](index_t r, Row<C> o) { m.logmap0(Y(r), o); });
  row_case(
      "projx", [&](MatrixView<S> o) { cuda::projx(m, g.cview(), o); },
      [&](index_t r, Row<C> o) {
        // The ball's projx only acts outside max_norm: scale g there.
        m.projx(G(r), o);
      });
  row_case(
      "proju", [&](MatrixView<S> o) { cuda::proju(m, x.cview(), g.cview(), o); },
      [&](index_t r, Row<C> o) { m.proju(X(r), G(r), o); });
  row_case(
      "egrad2rgrad", [&](MatrixView<S> o) { cuda::egrad2rgrad(m, x.cview(), g.cview(), o); },
      [&](index_t r, Row<C> o) { m.egrad2rgrad(X(r), G(r), o); });
  row_case(
      "transp", [&](MatrixView<S> o) { cuda::transp(m, x.cview(), y.cview(), u.cview(), o); },
      [&](index_t r, Row<C> o) { m.transp(X(r), Y(r), U(r), o); });
  row_case(
      "mobius_add", [&](MatrixView<S> o) { cuda::mobius_add(m, x.cview(), y.cview(), o); },
      [&](index_t r, Row<C> o) { m.mobius_add(X(r), Y(r), o); });

  // In place: out aliases the input (same stride).
  Batch<S> inplace(in.x);
  cuda::expmap(m, inplace.cview(), u.cview(), inplace.view());
  finish();
  std::vector<std::vector<C>> want(rows, std::vector<C>(d));
  for (index_t r = 0; r < rows; ++r)
    m.expmap(X(r), U(r), wr(want[r]));
  check_rows<S>("expmap in place", inplace.fetch(), want);
}

// Intrinsic dimensions: tile widths 1, 2, 4, 8, 16, 32 and 2-4 passes.
// 300: more coordinates than a warp keeps in registers (the memory path).
inline constexpr index_t forward_dims[] = {1, 2, 3, 7, 16, 31, 64, 100, 300};

template <class S>
void forward_all_models(index_t n, index_t rows) {
  using C = compute_t<S>;
  run_forward<PoincareBall<C>, S>(PoincareBall<C>(C(0.7)), n, rows);
  run_forward<Lorentz<C>, S>(Lorentz<C>(C(0.7)), n, rows);
  run_forward<Euclidean<C>, S>(Euclidean<C>(), n, rows);
}

}  // namespace hyperbolic::cuda_testing
