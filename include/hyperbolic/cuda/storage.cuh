#pragma once
// Storage types and the type computations run in: float and double compute in
// themselves; half and bfloat16 are storage only and compute in float.

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <type_traits>

#include "../core/config.hpp"

namespace hyperbolic::cuda {

template <class S>
struct storage_traits;

template <>
struct storage_traits<float> {
  using compute = float;
  static constexpr const char* name = "float";
};
template <>
struct storage_traits<double> {
  using compute = double;
  static constexpr const char* name = "double";
};
template <>
struct storage_traits<__half> {
  using compute = float;
  static constexpr const char* name = "half";
};
template <>
struct storage_traits<__nv_bfloat16> {
  using compute = float;
  static constexpr const char* name = "bfloat16";
};

template <class S>
using compute_t = typename storage_traits<std::remove_const_t<S>>::compute;

HYP_HD_INLINE float to_compute(__half v) {
  return __half2float(v);
}
HYP_HD_INLINE float to_compute(__nv_bfloat16 v) {
  return __bfloat162float(v);
}
HYP_HD_INLINE float to_compute(float v) {
  return v;
}
HYP_HD_INLINE double to_compute(double v) {
  return v;
}

// Coordinates of storage type S in one 16-byte access (vector_slot.cuh).
template <class S>
inline constexpr int vector_width = 16 / static_cast<int>(sizeof(S));

template <class S>
HYP_HD_INLINE S to_storage(compute_t<S> v) {
  if constexpr (std::is_same_v<S, __half>)
    return __float2half_rn(v);
  else if constexpr (std::is_same_v<S, __nv_bfloat16>)
    return __float2bfloat16_rn(v);
  else
    return v;
}

}  // namespace hyperbolic::cuda
