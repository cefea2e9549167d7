// The batched forward primitives on the GPU against the scalar path
// (forward_cases.hpp), on every row path.
#include <hyperbolic/cuda/batched.cuh>

#include "gpu_support.cuh"

// After the support header: the cases use its Batch, Buffer and finish().
#include "forward_cases.hpp"

namespace {

using namespace hyperbolic;
using namespace hyperbolic::cuda_testing;

// Enough rows for several blocks of every tile width.
constexpr index_t gpu_rows = 257;

TEST_CASE("cuda forward primitives match the scalar path: float and double") {
  on_every_row_path(forward_dims, [](index_t n) {
    forward_all_models<float>(n, gpu_rows);
    forward_all_models<double>(n, gpu_rows);
  });
}

TEST_CASE("cuda forward primitives match the scalar path: half and bfloat16 storage") {
  on_every_row_path(forward_dims, [](index_t n) {
    forward_all_models<__half>(n, gpu_rows);
    forward_all_models<__nv_bfloat16>(n, gpu_rows);
  });
}

TEST_CASE("cuda forward: an empty batch launches nothing and succeeds") {
  cuda::dist(PoincareBall<float>(1.f), ConstMatrixView<float>(nullptr, 0, 4),
             ConstMatrixView<float>(nullptr, 0, 4), static_cast<float*>(nullptr));
  HYP_CUDA_CHECK(cudaDeviceSynchronize());
}

}  // namespace
