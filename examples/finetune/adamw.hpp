#pragma once
// Minimal AdamW (Loshchilov & Hutter) over the trainable Parameters, with
// global-norm gradient clipping. Written here because the library's optimizer
// (include/hyperbolic/optim/) was not committed when this example was written;
// the curvature is an unconstrained Euclidean scalar rho (c = softplus(rho)),
// so plain Adam is the right update for it too.

#include <cmath>
#include <string>
#include <unordered_map>
#include <vector>

#include "parameter.hpp"

namespace finetune {

template <class T>
class AdamW {
 public:
  T lr = T(1e-3), beta1 = T(0.9), beta2 = T(0.999), eps = T(1e-8), weight_decay = T(0.01);
  T clip_norm = T(1);
  long step_count = 0;

  struct State {
    std::vector<T> m, v;
  };

  // One step with learning rate lr * lr_scale; returns the pre-clip gradient norm.
  T step(std::vector<Parameter<T>>& params, T lr_scale = T(1)) {
    double sq = 0;
    for (const auto& p : params)
      if (p.trainable)
        for (long i = 0; i < p.size(); ++i)
          sq += double(p.grad[i]) * double(p.grad[i]);
    const T norm = T(std::sqrt(sq));
    const T clip = (clip_norm > T(0) && norm > clip_norm) ? clip_norm / norm : T(1);
    ++step_count;
    const T bc1 = T(1) - std::pow(beta1, T(step_count)),
            bc2 = T(1) - std::pow(beta2, T(step_count));
    const T rate = lr * lr_scale;
    for (auto& p : params) {
      if (!p.trainable) continue;
      State& s = state[p.name];
      if (static_cast<long>(s.m.size()) != p.size()) {
        s.m.assign(p.size(), T(0));
        s.v.assign(p.size(), T(0));
      }
      const T decay = p.decay ? rate * weight_decay : T(0);
      for (long i = 0; i < p.size(); ++i) {
        const T g = p.grad[i] * clip;
        s.m[i] = beta1 * s.m[i] + (T(1) - beta1) * g;
        s.v[i] = beta2 * s.v[i] + (T(1) - beta2) * g * g;
        p.value[i] -= rate * (s.m[i] / bc1) / (std::sqrt(s.v[i] / bc2) + eps) + decay * p.value[i];
      }
    }
    return norm;
  }

  std::unordered_map<std::string, State> state;
};

}  // namespace finetune
