#pragma once
// The row loop every batched kernel shares: a tile of lanes per row (see
// launch_shape.cuh), tile-wide sums by warp shuffles, and a grid-stride loop
// whose trip count is uniform across the block, so every lane of a warp
// reaches every shuffle (rows past the end take part with no elements).

#include <cuda_runtime.h>

#include "error.cuh"
#include "launch_shape.cuh"
#include "storage.cuh"

namespace hyperbolic::cuda {

// One lane's view of its row: which row, whether it exists, the lane's index
// in the tile and the tile width.
struct RowSlot {
  index_t row;
  bool valid;
  int lane;
  int width;
  // Elements this lane owns of a row with n coordinates: lane, lane + width, ...
  __device__ index_t end(index_t n) const { return valid ? n : 0; }
  __device__ bool leader() const { return valid && lane == 0; }
};

// Before each lane's loop over its coordinates: lets the compiler issue the
// loads of several iterations before the first use.
#define HYP_LANE_UNROLL _Pragma("unroll 4")

// Sum over the lanes of a tile (width a power of two <= 32). xor offsets below
// the width never leave the tile; every lane ends with the full sum.
template <class C>
__device__ __forceinline__ C tile_sum(C v, int width) {
  for (int offset = width / 2; offset > 0; offset /= 2)
    v += __shfl_xor_sync(0xffffffffu, v, offset, width);
  return v;
}

// Read-only strided rows of storage type S, converted to the compute type.
template <class S>
struct InRows {
  const S* data;
  index_t stride;
  __device__ compute_t<S> operator()(index_t r, index_t j) const {
    return to_compute(data[r * stride + j]);
  }
};
template <class S>
struct OutRows {
  S* data;
  index_t stride;
  __device__ void set(index_t r, index_t j, compute_t<S> v) const {
    data[r * stride + j] = to_storage<S>(v);
  }
};
template <class S>
InRows<S> in_rows(MatrixView<const S> v) {
  return {v.data(), v.stride()};
}
template <class S>
OutRows<S> out_rows(MatrixView<S> v) {
  return {v.data(), v.stride()};
}

// Two values of one coordinate (kernels with two row outputs).
template <class C>
struct Two {
  C first, second;
};

namespace detail {

// Coordinates of a lane computed before any of them is stored (see below).
// Measured on an H200 with 8 coordinates per lane: a chunk of 4 beats a chunk
// of 8 (expmap d = 64: 0.77 vs 0.71 of the copy rate; the larger chunk's
// registers cost occupancy).
inline constexpr int combine_chunk = 4;

// The combine pass of a row kernel: value(j) computes the output(s) of the
// lane's coordinate j from the inputs, store(j, v) writes them. Outputs may
// alias inputs (a lane writes only what it read), so the compiler may not
// move a later coordinate's loads above an earlier coordinate's store, and a
// plain loop waits one memory round trip per coordinate. Here the values of
// up to combine_chunk coordinates are computed, all loads issued, before the
// first store.
template <class Value, class Store>
__device__ __forceinline__ void combine_lane(RowSlot s, index_t n, Value value, Store store) {
  using V = decltype(value(index_t(0)));
  for (index_t j0 = s.lane; j0 < n; j0 += combine_chunk * index_t(s.width)) {
    V v[combine_chunk];
#pragma unroll
    for (int k = 0; k < combine_chunk; ++k) {
      const index_t j = j0 + index_t(k) * s.width;
      if (j < n) v[k] = value(j);
    }
#pragma unroll
    for (int k = 0; k < combine_chunk; ++k) {
      const index_t j = j0 + index_t(k) * s.width;
      if (j < n) store(j, v[k]);
    }
  }
}

}  // namespace detail

// out(row, j) = value(j) for the lane's coordinates j < n of its row.
template <class S, class Value>
__device__ __forceinline__ void store_row(RowSlot s, index_t n, const OutRows<S>& out,
                                          Value value) {
  detail::combine_lane(s, n, value, [&](index_t j, compute_t<S> v) { out.set(s.row, j, v); });
}

// (a(row, j), b(row, j)) = value(j), a Two<compute_t<S>>.
template <class S, class Value>
__device__ __forceinline__ void store_rows(RowSlot s, index_t n, const OutRows<S>& a,
                                           const OutRows<S>& b, Value value) {
  detail::combine_lane(s, n, value, [&](index_t j, Two<compute_t<S>> v) {
    a.set(s.row, j, v.first);
    b.set(s.row, j, v.second);
  });
}

template <class Op>
__global__ void __launch_bounds__(row_block_threads) row_kernel(Op op, index_t rows, int width) {
  const int lane = static_cast<int>(threadIdx.x) & (width - 1);
  const index_t tiles_per_block = blockDim.x / width;
  const index_t tile = threadIdx.x / width;
  for (index_t base = static_cast<index_t>(blockIdx.x) * tiles_per_block; base < rows;
       base += static_cast<index_t>(gridDim.x) * tiles_per_block) {
    const index_t r = base + tile;
    op(RowSlot{r, r < rows, lane, width});
  }
}

// Coordinates per lane the row kernels aim for (see launch_shape.cuh); a
// process-wide tuning knob, read at each launch. 1 gives one lane per
// coordinate up to a warp.
inline int& row_elements_per_lane() {
  static int value = default_row_elements_per_lane;
  return value;
}

// Launches op over `rows` rows of `cols` coordinates on `stream`.
template <class Op>
void launch_rows(const Op& op, index_t rows, index_t cols, cudaStream_t stream) {
  if (rows <= 0) return;
  const RowLaunchShape s = row_launch_shape(rows, cols, row_elements_per_lane());
  row_kernel<<<static_cast<unsigned>(s.blocks), s.threads_per_block, 0, stream>>>(op, rows,
                                                                                  s.tile_width);
  HYP_CUDA_CHECK_LAUNCH();
}

}  // namespace hyperbolic::cuda
