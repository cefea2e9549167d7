#pragma once
// Data-parallel replicas must stay identical: the same sums (communicator.hpp's contract) and
// the same local step give the same bits. check_replicas compares a checksum of each rank's
// state and stops every rank, naming the step and the ranks, the first time they differ — a
// rank built with other flags, a nondeterministic kernel or a corrupted message shows up there
// instead of as a slowly wrong model.
#include <cstdint>
#include <cstdio>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "hyperbolic/distributed/communicator.hpp"
#include "hyperbolic/optim/checksum.hpp"

namespace hyperbolic::distributed {

class ReplicaDrift : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// FNV-1a of the bytes of `values`, continuing `hash` (chain several buffers).
template <class T>
std::uint64_t state_checksum(std::span<const T> values,
                             std::uint64_t hash = optim::fnv1a64_offset) noexcept {
  return optim::fnv1a64(values.data(), values.size_bytes(), hash);
}

inline std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Collective: every rank passes its checksum of the same state after the same `step`. Throws
// ReplicaDrift on every rank (same message) when any two differ.
inline void check_replicas(Communicator& comm, std::uint64_t checksum, std::uint64_t step,
                           std::string_view what = "state") {
  if (comm.size() == 1) return;
  Gathered g;
  comm.all_gather(std::as_bytes(std::span<const std::uint64_t>(&checksum, 1)), g);
  std::uint64_t first = 0;
  for (int r = 0; r < comm.size(); ++r) {
    const auto sums = values_of<std::uint64_t>(g, r);
    if (sums.size() != 1)
      throw CommunicationError("check_replicas: rank " + std::to_string(r) + " sent " +
                               std::to_string(sums.size()) + " checksums, expected 1");
    if (r == 0) {
      first = sums[0];
    } else if (sums[0] != first) {
      throw ReplicaDrift("replicas drifted at step " + std::to_string(step) + ": the " +
                         std::string(what) + " of rank " + std::to_string(r) + " (checksum " +
                         hex(sums[0]) + ") differs from rank 0's (" + hex(first) +
                         "); the ranks must run the same build on the same inputs");
    }
  }
}

// check_replicas every `every` steps (0: never).
class ReplicaChecker {
 public:
  explicit ReplicaChecker(std::uint64_t every) : every_(every) {}
  bool due(std::uint64_t step) const noexcept { return every_ != 0 && step % every_ == 0; }
  std::uint64_t every() const noexcept { return every_; }

 private:
  std::uint64_t every_;
};

}  // namespace hyperbolic::distributed
