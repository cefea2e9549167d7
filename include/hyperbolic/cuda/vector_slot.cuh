#pragma once
// The 16-byte register path: a lane reads and writes its coordinates in
// groups of V = 16 / sizeof(S) consecutive ones (8 half / bfloat16, 4 float,
// 2 double), one 128-bit load or store per group instead of V scalar ones.
// Half and bfloat16 rows otherwise move 2 bytes per instruction, which is
// what held them at about half of the copy bandwidth (docs/cuda.md).
//
// Layout: lane l of a tile of `width` lanes owns groups l, l + width, ...
// (group q = coordinates qV .. qV + V - 1), so a tile's accesses to one row
// are consecutive 16-byte chunks. Coordinate j = qV + i sits at register
// position k = gV + i, g the group's index in the lane. Used only where the
// launcher has checked (row_launch.cuh, row_vector_capacity) that every row
// of every batch starts 16-byte aligned and that V divides the row length,
// so a group is either wholly inside the row or wholly past its end.

#include <cstring>

#include "tile.cuh"

namespace hyperbolic::cuda {

template <class S>
struct alignas(16) Pack16 {
  S e[vector_width<S>];
};

template <class S>
__device__ __forceinline__ Pack16<S> load16(const S* p) {
  const uint4 raw = *reinterpret_cast<const uint4*>(p);
  Pack16<S> v;
  memcpy(&v, &raw, sizeof raw);
  return v;
}

template <class S>
__device__ __forceinline__ void store16(S* p, const Pack16<S>& v) {
  uint4 raw;
  memcpy(&raw, &v, sizeof raw);
  *reinterpret_cast<uint4*>(p) = raw;
}

// K coordinates per lane in registers (K a multiple of V).
template <int K, int V>
struct VectorSlot : RowSlot {
  static_assert(V >= 1 && K % V == 0, "a lane holds whole groups");
  static constexpr int groups = K / V;

  // First coordinate of the lane's g-th group.
  __device__ index_t group_start(int g) const { return (lane + index_t(g) * width) * V; }

  template <class S>
  __device__ __forceinline__ RegisterRow<compute_t<S>, K> load(const InRows<S>& in,
                                                               index_t n) const {
    static_assert(vector_width<S> == V, "the slot's group is one 16-byte access of S");
    RegisterRow<compute_t<S>, K> c;
#pragma unroll
    for (int g = 0; g < groups; ++g) {
      const index_t j0 = group_start(g);
      if (j0 < n) {
        const Pack16<S> p = load16(in.data + row * in.stride + j0);
#pragma unroll
        for (int i = 0; i < V; ++i)
          c.v[g * V + i] = to_compute(p.e[i]);
      } else {
#pragma unroll
        for (int i = 0; i < V; ++i)
          c.v[g * V + i] = compute_t<S>(0);
      }
    }
    return c;
  }

  template <class F>
  __device__ __forceinline__ void for_each(index_t n, F f) const {
#pragma unroll
    for (int g = 0; g < groups; ++g) {
      const index_t j0 = group_start(g);
      if (j0 < n) {
#pragma unroll
        for (int i = 0; i < V; ++i)
          f(j0 + i, g * V + i);
      }
    }
  }
};

// The combine pass on this path: all V values of a group, then one store.
template <int K, int V, class S, class Value>
__device__ __forceinline__ void store_row(const VectorSlot<K, V>& s, index_t n,
                                          const OutRows<S>& out, Value value) {
#pragma unroll
  for (int g = 0; g < VectorSlot<K, V>::groups; ++g) {
    const index_t j0 = s.group_start(g);
    if (j0 < n) {
      Pack16<S> p;
#pragma unroll
      for (int i = 0; i < V; ++i)
        p.e[i] = to_storage<S>(value(j0 + i, g * V + i));
      store16(out.data + s.row * out.stride + j0, p);
    }
  }
}

template <int K, int V, class S, class Value>
__device__ __forceinline__ void store_rows(const VectorSlot<K, V>& s, index_t n,
                                           const OutRows<S>& a, const OutRows<S>& b, Value value) {
#pragma unroll
  for (int g = 0; g < VectorSlot<K, V>::groups; ++g) {
    const index_t j0 = s.group_start(g);
    if (j0 < n) {
      Pack16<S> pa, pb;
#pragma unroll
      for (int i = 0; i < V; ++i) {
        const Two<compute_t<S>> v = value(j0 + i, g * V + i);
        pa.e[i] = to_storage<S>(v.first);
        pb.e[i] = to_storage<S>(v.second);
      }
      store16(a.data + s.row * a.stride + j0, pa);
      store16(b.data + s.row * b.stride + j0, pb);
    }
  }
}

}  // namespace hyperbolic::cuda
