#pragma once
// How rows are spread over threads. A row is handled by a tile of `width`
// lanes of one warp, so lane j reads coordinates j, j + width, ...:
// consecutive lanes read consecutive addresses and every load is coalesced.
// The width is the smallest power of two (at most 32) that leaves each lane at
// most `elements_per_lane` coordinates (default 8), and at most 4 until the
// tile has 4 lanes (so rows of 16 or more coordinates get 4 lanes or more). A lane then issues
// several independent loads before the tile's shuffle reduction, which keeps enough bytes in
// flight, and a warp shares the per-row scalar work (shuffles, the
// coefficient function) among 32 / width rows. Measured on an H200
// (docs/benchmarks-gpu.md, shapes side by side): one coordinate per lane
// reached 0.3-0.5 of the copy bandwidth at d = 64; 4 per lane 0.47-0.80;
// 8 per lane 0.66-0.93 (distances 0.84-0.93). At d = 16 the kernels with an
// output row lose with 8 per lane (2 lanes per row: 0.63 -> 0.50 for
// expmap), hence the 4-lane floor there.
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

inline constexpr int default_row_elements_per_lane = 8;
// Below this width a lane takes at most 4 coordinates.
inline constexpr int min_row_tile_width = 4;

HYP_HD_INLINE constexpr int row_tile_width(index_t cols,
                                           int elements_per_lane = default_row_elements_per_lane) {
  const index_t per_lane = elements_per_lane < 1 ? 1 : elements_per_lane;
  int w = 1;
  while (w < warp_size &&
         (index_t(w) * per_lane < cols || (w < min_row_tile_width && index_t(w) * 4 < cols)))
    w *= 2;
  return w;
}

// Coordinates per lane an op may keep in registers between its reduce and
// combine passes (tile.cuh, CachedSlot): rows of up to 32 * 8 = 256
// coordinates at most, at the default shape every row that fits a warp.
// Rows that fit row_register_capacity_small per lane get the smaller slot
// (fewer registers, more warps per SM).
inline constexpr int row_register_capacity = 8;
inline constexpr int row_register_capacity_small = 4;

HYP_HD_INLINE constexpr bool row_fits_register_cache(index_t cols, int tile_width,
                                                     int capacity = row_register_capacity) {
  return cols <= index_t(tile_width) * capacity;
}

// What the launcher knows about a kernel's batches beyond their shape.
struct RowAccess {
  // Every batch's data pointer and row stride (in bytes) are multiples of 16,
  // so every row starts 16-byte aligned.
  bool aligned_16 = false;
};

// Coordinates per lane of the 16-byte path (vector_slot.cuh) for rows of
// `cols` coordinates, `vector` per 16-byte access, on a tile of `tile_width`
// lanes: the smaller register capacity that holds the lane's whole groups,
// or 0 where the path does not apply (rows not aligned, `vector` does not
// divide cols, or the row does not fit the registers).
HYP_HD_INLINE constexpr int row_vector_capacity(index_t cols, int tile_width, int vector,
                                                RowAccess access) {
  if (!access.aligned_16 || vector < 1 || cols % vector != 0) return 0;
  const auto holds = [&](int capacity) {
    return capacity % vector == 0 && row_fits_register_cache(cols, tile_width, capacity);
  };
  if (holds(row_register_capacity_small)) return row_register_capacity_small;
  if (holds(row_register_capacity)) return row_register_capacity;
  return 0;
}

HYP_HD_INLINE constexpr RowLaunchShape row_launch_shape(
    index_t rows, index_t cols, int elements_per_lane = default_row_elements_per_lane) {
  RowLaunchShape s;
  s.tile_width = row_tile_width(cols, elements_per_lane);
  s.threads_per_block = row_block_threads;
  s.rows_per_block = row_block_threads / s.tile_width;
  const index_t needed = rows <= 0 ? 0 : (rows + s.rows_per_block - 1) / s.rows_per_block;
  s.blocks = needed < max_row_blocks ? needed : max_row_blocks;
  return s;
}

}  // namespace hyperbolic::cuda
