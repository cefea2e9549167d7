#pragma once
// Wall time spent inside matrix products, to report the share of a training
// step that is GEMM (the rest is overhead: softmax, norms, adapters' row maps,
// optimizer, data). Every product of the model goes through gemm(...).

#include <chrono>

namespace finetune {

struct GemmClock {
  // Per thread: fine-tuning runs go in parallel, each on its own thread.
  static double& seconds() {
    thread_local double s = 0;
    return s;
  }
};

// Runs f() (an Eigen product assignment) and adds its wall time to GemmClock.
template <class F>
inline void gemm(F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  GemmClock::seconds() +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace finetune
