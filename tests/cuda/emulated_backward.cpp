// The row kernels' device code run on the CPU (tile_emulation.hpp): every
// batched backward pass against the scalar path (backward_cases.hpp), on
// every row path (memory, register, 16-byte), with the launch shapes the GPU
// uses and one emulated tile of lanes exchanging values by shuffles. Runs in
// CI, where there is no GPU; the GPU suite runs the same cases on a device.
// Built by the host compiler with HYPERBOLIC_CUDA_EMULATE_ROWS defined for the
// whole binary (CMakeLists.txt).
#include <hyperbolic/cuda/batched.cuh>

#include "emulation_support.hpp"

// After the support header: the cases use its Batch, Buffer and finish().
#include "backward_cases.hpp"

namespace {

using namespace hyperbolic;
using namespace hyperbolic::cuda_testing;

// Fewer rows than on the GPU (the emulation switches lanes at every
// shuffle); still more than one tile pass at every width, and the launcher
// pads to whole blocks, so rows past the end take part as on the GPU.
constexpr index_t emulated_rows = 37;

TEST_CASE("emulated row kernels: backward passes match the scalar path") {
  on_every_row_path(backward_dims, [](index_t n) {
    backward_all_models<float>(n, emulated_rows);
    backward_all_models<double>(n, emulated_rows);
    backward_all_models<__half>(n, emulated_rows);
    backward_all_models<__nv_bfloat16>(n, emulated_rows);
  });
}

}  // namespace
