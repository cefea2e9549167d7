#pragma once
// The one place that knows which xsimd it is compiled against. xsimd 8.1
// (Debian bookworm) names the horizontal sum `hadd`; xsimd 10 and later call
// it `reduce_add` (and drop `hadd`). Everything else in cpu/ goes through
// simd::batch and simd::horizontal_sum.

#include <xsimd/xsimd.hpp>

#include "../core/lanes.hpp"

namespace hyperbolic {
// xsimd batches as lanes of the coefficient step (core/lanes.hpp): the
// coefficient functions of the core run on them unchanged.
template <class T, class A>
struct lane_ops<xsimd::batch<T, A>> {
  using V = xsimd::batch<T, A>;
  using scalar = T;
  using mask = xsimd::batch_bool<T, A>;
  static V select(const mask& m, const V& a, const V& b) noexcept { return xsimd::select(m, a, b); }
  static V sqrt(const V& x) noexcept { return xsimd::sqrt(x); }
  static V exp(const V& x) noexcept { return xsimd::exp(x); }
  static V expm1(const V& x) noexcept { return xsimd::expm1(x); }
  static V log(const V& x) noexcept { return xsimd::log(x); }
  static V log1p(const V& x) noexcept { return xsimd::log1p(x); }
  static V sinh(const V& x) noexcept { return xsimd::sinh(x); }
  static V cosh(const V& x) noexcept { return xsimd::cosh(x); }
  static V tanh(const V& x) noexcept { return xsimd::tanh(x); }
  static V asinh(const V& x) noexcept { return xsimd::asinh(x); }
  static V atanh(const V& x) noexcept { return xsimd::atanh(x); }
  static V fabs(const V& x) noexcept { return xsimd::fabs(x); }
};
template <class T, class A>
struct lane_mask_ops<xsimd::batch_bool<T, A>> {
  static bool any(const xsimd::batch_bool<T, A>& m) noexcept { return xsimd::any(m); }
  static bool all(const xsimd::batch_bool<T, A>& m) noexcept { return xsimd::all(m); }
};
}  // namespace hyperbolic

namespace hyperbolic::cpu::simd {

// The widest register set the translation unit is compiled for (-march).
template <class T>
using batch = xsimd::batch<T>;

template <class T>
inline constexpr std::ptrdiff_t lanes = static_cast<std::ptrdiff_t>(batch<T>::size);

template <class T, class A>
inline T horizontal_sum(const xsimd::batch<T, A>& b) noexcept {
#if XSIMD_VERSION_MAJOR >= 10
  return xsimd::reduce_add(b);
#else
  return xsimd::hadd(b);
#endif
}

}  // namespace hyperbolic::cpu::simd
