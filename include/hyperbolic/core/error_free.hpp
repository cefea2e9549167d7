#pragma once
// Error-free transformations (Knuth's TwoSum, Dekker's TwoProduct): a + b and
// a * b as an unevaluated sum hi + lo of two numbers of the same type, exact
// unless they overflow. Generic in the value type V, so the same lines run on
// T, on an xsimd batch of T and on the device. Dekker's split needs no FMA
// (host builds without -mfma would call a slow libm fma); if the compiler
// contracts a product of the error term into an FMA the term stays exact,
// because every product in it is exact.

#include <cmath>
#include <limits>

#include "config.hpp"

namespace hyperbolic::error_free {

template <class V>
struct Sum {
  V hi, lo;
};

// hi = fl(a + b), lo = (a + b) - hi exactly.
template <class V>
HYP_HD_INLINE Sum<V> two_sum(V a, V b) {
  const V hi = a + b;
  const V bb = hi - a;
  return {hi, (a - (hi - bb)) + (b - bb)};
}

// Veltkamp's splitting constant 2^ceil(p/2) + 1 of the scalar type.
template <class T>
inline constexpr T split_constant = T((1ull << ((std::numeric_limits<T>::digits + 1) / 2)) + 1);

// Where the target has a fused multiply-add (x86 with -mfma / -march=native,
// every CUDA device), the error of a product is one FMA; elsewhere Dekker's
// split below. fma is found by argument-dependent lookup for SIMD batches.
#if defined(__FMA__) || defined(__CUDA_ARCH__)
#define HYP_HAS_FAST_FMA 1
#endif

// hi = fl(a * a), lo = a * a - hi exactly (|a| below sqrt(max) / 2^(p/2)).
template <class T, class V>
HYP_HD_INLINE Sum<V> two_square(V a) {
#if defined(HYP_HAS_FAST_FMA)
  using std::fma;
  const V p = a * a;
  return {p, fma(a, a, -p)};
#else
  const V t = V(split_constant<T>) * a;
  const V ah = t - (t - a), al = a - ah;
  const V p = a * a;
  return {p, ((ah * ah - p) + V(T(2)) * ah * al) + al * al};
#endif
}

// hi = fl(a * b), lo = a * b - hi exactly.
template <class T, class V>
HYP_HD_INLINE Sum<V> two_product(V a, V b) {
#if defined(HYP_HAS_FAST_FMA)
  using std::fma;
  const V q = a * b;
  return {q, fma(a, b, -q)};
#else
  const V ta = V(split_constant<T>) * a, tb = V(split_constant<T>) * b;
  const V ah = ta - (ta - a), al = a - ah, bh = tb - (tb - b), bl = b - bh;
  const V p = a * b;
  return {p, ((ah * bh - p) + ah * bl + al * bh) + al * bl};
#endif
}

// A running sum kept as hi + lo (Ogita, Rump and Oishi's Sum2 / Dot2): the
// result is as accurate as if it were computed in twice the precision and
// then rounded.
template <class V>
struct CompensatedSum {
  V hi, lo;
  HYP_HD void add(Sum<V> term) {
    const Sum<V> s = two_sum(hi, term.hi);
    hi = s.hi;
    lo = lo + (s.lo + term.lo);
  }
};

}  // namespace hyperbolic::error_free
