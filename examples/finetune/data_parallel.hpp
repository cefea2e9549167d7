#pragma once
// Data-parallel training of the fine-tuner over a Communicator (docs/distributed-finetune.md):
// every rank holds the whole batch of a step (drawn from the same rng), computes the loss and
// gradient of its contiguous share of the batch's sequences, and one GradientAllReduce call per
// step sums the shares' gradients (and the loss) over the ranks. Each share's gradient is
// weighted by (its loss weight / the whole batch's loss weight), so that the sum is the gradient
// of the same whole-batch mean loss a single process computes; only the order of the floating-
// point sums differs. Every rank then applies the identical optimizer step to identical values.
//
// With one rank nothing is copied or scaled: a single process trains bit for bit as before.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <hyperbolic/distributed/communicator.hpp>
#include <hyperbolic/distributed/gradient_all_reduce.hpp>
#include <hyperbolic/distributed/replica_check.hpp>

#include "parameter.hpp"
#include "pipeline.hpp"

namespace finetune {

namespace dist = hyperbolic::distributed;

// The sequences [begin, end) of a batch of `batch` sequences that rank `rank` of `ranks` trains
// on: contiguous, sizes differing by at most one, the larger shares first. A share may be
// empty when the batch has fewer sequences than there are ranks.
struct Share {
  long begin = 0, end = 0;
  long size() const { return end - begin; }
};
inline Share share_of(long batch, int rank, int ranks) {
  if (ranks < 1 || rank < 0 || rank >= ranks)
    throw std::invalid_argument("share_of: rank " + std::to_string(rank) + " of " +
                                std::to_string(ranks) + " ranks does not exist");
  if (batch < 0) throw std::invalid_argument("share_of: batch " + std::to_string(batch) + " < 0");
  const long base = batch / ranks, extra = batch % ranks;
  const long begin = long(rank) * base + std::min<long>(rank, extra);
  return {begin, begin + base + (rank < extra ? 1 : 0)};
}

// Sum of the loss weights of the sequences of `s` (the whole batch: {0, b.batch}).
inline double weight_of(const Batch& b, Share s) {
  double w = 0;
  for (long i = s.begin * b.len; i < s.end * b.len; ++i)
    w += double(b.weights[std::size_t(i)]);
  return w;
}

// The sequences of `s` as a batch of their own (same length: padding stays where it was).
// real_tokens is left 0: throughput is counted on the whole batch, which every rank holds.
inline Batch slice(const Batch& b, Share s) {
  Batch out;
  out.batch = s.size();
  out.len = b.len;
  const auto first = std::ptrdiff_t(s.begin * b.len), last = std::ptrdiff_t(s.end * b.len);
  out.tokens.assign(b.tokens.begin() + first, b.tokens.begin() + last);
  out.targets.assign(b.targets.begin() + first, b.targets.begin() + last);
  out.weights.assign(b.weights.begin() + first, b.weights.begin() + last);
  return out;
}

// Zeroes the gradients, then computes the loss of share `s` of b and its gradient as a part of
// b's whole mean loss: both multiplied by (weight of the share / weight of b). Summed over
// shares that cover b, the gradients are b's gradient and the losses b's loss (to rounding).
// A share without weight contributes zeros. Throws when b has no weight at all.
template <class Model>
float share_loss_and_gradient(Model& model, const Batch& b, Share s,
                              std::vector<Parameter<float>>& params) {
  const double whole = weight_of(b, {0, b.batch});
  if (!(whole > 0))
    throw std::invalid_argument(
        "data-parallel step: no position of the batch has a positive loss weight");
  model.zero_grad();
  if (s.begin == 0 && s.end == b.batch) {  // the whole batch: nothing to slice or scale
    const float loss = float(model.forward(b.tokens, b.batch, b.len, b.targets, b.weights));
    model.backward();
    return loss;
  }
  const double mine = weight_of(b, s);
  if (mine == 0) return 0.0f;
  const Batch part = slice(b, s);
  const float loss =
      float(model.forward(part.tokens, part.batch, part.len, part.targets, part.weights));
  model.backward();
  const float fraction = float(mine / whole);
  for (auto& p : params)
    if (p.trainable)
      for (long i = 0; i < p.size(); ++i)
        p.grad[i] *= fraction;
  return loss * fraction;
}

// One step's gradient over all ranks: this rank's share, then one all-reduce of every
// trainable gradient and the loss. Keeps the counters the results report.
class DataParallelGradient {
 public:
  explicit DataParallelGradient(dist::Communicator& comm) : comm_(comm) {}

  // Leaves in every trainable gradient the whole batch's gradient (the same bits on every
  // rank) and returns the whole batch's mean loss.
  template <class Model>
  float compute(Model& model, const Batch& b, std::vector<Parameter<float>>& params) {
    const int ranks = comm_.size();
    if (ranks == 1) return share_loss_and_gradient(model, b, {0, b.batch}, params);
    float loss = share_loss_and_gradient(model, b, share_of(b.batch, comm_.rank(), ranks), params);
    spans_.clear();
    for (auto& p : params)
      if (p.trainable) spans_.emplace_back(p.grad, std::size_t(p.size()));
    spans_.emplace_back(&loss, 1);
    const std::size_t before = reducer_.bytes_sent();
    const auto t0 = std::chrono::steady_clock::now();
    reducer_.sum(comm_, std::span<const std::span<float>>(spans_));
    all_reduce_seconds_ +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    bytes_per_step_ = reducer_.bytes_sent() - before;
    ++steps_;
    return loss;
  }

  dist::Communicator& comm() const noexcept { return comm_; }
  // The wall time spent in the all-reduce (waiting for the slowest rank included).
  double all_reduce_seconds() const noexcept { return all_reduce_seconds_; }
  // Bytes this rank sent in the last step's all-reduce: 2 (N-1)/N x 4 x (trainable + 1).
  std::size_t bytes_per_step() const noexcept { return bytes_per_step_; }
  std::size_t bytes_sent() const noexcept { return reducer_.bytes_sent(); }
  long steps() const noexcept { return steps_; }

 private:
  dist::Communicator& comm_;
  dist::GradientAllReduce<float> reducer_;
  std::vector<std::span<float>> spans_;
  double all_reduce_seconds_ = 0;
  std::size_t bytes_per_step_ = 0;
  long steps_ = 0;
};

// Checksum of the values of every parameter (trainable or not), in order.
inline std::uint64_t parameters_checksum(const std::vector<Parameter<float>>& params) {
  std::uint64_t h = hyperbolic::optim::fnv1a64_offset;
  for (const auto& p : params)
    h = dist::state_checksum(std::span<const float>(p.value, std::size_t(p.size())), h);
  return h;
}

// Collective: stops every rank with ReplicaDrift when the parameters differ between ranks.
inline void check_parameter_replicas(dist::Communicator& comm,
                                     const std::vector<Parameter<float>>& params,
                                     std::uint64_t step, const std::string& what) {
  if (comm.size() > 1) dist::check_replicas(comm, parameters_checksum(params), step, what);
}

// Collective: rank `root`'s string on every rank.
inline void broadcast_string(dist::Communicator& comm, std::string& s, int root = 0) {
  if (comm.size() == 1) return;
  std::uint64_t n = s.size();
  comm.broadcast(std::as_writable_bytes(std::span<std::uint64_t>(&n, 1)), root);
  s.resize(std::size_t(n));
  comm.broadcast(std::as_writable_bytes(std::span<char>(s.data(), s.size())), root);
}

// Collective: rank `root`'s value of a trivially copyable T on every rank.
template <class T>
T broadcast_value(dist::Communicator& comm, T value, int root = 0) {
  if (comm.size() > 1) comm.broadcast(std::as_writable_bytes(std::span<T>(&value, 1)), root);
  return value;
}

}  // namespace finetune
