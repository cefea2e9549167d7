#pragma once
// The batched row kernel and its launcher: a grid-stride loop over rows whose
// trip count is uniform across the block, so every lane of a warp reaches
// every shuffle (rows past the end take part with no elements), run with the
// slot choose_row_path picks (row_path.cuh). With HYPERBOLIC_CUDA_EMULATE_ROWS
// (host compilers, tests) launch_rows runs the op on the CPU instead
// (tile_emulation.hpp).

#include <cuda_runtime.h>

#include "error.cuh"
#include "launch_shape.cuh"
#include "row_path.cuh"

namespace hyperbolic::cuda {

#if defined(HYPERBOLIC_CUDA_EMULATE_ROWS)

// Emulation (tile_emulation.hpp): the same shape and slot, one tile after
// another on the CPU; rows past the end of the last block take part, as on
// the GPU.
template <class Op>
void launch_rows(const Op& op, index_t rows, index_t cols, cudaStream_t, RowAccess access = {}) {
  if (rows <= 0) return;
  const RowLaunchShape s = row_launch_shape(rows, cols, row_elements_per_lane());
  const index_t padded_rows = (rows + s.rows_per_block - 1) / s.rows_per_block * s.rows_per_block;
  with_row_slot<Op>(choose_row_path<Op>(cols, s.tile_width, access),
                    [&]<class Slot>(std::type_identity<Slot>) {
                      emulation::run_tile(s.tile_width, [&](int lane) {
                        for (index_t r = 0; r < padded_rows; ++r) {
                          Slot slot;
                          static_cast<RowSlot&>(slot) = RowSlot{r, r < rows, lane, s.tile_width};
                          op(slot);
                        }
                      });
                    });
}

#else

template <class Slot, class Op>
__global__ void __launch_bounds__(row_block_threads) row_kernel(Op op, index_t rows, int width) {
  const int lane = static_cast<int>(threadIdx.x) & (width - 1);
  const index_t tiles_per_block = blockDim.x / width;
  const index_t tile = threadIdx.x / width;
  for (index_t base = static_cast<index_t>(blockIdx.x) * tiles_per_block; base < rows;
       base += static_cast<index_t>(gridDim.x) * tiles_per_block) {
    const index_t r = base + tile;
    Slot slot;
    static_cast<RowSlot&>(slot) = RowSlot{r, r < rows, lane, width};
    op(slot);
  }
}

// Launches op over `rows` rows of `cols` coordinates on `stream`; `access`
// says whether the batches allow 16-byte accesses.
template <class Op>
void launch_rows(const Op& op, index_t rows, index_t cols, cudaStream_t stream,
                 RowAccess access = {}) {
  if (rows <= 0) return;
  const RowLaunchShape s = row_launch_shape(rows, cols, row_elements_per_lane());
  with_row_slot<Op>(
      choose_row_path<Op>(cols, s.tile_width, access), [&]<class Slot>(std::type_identity<Slot>) {
        row_kernel<Slot><<<static_cast<unsigned>(s.blocks), s.threads_per_block, 0, stream>>>(
            op, rows, s.tile_width);
        HYP_CUDA_CHECK_LAUNCH();
      });
}

#endif  // HYPERBOLIC_CUDA_EMULATE_ROWS

}  // namespace hyperbolic::cuda
