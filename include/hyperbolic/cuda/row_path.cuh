#pragma once
// Which slot (tile.cuh, vector_slot.cuh) a row op runs with: the memory
// path, the register path or the 16-byte path, decided per launch from the
// op's traits, the row shape, the batches' alignment and two process-wide
// knobs. Kept apart from the kernel launch (row_launch.cuh) so that the same
// decision drives the CPU emulation of the kernels in the tests.

#include <concepts>
#include <type_traits>

#include "launch_shape.cuh"
#include "tile.cuh"
#include "vector_slot.cuh"

namespace hyperbolic::cuda {

// Coordinates per lane the row kernels aim for (see launch_shape.cuh); a
// process-wide tuning knob, read at each launch. 1 gives one lane per
// coordinate up to a warp.
inline int& row_elements_per_lane() {
  static int value = default_row_elements_per_lane;
  return value;
}

// Whether ops that support it may keep rows in registers (CachedSlot) when
// the rows fit (row_fits_register_cache); on by default. A process-wide knob
// for side-by-side measurements, read at each launch.
inline bool& row_register_cache() {
  static bool value = true;
  return value;
}

// Whether slot ops may use the 16-byte path (VectorSlot) on batches where it
// applies (row_vector_capacity). Off by default until a GPU run has measured
// it (docs/cuda.md); the GPU tests and benchmarks run it side by side. A
// process-wide knob, read at each launch; it takes precedence over
// row_register_cache().
inline bool& row_vector_access() {
  static bool value = false;
  return value;
}

// Ops written against the slots declare their storage type (`using storage
// = S;`), `static constexpr bool caches_rows` and a templated operator()
// that takes any slot. caches_rows = true opts into the register path (ops
// for which it measured slower keep the memory path); every slot op may take
// the 16-byte path. Other ops take a RowSlot and run the memory path.
template <class Op>
concept SlotOp = requires {
  typename Op::storage;
  { Op::caches_rows } -> std::convertible_to<bool>;
};

template <class Op>
concept CachesRows = SlotOp<Op> && Op::caches_rows;

enum class RowPath { memory, registers_small, registers, vector_small, vector };

// The path of op type Op for rows of `cols` coordinates on tiles of
// `tile_width` lanes, under the current knobs.
template <class Op>
RowPath choose_row_path(index_t cols, int tile_width, RowAccess access) {
  if constexpr (SlotOp<Op>) {
    if (row_vector_access()) {
      const int capacity =
          row_vector_capacity(cols, tile_width, vector_width<typename Op::storage>, access);
      if (capacity == row_register_capacity_small) return RowPath::vector_small;
      if (capacity == row_register_capacity) return RowPath::vector;
    }
  }
  if constexpr (CachesRows<Op>) {
    if (row_register_cache()) {
      if (row_fits_register_cache(cols, tile_width, row_register_capacity_small))
        return RowPath::registers_small;
      if (row_fits_register_cache(cols, tile_width, row_register_capacity))
        return RowPath::registers;
    }
  }
  return RowPath::memory;
}

// Calls run(std::type_identity<Slot>{}) with the slot type of `path` for Op.
// A path Op cannot take (never chosen by choose_row_path) runs the memory path.
template <class Op, class Run>
void with_row_slot(RowPath path, Run&& run) {
  if constexpr (SlotOp<Op>) {
    constexpr int V = vector_width<typename Op::storage>;
    if constexpr (row_register_capacity_small % V == 0)
      if (path == RowPath::vector_small)
        return run(std::type_identity<VectorSlot<row_register_capacity_small, V>>{});
    if constexpr (row_register_capacity % V == 0)
      if (path == RowPath::vector)
        return run(std::type_identity<VectorSlot<row_register_capacity, V>>{});
  }
  if constexpr (CachesRows<Op>) {
    if (path == RowPath::registers_small)
      return run(std::type_identity<CachedSlot<row_register_capacity_small>>{});
    if (path == RowPath::registers)
      return run(std::type_identity<CachedSlot<row_register_capacity>>{});
  }
  run(std::type_identity<MemorySlot>{});
}

}  // namespace hyperbolic::cuda
