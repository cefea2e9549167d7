// Gradient checks of the transformer, layer by layer and whole, against
// central finite differences in double (see tests/nn/finite_difference.hpp
// for the step and the tolerance).
#include <doctest/doctest.h>

#include <random>

#include "finite_difference.hpp"
#include "model.hpp"

using finetune::Matrix;
using hyperbolic::testing::max_fd_error;

namespace {
Matrix<double> random_matrix(long r, long c, double s, std::mt19937_64& rng) {
  Matrix<double> m(r, c);
  hyperbolic::nn::fill_normal(m, s, rng);
  return m;
}
constexpr double tolerance = 1e-6;
}  // namespace

TEST_CASE("RMSNorm: gradients match finite differences") {
  std::mt19937_64 rng(1);
  finetune::RMSNorm<double> norm(6);
  norm.gain = random_matrix(1, 6, 1.0, rng);
  Matrix<double> X = random_matrix(4, 6, 1.0, rng), R = random_matrix(4, 6, 1.0, rng), Y, dX;
  const auto loss = [&] {
    norm.forward(X, Y);
    return (Y.array() * R.array()).sum();
  };
  loss();
  norm.zero_grad();
  norm.backward(X, R, dX);
  const Matrix<double> gg = norm.grad_gain;
  CHECK(max_fd_error(X.data(), X.size(), dX.data(), loss) < tolerance);
  CHECK(max_fd_error(norm.gain.data(), norm.gain.size(), gg.data(), loss) < tolerance);
}

TEST_CASE("causal attention: gradients match finite differences, the future is masked") {
  std::mt19937_64 rng(2);
  const long batch = 2, len = 4, d = 6, heads = 2;
  finetune::CausalSelfAttention<double> attn(d, heads, 0.6, 0.6, rng);
  Matrix<double> X = random_matrix(batch * len, d, 1.0, rng),
                 R = random_matrix(batch * len, d, 1.0, rng);
  Matrix<double> Y, dX;
  const auto loss = [&] {
    attn.forward(X, batch, len, Y);
    return (Y.array() * R.array()).sum();
  };
  loss();
  for (auto* l : {&attn.q, &attn.k, &attn.v, &attn.o})
    l->zero_grad();
  attn.backward(X, batch, len, R, dX);
  CHECK(max_fd_error(X.data(), X.size(), dX.data(), loss) < tolerance);
  for (auto* l : {&attn.q, &attn.k, &attn.v, &attn.o}) {
    const Matrix<double> g = l->grad_W;
    CHECK(max_fd_error(l->W.data(), l->W.size(), g.data(), loss) < tolerance);
  }
  // Changing the last token of sequence 0 changes no earlier output row.
  loss();
  const Matrix<double> before = Y;
  X.row(len - 1).array() += 1.0;
  loss();
  CHECK((Y.topRows(len - 1) - before.topRows(len - 1)).norm() == 0.0);
  CHECK((Y.row(len - 1) - before.row(len - 1)).norm() > 0.0);
}

namespace {
// Whole model: every trainable parameter checked against finite differences.
void check_model(finetune::AdapterKind kind, bool input_scale = false) {
  finetune::ModelConfig c;
  c.vocab = 13;
  c.dim = 8;
  c.layers = 2;
  c.heads = 2;
  c.mlp = 12;
  c.max_len = 6;
  finetune::Transformer<double> model(c);
  // Bigger embeddings than the default init so that every path carries signal.
  std::mt19937_64 rng(3);
  hyperbolic::nn::fill_normal(model.embedding, 0.7, rng);
  finetune::AdapterConfig a;
  a.kind = kind;
  a.rank = 2;
  a.alpha = 3;
  a.curvature = 0.8;
  a.input_scale = input_scale;
  if (kind != finetune::AdapterKind::none) {
    model.attach_adapters(a, 4);
    model.set_base_trainable(false);
    for (auto& b : model.blocks)
      for (auto* lin : b.linears()) {  // nonzero B so the A and curvature paths are live
        if (lin->lora) hyperbolic::nn::fill_normal(lin->lora->B, 0.5, rng);
        if (lin->hyplora) hyperbolic::nn::fill_normal(lin->hyplora->B, 0.5, rng);
      }
  }
  const long batch = 2, len = 5;
  std::vector<int> tokens(batch * len), targets(batch * len);
  std::vector<double> weights(batch * len);
  std::uniform_int_distribution<int> tok(0, 12);
  for (long i = 0; i < batch * len; ++i) {
    tokens[i] = tok(rng);
    targets[i] = tok(rng);
    weights[i] = i % 3 == 0 ? 0.0 : 1.0;  // masked rows, as in answer-only losses
  }
  const auto loss = [&] { return model.forward(tokens, batch, len, targets, weights); };
  model.zero_grad();
  loss();
  model.backward();
  auto params = model.parameters();
  long checked = 0, log_scales = 0;
  for (auto& p : params) {
    if (!p.trainable) continue;
    CAPTURE(p.name);
    if (p.name.find(".hyplora_log_scale") != std::string::npos) ++log_scales;
    const std::vector<double> g(p.grad, p.grad + p.size());
    CHECK(max_fd_error(p.value, p.size(), g.data(), loss) < tolerance);
    ++checked;
  }
  CHECK(checked > 0);
  // Per block, rank 2: q, k, v, o: 2*8 + 8*2 each; up: 2*8 + 12*2; down: 2*12 + 8*2.
  const long adapter_params = 2 * (4 * 32 + 40 + 40);
  if (kind == finetune::AdapterKind::lora)
    CHECK(finetune::count_trainable(params) == adapter_params);
  if (kind == finetune::AdapterKind::hyplora)  // plus one curvature (and log scale) per layer
    CHECK(finetune::count_trainable(params) == adapter_params + 2 * 6 * (input_scale ? 2 : 1));
  CHECK(log_scales == (input_scale ? 2 * 6 : 0));
}
}  // namespace

TEST_CASE("transformer: full-model gradients match finite differences") {
  check_model(finetune::AdapterKind::none);
}
TEST_CASE("transformer + LoRA: adapter gradients match finite differences") {
  check_model(finetune::AdapterKind::lora);
}
TEST_CASE("transformer + HypLoRA: adapter and curvature gradients match finite differences") {
  check_model(finetune::AdapterKind::hyplora);
}
TEST_CASE("transformer + HypLoRA with a learned input scale: gradients match finite differences") {
  check_model(finetune::AdapterKind::hyplora, true);
}
