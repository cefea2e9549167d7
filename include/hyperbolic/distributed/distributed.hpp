#pragma once
// Data-parallel training (docs/distributed.md): the communicator interface, dense gradient
// all-reduce, sparse row exchange, replica checks and the World that picks MPI or one process.
// MPI itself is included (by launch.hpp) only when HYPERBOLIC_HAVE_MPI is set.
#include "hyperbolic/distributed/communicator.hpp"
#include "hyperbolic/distributed/gradient_all_reduce.hpp"
#include "hyperbolic/distributed/launch.hpp"
#include "hyperbolic/distributed/partitioned_rows.hpp"
#include "hyperbolic/distributed/replica_check.hpp"
#include "hyperbolic/distributed/sparse_row_exchange.hpp"
