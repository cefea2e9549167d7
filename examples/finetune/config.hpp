#pragma once
// The fine-tuner's settings: defaults, a JSON config file (unknown keys and
// bad values are errors naming the key), then command-line overrides.

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "model.hpp"
#include "variant.hpp"

namespace finetune {

struct PretrainConfig {
  long steps = 1200, batch = 24, seq_len = 64, warmup = 50, eval_every = 100, val_batches = 8,
       checkpoint_every = 200;
  double lr = 1e-3;
  // Text sources: "wordnet" (glosses), "gcide" (GCIDE definitions, dict-gcide),
  // "npm" (the Brown corpus, Moby-Dick, State of the Union addresses).
  std::vector<std::string> sources{"wordnet", "gcide", "npm"};
};

struct FinetuneConfig {
  long steps = 300, batch = 32, max_answer_tokens = 8, max_prompt_tokens = 48;
  long max_train = 0;           // training items used (seeded sample); 0: all
  long distractors = 4;         // multiple choice: the gold and this many distractors
  long eval_validation = 1000;  // validation items scored for the learning-rate choice
  long eval_test = 2000;        // test items scored (seeded uniform sample); 0: all
  long seeds = 3;
  unsigned split_seed = 1;                    // drives the split, the samples and the distractors
  std::vector<double> lrs{1e-3, 3e-3, 1e-2};  // adapters
  std::vector<double> full_lrs{5e-4, 1e-3, 2e-3};  // full fine-tuning
  std::vector<std::string> modes{"frozen", "full", "lora", "hyplora:c=0.1"};
  AdapterConfig adapter;
};

struct Config {
  std::string wordnet_dir = "/usr/share/wordnet";
  std::string out_dir = "out/finetune";
  std::string cache_dir;  // npm corpora; empty: $HYPERBOLIC_CACHE or ~/.cache/hyperbolic
  long vocab = 3000;
  // Threads per run: 1 by default, because runs themselves go in parallel
  // (jobs); two threads meeting at every GEMM barrier of one small model were
  // measured ~10x slower than one on a shared 2-core machine (docs/finetune.md).
  long threads = 1;                // 0: all cores
  long jobs = 0;                   // fine-tuning runs at once; 0: the number of cores
  long analysis_prompts = 200;     // random test prompts for the delta analysis
  bool analysis_fasttext = false;  // also analyse fastText vectors of the corpus
  // Data parallelism (mpirun): compare a checksum of every rank's parameters every this many
  // steps (0: only at the start and the end of a stage); not part of any fingerprint.
  long replica_check_every = 50;
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
    positive(analysis_prompts, "analysis_prompts");
    if (jobs < 0) throw std::invalid_argument("jobs must be >= 0, got " + std::to_string(jobs));
    if (replica_check_every < 0)
      throw std::invalid_argument(
          "replica_check_every must be >= 0 (0: at the start and end "
          "only), got " +
          std::to_string(replica_check_every));
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
    if (pretrain.sources.empty()) throw std::invalid_argument("pretrain.sources is empty");
    for (const auto& s : pretrain.sources)
      if (s != "wordnet" && s != "gcide" && s != "npm")
        throw std::invalid_argument("unknown pretrain source '" + s + "' (wordnet, gcide, npm)");
    positive(finetune.steps, "finetune.steps");
    positive(finetune.batch, "finetune.batch");
    if (finetune.max_train < 0)
      throw std::invalid_argument("finetune.max_train must be >= 0, got " +
                                  std::to_string(finetune.max_train));
    positive(finetune.max_answer_tokens, "finetune.max_answer_tokens");
    positive(finetune.max_prompt_tokens, "finetune.max_prompt_tokens");
    positive(finetune.distractors, "finetune.distractors");
    positive(finetune.eval_validation, "finetune.eval_validation");
    if (finetune.eval_test < 0)
      throw std::invalid_argument(
          "finetune.eval_test must be >= 0 (0: the whole test split), got " +
          std::to_string(finetune.eval_test));
    positive(finetune.seeds, "finetune.seeds");
    if (finetune.max_prompt_tokens + finetune.max_answer_tokens + 1 > model.max_len)
      throw std::invalid_argument(
          "finetune.max_prompt_tokens + max_answer_tokens + 1 exceeds model.max_len (" +
          std::to_string(model.max_len) + ")");
    if (finetune.lrs.empty() || finetune.full_lrs.empty())
      throw std::invalid_argument("finetune.lrs and finetune.full_lrs need at least one value");
    for (double lr : finetune.lrs)
      positive_real(lr, "finetune.lrs entry");
    for (double lr : finetune.full_lrs)
      positive_real(lr, "finetune.full_lrs entry");
    if (finetune.modes.empty()) throw std::invalid_argument("finetune.modes is empty");
    std::set<std::string> labels;
    for (const auto& m : finetune.modes)
      if (!labels.insert(parse_variant(m).label()).second)
        throw std::invalid_argument("finetune.modes lists '" + m + "' twice");
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
template <class V>
struct is_vector : std::false_type {};
template <class E, class A>
struct is_vector<std::vector<E, A>> : std::true_type {};

// j as a V. nlohmann's get<long>() casts a float (1e300, 2.5) or an out-of-range integer,
// which is undefined or silently wrong: an integer setting takes only a whole number in range.
template <class V>
V get_exact(const nlohmann::json& j) {
  if constexpr (is_vector<V>::value) {
    if (!j.is_array()) throw std::invalid_argument("not an array");
    V out;
    for (const auto& e : j)
      out.push_back(get_exact<typename V::value_type>(e));
    return out;
  } else if constexpr (std::is_integral_v<V> && !std::is_same_v<V, bool>) {
    if (j.is_number_unsigned() && std::in_range<V>(j.get<std::uint64_t>()))
      return static_cast<V>(j.get<std::uint64_t>());
    if (j.is_number_integer() && !j.is_number_unsigned() && std::in_range<V>(j.get<std::int64_t>()))
      return static_cast<V>(j.get<std::int64_t>());
    throw std::invalid_argument("not a whole number in range");
  } else {
    return j.get<V>();
  }
}

// Reads j[key] into v if present; a wrong JSON type is an error naming the key.
template <class V>
void read(const nlohmann::json& j, const std::string& prefix, const char* key, V& v) {
  if (!j.contains(key)) return;
  try {
    v = get_exact<V>(j.at(key));
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
  only_keys(j, "",
            {"wordnet_dir", "out_dir", "cache_dir", "vocab", "threads", "jobs", "analysis_prompts",
             "analysis_fasttext", "replica_check_every", "model", "pretrain", "finetune"});
  read(j, "", "wordnet_dir", c.wordnet_dir);
  read(j, "", "out_dir", c.out_dir);
  read(j, "", "cache_dir", c.cache_dir);
  read(j, "", "vocab", c.vocab);
  read(j, "", "threads", c.threads);
  read(j, "", "jobs", c.jobs);
  read(j, "", "analysis_prompts", c.analysis_prompts);
  read(j, "", "analysis_fasttext", c.analysis_fasttext);
  read(j, "", "replica_check_every", c.replica_check_every);
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
               "checkpoint_every", "lr", "sources"});
    read(p, "pretrain.", "steps", c.pretrain.steps);
    read(p, "pretrain.", "batch", c.pretrain.batch);
    read(p, "pretrain.", "seq_len", c.pretrain.seq_len);
    read(p, "pretrain.", "warmup", c.pretrain.warmup);
    read(p, "pretrain.", "eval_every", c.pretrain.eval_every);
    read(p, "pretrain.", "val_batches", c.pretrain.val_batches);
    read(p, "pretrain.", "checkpoint_every", c.pretrain.checkpoint_every);
    read(p, "pretrain.", "lr", c.pretrain.lr);
    read(p, "pretrain.", "sources", c.pretrain.sources);
  }
  if (j.contains("finetune")) {
    const auto& f = j["finetune"];
    only_keys(f, "finetune.",
              {"steps", "batch", "max_train", "max_answer_tokens", "max_prompt_tokens",
               "distractors", "eval_validation", "eval_test", "seeds", "split_seed", "lrs",
               "full_lrs", "modes", "adapter"});
    read(f, "finetune.", "steps", c.finetune.steps);
    read(f, "finetune.", "batch", c.finetune.batch);
    read(f, "finetune.", "max_train", c.finetune.max_train);
    read(f, "finetune.", "max_answer_tokens", c.finetune.max_answer_tokens);
    read(f, "finetune.", "max_prompt_tokens", c.finetune.max_prompt_tokens);
    read(f, "finetune.", "distractors", c.finetune.distractors);
    read(f, "finetune.", "eval_validation", c.finetune.eval_validation);
    read(f, "finetune.", "eval_test", c.finetune.eval_test);
    read(f, "finetune.", "seeds", c.finetune.seeds);
    read(f, "finetune.", "split_seed", c.finetune.split_seed);
    read(f, "finetune.", "lrs", c.finetune.lrs);
    read(f, "finetune.", "full_lrs", c.finetune.full_lrs);
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

// What a cached artifact depends on, as a short hash: a --resume reuses the
// tokenizer and pretrained model only for the same pretraining settings, and
// a finished run only for the same fine-tuning settings too.
inline std::string fingerprint(const nlohmann::json& j) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char ch : j.dump())
    h = (h ^ ch) * 1099511628211ull;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}
inline std::string pretrain_fingerprint(const Config& c) {
  const auto& m = c.model;
  const auto& p = c.pretrain;
  return fingerprint(
      {{"vocab", c.vocab},
       {"model", {m.dim, m.layers, m.heads, m.mlp, m.max_len, m.seed}},
       {"pretrain", {p.steps, p.batch, p.seq_len, p.warmup, p.lr, p.sources, p.val_batches}},
       {"split_seed", c.finetune.split_seed}});
}
inline std::string run_fingerprint(const Config& c) {
  const auto& f = c.finetune;
  const auto& a = f.adapter;
  // protocol: bumped when the scoring or the candidates change, so a --resume
  // never mixes results of two versions of the experiment.
  return fingerprint({{"protocol", 2},
                      {"pretrained", pretrain_fingerprint(c)},
                      {"finetune",
                       {f.steps, f.batch, f.max_answer_tokens, f.max_prompt_tokens, f.max_train,
                        f.distractors, f.eval_validation, f.eval_test}},
                      {"adapter", {a.rank, a.alpha, a.curvature, a.learn_curvature, a.targets}}});
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
  try {
    apply_json(c, j);
  } catch (const std::exception& e) {  // a wrong key or type: say which file holds it
    throw std::invalid_argument("config file '" + path + "': " + e.what());
  }
}

}  // namespace finetune
