#pragma once
// Shared pieces of the CPU benchmarks: deterministic cheap fill values, the
// bytes-moved counter, and the same-threads copy that is the bandwidth
// baseline of every memory-bound kernel.

#include <benchmark/benchmark.h>

#include <hyperbolic/cpu/parallel.hpp>
#include <hyperbolic/cpu/row_passes.hpp>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

namespace hyperbolic::bench {

// Values in [-scale, scale] / sqrt(d), a different pattern per seed: rows of
// norm below `scale`, so Poincare points stay inside the unit ball.
template <class T>
void fill_pattern(std::vector<T>& v, index_t d, double scale, int seed) {
  const double k = scale / std::sqrt(double(d));
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = T(k * (double((i * 7919u + std::size_t(seed) * 104729u) % 1999u) / 999.0 - 1.0));
}

template <class T>
const char* type_name() {
  return sizeof(T) == 4 ? "f32" : "f64";
}

inline std::string shape_name(index_t n, index_t d) {
  return std::to_string(n) + "x" + std::to_string(d);
}

// Bytes that must move per iteration -> bytes_per_second.
inline void set_bytes(benchmark::State& state, double bytes_per_iteration) {
  state.SetBytesProcessed(std::int64_t(double(state.iterations()) * bytes_per_iteration));
}

// The bandwidth baseline: out = in, row by row on the same threads as the
// kernels (read + write counted).
template <class T>
void threaded_copy(const T* in, T* out, index_t n, index_t d) {
  cpu::for_each_row(n, d, [&](index_t i) { std::memcpy(out + i * d, in + i * d, sizeof(T) * d); });
}

}  // namespace hyperbolic::bench
