#pragma once
// Pieces of the pipeline shared by main.cpp: tokenizer, progress bar,
// batching, checkpoint <-> parameters, greedy decoding.

#include <sentencepiece_processor.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "data.hpp"
#include "hyperbolic/io/output_set.hpp"
#include "model.hpp"
#include "safetensors.hpp"

namespace finetune {

// A checked temporary renamed over path (io::OutputSet): an existing file is never
// half-overwritten, a failed write (disk full) throws naming the file and leaves no temporary.
inline void write_text_atomically(const std::filesystem::path& path, const std::string& text) {
  hyperbolic::io::write_file_atomically(path, text);
}

// A JSON file; a parse error names the file.
inline nlohmann::json read_json_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) throw std::runtime_error("cannot open '" + p.string() + "'");
  try {
    return nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw std::runtime_error("'" + p.string() + "' is not valid JSON (" + e.what() +
                             "); delete it to recompute");
  }
}

class Tokenizer {
 public:
  explicit Tokenizer(const std::string& model_path) {
    const auto status = sp_.Load(model_path);
    if (!status.ok())
      throw std::runtime_error("cannot load tokenizer '" + model_path + "': " + status.ToString());
  }
  // A model received as bytes (from rank 0); `source` names it in errors.
  struct Serialized {
    std::string bytes;
  };
  Tokenizer(const Serialized& model, const std::string& source) {
    const auto status = sp_.LoadFromSerializedProto(model.bytes);
    if (!status.ok())
      throw std::runtime_error("cannot load the tokenizer received from rank 0 ('" + source +
                               "', " + std::to_string(model.bytes.size()) +
                               " bytes): " + status.ToString());
  }
  std::vector<int> encode(const std::string& text) const {
    std::vector<int> ids;
    const auto status = sp_.Encode(text, &ids);
    if (!status.ok()) throw std::runtime_error("tokenizer: " + status.ToString());
    return ids;
  }
  std::string decode(const std::vector<int>& ids) const {
    std::string out;
    sp_.Decode(ids, &out).IgnoreError();
    return out;
  }
  int eos() const { return sp_.eos_id() >= 0 ? sp_.eos_id() : 0; }
  int size() const { return sp_.GetPieceSize(); }

 private:
  sentencepiece::SentencePieceProcessor sp_;
};

// Progress lines and notes go to stderr on rank 0 only under data parallelism
// (data_parallel.hpp); errors are printed by every rank.
inline bool& log_enabled() {
  static bool on = true;
  return on;
}

// One line per update on a terminal (carriage return), one line per ~10% otherwise.
class Progress {
 public:
  Progress(std::string name, long total) : name_(std::move(name)), total_(total), tty_(isatty(2)) {}
  void update(long step, double loss, double tokens_per_s, const std::string& extra = {}) {
    if (!log_enabled()) return;
    const long every = std::max<long>(1, total_ / 10);
    if (!tty_ && step != total_ && step % every != 0) return;
    const int width = 24, filled = int(width * step / std::max<long>(1, total_));
    std::string bar(filled, '=');
    bar.resize(width, ' ');
    std::fprintf(stderr, "%s[%s] %5ld/%ld [%s] loss %.4f  %.0f tok/s %s%s", tty_ ? "\r" : "",
                 name_.c_str(), step, total_, bar.c_str(), loss, tokens_per_s, extra.c_str(),
                 tty_ ? "   " : "\n");
    if (tty_ && step == total_) std::fputc('\n', stderr);
    std::fflush(stderr);
  }

 private:
  std::string name_;
  long total_;
  bool tty_;
};

struct Batch {
  std::vector<int> tokens, targets;
  std::vector<float> weights;
  long batch = 0, len = 0, real_tokens = 0;
};

// Random windows of a token stream (language modelling, every position counts).
inline Batch stream_batch(const std::vector<int>& stream, long batch, long len,
                          std::mt19937_64& rng) {
  Batch b;
  b.batch = batch;
  b.len = len;
  std::uniform_int_distribution<long> start(0, static_cast<long>(stream.size()) - len - 2);
  for (long s = 0; s < batch; ++s) {
    const long at = start(rng);
    for (long t = 0; t < len; ++t) {
      b.tokens.push_back(stream[at + t]);
      b.targets.push_back(stream[at + t + 1]);
    }
  }
  b.weights.assign(batch * len, 1.0f);
  b.real_tokens = batch * len;
  return b;
}

struct EncodedExample {
  std::vector<int> prompt, answer;  // answer ends with eos
};

// Prompt + answer sequences, right-padded; loss on answer positions only.
inline Batch task_batch(const std::vector<const EncodedExample*>& examples, int pad) {
  Batch b;
  b.batch = static_cast<long>(examples.size());
  for (const auto* e : examples)
    b.len = std::max<long>(b.len, long(e->prompt.size() + e->answer.size()) - 1);
  for (const auto* e : examples) {
    std::vector<int> seq = e->prompt;
    seq.insert(seq.end(), e->answer.begin(), e->answer.end());
    const long n = static_cast<long>(seq.size()) - 1,
               first_answer = static_cast<long>(e->prompt.size()) - 1;
    for (long t = 0; t < b.len; ++t) {
      b.tokens.push_back(t < n ? seq[t] : pad);
      b.targets.push_back(t < n ? seq[t + 1] : pad);
      b.weights.push_back(t >= first_answer && t < n ? 1.0f : 0.0f);
    }
    b.real_tokens += n;
  }
  return b;
}

// Greedy decoding of a batch of prompts, up to max_new tokens or eos.
inline std::vector<std::vector<int>> greedy_decode(Transformer<float>& model,
                                                   const std::vector<const EncodedExample*>& ex,
                                                   long max_new, int eos) {
  std::vector<std::vector<int>> seqs, out(ex.size());
  std::vector<bool> done(ex.size(), false);
  for (const auto* e : ex)
    seqs.push_back(e->prompt);
  for (long step = 0; step < max_new; ++step) {
    long len = 0;
    for (const auto& s : seqs)
      len = std::max<long>(len, static_cast<long>(s.size()));
    std::vector<int> tokens;
    std::vector<long> rows;
    for (size_t i = 0; i < seqs.size(); ++i) {
      for (long t = 0; t < len; ++t)
        tokens.push_back(t < long(seqs[i].size()) ? seqs[i][t] : eos);
      rows.push_back(long(i) * len + long(seqs[i].size()) - 1);
    }
    const Matrix<float> logits = model.logits_at(tokens, static_cast<long>(seqs.size()), len, rows);
    bool all_done = true;
    for (size_t i = 0; i < seqs.size(); ++i) {
      if (done[i]) continue;
      Eigen::Index best;
      logits.row(static_cast<long>(i)).maxCoeff(&best);
      const int id = static_cast<int>(best);
      if (id == eos) {
        done[i] = true;
        continue;
      }
      seqs[i].push_back(id);
      out[i].push_back(id);
      all_done = false;
    }
    if (all_done) break;
  }
  return out;
}

inline TensorFile to_tensors(const std::vector<Parameter<float>>& ps, bool trainable_only) {
  TensorFile f;
  for (const auto& p : ps) {
    if (trainable_only && !p.trainable) continue;
    f.tensors[p.name] = {{p.rows, p.cols}, std::vector<float>(p.value, p.value + p.size())};
  }
  return f;
}

// Copies the named tensors of f into ps; every parameter must be present
// (require_all) and shapes must match, else a runtime_error naming it.
inline void from_tensors(const TensorFile& f, std::vector<Parameter<float>>& ps, bool require_all,
                         const std::string& source) {
  for (auto& p : ps) {
    const auto it = f.tensors.find(p.name);
    if (it == f.tensors.end()) {
      if (require_all)
        throw std::runtime_error("checkpoint '" + source + "' lacks tensor '" + p.name + "'");
      continue;
    }
    const auto& t = it->second;
    if (t.shape.size() != 2 || t.shape[0] != p.rows || t.shape[1] != p.cols)
      throw std::runtime_error("checkpoint '" + source + "': tensor '" + p.name +
                               "' has the wrong shape for this model config");
    std::copy(t.data.begin(), t.data.end(), p.value);
  }
}

}  // namespace finetune
