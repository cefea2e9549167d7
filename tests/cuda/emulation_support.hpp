#pragma once
// The emulation suite's side of the shared test pieces (reference_support.hpp):
// Batch<S> and Buffer<S> live in host memory, which the emulated kernels
// (HYPERBOLIC_CUDA_EMULATE_ROWS, tile_emulation.hpp) read and write directly;
// finish() has nothing to wait for.

#include <cstddef>
#include <vector>

#include "reference_support.hpp"

namespace hyperbolic::cuda_testing {

template <class S>
class Buffer {
 public:
  explicit Buffer(std::size_t n) : data_(n) {}
  explicit Buffer(const std::vector<S>& values) : data_(values) {}
  S* data() { return data_.data(); }
  std::vector<S> download() const { return data_; }

 private:
  std::vector<S> data_;
};

template <class S>
struct Batch {
  HostBatch<S> host;
  explicit Batch(const HostBatch<S>& h) : host(h) {}
  Batch(index_t r, index_t c) : host(r, c) {}
  MatrixView<S> view() {
    return MatrixView<S>(host.data.data(), host.rows, host.cols, host.stride);
  }
  ConstMatrixView<S> cview() const {
    return ConstMatrixView<S>(host.data.data(), host.rows, host.cols, host.stride);
  }
  HostBatch<S> fetch() const { return host; }
};

inline void finish() {}

}  // namespace hyperbolic::cuda_testing
