#pragma once
// How rows are spread over threads. A row is handled by a tile of `width`
// lanes of one warp (width = the next power of two >= the row length, at most
// 32), so lane j reads coordinates j, j + width, ...: consecutive lanes read
// consecutive addresses and every warp-wide load is coalesced. Short rows
// share a warp (32 / width rows per warp) instead of leaving lanes idle.
// Plain C++ so that the shape logic is tested on machines without a GPU.

#include "../core/config.hpp"

namespace hyperbolic::cuda {

struct RowLaunchShape {
  int tile_width = 1;          // lanes per row: 1, 2, 4, 8, 16 or 32
  int threads_per_block = 0;   // a multiple of 32
  index_t rows_per_block = 0;  // threads_per_block / tile_width
  index_t blocks = 0;          // grid size; the kernel loops if rows need more
};

inline constexpr int warp_size = 32;
inline constexpr int row_block_threads = 256;
// Enough blocks to fill any current GPU many times over; beyond this the
// kernel's grid-stride loop takes over (and grid.x stays far below 2^31).
inline constexpr index_t max_row_blocks = index_t(1) << 20;

HYP_HD_INLINE constexpr int row_tile_width(index_t cols) {
  int w = 1;
  while (w < warp_size && w < cols)
    w *= 2;
  return w;
}

HYP_HD_INLINE constexpr RowLaunchShape row_launch_shape(index_t rows, index_t cols) {
  RowLaunchShape s;
  s.tile_width = row_tile_width(cols);
  s.threads_per_block = row_block_threads;
  s.rows_per_block = row_block_threads / s.tile_width;
  const index_t needed = rows <= 0 ? 0 : (rows + s.rows_per_block - 1) / s.rows_per_block;
  s.blocks = needed < max_row_blocks ? needed : max_row_blocks;
  return s;
}

}  // namespace hyperbolic::cuda
