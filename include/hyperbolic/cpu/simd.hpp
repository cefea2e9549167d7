#pragma once
// The one place that knows which xsimd it is compiled against. xsimd 8.1
// (Debian bookworm) names the horizontal sum `hadd`; xsimd 10 and later call
// it `reduce_add` (and drop `hadd`). Everything else in cpu/ goes through
// simd::batch and simd::horizontal_sum.

#include <xsimd/xsimd.hpp>

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
