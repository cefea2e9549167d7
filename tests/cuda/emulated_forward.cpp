// The row kernels' device code run on the CPU (tile_emulation.hpp): every
// batched forward primitive against the scalar path (forward_cases.hpp), on
// every row path (memory, register, 16-byte), with the launch shapes the GPU
// uses and one emulated tile of lanes exchanging values by shuffles. Runs in
// CI, where there is no GPU; the GPU suite runs the same cases on a device.
// Built by the host compiler with HYPERBOLIC_CUDA_EMULATE_ROWS defined for the
// whole binary (CMakeLists.txt).
#include <hyperbolic/cuda/batched.cuh>

#include "emulation_support.hpp"

// After the support header: the cases use its Batch, Buffer and finish().
#include "forward_cases.hpp"

namespace {

using namespace hyperbolic;
using namespace hyperbolic::cuda_testing;

// Fewer rows than on the GPU (the emulation switches lanes at every
// shuffle); still more than one tile pass at every width, and the launcher
// pads to whole blocks, so rows past the end take part as on the GPU.
constexpr index_t emulated_rows = 37;

TEST_CASE("emulated row kernels: forward primitives match the scalar path") {
  on_every_row_path(forward_dims, [](index_t n) {
    forward_all_models<float>(n, emulated_rows);
    forward_all_models<double>(n, emulated_rows);
    forward_all_models<__half>(n, emulated_rows);
    forward_all_models<__nv_bfloat16>(n, emulated_rows);
  });
}

}  // namespace

TEST_CASE_TEMPLATE("emulated row kernels: flat distances at the edge of the float range", C, float,
                   double) {
  // Squares of differences below sqrt(min normal) underflow, of coordinates
  // above sqrt(max) overflow: the kernels take the rescaled norms, as the
  // scalar class does (sqrt of the plain sum gave 0 and inf).
  const Euclidean<C> E;
  const C tiny = std::numeric_limits<C>::min() * C(1024),
          huge = std::numeric_limits<C>::max() / C(64);
  for (index_t d : {1, 5, 40}) {
    const index_t rows = 3;
    HostBatch<C> hx(rows, d), hy(rows, d);
    hx.set(0, 0, tiny);
    for (index_t j = 0; j < d; ++j)
      hx.set(1, j, huge);
    hx.set(2, d - 1, C(3));
    Batch<C> x(hx), y(hy);
    Buffer<C> dist(static_cast<std::size_t>(rows)), dist0(static_cast<std::size_t>(rows));
    cuda::dist(E, x.cview(), y.cview(), dist.data());
    cuda::dist0(E, x.cview(), dist0.data());
    finish();
    const auto got = dist.download(), got0 = dist0.download();
    const C far = huge * std::sqrt(C(d));
    for (const auto& v : {got, got0}) {
      CHECK(v[0] == tiny);
      CHECK(v[1] == doctest::Approx(double(far)).epsilon(1e-6));
      CHECK(v[2] == C(3));
    }
    Batch<C> gx(rows, d), gy(rows, d);
    Buffer<C> g(std::vector<C>(static_cast<std::size_t>(rows), C(1))),
        gc(static_cast<std::size_t>(rows));
    cuda::dist_backward(E, x.cview(), y.cview(), g.data(), gx.view(), gy.view(), gc.data());
    finish();
    CHECK(gx.fetch().get(0, 0) == C(1));  // unit direction of the tiny difference
    CHECK(gy.fetch().get(0, 0) == C(-1));
  }
}
