// doctest under mpiexec: MPI is started before the first test case and ended after the last;
// a rank whose cases fail ends every rank (World::finish) instead of leaving them waiting.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <string>

#include "hyperbolic/distributed/launch.hpp"
#include "test_comm.hpp"

namespace {
hyperbolic::distributed::World* world = nullptr;
}

hyperbolic::distributed::Communicator& test_comm() {
  return world->comm();
}

int main(int argc, char** argv) {
  hyperbolic::distributed::World w(argc, argv);
  world = &w;
  doctest::Context context(argc, argv);
  // Only rank 0 reports passing runs in full; every rank reports its failures.
  if (w.comm().rank() != 0) context.setOption("minimal", true);
  const int code = context.run();
  if (context.shouldExit()) return code;
  return w.finish(code);
}
