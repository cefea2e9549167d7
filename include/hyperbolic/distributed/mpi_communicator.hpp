#pragma once
// Communicator over MPI (any implementation of MPI-3; tested with Open MPI 4.1, Debian's
// libopenmpi-dev). Link hyperbolic::distributed (CMake), which brings MPI::MPI_CXX.
//
// Every MPI call returns its error instead of aborting (MPI_ERRORS_RETURN) and a failure
// becomes a CommunicationError naming the call and MPI's reason. all_reduce_sum is a
// reduce-scatter (each element summed once, by the rank that owns its slice) followed by an
// all-gather of the sums: the bandwidth of a ring all-reduce, and the same bits on every rank
// by construction, which MPI_Allreduce does not promise.
// The C API only: the deprecated C++ bindings warn under -Wextra and are not used.
#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#ifndef MPICH_SKIP_MPICXX
#define MPICH_SKIP_MPICXX 1
#endif
#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <memory>
#include <cstdio>
#include <string>
#include <vector>

#include "hyperbolic/distributed/communicator.hpp"

namespace hyperbolic::distributed {

namespace detail {
inline void mpi_check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char reason[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, reason, &length);
  throw CommunicationError(std::string(call) +
                           " failed: " + std::string(reason, std::size_t(length)));
}
template <class T>
MPI_Datatype mpi_type();
template <>
inline MPI_Datatype mpi_type<float>() {
  return MPI_FLOAT;
}
template <>
inline MPI_Datatype mpi_type<double>() {
  return MPI_DOUBLE;
}
}  // namespace detail

class MpiCommunicator final : public Communicator {
 public:
  // `comm` must outlive this object (MPI_COMM_WORLD does until MPI_Finalize).
  explicit MpiCommunicator(MPI_Comm comm) : comm_(comm) {
    detail::mpi_check(MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
    detail::mpi_check(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
    detail::mpi_check(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
  }

  int rank() const noexcept override { return rank_; }
  int size() const noexcept override { return size_; }
  std::string description() const override {
    return "mpi (" + std::to_string(size_) + (size_ == 1 ? " rank)" : " ranks)");
  }

  void all_reduce_sum(std::span<float> values) override { reduce(values); }
  void all_reduce_sum(std::span<double> values) override { reduce(values); }

  void all_gather(std::span<const std::byte> mine, Gathered& out) override {
    // Sizes first (as unsigned long long: a rank may send more than INT_MAX bytes in total
    // only in pieces, which this refuses by name instead of wrapping the count).
    unsigned long long my_size = mine.size();
    std::vector<unsigned long long> sizes(std::size_t(size_), 0);
    detail::mpi_check(MPI_Allgather(&my_size, 1, MPI_UNSIGNED_LONG_LONG, sizes.data(), 1,
                                    MPI_UNSIGNED_LONG_LONG, comm_),
                      "MPI_Allgather (sizes)");
    out.offsets.assign(std::size_t(size_) + 1, 0);
    for (int r = 0; r < size_; ++r)
      out.offsets[std::size_t(r) + 1] =
          out.offsets[std::size_t(r)] + std::size_t(sizes[std::size_t(r)]);
    if (out.offsets.back() > std::size_t(INT_MAX))
      throw CommunicationError("all_gather: " + std::to_string(out.offsets.back()) +
                               " bytes in total, more than one MPI call moves (" +
                               std::to_string(INT_MAX) + "); exchange in smaller groups");
    out.bytes.resize(out.offsets.back());
    std::vector<int> counts(static_cast<std::size_t>(size_)), displs(counts.size());
    for (int r = 0; r < size_; ++r) {
      counts[std::size_t(r)] = int(sizes[std::size_t(r)]);
      displs[std::size_t(r)] = int(out.offsets[std::size_t(r)]);
    }
    detail::mpi_check(MPI_Allgatherv(mine.data(), int(mine.size()), MPI_BYTE, out.bytes.data(),
                                     counts.data(), displs.data(), MPI_BYTE, comm_),
                      "MPI_Allgatherv");
  }

  void all_to_all(std::span<const std::byte> send, std::span<const std::size_t> send_counts,
                  Gathered& out) override {
    const std::size_t n = static_cast<std::size_t>(size_);
    std::size_t total = 0;
    for (const std::size_t c : send_counts)
      total += c;
    if (send_counts.size() != n || total != send.size())
      throw std::invalid_argument("all_to_all: " + std::to_string(send_counts.size()) +
                                  " counts for " + std::to_string(n) + " ranks, adding up to " +
                                  std::to_string(total) + " of the " + std::to_string(send.size()) +
                                  " bytes to send");
    std::vector<unsigned long long> sent(send_counts.begin(), send_counts.end()), received(n);
    detail::mpi_check(MPI_Alltoall(sent.data(), 1, MPI_UNSIGNED_LONG_LONG, received.data(), 1,
                                   MPI_UNSIGNED_LONG_LONG, comm_),
                      "MPI_Alltoall (sizes)");
    out.offsets.assign(n + 1, 0);
    for (std::size_t r = 0; r < n; ++r)
      out.offsets[r + 1] = out.offsets[r] + std::size_t(received[r]);
    if (out.offsets.back() > std::size_t(INT_MAX) || send.size() > std::size_t(INT_MAX))
      throw CommunicationError(
          "all_to_all: " + std::to_string(std::max(out.offsets.back(), send.size())) +
          " bytes, more than one MPI call moves (" + std::to_string(INT_MAX) +
          "); exchange in smaller groups");
    out.bytes.resize(out.offsets.back());
    std::vector<int> scounts(n), sdispls(n), rcounts(n), rdispls(n);
    std::size_t at = 0;
    for (std::size_t r = 0; r < n; ++r) {
      scounts[r] = int(send_counts[r]);
      sdispls[r] = int(at);
      at += send_counts[r];
      rcounts[r] = int(received[r]);
      rdispls[r] = int(out.offsets[r]);
    }
    detail::mpi_check(
        MPI_Alltoallv(send.data(), scounts.data(), sdispls.data(), MPI_BYTE, out.bytes.data(),
                      rcounts.data(), rdispls.data(), MPI_BYTE, comm_),
        "MPI_Alltoallv");
  }

  void broadcast(std::span<std::byte> data, int root) override {
    if (root < 0 || root >= size_)
      throw std::invalid_argument("broadcast: root " + std::to_string(root) + " is not a rank of " +
                                  std::to_string(size_));
    for (std::size_t at = 0; at < data.size(); at += std::size_t(INT_MAX)) {
      const int n = int(std::min<std::size_t>(data.size() - at, std::size_t(INT_MAX)));
      detail::mpi_check(MPI_Bcast(data.data() + at, n, MPI_BYTE, root, comm_), "MPI_Bcast");
    }
  }

  void barrier() override { detail::mpi_check(MPI_Barrier(comm_), "MPI_Barrier"); }

  [[noreturn]] void abort(int code, const std::string& message) noexcept override {
    if (!message.empty()) std::fprintf(stderr, "%s\n", message.c_str());
    std::fflush(nullptr);
    MPI_Abort(comm_, code == 0 ? 1 : code);
    std::_Exit(code == 0 ? 1 : code);  // MPI_Abort does not return; in case it does
  }

 private:
  // Reduce-scatter into each rank's slice, then all-gather the slices; in pieces of at most
  // 2^28 elements so that every count fits MPI's int.
  template <class T>
  void reduce(std::span<T> values) {
    if (size_ == 1 || values.empty()) return;
    constexpr std::size_t piece = std::size_t(1) << 28;
    std::vector<int> counts(static_cast<std::size_t>(size_)), displs(counts.size());
    for (std::size_t at = 0; at < values.size(); at += piece) {
      const std::size_t n = std::min(piece, values.size() - at);
      T* data = values.data() + at;
      const std::size_t share = n / std::size_t(size_), extra = n % std::size_t(size_);
      std::size_t offset = 0;
      for (int r = 0; r < size_; ++r) {
        counts[std::size_t(r)] = int(share + (std::size_t(r) < extra ? 1 : 0));
        displs[std::size_t(r)] = int(offset);
        offset += std::size_t(counts[std::size_t(r)]);
      }
      slice_.resize(std::max<std::size_t>(1, std::size_t(counts[std::size_t(rank_)])) * sizeof(T));
      T* mine = reinterpret_cast<T*>(slice_.data());
      detail::mpi_check(
          MPI_Reduce_scatter(data, mine, counts.data(), detail::mpi_type<T>(), MPI_SUM, comm_),
          "MPI_Reduce_scatter");
      detail::mpi_check(
          MPI_Allgatherv(mine, counts[std::size_t(rank_)], detail::mpi_type<T>(), data,
                         counts.data(), displs.data(), detail::mpi_type<T>(), comm_),
          "MPI_Allgatherv (sums)");
    }
  }

  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  std::vector<std::byte> slice_;  // this rank's slice of a reduction, reused
};

// MPI_Init on construction (threads: funneled, the caller's main thread makes every call),
// MPI_Finalize on destruction; world() is MPI_COMM_WORLD. One per process.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv) {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
      int provided = 0;
      detail::mpi_check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided),
                        "MPI_Init_thread");
      owns_ = true;
    }
    world_ = std::make_unique<MpiCommunicator>(MPI_COMM_WORLD);
  }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  ~MpiSession() {
    world_.reset();
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (owns_ && !finalized) MPI_Finalize();
  }
  MpiCommunicator& world() noexcept { return *world_; }

 private:
  bool owns_ = false;
  std::unique_ptr<MpiCommunicator> world_;
};

}  // namespace hyperbolic::distributed
