// A program whose last rank fails while the others wait in a collective call: it must end every
// rank with a non-zero status and the failing rank's message, never hang (CMakeLists.txt runs it
// under mpiexec with a timeout through expect_failure.sh).
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <vector>

#include "hyperbolic/distributed/launch.hpp"

int main(int argc, char** argv) {
  hyperbolic::distributed::World world(argc, argv);
  hyperbolic::distributed::Communicator& comm = world.comm();
  int code = 0;
  try {
    if (comm.rank() == comm.size() - 1 && comm.size() > 1)
      throw std::runtime_error("rank " + std::to_string(comm.rank()) +
                               " could not read its shard (deliberate failure)");
    std::vector<double> gradient(1000, 1.0);
    comm.all_reduce_sum(gradient);  // the healthy ranks wait here for the failed one
    std::printf("rank %d: all-reduce done (%g)\n", comm.rank(), gradient[0]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rank_failure_probe: error: %s\n", e.what());
    code = 1;
  }
  return world.finish(code);
}
