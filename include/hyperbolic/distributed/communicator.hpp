#pragma once
// What data-parallel training needs from a transport, and nothing more: sums of dense buffers,
// every rank's bytes in rank order, a broadcast, and a way to end every rank at once.
//
// Implementations: SingleProcess (below; size 1, every call a copy or nothing),
// MpiCommunicator (mpi_communicator.hpp, when MPI is found) and NcclCommunicator
// (nccl_communicator.cuh, device buffers, when NCCL is found). docs/distributed.md says what
// each step exchanges.
//
// Determinism contract of every implementation: all_reduce_sum leaves the *same bits* on every
// rank (each element is summed once, by one rank, and that sum is sent to the others), and for
// a fixed number of ranks the order of that sum is fixed from call to call. Replicas that apply
// the same step to the same sum therefore stay identical; check_replicas (replica_check.hpp)
// verifies it.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace hyperbolic::distributed {

// Every rank's contribution to an all-gather, concatenated in rank order.
struct Gathered {
  std::vector<std::byte> bytes;
  std::vector<std::size_t>
      offsets;  // size() + 1 entries: rank r's bytes are [offsets[r], offsets[r+1])

  int ranks() const noexcept { return offsets.empty() ? 0 : int(offsets.size()) - 1; }
  std::span<const std::byte> of(int rank) const {
    return {bytes.data() + offsets[std::size_t(rank)],
            offsets[std::size_t(rank) + 1] - offsets[std::size_t(rank)]};
  }
};

// A failure of the transport itself (a broken link, a rank that died): what() names the call.
class CommunicationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Communicator {
 public:
  virtual ~Communicator() = default;

  virtual int rank() const noexcept = 0;
  virtual int size() const noexcept = 0;
  // "mpi (2 ranks)", "single process": for logs and results.
  virtual std::string description() const = 0;

  // Element-wise sum over all ranks, in place (see the determinism contract above).
  virtual void all_reduce_sum(std::span<float> values) = 0;
  virtual void all_reduce_sum(std::span<double> values) = 0;
  // Every rank's `mine` (any length, also zero), concatenated in rank order, on every rank.
  virtual void all_gather(std::span<const std::byte> mine, Gathered& out) = 0;
  // Personalized exchange: `send` holds this rank's messages to rank 0, 1, ... back to back,
  // `send_counts[d]` bytes for rank d (size() entries); out.of(s) is what rank s sent here.
  virtual void all_to_all(std::span<const std::byte> send, std::span<const std::size_t> send_counts,
                          Gathered& out) = 0;
  // `data` of rank `root` copied into `data` of every other rank (same length everywhere).
  virtual void broadcast(std::span<std::byte> data, int root) = 0;
  virtual void barrier() = 0;
  // Ends every rank with exit status `code` after printing `message` on this rank's stderr: for
  // a failure on one rank that the others, waiting in a collective call, cannot learn of.
  [[noreturn]] virtual void abort(int code, const std::string& message) noexcept = 0;

  bool is_root() const noexcept { return rank() == 0; }
};

// One process: sums are the values themselves, a gather is a copy.
class SingleProcess final : public Communicator {
 public:
  int rank() const noexcept override { return 0; }
  int size() const noexcept override { return 1; }
  std::string description() const override { return "single process"; }
  void all_reduce_sum(std::span<float>) override {}
  void all_reduce_sum(std::span<double>) override {}
  void all_gather(std::span<const std::byte> mine, Gathered& out) override {
    out.bytes.assign(mine.begin(), mine.end());
    out.offsets = {0, mine.size()};
  }
  void all_to_all(std::span<const std::byte> send, std::span<const std::size_t> send_counts,
                  Gathered& out) override {
    if (send_counts.size() != 1 || send_counts[0] != send.size())
      throw std::invalid_argument("all_to_all: " + std::to_string(send_counts.size()) +
                                  " counts for 1 rank, or a count that is not the " +
                                  std::to_string(send.size()) + " bytes to send");
    all_gather(send, out);
  }
  void broadcast(std::span<std::byte>, int root) override {
    if (root != 0)
      throw std::invalid_argument("broadcast: root " + std::to_string(root) +
                                  " does not exist in a single process");
  }
  void barrier() override {}
  [[noreturn]] void abort(int code, const std::string& message) noexcept override;
};

}  // namespace hyperbolic::distributed

#include <cstdio>
#include <cstdlib>

namespace hyperbolic::distributed {

[[noreturn]] inline void SingleProcess::abort(int code, const std::string& message) noexcept {
  if (!message.empty()) std::fprintf(stderr, "%s\n", message.c_str());
  std::fflush(nullptr);
  std::_Exit(code);
}

// Typed views for the byte-level calls.
template <class T>
std::span<const std::byte> bytes_of(std::span<const T> values) noexcept {
  return std::as_bytes(values);
}

// Rank r's part of a gather read back as values of T (the bytes were written from T).
template <class T>
std::vector<T> values_of(const Gathered& g, int rank) {
  const auto b = g.of(rank);
  if (b.size() % sizeof(T) != 0)
    throw CommunicationError("all_gather: rank " + std::to_string(rank) + " sent " +
                             std::to_string(b.size()) + " bytes, not a whole number of " +
                             std::to_string(sizeof(T)) + "-byte values");
  std::vector<T> out(b.size() / sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), b.data(), b.size());
  return out;
}

}  // namespace hyperbolic::distributed
