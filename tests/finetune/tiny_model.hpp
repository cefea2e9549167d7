#pragma once
// The smallest transformer the fine-tuner's tests train: 2 layers of width 16, 2 heads,
// sequences of up to 8 tokens.
#include "model.hpp"

inline finetune::ModelConfig tiny_model(long vocab) {
  finetune::ModelConfig c;
  c.vocab = vocab;
  c.dim = 16;
  c.layers = 2;
  c.heads = 2;
  c.mlp = 32;
  c.max_len = 8;
  return c;
}
