#pragma once
// The two passes over a row that every batched kernel is made of:
//   reduce_row  - a few inner products of the input rows, in one SIMD pass;
//   combine_row - a linear combination of the input rows, in one SIMD pass.
// Between them the kernel calls the scalar coefficient code of the core.
//
// Both take a generic lambda that is called with a loader `at`: at(p) is the
// row element(s) of p at the current position, as a SIMD batch in the main
// loop and as a scalar in the tail, so one lambda serves both. at.space(p)
// zeroes the time coordinate (index 0) and at.eta(p) negates it, which is how
// the Lorentz kernels express <a, b>_L and |a_space|^2 without a second loop
// over the space coordinates (that loop would start unaligned and leave a
// scalar tail of lanes - 1 elements on every row).

#include <array>
#include <cstddef>
#include <tuple>

#include "../core/config.hpp"
#include "../manifolds/row_pass.hpp"
#include "simd.hpp"

namespace hyperbolic::cpu::simd {

template <class T>
struct LanesAt {
  index_t i;
  batch<T> operator()(const T* p) const noexcept { return batch<T>::load_unaligned(p + i); }
  batch<T> space(const T* p) const noexcept {
    const batch<T> v = (*this)(p);
    return i == 0 ? xsimd::insert(v, T(0), xsimd::index<0>{}) : v;
  }
  batch<T> eta(const T* p) const noexcept {
    const batch<T> v = (*this)(p);
    return i == 0 ? xsimd::insert(v, -p[0], xsimd::index<0>{}) : v;
  }
};

// The tail of a row, one element at a time: the scalar classes' loader.
template <class T>
using ScalarAt = ElementAt<T>;

// Sums the K terms returned by terms(at) over i in [0, d). Two accumulators
// per term hide the add latency on long rows; the summation order differs
// from the scalar loop, which changes the rounding (not the accuracy class).
template <class T, class Terms>
inline auto reduce_row(index_t d, Terms&& terms) noexcept {
  using Scalars = decltype(terms(ScalarAt<T>{0}));
  constexpr std::size_t K = std::tuple_size_v<Scalars>;
  constexpr index_t W = lanes<T>;
  std::array<batch<T>, K> acc0, acc1;
  acc0.fill(batch<T>(T(0)));
  acc1.fill(batch<T>(T(0)));
  index_t i = 0;
  for (; i + 2 * W <= d; i += 2 * W) {
    const auto t0 = terms(LanesAt<T>{i});
    const auto t1 = terms(LanesAt<T>{i + W});
    for (std::size_t k = 0; k < K; ++k) {
      acc0[k] += t0[k];
      acc1[k] += t1[k];
    }
  }
  if (i + W <= d) {
    const auto t0 = terms(LanesAt<T>{i});
    for (std::size_t k = 0; k < K; ++k)
      acc0[k] += t0[k];
    i += W;
  }
  std::array<T, K> sums;
  for (std::size_t k = 0; k < K; ++k)
    sums[k] = horizontal_sum(acc0[k] + acc1[k]);
  for (; i < d; ++i) {
    const auto t = terms(ScalarAt<T>{i});
    for (std::size_t k = 0; k < K; ++k)
      sums[k] += t[k];
  }
  return sums;
}

// out[i] = value(at) for i in [0, d). Each position is loaded before it is
// stored, so out may be exactly one of the inputs.
template <class T, class Value>
inline void combine_row(index_t d, T* out, Value&& value) noexcept {
  constexpr index_t W = lanes<T>;
  index_t i = 0;
  for (; i + W <= d; i += W)
    value(LanesAt<T>{i}).store_unaligned(out + i);
  for (; i < d; ++i)
    out[i] = value(ScalarAt<T>{i});
}

// Several outputs from one pass: values(at) returns one value per output.
template <class T, std::size_t K, class Values>
inline void combine_rows(index_t d, const std::array<T*, K>& outs, Values&& values) noexcept {
  constexpr index_t W = lanes<T>;
  index_t i = 0;
  for (; i + W <= d; i += W) {
    const auto v = values(LanesAt<T>{i});
    for (std::size_t k = 0; k < K; ++k)
      v[k].store_unaligned(outs[k] + i);
  }
  for (; i < d; ++i) {
    const auto v = values(ScalarAt<T>{i});
    for (std::size_t k = 0; k < K; ++k)
      outs[k][i] = v[k];
  }
}

}  // namespace hyperbolic::cpu::simd
