#pragma once
// Stage 1: language-model pretraining on the text corpus, with a resumable
// partial checkpoint (weights, optimizer moments, step, loss history) and the
// final model cached in the output folder for every later run.

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <hyperbolic/optim/tensor_adamw.hpp>

#include "../common/cli_contract.hpp"
#include "config.hpp"
#include "data_parallel.hpp"
#include "experiment.hpp"
#include "pipeline.hpp"

namespace finetune {

struct PretrainData {
  std::vector<int> train_stream, validation_stream;
  std::vector<int> wordnet_validation_stream;  // the WordNet glosses of validation_stream
};

// ---- stage 1: pretraining ------------------------------------------------------
struct StageStats {
  double seconds = 0, gemm_seconds = 0, tokens = 0;
};

// Mean cross-entropy over p.val_batches x p.batch fixed windows spread evenly
// over the whole stream (every source of a mixed corpus is represented).
// Collective over `comm`: rank r scores the batches b with b % ranks == r, and the sum of the
// batch means is summed over the ranks (every rank returns the same value).
inline double validation_loss(Transformer<float>& model, const std::vector<int>& stream,
                              const PretrainConfig& p, dist::Communicator& comm) {
  const long window = p.seq_len + 1, windows = p.val_batches * p.batch;
  const long span = long(stream.size()) - window - 1;
  if (span <= 0)
    throw std::runtime_error("validation text has " + std::to_string(stream.size()) +
                             " tokens, fewer than one window of " + std::to_string(window));
  double sum = 0;
  for (long b = comm.rank(); b < p.val_batches; b += comm.size()) {
    Batch batch;
    batch.batch = p.batch;
    batch.len = p.seq_len;
    for (long s = 0; s < p.batch; ++s) {
      const long at = long(double(b * p.batch + s) * double(span) / double(windows));
      for (long t = 0; t < p.seq_len; ++t) {
        batch.tokens.push_back(stream[at + t]);
        batch.targets.push_back(stream[at + t + 1]);
      }
    }
    batch.weights.assign(p.batch * p.seq_len, 1.0f);
    sum += model.forward(batch.tokens, batch.batch, batch.len, batch.targets, batch.weights);
  }
  return dist::sum_over_ranks(comm, sum) / double(p.val_batches);
}

// Perplexities of a pretrained model on the whole validation text and on its
// WordNet glosses alone (comparable across corpora: the glosses are in every one).
inline void add_validation_perplexities(Transformer<float>& model, const PretrainData& d,
                                        const PretrainConfig& p, nlohmann::json& stats,
                                        dist::Communicator& comm) {
  const double all = validation_loss(model, d.validation_stream, p, comm);
  const double wordnet = validation_loss(model, d.wordnet_validation_stream, p, comm);
  stats["validation_loss"] = all;
  stats["validation_perplexity"] = std::exp(all);
  stats["wordnet_validation_loss"] = wordnet;
  stats["wordnet_validation_perplexity"] = std::exp(wordnet);
  stats["validation_windows"] = "spread";
}

// The step a partial pretraining checkpoint resumes from, checked: it must carry a whole step
// below the run's step count (partials are only written there) and, when it has one, this
// run's settings fingerprint. One from other settings (a longer preset) used to count as
// finished with loss 0.0; a missing or garbled step ended in "map::at" or "stol".
inline long partial_pretraining_step(const std::map<std::string, std::string>& metadata,
                                     const std::string& path, const std::string& fingerprint,
                                     long steps) {
  const auto step_text = metadata.find("step");
  if (step_text == metadata.end())
    throw std::runtime_error("checkpoint '" + path +
                             "' has no pretraining step in its metadata; delete it to pretrain "
                             "from scratch");
  const long step = hyperbolic::cli::parse_number<long>(
      "the step of checkpoint '" + path + "'", step_text->second,
      "a whole number of steps; delete the file to pretrain from scratch");
  const auto stamp = metadata.find("fingerprint");
  if (stamp != metadata.end() && stamp->second != fingerprint)
    throw hyperbolic::cli::Error("checkpoint '" + path + "' was pretrained with other settings",
                                 "fingerprint " + stamp->second + ", this run " + fingerprint,
                                 "the same settings, or delete it to pretrain from scratch");
  hyperbolic::cli::require(step > 0 && step < steps,
                           "checkpoint '" + path + "' is not a partial pretraining of this run",
                           "step " + std::to_string(step) + " of " + std::to_string(steps),
                           "a step in 1.." + std::to_string(steps - 1) +
                               " (the same --pretrain-steps), or delete it to pretrain from "
                               "scratch");
  return step;
}

// Data-parallel over `comm` (data_parallel.hpp): every rank draws the same step batch, trains
// on its share and applies the same step to the summed gradient; rank 0 alone prints and
// writes files. With --resume on several ranks, rank 0 decides what is resumed and every rank
// reads those files (a folder every rank sees; a rank that cannot read them stops all).
inline nlohmann::json pretrain(Transformer<float>& model, const PretrainData& d, const Config& c,
                               bool resume, dist::Communicator& comm) {
  const bool root = comm.is_root();
  const std::filesystem::path final_path =
      std::filesystem::path(c.out_dir) / "pretrained.safetensors";
  const std::filesystem::path partial =
      std::filesystem::path(c.out_dir) / "checkpoints" / "pretrain-partial.safetensors";
  const std::filesystem::path stats_path = std::filesystem::path(c.out_dir) / "pretrain.json";
  auto params = model.parameters();
  const std::string print = pretrain_fingerprint(c);
  const bool resume_final =
      broadcast_value<char>(comm, root && resume && std::filesystem::exists(final_path) &&
                                      std::filesystem::exists(stats_path));
  if (resume_final) {
    nlohmann::json stats = read_json_file(stats_path);
    if (stats.value("fingerprint", std::string()) != print)
      throw std::runtime_error(
          "'" + c.out_dir +
          "' holds a pretrained model of other settings (model, vocabulary, "
          "pretraining or split seed differ): use another --out, or delete it");
    from_tensors(load_safetensors(final_path.string()), params, true, final_path.string());
    if (log_enabled()) std::fprintf(stderr, "[pretrain] resumed: loaded %s\n", final_path.c_str());
    check_parameter_replicas(comm, params, std::uint64_t(c.pretrain.steps),
                             "pretrained model loaded from " + final_path.string());
    if (stats.value("validation_windows", std::string()) != "spread") {  // older files
      add_validation_perplexities(model, d, c.pretrain, stats, comm);
      stats["tokens_seen"] = c.pretrain.steps * c.pretrain.batch * c.pretrain.seq_len;
      if (root) write_text_atomically(stats_path, stats.dump(2));
    }
    return stats;
  }
  const PretrainConfig& p = c.pretrain;
  hyperbolic::optim::TensorAdamW<float> opt;
  opt.lr = float(p.lr);
  opt.weight_decay = 0.01f;
  opt.clip_norm = 1.0f;
  long step0 = 0;
  nlohmann::json history = {{"step", nlohmann::json::array()},
                            {"loss", nlohmann::json::array()},
                            {"val_step", nlohmann::json::array()},
                            {"val_loss", nlohmann::json::array()}};
  if (broadcast_value<char>(comm, root && resume && std::filesystem::exists(partial))) {
    const auto f = load_safetensors(partial.string());
    from_tensors(f, params, true, partial.string());
    step0 = partial_pretraining_step(f.metadata, partial.string(), print, p.steps);
    for (auto& prm : params) {
      const auto m = f.tensors.find("adam.m." + prm.name), v = f.tensors.find("adam.v." + prm.name);
      if (m == f.tensors.end() || v == f.tensors.end())
        throw std::runtime_error("checkpoint '" + partial.string() +
                                 "' lacks the optimizer state of '" + prm.name + "'");
      opt.restore(prm, m->second.data, v->second.data, step0);
    }
    const auto history_text = f.metadata.find("history");
    try {
      history = nlohmann::json::parse(history_text == f.metadata.end() ? std::string()
                                                                       : history_text->second);
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error("checkpoint '" + partial.string() +
                               "' has no readable loss history (" + e.what() +
                               "); delete it to pretrain from scratch");
    }
    if (log_enabled()) std::fprintf(stderr, "[pretrain] resuming from step %ld\n", step0);
  }
  // The same initial weights (same seed, same checkpoint) on every rank, or a clear stop.
  check_parameter_replicas(comm, params, std::uint64_t(step0), "initial parameters");
  DataParallelGradient gradient(comm);
  const dist::ReplicaChecker replicas(std::uint64_t(std::max<long>(0, c.replica_check_every)));
  Progress bar("pretrain", p.steps);
  StageStats st;
  double last_loss = 0, smooth = 0;
  for (long step = step0; step < p.steps; ++step) {
    std::mt19937_64 rng(c.model.seed * 1000003ull +
                        step);  // per step: resume replays the same batches
    const Batch b = stream_batch(d.train_stream, p.batch, p.seq_len, rng);
    const double g0 = GemmClock::seconds();
    const auto t0 = std::chrono::steady_clock::now();
    last_loss = gradient.compute(model, b, params);  // zeroes, this rank's share, all-reduce
    opt.step(params, lr_at(step, p.steps, p.warmup, p.lr) / float(p.lr));
    st.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    st.gemm_seconds += GemmClock::seconds() - g0;
    st.tokens += double(b.real_tokens);
    if (!std::isfinite(last_loss))
      throw std::runtime_error("pretraining diverged (loss is not finite) at step " +
                               std::to_string(step));
    if (replicas.due(std::uint64_t(step + 1)))
      check_parameter_replicas(comm, params, std::uint64_t(step + 1), "parameters");
    smooth = step == step0 ? last_loss : 0.95 * smooth + 0.05 * last_loss;
    history["step"].push_back(step + 1);
    history["loss"].push_back(last_loss);
    std::string extra;
    if ((step + 1) % p.eval_every == 0 || step + 1 == p.steps) {
      const double vl = validation_loss(model, d.validation_stream, p, comm);
      history["val_step"].push_back(step + 1);
      history["val_loss"].push_back(vl);
      extra = " val ppl " + std::to_string(std::exp(vl)).substr(0, 7);
    }
    bar.update(step + 1, smooth, st.tokens / std::max(1e-9, st.seconds), extra);
    if (root && (step + 1) % p.checkpoint_every == 0 && step + 1 < p.steps) {
      TensorFile f = to_tensors(params, false);
      for (auto& prm : params) {
        f.tensors["adam.m." + prm.name] = {{prm.size()}, opt.exp_avg(prm.name)};
        f.tensors["adam.v." + prm.name] = {{prm.size()}, opt.exp_avg_sq(prm.name)};
      }
      f.metadata["step"] = std::to_string(step + 1);
      f.metadata["fingerprint"] = print;
      f.metadata["history"] = history.dump();
      save_safetensors(partial.string(), f);
    }
  }
  nlohmann::json stats = {{"steps", p.steps},
                          {"tokens_seen", p.steps * p.batch * p.seq_len},
                          {"final_train_loss", last_loss},
                          {"seconds_this_run", st.seconds},
                          {"tokens_per_second", st.tokens / std::max(1e-9, st.seconds)},
                          {"gemm_share", st.gemm_seconds / std::max(1e-9, st.seconds)},
                          {"parameters", count_trainable(params)},
                          {"fingerprint", print},
                          {"history", history}};
  // Data parallelism: what each rank exchanged (data_parallel.hpp). The all-reduce time
  // includes waiting for the slowest rank.
  stats["ranks"] = comm.size();
  stats["communicator"] = comm.description();
  stats["all_reduce_bytes_per_step"] = gradient.bytes_per_step();
  stats["all_reduce_bytes_this_run"] = gradient.bytes_sent();
  stats["all_reduce_seconds"] = gradient.all_reduce_seconds();
  stats["all_reduce_share"] = gradient.all_reduce_seconds() / std::max(1e-9, st.seconds);
  stats["replica_check_every"] = replicas.every();
  check_parameter_replicas(comm, params, std::uint64_t(p.steps), "pretrained parameters");
  add_validation_perplexities(model, d, p, stats, comm);
  if (!root) return stats;
  TensorFile f = to_tensors(params, false);
  f.metadata["format"] = "hyperbolic-finetune pretrained model";
  f.metadata["config"] = nlohmann::json({{"vocab", model.config.vocab},
                                         {"dim", model.config.dim},
                                         {"layers", model.config.layers},
                                         {"heads", model.config.heads},
                                         {"mlp", model.config.mlp},
                                         {"max_len", model.config.max_len}})
                             .dump();
  save_safetensors(final_path.string(), f);
  write_text_atomically(stats_path, stats.dump(2));
  if (std::filesystem::exists(partial)) std::filesystem::remove(partial);
  return stats;
}

}  // namespace finetune
