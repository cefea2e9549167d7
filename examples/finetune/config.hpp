#pragma once
// The fine-tuner's settings: defaults, a JSON config file (unknown keys and
// bad values are errors naming the key), then command-line overrides.

#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model.hpp"

namespace finetune {

struct PretrainConfig {
  long steps = 1200, batch = 24, seq_len = 64, warmup = 50, eval_every = 100, val_batches = 8,
       checkpoint_every = 200;
  double lr = 3e-3;
};

struct FinetuneConfig {
  long steps = 400, batch = 32, max_train = 60000, max_test = 500, max_answer_tokens = 8,
       max_prompt_tokens = 48;
  double lr = 5e-3, full_lr = 5e-4;  // adapters / full fine-tuning
  std::string task = "hypernym";     // or "lexname"
  std::vector<std::string> modes{"frozen", "full", "lora", "hyplora", "hyplora:0.01"};
  AdapterConfig adapter;
};

// "hyplora:<c>" is HypLoRA with curvature init c (overrides adapter.curvature);
// returns c, or 0 for any other mode name.
inline double hyplora_curvature_of(const std::string& mode) {
  const std::string prefix = "hyplora:";
  if (mode.rfind(prefix, 0) != 0) return 0;
  try {
    std::size_t used = 0;
    const double c = std::stod(mode.substr(prefix.size()), &used);
    return used == mode.size() - prefix.size() && std::isfinite(c) && c > 0 ? c : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

struct Config {
  std::string wordnet_dir = "/usr/share/wordnet";
  std::string out_dir = "out/finetune";
  long vocab = 3000;
  // 1 by default: on a small shared machine two threads that must meet at
  // every GEMM barrier were measured ~10x slower than one (docs/finetune.md).
  long threads = 1;  // 0: all cores
  ModelConfig model;
  PretrainConfig pretrain;
  FinetuneConfig finetune;

  void validate() const {
    model.validate();
    const auto positive = [](long v, const std::string& name) {
      if (v <= 0) throw std::invalid_argument(name + " must be positive, got " + std::to_string(v));
    };
    const auto positive_real = [](double v, const std::string& name) {
      if (!(v > 0) || !std::isfinite(v))
        throw std::invalid_argument(name + " must be a positive number, got " + std::to_string(v));
    };
    if (vocab < 100 || vocab > 60000)
      throw std::invalid_argument("vocab must be in [100, 60000], got " + std::to_string(vocab));
    if (threads < 0)
      throw std::invalid_argument("threads must be >= 0, got " + std::to_string(threads));
    positive(pretrain.steps, "pretrain.steps");
    positive(pretrain.batch, "pretrain.batch");
    positive(pretrain.seq_len, "pretrain.seq_len");
    positive(pretrain.eval_every, "pretrain.eval_every");
    positive(pretrain.val_batches, "pretrain.val_batches");
    positive(pretrain.checkpoint_every, "pretrain.checkpoint_every");
    if (pretrain.warmup < 0)
      throw std::invalid_argument("pretrain.warmup must be >= 0, got " +
                                  std::to_string(pretrain.warmup));
    positive_real(pretrain.lr, "pretrain.lr");
    if (pretrain.seq_len > model.max_len)
      throw std::invalid_argument("pretrain.seq_len (" + std::to_string(pretrain.seq_len) +
                                  ") exceeds model.max_len (" + std::to_string(model.max_len) +
                                  ")");
    positive(finetune.steps, "finetune.steps");
    positive(finetune.batch, "finetune.batch");
    positive(finetune.max_train, "finetune.max_train");
    positive(finetune.max_test, "finetune.max_test");
    positive(finetune.max_answer_tokens, "finetune.max_answer_tokens");
    positive(finetune.max_prompt_tokens, "finetune.max_prompt_tokens");
    if (finetune.max_prompt_tokens + finetune.max_answer_tokens + 1 > model.max_len)
      throw std::invalid_argument(
          "finetune.max_prompt_tokens + max_answer_tokens + 1 exceeds model.max_len (" +
          std::to_string(model.max_len) + ")");
    positive_real(finetune.lr, "finetune.lr");
    positive_real(finetune.full_lr, "finetune.full_lr");
    if (finetune.task != "hypernym" && finetune.task != "lexname")
      throw std::invalid_argument("finetune.task must be 'hypernym' or 'lexname', got '" +
                                  finetune.task + "'");
    if (finetune.modes.empty()) throw std::invalid_argument("finetune.modes is empty");
    const std::set<std::string> known_modes{"frozen", "full", "lora", "hyplora"};
    for (const auto& m : finetune.modes)
      if (!known_modes.count(m) && !(hyplora_curvature_of(m) > 0))
        throw std::invalid_argument("unknown fine-tuning mode '" + m +
                                    "' (frozen, full, lora, hyplora, hyplora:<curvature>)");
    positive(finetune.adapter.rank, "finetune.adapter.rank");
    positive_real(finetune.adapter.alpha, "finetune.adapter.alpha");
    positive_real(finetune.adapter.curvature, "finetune.adapter.curvature");
    if (finetune.adapter.targets.empty())
      throw std::invalid_argument("finetune.adapter.targets is empty");
    const std::set<std::string> known_targets{"q", "k", "v", "o", "up", "down"};
    for (const auto& t : finetune.adapter.targets)
      if (!known_targets.count(t))
        throw std::invalid_argument("unknown adapter target '" + t + "' (q, k, v, o, up, down)");
  }
};

namespace detail {
// Reads j[key] into v if present; a wrong JSON type is an error naming the key.
template <class V>
void read(const nlohmann::json& j, const std::string& prefix, const char* key, V& v) {
  if (!j.contains(key)) return;
  try {
    v = j.at(key).get<V>();
  } catch (const std::exception&) {
    throw std::invalid_argument("config: '" + prefix + key +
                                "' has the wrong type: " + j.at(key).dump());
  }
}
inline void only_keys(const nlohmann::json& j, const std::string& prefix,
                      const std::set<std::string>& keys) {
  if (!j.is_object()) throw std::invalid_argument("config: '" + prefix + "' must be an object");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!keys.count(it.key()))
      throw std::invalid_argument("config: unknown key '" + prefix + it.key() + "'");
}
}  // namespace detail

inline void apply_json(Config& c, const nlohmann::json& j) {
  using detail::only_keys;
  using detail::read;
  only_keys(j, "", {"wordnet_dir", "out_dir", "vocab", "threads", "model", "pretrain", "finetune"});
  read(j, "", "wordnet_dir", c.wordnet_dir);
  read(j, "", "out_dir", c.out_dir);
  read(j, "", "vocab", c.vocab);
  read(j, "", "threads", c.threads);
  if (j.contains("model")) {
    const auto& m = j["model"];
    only_keys(m, "model.", {"dim", "layers", "heads", "mlp", "max_len", "seed"});
    read(m, "model.", "dim", c.model.dim);
    read(m, "model.", "layers", c.model.layers);
    read(m, "model.", "heads", c.model.heads);
    read(m, "model.", "mlp", c.model.mlp);
    read(m, "model.", "max_len", c.model.max_len);
    read(m, "model.", "seed", c.model.seed);
  }
  if (j.contains("pretrain")) {
    const auto& p = j["pretrain"];
    only_keys(p, "pretrain.",
              {"steps", "batch", "seq_len", "warmup", "eval_every", "val_batches",
               "checkpoint_every", "lr"});
    read(p, "pretrain.", "steps", c.pretrain.steps);
    read(p, "pretrain.", "batch", c.pretrain.batch);
    read(p, "pretrain.", "seq_len", c.pretrain.seq_len);
    read(p, "pretrain.", "warmup", c.pretrain.warmup);
    read(p, "pretrain.", "eval_every", c.pretrain.eval_every);
    read(p, "pretrain.", "val_batches", c.pretrain.val_batches);
    read(p, "pretrain.", "checkpoint_every", c.pretrain.checkpoint_every);
    read(p, "pretrain.", "lr", c.pretrain.lr);
  }
  if (j.contains("finetune")) {
    const auto& f = j["finetune"];
    only_keys(f, "finetune.",
              {"steps", "batch", "max_train", "max_test", "max_answer_tokens", "max_prompt_tokens",
               "lr", "full_lr", "task", "modes", "adapter"});
    read(f, "finetune.", "steps", c.finetune.steps);
    read(f, "finetune.", "batch", c.finetune.batch);
    read(f, "finetune.", "max_train", c.finetune.max_train);
    read(f, "finetune.", "max_test", c.finetune.max_test);
    read(f, "finetune.", "max_answer_tokens", c.finetune.max_answer_tokens);
    read(f, "finetune.", "max_prompt_tokens", c.finetune.max_prompt_tokens);
    read(f, "finetune.", "lr", c.finetune.lr);
    read(f, "finetune.", "full_lr", c.finetune.full_lr);
    read(f, "finetune.", "task", c.finetune.task);
    read(f, "finetune.", "modes", c.finetune.modes);
    if (f.contains("adapter")) {
      const auto& a = f["adapter"];
      only_keys(a, "finetune.adapter.",
                {"rank", "alpha", "curvature", "learn_curvature", "targets"});
      read(a, "finetune.adapter.", "rank", c.finetune.adapter.rank);
      read(a, "finetune.adapter.", "alpha", c.finetune.adapter.alpha);
      read(a, "finetune.adapter.", "curvature", c.finetune.adapter.curvature);
      read(a, "finetune.adapter.", "learn_curvature", c.finetune.adapter.learn_curvature);
      read(a, "finetune.adapter.", "targets", c.finetune.adapter.targets);
    }
  }
}

inline void load_config_file(Config& c, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open config file '" + path + "'");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw std::invalid_argument("config file '" + path + "' is not valid JSON: " + e.what());
  }
  apply_json(c, j);
}

}  // namespace finetune
