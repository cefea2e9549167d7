#pragma once
// The communicator the distributed tests run on: one process (single_main.cpp) or MPI_COMM_WORLD
// (mpi_main.cpp, started by mpiexec). The test cases are collective: every rank runs them in
// the same order, and none may skip a collective call that another rank makes.
#include "hyperbolic/distributed/communicator.hpp"

hyperbolic::distributed::Communicator& test_comm();
