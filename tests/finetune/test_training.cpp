// A tiny end-to-end run: a few AdamW steps on a fixed batch lower the loss,
// in every training mode; HypLoRA starts exactly at the frozen model.
#include <doctest/doctest.h>

#include <random>

#include "hyperbolic/optim/tensor_adamw.hpp"
#include "model.hpp"
#include "tiny_model.hpp"

namespace {
finetune::ModelConfig tiny() {
  return tiny_model(20);
}
}  // namespace

TEST_CASE_TEMPLATE("training steps reduce the loss (full, LoRA, HypLoRA)", T, float, double) {
  for (auto kind :
       {finetune::AdapterKind::none, finetune::AdapterKind::lora, finetune::AdapterKind::hyplora}) {
    CAPTURE(static_cast<int>(kind));
    finetune::Transformer<T> model(tiny());
    const long batch = 4, len = 8;
    std::vector<int> tokens(batch * len), targets(batch * len);
    std::vector<T> weights(batch * len, T(1));
    for (long i = 0; i < batch * len; ++i) {
      tokens[i] = int((i * 7) % 20);
      targets[i] = int((i * 3 + 1) % 20);
    }
    const T start = model.forward(tokens, batch, len, targets, weights);
    if (kind != finetune::AdapterKind::none) {
      finetune::AdapterConfig a;
      a.kind = kind;
      a.rank = 4;
      model.attach_adapters(a, 1);
      model.set_base_trainable(false);
      // B = 0: the adapted model computes exactly what the frozen one does.
      CHECK(model.forward(tokens, batch, len, targets, weights) == start);
    }
    hyperbolic::optim::TensorAdamW<T> opt;
    opt.lr = T(1e-2);
    opt.clip_norm = T(1);
    auto params = model.parameters();
    T last = start;
    for (int s = 0; s < 30; ++s) {
      model.zero_grad();
      last = model.forward(tokens, batch, len, targets, weights);
      model.backward();
      opt.step(params);
    }
    CHECK(std::isfinite(last));
    CHECK(last < T(0.8) * start);  // memorising one batch: a clear drop, not noise
  }
}
