#pragma once
// Communicator over NCCL for data-parallel training on GPUs (one rank per GPU), bootstrapped by
// MPI: rank 0 creates the NCCL id and MPI broadcasts it. Compiled when nccl.h is found
// (CMake: HYPERBOLIC_NCCL_INCLUDE_DIR); docs/distributed.md, "GPUs: NCCL", has the design.
//
// The spans passed to all_reduce_sum and broadcast are DEVICE memory (the gradients and
// parameters live there); all_gather takes device bytes and returns host bytes (the sparse
// path's row ids and gradients, which the host merges). Every call is enqueued on the
// communicator's stream and completed before it returns, so callers see the same blocking
// semantics as MpiCommunicator. NCCL's ring and tree all-reduce both finish by sending one
// rank's sums to the others, so all ranks hold the same bits; set NCCL_ALGO=Ring to make the
// order of the sum independent of the message size as well (docs/distributed.md).
#include <cuda_runtime.h>
#include <nccl.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hyperbolic/distributed/communicator.hpp"
#include "hyperbolic/distributed/mpi_communicator.hpp"

namespace hyperbolic::distributed {

namespace detail {
inline void nccl_check(ncclResult_t code, const char* call) {
  if (code != ncclSuccess)
    throw CommunicationError(std::string(call) + " failed: " + ncclGetErrorString(code));
}
inline void cuda_check_comm(cudaError_t code, const char* call) {
  if (code != cudaSuccess)
    throw CommunicationError(std::string(call) + " failed: " + cudaGetErrorString(code));
}
}  // namespace detail

class NcclCommunicator final : public Communicator {
 public:
  // Collective over `bootstrap`'s ranks; this rank drives `device`.
  NcclCommunicator(MpiCommunicator& bootstrap, int device) : bootstrap_(&bootstrap) {
    detail::cuda_check_comm(cudaSetDevice(device), "cudaSetDevice");
    ncclUniqueId id{};
    if (bootstrap.rank() == 0) detail::nccl_check(ncclGetUniqueId(&id), "ncclGetUniqueId");
    bootstrap.broadcast(std::as_writable_bytes(std::span<ncclUniqueId>(&id, 1)), 0);
    detail::nccl_check(ncclCommInitRank(&comm_, bootstrap.size(), id, bootstrap.rank()),
                       "ncclCommInitRank");
    detail::cuda_check_comm(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking),
                            "cudaStreamCreateWithFlags");
  }
  NcclCommunicator(const NcclCommunicator&) = delete;
  NcclCommunicator& operator=(const NcclCommunicator&) = delete;
  ~NcclCommunicator() override {
    if (scratch_) cudaFree(scratch_);
    if (stream_) cudaStreamDestroy(stream_);
    if (comm_) ncclCommDestroy(comm_);
  }

  int rank() const noexcept override { return bootstrap_->rank(); }
  int size() const noexcept override { return bootstrap_->size(); }
  std::string description() const override { return "nccl (" + std::to_string(size()) + " ranks)"; }

  void all_reduce_sum(std::span<float> device_values) override {
    reduce(device_values.data(), device_values.size(), ncclFloat32);
  }
  void all_reduce_sum(std::span<double> device_values) override {
    reduce(device_values.data(), device_values.size(), ncclFloat64);
  }

  // Sizes first, then every rank's bytes padded to the largest; the host copy drops the
  // padding. (Fine for the sparse path's few MB per step; a device-side merge would skip the
  // copy back.)
  void all_gather(std::span<const std::byte> device_mine, Gathered& out) override {
    const std::size_t n = std::size_t(size());
    std::vector<std::uint64_t> sizes(n);
    const std::uint64_t mine = device_mine.size();
    std::byte* d = device_scratch(n * sizeof(std::uint64_t) * 2);
    detail::cuda_check_comm(cudaMemcpyAsync(d, &mine, sizeof mine, cudaMemcpyHostToDevice, stream_),
                            "cudaMemcpyAsync");
    detail::nccl_check(
        ncclAllGather(d, d + n * sizeof(std::uint64_t), 1, ncclUint64, comm_, stream_),
        "ncclAllGather (sizes)");
    detail::cuda_check_comm(
        cudaMemcpyAsync(sizes.data(), d + n * sizeof(std::uint64_t), n * sizeof(std::uint64_t),
                        cudaMemcpyDeviceToHost, stream_),
        "cudaMemcpyAsync");
    synchronize();
    const std::size_t widest = std::size_t(*std::max_element(sizes.begin(), sizes.end()));
    std::byte* send = device_scratch((n + 1) * std::max<std::size_t>(widest, 1));
    std::byte* receive = send + std::max<std::size_t>(widest, 1);
    if (!device_mine.empty())
      detail::cuda_check_comm(cudaMemcpyAsync(send, device_mine.data(), device_mine.size(),
                                              cudaMemcpyDeviceToDevice, stream_),
                              "cudaMemcpyAsync");
    if (widest > 0)
      detail::nccl_check(ncclAllGather(send, receive, widest, ncclUint8, comm_, stream_),
                         "ncclAllGather");
    std::vector<std::byte> padded(n * widest);
    if (widest > 0)
      detail::cuda_check_comm(
          cudaMemcpyAsync(padded.data(), receive, padded.size(), cudaMemcpyDeviceToHost, stream_),
          "cudaMemcpyAsync");
    synchronize();
    out.offsets.assign(n + 1, 0);
    for (std::size_t r = 0; r < n; ++r)
      out.offsets[r + 1] = out.offsets[r] + std::size_t(sizes[r]);
    out.bytes.resize(out.offsets.back());
    for (std::size_t r = 0; r < n; ++r)
      std::copy_n(padded.data() + r * widest, std::size_t(sizes[r]),
                  out.bytes.data() + out.offsets[r]);
  }

  // Device bytes in, host bytes out (as all_gather): sizes over the host bootstrap, then one
  // grouped send/receive per peer.
  void all_to_all(std::span<const std::byte> device_send, std::span<const std::size_t> send_counts,
                  Gathered& out) override {
    const std::size_t n = std::size_t(size());
    if (send_counts.size() != n)
      throw std::invalid_argument("all_to_all: " + std::to_string(send_counts.size()) +
                                  " counts for " + std::to_string(n) + " ranks");
    std::vector<std::uint64_t> sent(send_counts.begin(), send_counts.end());
    Gathered sizes;
    bootstrap_->all_gather(std::as_bytes(std::span<const std::uint64_t>(sent)), sizes);
    out.offsets.assign(n + 1, 0);
    for (std::size_t r = 0; r < n; ++r)
      out.offsets[r + 1] = out.offsets[r] + std::size_t(values_of<std::uint64_t>(
                                                sizes, int(r))[std::size_t(rank())]);
    std::byte* receive = device_scratch(std::max<std::size_t>(out.offsets.back(), 1));
    detail::nccl_check(ncclGroupStart(), "ncclGroupStart");
    std::size_t at = 0;
    for (std::size_t r = 0; r < n; ++r) {
      if (send_counts[r] > 0)
        detail::nccl_check(
            ncclSend(device_send.data() + at, send_counts[r], ncclUint8, int(r), comm_, stream_),
            "ncclSend");
      const std::size_t incoming = out.offsets[r + 1] - out.offsets[r];
      if (incoming > 0)
        detail::nccl_check(
            ncclRecv(receive + out.offsets[r], incoming, ncclUint8, int(r), comm_, stream_),
            "ncclRecv");
      at += send_counts[r];
    }
    detail::nccl_check(ncclGroupEnd(), "ncclGroupEnd");
    out.bytes.resize(out.offsets.back());
    if (!out.bytes.empty())
      detail::cuda_check_comm(cudaMemcpyAsync(out.bytes.data(), receive, out.bytes.size(),
                                              cudaMemcpyDeviceToHost, stream_),
                              "cudaMemcpyAsync");
    synchronize();
  }

  void broadcast(std::span<std::byte> device_data, int root) override {
    if (root < 0 || root >= size())
      throw std::invalid_argument("broadcast: root " + std::to_string(root) + " is not a rank of " +
                                  std::to_string(size()));
    detail::nccl_check(ncclBroadcast(device_data.data(), device_data.data(), device_data.size(),
                                     ncclUint8, root, comm_, stream_),
                       "ncclBroadcast");
    synchronize();
  }

  void barrier() override {
    float* d = reinterpret_cast<float*>(device_scratch(sizeof(float)));
    detail::nccl_check(ncclAllReduce(d, d, 1, ncclFloat32, ncclSum, comm_, stream_),
                       "ncclAllReduce (barrier)");
    synchronize();
  }

  // NCCL's kernels may be waiting for the failed rank: abort them, then end the job over MPI.
  [[noreturn]] void abort(int code, const std::string& message) noexcept override {
    if (comm_) ncclCommAbort(comm_);
    comm_ = nullptr;
    bootstrap_->abort(code, message);
  }

  cudaStream_t stream() const noexcept { return stream_; }

 private:
  void reduce(void* data, std::size_t count, ncclDataType_t type) {
    if (size() == 1 || count == 0) return;
    detail::nccl_check(ncclAllReduce(data, data, count, type, ncclSum, comm_, stream_),
                       "ncclAllReduce");
    synchronize();
  }
  void synchronize() {
    detail::cuda_check_comm(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
  }
  std::byte* device_scratch(std::size_t bytes) {
    if (bytes > scratch_bytes_) {
      if (scratch_) cudaFree(scratch_);
      scratch_ = nullptr;
      scratch_bytes_ = 0;
      detail::cuda_check_comm(cudaMalloc(&scratch_, bytes), "cudaMalloc");
      scratch_bytes_ = bytes;
    }
    return static_cast<std::byte*>(scratch_);
  }

  MpiCommunicator* bootstrap_;
  ncclComm_t comm_ = nullptr;
  cudaStream_t stream_ = nullptr;
  void* scratch_ = nullptr;
  std::size_t scratch_bytes_ = 0;
};

}  // namespace hyperbolic::distributed
