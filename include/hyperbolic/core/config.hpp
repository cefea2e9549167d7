#pragma once
// Host/device annotation and basic index type shared by every header.

#include <cstddef>

#if defined(__CUDACC__) || defined(__HIPCC__)
#define HYP_HD __host__ __device__
#define HYP_DEVICE_COMPILE 1
#else
#define HYP_HD
#endif

#define HYP_HD_INLINE HYP_HD inline

namespace hyperbolic {
// Signed so that loops counting down and differences of indices are safe.
using index_t = std::ptrdiff_t;
}  // namespace hyperbolic
