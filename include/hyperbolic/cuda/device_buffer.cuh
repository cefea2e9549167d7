#pragma once
// A small owning device array (cudaMalloc / cudaFree) with host copies, for
// tests, benchmarks and callers without their own allocator.

#include <cuda_runtime.h>

#include <cstddef>
#include <utility>
#include <vector>

#include "error.cuh"

namespace hyperbolic::cuda {

template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(std::size_t n) : size_(n) {
    if (n > 0) HYP_CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&data_), n * sizeof(T)));
  }
  explicit DeviceBuffer(const std::vector<T>& host) : DeviceBuffer(host.size()) { upload(host); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    return *this;
  }
  ~DeviceBuffer() {
    if (data_) cudaFree(data_);  // no throw from a destructor
  }

  T* data() const { return data_; }
  std::size_t size() const { return size_; }

  void upload(const std::vector<T>& host) {
    if (host.size() != size_)
      throw std::invalid_argument("DeviceBuffer::upload: " + std::to_string(host.size()) +
                                  " elements into a buffer of " + std::to_string(size_));
    if (size_ > 0)
      HYP_CUDA_CHECK(cudaMemcpy(data_, host.data(), size_ * sizeof(T), cudaMemcpyHostToDevice));
  }
  std::vector<T> download() const {
    std::vector<T> host(size_);
    if (size_ > 0)
      HYP_CUDA_CHECK(cudaMemcpy(host.data(), data_, size_ * sizeof(T), cudaMemcpyDeviceToHost));
    return host;
  }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace hyperbolic::cuda
