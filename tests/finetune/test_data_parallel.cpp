// Data parallelism of the fine-tuner (data_parallel.hpp), without MPI: the shares of a batch
// cover it, and their gradients, each weighted by (share weight / batch weight) and summed as
// the all-reduce sums them, equal the whole batch's gradient to rounding, for pretraining
// batches (every position weighted) and fine-tuning batches (answer positions only, sequences
// of very different weight), with the base model trained and with LoRA / HypLoRA adapters.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "data_parallel.hpp"
#include "hyperbolic/optim/tensor_adamw.hpp"
#include "model.hpp"
#include "tiny_model.hpp"

namespace {

finetune::ModelConfig tiny() {
  return tiny_model(23);
}

// 7 sequences of 8 tokens; with `uneven`, the weights of a fine-tuning batch: sequence 0 all
// weighted, sequence 3 none, the others 1..3 answer positions.
finetune::Batch make_batch(bool uneven) {
  finetune::Batch b;
  b.batch = 7;
  b.len = 8;
  for (long s = 0; s < b.batch; ++s)
    for (long t = 0; t < b.len; ++t) {
      b.tokens.push_back(int((s * 5 + t * 3 + 1) % 23));
      b.targets.push_back(int((s * 7 + t * 2 + 4) % 23));
      float w = 1;
      if (uneven) w = s == 0 ? 1.0f : s == 3 ? 0.0f : (t >= b.len - 1 - s % 3 ? 1.0f : 0.0f);
      b.weights.push_back(w);
    }
  b.real_tokens = b.batch * b.len;
  return b;
}

std::vector<float> gradients(const std::vector<finetune::Parameter<float>>& ps) {
  std::vector<float> g;
  for (const auto& p : ps)
    if (p.trainable) g.insert(g.end(), p.grad, p.grad + p.size());
  return g;
}

float max_abs(const std::vector<float>& v) {
  float m = 0;
  for (float x : v)
    m = std::max(m, std::abs(x));
  return m;
}

float max_abs_difference(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  float m = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

finetune::Transformer<float> model_for(finetune::AdapterKind kind) {
  finetune::Transformer<float> model(tiny());
  if (kind != finetune::AdapterKind::none) {
    finetune::AdapterConfig a;
    a.kind = kind;
    a.rank = 4;
    model.attach_adapters(a, 3);
    model.set_base_trainable(false);
    // LoRA starts with B = 0 (then A gets no gradient): one step off zero, so every adapter
    // tensor has a gradient to compare.
    hyperbolic::optim::TensorAdamW<float> opt;
    opt.lr = 0.05f;
    auto params = model.parameters();
    const auto b = make_batch(false);
    model.zero_grad();
    model.forward(b.tokens, b.batch, b.len, b.targets, b.weights);
    model.backward();
    opt.step(params);
  }
  return model;
}

}  // namespace

TEST_CASE("share_of: contiguous shares that cover the batch, sizes within one") {
  for (long batch = 0; batch <= 9; ++batch)
    for (int ranks = 1; ranks <= 4; ++ranks) {
      CAPTURE(batch);
      CAPTURE(ranks);
      long next = 0, smallest = batch, largest = 0;
      for (int r = 0; r < ranks; ++r) {
        const auto s = finetune::share_of(batch, r, ranks);
        CHECK(s.begin == next);
        CHECK(s.end >= s.begin);
        next = s.end;
        smallest = std::min(smallest, s.size());
        largest = std::max(largest, s.size());
      }
      CHECK(next == batch);
      CHECK(largest - smallest <= 1);
    }
  CHECK_THROWS_WITH(finetune::share_of(8, 2, 2), doctest::Contains("rank 2 of 2 ranks"));
  CHECK_THROWS_WITH(finetune::share_of(8, -1, 2), doctest::Contains("rank -1"));
}

TEST_CASE("weighted shares of a batch sum to the whole batch's loss and gradient") {
  using finetune::AdapterKind;
  for (bool uneven : {false, true})
    for (auto kind : {AdapterKind::none, AdapterKind::lora, AdapterKind::hyplora}) {
      CAPTURE(uneven);
      CAPTURE(static_cast<int>(kind));
      auto model = model_for(kind);
      auto params = model.parameters();
      const finetune::Batch b = make_batch(uneven);

      const float whole_loss = finetune::share_loss_and_gradient(model, b, {0, b.batch}, params);
      const std::vector<float> whole = gradients(params);
      REQUIRE(max_abs(whole) > 0);

      // The single-process communicator computes exactly the whole batch.
      hyperbolic::distributed::SingleProcess one;
      finetune::DataParallelGradient dp(one);
      CHECK(dp.compute(model, b, params) == whole_loss);
      CHECK(gradients(params) == whole);
      CHECK(dp.bytes_sent() == 0);

      for (int ranks : {2, 3, 4, 7}) {
        CAPTURE(ranks);
        std::vector<float> sum(whole.size(), 0.0f), naive(whole.size(), 0.0f);
        float loss = 0;
        for (int r = 0; r < ranks; ++r) {
          const auto s = finetune::share_of(b.batch, r, ranks);
          loss += finetune::share_loss_and_gradient(model, b, s, params);
          const auto g = gradients(params);
          for (std::size_t i = 0; i < g.size(); ++i)
            sum[i] += g[i];
          // What an unweighted mean of the shares' own means would give (the mistake the
          // weighting avoids): each share's gradient undone to its own mean, over ranks.
          const double fraction = finetune::weight_of(b, s) / finetune::weight_of(b, {0, b.batch});
          for (std::size_t i = 0; i < g.size(); ++i)
            naive[i] += fraction > 0 ? float(double(g[i]) / fraction / ranks) : 0.0f;
        }
        const float scale = max_abs(whole);
        CHECK(std::abs(loss - whole_loss) <= 1e-5f * std::abs(whole_loss));
        CHECK(max_abs_difference(sum, whole) <= 2e-5f * scale);
        // The tolerance above is tight enough to see a wrong weighting.
        if (uneven) CHECK(max_abs_difference(naive, whole) > 1e-2f * scale);
      }
    }
}

TEST_CASE("a batch without any loss weight is refused by name") {
  auto model = model_for(finetune::AdapterKind::none);
  auto params = model.parameters();
  finetune::Batch b = make_batch(false);
  std::fill(b.weights.begin(), b.weights.end(), 0.0f);
  CHECK_THROWS_WITH(finetune::share_loss_and_gradient(model, b, {0, 3}, params),
                    doctest::Contains("no position of the batch has a positive loss weight"));
}

TEST_CASE("parameters_checksum sees a one-bit change") {
  auto model = model_for(finetune::AdapterKind::none);
  auto params = model.parameters();
  const auto before = finetune::parameters_checksum(params);
  CHECK(finetune::parameters_checksum(params) == before);
  // one ulp up (norm_f.gain starts at 1)
  params.back().value[0] = std::nextafter(params.back().value[0], 2.0f);
  CHECK(finetune::parameters_checksum(params) != before);
}
