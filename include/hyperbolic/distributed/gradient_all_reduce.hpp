#pragma once
// Dense data parallelism (as PyTorch DDP): every rank computes the gradient of its share of the
// batch, the gradients are summed over ranks in one collective call, and every rank applies the
// same optimizer step to the same sum. GradientAllReduce packs any number of tensors into one
// buffer so that a step costs one all-reduce, not one per tensor (the latency of a call on
// 10 Gb/s Ethernet is ~10-50 us; a transformer has ~10 tensors per layer).
//
// Bytes on the wire per step and rank: 2 (N-1)/N x sizeof(T) x (total elements) (reduce-scatter
// plus all-gather), independent of the batch (docs/distributed.md).
#include <algorithm>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "hyperbolic/distributed/communicator.hpp"

namespace hyperbolic::distributed {

template <class T>
class GradientAllReduce {
 public:
  // Sums each tensor over all ranks in place, then multiplies it by `scale` (1 / total batch
  // weight, for a mean). Every rank must pass tensors of the same sizes in the same order.
  void sum(Communicator& comm, std::span<const std::span<T>> tensors, T scale = T(1)) {
    if (comm.size() == 1) {  // the sum is the tensor itself: no packing, at most the scale
      if (scale != T(1))
        for (const auto& t : tensors)
          for (T& v : t)
            v *= scale;
      return;
    }
    std::size_t total = 0;
    for (const auto& t : tensors)
      total += t.size();
    buffer_.resize(total);
    std::size_t at = 0;
    for (const auto& t : tensors) {
      std::copy(t.begin(), t.end(), buffer_.begin() + std::ptrdiff_t(at));
      at += t.size();
    }
    comm.all_reduce_sum(std::span<T>(buffer_));
    at = 0;
    for (const auto& t : tensors) {
      for (std::size_t i = 0; i < t.size(); ++i)
        t[i] = buffer_[at + i] * scale;
      at += t.size();
    }
    bytes_sent_ +=
        2 * (std::size_t(comm.size()) - 1) * total * sizeof(T) / std::size_t(comm.size());
  }
  // Bytes this rank has sent so far (the formula above, summed over calls).
  std::size_t bytes_sent() const noexcept { return bytes_sent_; }

 private:
  std::vector<T> buffer_;
  std::size_t bytes_sent_ = 0;
};

// A scalar summed over ranks (a loss, a token count), as double.
inline double sum_over_ranks(Communicator& comm, double value) {
  comm.all_reduce_sum(std::span<double>(&value, 1));
  return value;
}

}  // namespace hyperbolic::distributed
