// Compiled (not run) where NCCL's header is found: the GPU communicator must keep building.
// Running it needs GPUs and NCCL (docs/distributed.md, "GPUs: NCCL").
#include "hyperbolic/distributed/nccl_communicator.cuh"

namespace hyperbolic::distributed {
// Everything the data-parallel loop calls, instantiated.
int nccl_communicator_entry_points(MpiCommunicator& bootstrap, float* device_gradient,
                                   std::size_t n) {
  NcclCommunicator comm(bootstrap, 0);
  comm.all_reduce_sum(std::span<float>(device_gradient, n));
  Gathered g;
  comm.all_gather(std::as_bytes(std::span<const float>(device_gradient, n)), g);
  comm.broadcast(std::as_writable_bytes(std::span<float>(device_gradient, n)), 0);
  comm.barrier();
  return comm.size();
}
}  // namespace hyperbolic::distributed
