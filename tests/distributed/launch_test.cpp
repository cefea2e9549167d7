// World without an MPI launcher, and a binary built without MPI that an MPI launcher started.
#include <doctest/doctest.h>

#include <cstdlib>

#include "hyperbolic/distributed/launch.hpp"

namespace hd = hyperbolic::distributed;

TEST_CASE("World runs as one process when no launcher started it") {
  int argc = 1;
  char name[] = "test";
  char* args[] = {name, nullptr};
  char** argv = args;
  ::unsetenv("OMPI_COMM_WORLD_SIZE");
  ::unsetenv("PMI_SIZE");
  ::unsetenv("PMIX_SIZE");
  CHECK(hd::launcher_world_size() == 1);
  hd::World world(argc, argv);
  CHECK(world.comm().size() == 1);
  CHECK(world.comm().rank() == 0);
  CHECK(world.finish(0) == 0);
  CHECK(world.finish(3) == 3);  // one process: the status is returned, nothing is aborted
}

TEST_CASE("a launcher's world size is read from Open MPI's and PMI's variables") {
  ::setenv("PMI_SIZE", "4", 1);
  CHECK(hd::launcher_world_size() == 4);
  ::setenv("PMI_SIZE", "garbage", 1);
  CHECK(hd::launcher_world_size() == 1);
  ::unsetenv("PMI_SIZE");
}

#if !(defined(HYPERBOLIC_HAVE_MPI) && HYPERBOLIC_HAVE_MPI)
TEST_CASE("a binary without MPI refuses to run as one of several ranks") {
  int argc = 1;
  char name[] = "test";
  char* args[] = {name, nullptr};
  char** argv = args;
  ::setenv("OMPI_COMM_WORLD_SIZE", "2", 1);
  CHECK_THROWS_WITH_AS(hd::World(argc, argv),
                       doctest::Contains("one of 2 ranks by an MPI launcher, but this program "
                                         "was built without MPI"),
                       std::runtime_error);
  ::unsetenv("OMPI_COMM_WORLD_SIZE");
}
#endif
