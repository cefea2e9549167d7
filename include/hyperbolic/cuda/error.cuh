#pragma once
// CUDA and cuBLAS status codes turned into exceptions that name the call
// site: "file:line: <call> failed: <cudaGetErrorString>".

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace hyperbolic::cuda {

// A failed CUDA runtime or cuBLAS call (std::runtime_error, so callers that
// only know the standard library can still catch it).
class CudaError : public std::runtime_error {
 public:
  CudaError(const std::string& what, int code) : std::runtime_error(what), code_(code) {}
  int code() const noexcept { return code_; }

 private:
  int code_;
};

inline void throw_on_error(cudaError_t status, const char* call, const char* file, int line) {
  if (status == cudaSuccess) return;
  throw CudaError(std::string(file) + ":" + std::to_string(line) + ": " + call + " failed: " +
                      cudaGetErrorString(status) + " (" + cudaGetErrorName(status) + ")",
                  static_cast<int>(status));
}

inline const char* cublas_status_name(cublasStatus_t s) {
  switch (s) {
    case CUBLAS_STATUS_SUCCESS:
      return "CUBLAS_STATUS_SUCCESS";
    case CUBLAS_STATUS_NOT_INITIALIZED:
      return "CUBLAS_STATUS_NOT_INITIALIZED";
    case CUBLAS_STATUS_ALLOC_FAILED:
      return "CUBLAS_STATUS_ALLOC_FAILED";
    case CUBLAS_STATUS_INVALID_VALUE:
      return "CUBLAS_STATUS_INVALID_VALUE";
    case CUBLAS_STATUS_ARCH_MISMATCH:
      return "CUBLAS_STATUS_ARCH_MISMATCH";
    case CUBLAS_STATUS_MAPPING_ERROR:
      return "CUBLAS_STATUS_MAPPING_ERROR";
    case CUBLAS_STATUS_EXECUTION_FAILED:
      return "CUBLAS_STATUS_EXECUTION_FAILED";
    case CUBLAS_STATUS_INTERNAL_ERROR:
      return "CUBLAS_STATUS_INTERNAL_ERROR";
    case CUBLAS_STATUS_NOT_SUPPORTED:
      return "CUBLAS_STATUS_NOT_SUPPORTED";
    default:
      return "unknown cuBLAS status";
  }
}

inline void throw_on_error(cublasStatus_t status, const char* call, const char* file, int line) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  throw CudaError(std::string(file) + ":" + std::to_string(line) + ": " + call +
                      " failed: " + cublas_status_name(status),
                  static_cast<int>(status));
}

}  // namespace hyperbolic::cuda

// Wraps a cudaError_t or cublasStatus_t expression.
#define HYP_CUDA_CHECK(call) ::hyperbolic::cuda::throw_on_error((call), #call, __FILE__, __LINE__)
// After a kernel launch: launch-configuration errors surface here; errors
// while the kernel runs surface at the next synchronizing call.
#define HYP_CUDA_CHECK_LAUNCH() HYP_CUDA_CHECK(cudaGetLastError())
