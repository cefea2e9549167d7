#pragma once
// The communicator a program runs on: MPI when the process was started by an MPI launcher
// (mpirun / mpiexec / srun with PMI) and the program was built with MPI, one process otherwise.
//
//   int main(int argc, char** argv) {
//     hyperbolic::distributed::World world(argc, argv);   // before anything reads argv
//     const int code = run(world.comm());
//     return world.finish(code);                            // a failed rank ends every rank
//   }
//
// HYPERBOLIC_HAVE_MPI is defined by the CMake target hyperbolic::distributed when MPI is found.
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "hyperbolic/distributed/communicator.hpp"
#if defined(HYPERBOLIC_HAVE_MPI) && HYPERBOLIC_HAVE_MPI
#include "hyperbolic/distributed/mpi_communicator.hpp"
#endif

namespace hyperbolic::distributed {

// The number of ranks an MPI launcher started this process among (1 when none did): Open MPI
// and MPICH/Hydra (PMI) name it in the environment before MPI_Init.
inline int launcher_world_size() noexcept {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"}) {
    if (const char* v = std::getenv(name)) {
      const long n = std::strtol(v, nullptr, 10);
      if (n >= 1 && n < (1L << 24)) return int(n);
    }
  }
  return 1;
}

inline bool built_with_mpi() noexcept {
#if defined(HYPERBOLIC_HAVE_MPI) && HYPERBOLIC_HAVE_MPI
  return true;
#else
  return false;
#endif
}

class World {
 public:
  // Throws std::runtime_error when started as one of several ranks by a binary built without
  // MPI: each copy would otherwise train alone and write the same files.
  World(int& argc, char**& argv) {
    const int launched = launcher_world_size();
#if defined(HYPERBOLIC_HAVE_MPI) && HYPERBOLIC_HAVE_MPI
    if (launched > 1 || std::getenv("HYPERBOLIC_FORCE_MPI")) {
      mpi_ = std::make_unique<MpiSession>(argc, argv);
      comm_ = &mpi_->world();
    }
#else
    (void)argc;
    (void)argv;
    if (launched > 1)
      throw std::runtime_error(
          "started as one of " + std::to_string(launched) +
          " ranks by an MPI launcher, but this program was built without MPI; install an MPI "
          "(Debian: libopenmpi-dev) and rebuild, or run it without mpirun (docs/distributed.md)");
#endif
    if (!comm_) comm_ = &single_;
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  Communicator& comm() noexcept {
    return *comm_;
  }

  // The program's exit status; a non-zero one on a run of several ranks ends all of them (a
  // rank that stopped with an error would otherwise leave the others waiting in their next
  // collective call forever).
  int finish(int code) noexcept {
    if (code != 0 && comm_->size() > 1)
      comm_->abort(code, "rank " + std::to_string(comm_->rank()) + " of " +
                             std::to_string(comm_->size()) +
                             " stopped with an error (above); ending every rank");
    return code;
  }

 private:
  SingleProcess single_;
  Communicator* comm_ = nullptr;
#if defined(HYPERBOLIC_HAVE_MPI) && HYPERBOLIC_HAVE_MPI
  std::unique_ptr<MpiSession> mpi_;
#endif
};

}  // namespace hyperbolic::distributed
