// A user's data-parallel program against the installed hyperbolic::distributed: run as one
// process here (no launcher), the same binary runs under mpiexec.
#include <hyperbolic/distributed/distributed.hpp>

#include <cstdio>
#include <vector>

int main(int argc, char** argv) {
  hyperbolic::distributed::World world(argc, argv);
  std::vector<float> gradient(8, 0.5f);
  hyperbolic::distributed::GradientAllReduce<float> reduce;
  std::vector<std::span<float>> tensors = {gradient};
  reduce.sum(world.comm(), tensors, 2.0f / float(world.comm().size()));
  std::printf("%s: %g\n", world.comm().description().c_str(), double(gradient[0]));
  return world.finish(gradient[0] == 1.0f ? 0 : 1);
}
