// The batched backward passes on the GPU against the scalar *_backward
// methods (backward_cases.hpp), on every row path.
#include <hyperbolic/cuda/batched.cuh>

#include "gpu_support.cuh"

// After the support header: the cases use its Batch, Buffer and finish().
#include "backward_cases.hpp"

namespace {

using namespace hyperbolic;
using namespace hyperbolic::cuda_testing;

// Enough rows for several blocks of every tile width.
constexpr index_t gpu_rows = 257;

TEST_CASE("cuda backward passes match the scalar path: float and double") {
  on_every_row_path(backward_dims, [](index_t n) {
    backward_all_models<float>(n, gpu_rows);
    backward_all_models<double>(n, gpu_rows);
  });
}

TEST_CASE("cuda backward passes match the scalar path: half and bfloat16 storage") {
  on_every_row_path(backward_dims, [](index_t n) {
    backward_all_models<__half>(n, gpu_rows);
    backward_all_models<__nv_bfloat16>(n, gpu_rows);
  });
}

}  // namespace
