#pragma once
// What every batched row kernel shares on the device: a tile of lanes per row
// (see launch_shape.cuh), tile-wide sums by warp shuffles, strided row
// access, and the slots through which op code visits a lane's coordinates
// (the memory and register paths; the 16-byte path is in vector_slot.cuh).
// The kernel and its launcher are in row_launch.cuh.

#include <cuda_runtime.h>

#include "error.cuh"
#include "launch_shape.cuh"
#include "storage.cuh"
#if defined(HYPERBOLIC_CUDA_EMULATE_ROWS)
#if defined(__CUDACC__)
#error "HYPERBOLIC_CUDA_EMULATE_ROWS is for host compilers; nvcc builds the real kernels"
#endif
#include "tile_emulation.hpp"
#endif

namespace hyperbolic::cuda {

// Sum over the lanes of a tile (width a power of two <= 32). xor offsets below
// the width never leave the tile; every lane ends with the full sum.
template <class C>
__device__ __forceinline__ C tile_sum(C v, int width) {
  for (int offset = width / 2; offset > 0; offset /= 2) {
#if defined(HYPERBOLIC_CUDA_EMULATE_ROWS)
    v += emulation::shuffle_xor(v, offset, width);
#else
    v += __shfl_xor_sync(0xffffffffu, v, offset, width);
#endif
  }
  return v;
}

// v, held alike by every lane of a tile, returned after one shuffle: every
// lane of the tile arrives here before any goes on. Rows read whole by every
// lane (the accuracy fallbacks of row_accuracy.cuh) are then read completely
// before any lane writes an output that may alias them.
template <class C>
__device__ __forceinline__ C tile_converge(C v, int width) {
  if (width > 1) {
#if defined(HYPERBOLIC_CUDA_EMULATE_ROWS)
    v = emulation::shuffle_xor(v, 1, width);
#else
    v = __shfl_xor_sync(0xffffffffu, v, 1, width);
#endif
  }
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

// One lane's view of its row: which row, whether it exists, the lane's index
// in the tile and the tile width. The lane owns coordinates lane, lane +
// width, ... of the row.
//
// Ways to visit them, chosen per launch (launch_rows): a MemorySlot reads
// a coordinate from memory each time a pass uses it; a CachedSlot<K> (rows of
// at most K * width coordinates) loads the lane's coordinates of each input
// row into registers once, before the reduce pass, and the combine pass
// reuses them. Op code is written once against both: `auto xr = s.load(x, n)`,
// then `s.for_each(n, f)` calls f(j, k) for the lane's coordinates j (k: their
// position in the lane, a constant once unrolled, so `v[k]` stays a register)
// and `xr(j, k)` reads one. (VectorSlot, vector_slot.cuh, is the third way.)
struct RowSlot {
  index_t row;
  bool valid;
  int lane;
  int width;
  // Coordinates of a row of n that this lane visits (none for a row past the end).
  __device__ index_t end(index_t n) const { return valid ? n : 0; }
  __device__ bool leader() const { return valid && lane == 0; }
};

template <class S>
struct MemoryRow {
  InRows<S> in;
  index_t row;
  __device__ compute_t<S> operator()(index_t j, int) const { return in(row, j); }
};

template <class C, int K>
struct RegisterRow {
  C v[K];
  __device__ C operator()(index_t, int k) const { return v[k]; }
};

// Before each lane's loop over its coordinates: lets the compiler issue the
// loads of several iterations before the first use.
#define HYP_LANE_UNROLL _Pragma("unroll 4")

struct MemorySlot : RowSlot {
  template <class S>
  __device__ MemoryRow<S> load(const InRows<S>& in, index_t) const {
    return {in, row};
  }
  template <class F>
  __device__ __forceinline__ void for_each(index_t n, F f) const {
    HYP_LANE_UNROLL
    for (index_t j = lane; j < n; j += width)
      f(j, 0);
  }
};

template <int K>
struct CachedSlot : RowSlot {
  template <class S>
  __device__ __forceinline__ RegisterRow<compute_t<S>, K> load(const InRows<S>& in,
                                                               index_t n) const {
    RegisterRow<compute_t<S>, K> c;
#pragma unroll
    for (int k = 0; k < K; ++k) {
      const index_t j = lane + index_t(k) * width;
      c.v[k] = j < n ? in(row, j) : compute_t<S>(0);
    }
    return c;
  }
  template <class F>
  __device__ __forceinline__ void for_each(index_t n, F f) const {
#pragma unroll
    for (int k = 0; k < K; ++k) {
      const index_t j = lane + index_t(k) * width;
      if (j < n) f(j, k);
    }
  }
};

// Two values of one coordinate (kernels with two row outputs).
template <class C>
struct Two {
  C first, second;
};

namespace detail {

// Memory path: coordinates of a lane computed before any of them is stored.
// Measured on an H200 with 8 coordinates per lane: a chunk of 4 beats a chunk
// of 8 (expmap d = 64: 0.77 vs 0.71 of the copy rate; the larger chunk's
// registers cost occupancy).
inline constexpr int combine_chunk = 4;

// The combine pass of a row kernel: value(j, k) computes the output(s) of the
// lane's coordinate j, store(j, v) writes them. On the memory path outputs may
// alias inputs (a lane writes only what it read), so the compiler may not
// move a later coordinate's loads above an earlier coordinate's store, and a
// plain loop waits one memory round trip per coordinate; there the values of
// up to combine_chunk coordinates are computed, all loads issued, before the
// first store. On the register path the inputs are already in registers.
template <class Value, class Store>
__device__ __forceinline__ void combine_lane(const MemorySlot& s, index_t n, Value value,
                                             Store store) {
  using V = decltype(value(index_t(0), 0));
  for (index_t j0 = s.lane; j0 < n; j0 += combine_chunk * index_t(s.width)) {
    V v[combine_chunk];
#pragma unroll
    for (int k = 0; k < combine_chunk; ++k) {
      const index_t j = j0 + index_t(k) * s.width;
      if (j < n) v[k] = value(j, 0);
    }
#pragma unroll
    for (int k = 0; k < combine_chunk; ++k) {
      const index_t j = j0 + index_t(k) * s.width;
      if (j < n) store(j, v[k]);
    }
  }
}

template <int K, class Value, class Store>
__device__ __forceinline__ void combine_lane(const CachedSlot<K>& s, index_t n, Value value,
                                             Store store) {
  s.for_each(n, [&](index_t j, int k) { store(j, value(j, k)); });
}

}  // namespace detail

// out(row, j) = value(j, k) for the lane's coordinates j < n of its row.
template <class Slot, class S, class Value>
__device__ __forceinline__ void store_row(const Slot& s, index_t n, const OutRows<S>& out,
                                          Value value) {
  detail::combine_lane(s, n, value, [&](index_t j, compute_t<S> v) { out.set(s.row, j, v); });
}

// (a(row, j), b(row, j)) = value(j, k), a Two<compute_t<S>>.
template <class Slot, class S, class Value>
__device__ __forceinline__ void store_rows(const Slot& s, index_t n, const OutRows<S>& a,
                                           const OutRows<S>& b, Value value) {
  detail::combine_lane(s, n, value, [&](index_t j, Two<compute_t<S>> v) {
    a.set(s.row, j, v.first);
    b.set(s.row, j, v.second);
  });
}

}  // namespace hyperbolic::cuda
