#pragma once
// The GPU suites' side of the shared test pieces (reference_support.hpp):
// batches and buffers in device memory. The shared cases (forward_cases.hpp,
// backward_cases.hpp) use them as Batch<S>, Buffer<S> and finish().

#include <hyperbolic/cuda/device_buffer.cuh>

#include "reference_support.hpp"

namespace hyperbolic::cuda_testing {

using cuda::DeviceBuffer;
template <class S>
using Buffer = DeviceBuffer<S>;

template <class S>
struct DeviceBatch {
  HostBatch<S> host;
  DeviceBuffer<S> dev;
  explicit DeviceBatch(const HostBatch<S>& h) : host(h), dev(h.data) {}
  DeviceBatch(index_t r, index_t c) : host(r, c), dev(host.data) {}
  MatrixView<S> view() { return MatrixView<S>(dev.data(), host.rows, host.cols, host.stride); }
  ConstMatrixView<S> cview() const {
    return ConstMatrixView<S>(dev.data(), host.rows, host.cols, host.stride);
  }
  HostBatch<S> fetch() const {
    HostBatch<S> h = host;
    h.data = dev.download();
    return h;
  }
};

template <class S>
using Batch = DeviceBatch<S>;

// Waits for the launched kernels; reports their errors.
inline void finish() {
  HYP_CUDA_CHECK(cudaDeviceSynchronize());
}

}  // namespace hyperbolic::cuda_testing
