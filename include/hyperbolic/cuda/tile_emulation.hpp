#pragma once
// CPU emulation of one tile of lanes, for testing the row kernels without a
// GPU. Compiled in when HYPERBOLIC_CUDA_EMULATE_ROWS is defined by a host
// (non-nvcc) translation unit: launch_rows (row_launch.cuh) then runs each op
// on the CPU, one tile after another, and tile_sum's shuffles (tile.cuh) go
// through shuffle_xor below. The op code, the slots, the path choice and the
// launch shape are the ones the GPU runs; only the warp is emulated.
//
// Each lane is a fiber (POSIX ucontext) on the calling thread. A lane runs
// until it reaches a shuffle or finishes; when every lane has posted its
// value to the same shuffle, each gets its partner's value and they run on.
// A lane that finishes while others wait at a shuffle, or lanes that meet
// different shuffles, are what hangs or reads garbage on a GPU: the emulation
// throws std::logic_error naming the lanes. Not for speed. Under
// AddressSanitizer every switch is announced (__sanitizer_*_switch_fiber), so
// ASan checks the kernels' memory accesses as compute-sanitizer does on a GPU.

#include <ucontext.h>

#if defined(__SANITIZE_ADDRESS__)
#define HYP_EMULATION_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HYP_EMULATION_ASAN 1
#endif
#endif
#if defined(HYP_EMULATION_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace hyperbolic::cuda::emulation {

namespace detail {

struct Lane {
  enum class State { running, at_shuffle, finished };
  ucontext_t context{};
  std::unique_ptr<char[]> stack;
  State state = State::running;
  double posted = 0, received = 0;
  int lane_mask = 0, width = 0;
  void* fake_stack = nullptr;  // ASan's bookkeeping while the lane is switched out
};

struct TileRun {
  ucontext_t scheduler{};
  std::vector<Lane> lanes;
  std::function<void(int)> body;
  int current = -1;
  void* scheduler_fake_stack = nullptr;
  const void* scheduler_stack = nullptr;  // the calling thread's stack, for ASan
  std::size_t scheduler_stack_size = 0;
};

inline TileRun*& active_run() {
  thread_local TileRun* run = nullptr;
  return run;
}

// AddressSanitizer's fiber protocol: announce a switch before it, complete it
// after it on the new stack (no-ops without ASan).
inline void before_switch(void** save, const void* stack, std::size_t size) {
#if defined(HYP_EMULATION_ASAN)
  __sanitizer_start_switch_fiber(save, stack, size);
#else
  (void)save, (void)stack, (void)size;
#endif
}
inline void after_switch(void* saved, const void** from_stack, std::size_t* from_size) {
#if defined(HYP_EMULATION_ASAN)
  __sanitizer_finish_switch_fiber(saved, from_stack, from_size);
#else
  (void)saved, (void)from_stack, (void)from_size;
#endif
}

inline void lane_entry() {
  TileRun& run = *active_run();
  after_switch(nullptr, &run.scheduler_stack, &run.scheduler_stack_size);
  const int lane = run.current;
  run.body(lane);
  run.lanes[static_cast<std::size_t>(lane)].state = Lane::State::finished;
  // Returning resumes uc_link, the scheduler; this stack is done for good.
  before_switch(nullptr, run.scheduler_stack, run.scheduler_stack_size);
}

}  // namespace detail

// Stack of each emulated lane: the row ops keep a few hundred bytes of
// registers and dual numbers; this leaves a wide margin.
inline constexpr std::size_t lane_stack_bytes = std::size_t(256) << 10;

// Runs body(lane) for lane = 0 .. width - 1 as the lanes of one tile.
inline void run_tile(int width, std::function<void(int)> body) {
  using detail::Lane;
  if (width < 1 || width > 32 || (width & (width - 1)) != 0)
    throw std::invalid_argument("hyperbolic::cuda::emulation::run_tile: width " +
                                std::to_string(width) + " (need a power of two <= 32)");
  if (detail::active_run() != nullptr)
    throw std::logic_error("hyperbolic::cuda::emulation::run_tile: already inside a tile");
  detail::TileRun run;
  run.body = std::move(body);
  run.lanes.resize(static_cast<std::size_t>(width));
  for (auto& lane : run.lanes) {
    lane.stack.reset(new char[lane_stack_bytes]);
    if (getcontext(&lane.context) != 0)
      throw std::runtime_error("hyperbolic::cuda::emulation::run_tile: getcontext failed");
    lane.context.uc_stack.ss_sp = lane.stack.get();
    lane.context.uc_stack.ss_size = lane_stack_bytes;
    lane.context.uc_link = &run.scheduler;
    makecontext(&lane.context, detail::lane_entry, 0);
  }
  struct Active {
    explicit Active(detail::TileRun* r) { detail::active_run() = r; }
    ~Active() { detail::active_run() = nullptr; }
  } active(&run);

  for (;;) {
    int waiting = 0, finished = 0;
    for (int l = 0; l < width; ++l) {
      Lane& lane = run.lanes[static_cast<std::size_t>(l)];
      if (lane.state == Lane::State::finished) {
        ++finished;
        continue;
      }
      run.current = l;
      lane.state = Lane::State::running;
      detail::before_switch(&run.scheduler_fake_stack, lane.stack.get(), lane_stack_bytes);
      swapcontext(&run.scheduler, &lane.context);
      detail::after_switch(run.scheduler_fake_stack, nullptr, nullptr);
      if (lane.state == Lane::State::at_shuffle)
        ++waiting;
      else
        ++finished;
    }
    if (waiting == 0) return;
    if (finished > 0)
      throw std::logic_error("hyperbolic::cuda::emulation: " + std::to_string(waiting) +
                             " lanes wait at a shuffle that " + std::to_string(finished) +
                             " finished lanes never reach (divergent shuffle)");
    const Lane& first = run.lanes.front();
    for (int l = 0; l < width; ++l) {
      const Lane& lane = run.lanes[static_cast<std::size_t>(l)];
      if (lane.lane_mask != first.lane_mask || lane.width != first.width)
        throw std::logic_error("hyperbolic::cuda::emulation: lane " + std::to_string(l) +
                               " shuffles with mask " + std::to_string(lane.lane_mask) +
                               ", width " + std::to_string(lane.width) +
                               " while lane 0 uses mask " + std::to_string(first.lane_mask) +
                               ", width " + std::to_string(first.width));
    }
    // __shfl_xor_sync: the partner is lane ^ mask within the lane's segment
    // of `width` lanes; a partner outside it gives the lane its own value.
    for (int l = 0; l < width; ++l) {
      Lane& lane = run.lanes[static_cast<std::size_t>(l)];
      const int partner = l ^ lane.lane_mask;
      const bool same_segment = partner / lane.width == l / lane.width && partner < width;
      lane.received =
          same_segment ? run.lanes[static_cast<std::size_t>(partner)].posted : lane.posted;
    }
  }
}

// The emulated __shfl_xor_sync(full mask, v, lane_mask, width), called from a
// lane of run_tile. Floating-point values only (what tile_sum reduces); a
// double carries float and double exactly.
template <class T>
T shuffle_xor(T v, int lane_mask, int width) {
  static_assert(std::is_floating_point_v<T>, "the emulated shuffle carries float or double");
  detail::TileRun* run = detail::active_run();
  if (run == nullptr)
    throw std::logic_error("hyperbolic::cuda::emulation::shuffle_xor outside run_tile");
  detail::Lane& lane = run->lanes[static_cast<std::size_t>(run->current)];
  lane.posted = static_cast<double>(v);
  lane.lane_mask = lane_mask;
  lane.width = width;
  lane.state = detail::Lane::State::at_shuffle;
  detail::before_switch(&lane.fake_stack, run->scheduler_stack, run->scheduler_stack_size);
  swapcontext(&lane.context, &run->scheduler);
  detail::after_switch(lane.fake_stack, &run->scheduler_stack, &run->scheduler_stack_size);
  return static_cast<T>(lane.received);
}

}  // namespace hyperbolic::cuda::emulation
