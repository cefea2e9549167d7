#pragma once
// Named settings. "default" is what README's main command runs (the whole
// pipeline in about 20 minutes on 2 cores, pretraining cached in --out for
// later runs); "large" produced the published tables (docs/finetune.md gives
// its time); "quick" is the CI smoke test. A --config file and flags apply on
// top of the preset.

#include <stdexcept>
#include <string>

#include "config.hpp"

namespace finetune {

inline void apply_preset(Config& c, const std::string& name) {
  if (name == "default") {
    c = Config{};
    return;
  }
  if (name == "large") {
    c = Config{};
    c.pretrain.steps = 3000;
    c.pretrain.checkpoint_every = 250;
    c.pretrain.eval_every = 250;
    c.finetune.steps = 400;
    // Four rates each: with three, full fine-tuning and the input-scale variant
    // chose the top of their grids.
    c.finetune.lrs = {1e-3, 3e-3, 1e-2, 3e-2};
    c.finetune.full_lrs = {5e-4, 1e-3, 2e-3, 4e-3};
    c.finetune.modes = {
        "frozen",           "full",          "lora",           "hyplora:c=1",
        "hyplora:c=0.5",    "hyplora:c=0.1", "hyplora:c=0.01", "hyplora:c=0.1:fixed",
        "hyplora:c=1:scale"};
    c.analysis_fasttext = true;
    return;
  }
  if (name == "quick") {
    c = Config{};
    c.vocab = 1000;
    c.model.dim = 64;
    c.model.layers = 2;
    c.model.heads = 2;
    c.model.mlp = 256;
    c.model.max_len = 64;
    c.pretrain.steps = 150;
    c.pretrain.batch = 16;
    c.pretrain.seq_len = 48;
    c.pretrain.eval_every = 50;
    c.pretrain.val_batches = 4;
    c.pretrain.checkpoint_every = 50;
    c.pretrain.warmup = 15;
    c.pretrain.sources = {"wordnet"};
    c.finetune.steps = 40;
    c.finetune.batch = 16;
    c.finetune.max_train = 4000;
    c.finetune.eval_validation = 100;
    c.finetune.eval_test = 200;
    c.finetune.seeds = 2;
    c.finetune.lrs = {5e-3};
    c.finetune.full_lrs = {5e-4};
    c.finetune.max_prompt_tokens = 40;
    c.analysis_prompts = 50;
    c.out_dir = "out/finetune-quick";
    return;
  }
  throw std::invalid_argument("unknown preset '" + name + "' (default, large, quick)");
}

}  // namespace finetune
