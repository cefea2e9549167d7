#pragma once
// Learning-rate schedules as small composable function objects. Each maps
// the 0-based index t of the step about to be taken (opt.steps()) to a rate:
//
//   opt.set_lr(schedule(opt.steps()));
//   opt.step(param, grad);
//
// Schedules are pure functions of t, so a run restored from a checkpoint
// (which stores opt.steps()) sees exactly the same rates.
//
//   constant(lr)                          lr
//   linear_warmup(W, s)                   s(t) * min(1, (t + 1) / W)
//   cosine(peak, N, floor = 0)            floor + (peak - floor)(1 + cos(pi min(t, N) / N)) / 2
//   then(a, at, b)                        a(t) for t < at, b(t - at) afterwards
//   warmup_cosine(peak, W, N, floor)      then(linear_warmup(W, constant(peak)), W,
//                                              cosine(peak, N - W, floor))

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <stdexcept>
#include <string>

namespace hyperbolic::optim::schedule {

struct Constant {
  double value;
  double operator()(std::int64_t) const { return value; }
};

template <class S>
struct LinearWarmup {
  std::int64_t warmup_steps;
  S inner;
  double operator()(std::int64_t t) const {
    const double f =
        warmup_steps <= 0
            ? 1.0
            : std::min(1.0, static_cast<double>(t + 1) / static_cast<double>(warmup_steps));
    return inner(t) * f;
  }
};

struct Cosine {
  double peak;
  std::int64_t steps;
  double floor = 0.0;
  double operator()(std::int64_t t) const {
    if (steps <= 0) return floor;
    const double p =
        static_cast<double>(std::clamp<std::int64_t>(t, 0, steps)) / static_cast<double>(steps);
    return floor + (peak - floor) * 0.5 * (1.0 + std::cos(std::numbers::pi * p));
  }
};

template <class A, class B>
struct Then {
  A first;
  std::int64_t at;
  B second;
  double operator()(std::int64_t t) const { return t < at ? first(t) : second(t - at); }
};

inline Constant constant(double lr) {
  return {lr};
}

template <class S>
LinearWarmup<S> linear_warmup(std::int64_t warmup_steps, S inner) {
  if (warmup_steps < 0)
    throw std::invalid_argument("linear_warmup: negative warm-up length " +
                                std::to_string(warmup_steps));
  return {warmup_steps, inner};
}

inline Cosine cosine(double peak, std::int64_t steps, double floor = 0.0) {
  if (steps < 0) throw std::invalid_argument("cosine: negative length " + std::to_string(steps));
  return {peak, steps, floor};
}

template <class A, class B>
Then<A, B> then(A first, std::int64_t at, B second) {
  return {first, at, second};
}

inline auto warmup_cosine(double peak, std::int64_t warmup_steps, std::int64_t total_steps,
                          double floor = 0.0) {
  if (total_steps < warmup_steps)
    throw std::invalid_argument("warmup_cosine: total steps " + std::to_string(total_steps) +
                                " < warm-up steps " + std::to_string(warmup_steps));
  return then(linear_warmup(warmup_steps, constant(peak)), warmup_steps,
              cosine(peak, total_steps - warmup_steps, floor));
}

}  // namespace hyperbolic::optim::schedule
