#pragma once
// Fine-tuning runs and how they are scheduled. A run is (mode, learning rate,
// seed): it starts from the pretrained weights, trains on the mixed training
// examples of both tasks (hypernym and lexname prompts of the training
// synsets, drawn uniformly with the run's seed), then is scored on the
// validation sample and, when asked, on the test sample. Runs are independent
// and go in parallel on `jobs` threads (one Eigen / OpenMP thread each); a run's
// result depends only on its spec, never on the schedule.
//
// The protocol (experiment_plan in main.cpp): every trained mode sweeps its
// learning-rate grid with seed 1, the rate with the best validation score is
// kept, and seeds 2..S are trained at that rate; the seed-1 run is then scored
// on the test sample from its saved weights.
//
// Under mpirun (data_parallel.hpp) each run is data-parallel over the ranks: every rank draws
// the run's batches from the same rng, trains on its share and applies the same step to the
// summed adapter / head gradients. MPI is called from the main thread only (the communicator
// is funneled), so the runs then go one at a time in every process (jobs = 1). The scoring is
// split over the ranks by whole chunks of items and gathered; rank 0 alone reads and writes the
// run files and sends its result to the other ranks, so that every rank picks the same
// learning rates.

#include <omp.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <hyperbolic/optim/tensor_adamw.hpp>

#include "config.hpp"
#include "data_parallel.hpp"
#include "evaluation.hpp"

namespace finetune {

struct ExperimentData {
  WordNetData wordnet;
  std::vector<EncodedItem> encoded;                   // one per item
  std::vector<std::size_t> train, validation, test;   // evaluated samples (indices into items)
  std::vector<std::size_t> train_items;               // items trained on
  std::vector<const EncodedExample*> train_examples;  // both tasks of every training item
};

struct RunSpec {
  Variant variant;
  double lr = 0;
  unsigned seed = 1;
  bool score_test = false;
  std::string id() const {
    char buf[64];
    std::snprintf(buf, sizeof buf, "-lr%g-s%u", lr, seed);
    return variant.label() + buf;
  }
};

inline float lr_at(long step, long steps, long warmup, double lr) {
  if (step < warmup) return float(lr * (step + 1) / double(warmup));
  const double progress = double(step - warmup) / std::max<long>(1, steps - warmup);
  return float(lr * (0.1 + 0.9 * 0.5 * (1 + std::cos(M_PI * progress))));
}

inline nlohmann::json scores_json(const ItemScores& s, std::size_t samples_kept = 6) {
  nlohmann::json j = {
      {"hypernym", mean_of(s.hypernym)},
      {"lexname", mean_of(s.lexname)},
      {"choice", mean_of(s.choice)},
      {"items", s.hypernym.size()},
      {"per_item", {{"hypernym", s.hypernym}, {"lexname", s.lexname}, {"choice", s.choice}}}};
  nlohmann::json gen = nlohmann::json::array();
  for (std::size_t i = 0; i < std::min(samples_kept, s.hypernym_generated.size()); ++i)
    gen.push_back({{"hypernym", s.hypernym_generated[i]}, {"lexname", s.lexname_generated[i]}});
  j["generated"] = gen;
  return j;
}

// The validation score that picks a learning rate (and the best HypLoRA
// variant): the mean of the three accuracies.
inline double selection_score(const nlohmann::json& scores) {
  return (scores.at("hypernym").get<double>() + scores.at("lexname").get<double>() +
          scores.at("choice").get<double>()) /
         3.0;
}

// Shared progress lines for runs in parallel: each run reports at every
// quarter of its steps, and every finished run prints the overall count.
class RunBoard {
 public:
  explicit RunBoard(std::size_t total) : total_(total), t0_(std::chrono::steady_clock::now()) {}
  void step(const std::string& id, long step, long steps, double loss, double tokens_per_s) {
    const long quarter = std::max<long>(1, steps / 4);
    if (!log_enabled() || (step % quarter != 0 && step != steps)) return;
    std::lock_guard<std::mutex> lock(mutex_);
    std::fprintf(stderr, "[%s] step %ld/%ld loss %.4f %.0f tok/s\n", id.c_str(), step, steps, loss,
                 tokens_per_s);
  }
  void finished(const std::string& id, const std::string& what) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++done_;
    if (!log_enabled()) return;
    const double s = elapsed();
    const double eta = done_ ? s / double(done_) * double(total_ - done_) : 0;
    std::fprintf(stderr, "[runs %zu/%zu, %.0f s, ~%.0f s left] %s: %s\n", done_, total_, s, eta,
                 id.c_str(), what.c_str());
  }
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
  }

 private:
  std::mutex mutex_;
  std::size_t total_, done_ = 0;
  std::chrono::steady_clock::time_point t0_;
};

// Runs the tasks on `jobs` threads; the first exception is rethrown after all stop.
inline void run_parallel(std::vector<std::function<void()>>& tasks, int jobs) {
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex m;
  const auto worker = [&] {
    omp_set_num_threads(1);  // per thread: the runs are the parallelism
    for (std::size_t i; (i = next++) < tasks.size();) {
      try {
        tasks[i]();
      } catch (...) {
        std::lock_guard<std::mutex> lock(m);
        if (!failure) failure = std::current_exception();
        next = tasks.size();
      }
    }
  };
  std::vector<std::thread> threads;
  for (int j = 0; j < std::max(1, jobs); ++j)
    threads.emplace_back(worker);
  for (auto& t : threads)
    t.join();
  if (failure) std::rethrow_exception(failure);
}

class Experiment {
 public:
  Experiment(const Config& c, const ExperimentData& d, const Tokenizer& tok,
             const TensorFile& pretrained, dist::Communicator& comm)
      : c_(c), d_(d), tok_(tok), pretrained_(pretrained), comm_(comm) {}

  std::filesystem::path result_path(const RunSpec& s) const {
    return std::filesystem::path(c_.out_dir) / "results" / (s.id() + ".json");
  }
  std::filesystem::path weights_path(const RunSpec& s) const {
    return std::filesystem::path(c_.out_dir) / "checkpoints" / (s.id() + ".safetensors");
  }

  // A model for the variant, from the pretrained weights (+ the run's saved
  // trained tensors when `trained` is given).
  Transformer<float> build(const RunSpec& s, std::vector<Parameter<float>>& params) const {
    Transformer<float> model(c_.model);
    params = model.parameters();
    from_tensors(pretrained_, params, true, "pretrained.safetensors");
    AdapterConfig a = c_.finetune.adapter;
    a.kind = s.variant.kind;
    if (s.variant.curvature > 0) a.curvature = s.variant.curvature;
    if (s.variant.hyplora()) {
      a.learn_curvature = s.variant.learn_curvature;
      a.input_scale = s.variant.input_scale;
    }
    model.attach_adapters(a, c_.model.seed + 17 + 1000 * s.seed);
    if (!s.variant.full) model.set_base_trainable(false);
    params = model.parameters();
    return model;
  }

  // Collective (every rank gets rank 0's result).
  nlohmann::json frozen(RunBoard& board) const {
    RunSpec s{parse_variant("frozen"), 0, 1, true};
    std::vector<Parameter<float>> params;
    Transformer<float> model = build(s, params);
    nlohmann::json r = describe(s, model, 0);
    r["validation"] = scores_json(score(model, d_.validation));
    r["test"] = scores_json(score(model, d_.test));
    board.finished("frozen", summary(r));
    return shared(r);
  }

  // Trains one run (or reuses its saved result when resuming) and scores it. Collective: rank 0
  // decides what is reused, and every rank returns rank 0's result.
  nlohmann::json train(const RunSpec& s, RunBoard& board, bool resume) const {
    namespace fs = std::filesystem;
    enum Action : int { fresh = 0, reuse = 1, score_test_only = 2 };
    int action = fresh;
    nlohmann::json saved;
    if (comm_.is_root() && resume && fs::exists(result_path(s))) {
      // One read; reused only when made with the same settings.
      saved = read_json_file(result_path(s));
      if (saved.value("fingerprint", std::string()) == run_fingerprint(c_)) {
        if (!s.score_test || saved.contains("test"))
          action = reuse;
        else if (fs::exists(weights_path(s)))
          action = score_test_only;
      }
    }
    action = broadcast_value<int>(comm_, action);
    if (action == reuse) {
      if (comm_.is_root()) board.finished(s.id(), "reused " + result_path(s).string());
      return shared(saved);
    }
    if (action == score_test_only) return shared(add_test_scores(s, saved, board));
    const FinetuneConfig& f = c_.finetune;
    std::vector<Parameter<float>> params;
    Transformer<float> model = build(s, params);
    GemmClock::seconds() = 0;
    hyperbolic::optim::TensorAdamW<float> opt;
    opt.weight_decay = s.variant.full ? 0.01f : 0.0f;
    opt.lr = float(s.lr);
    opt.clip_norm = 1.0f;
    SplitMix rng{splitmix64(1000003ull * s.seed + 99)};
    nlohmann::json curve = {{"step", nlohmann::json::array()}, {"loss", nlohmann::json::array()}};
    double seconds = 0, tokens = 0, smooth = 0;
    long diverged_at = 0;
    check_parameter_replicas(comm_, params, 0, "initial parameters of run " + s.id());
    DataParallelGradient gradient(comm_);
    const dist::ReplicaChecker replicas(std::uint64_t(std::max<long>(0, c_.replica_check_every)));
    for (long step = 0; step < f.steps; ++step) {
      std::vector<const EncodedExample*> ex;
      for (long i = 0; i < f.batch; ++i)
        ex.push_back(d_.train_examples[rng.below(d_.train_examples.size())]);
      const Batch b = task_batch(ex, tok_.eos());
      const auto t0 = std::chrono::steady_clock::now();
      // The whole batch's loss and gradient (every rank: the same bits; one rank: as before).
      const double loss = gradient.compute(model, b, params);
      if (!std::isfinite(loss)) {  // a finding to report, not a crash (all ranks stop here)
        diverged_at = step + 1;
        break;
      }
      opt.step(params, lr_at(step, f.steps, f.steps / 10, s.lr) / float(s.lr));
      if (replicas.due(std::uint64_t(step + 1)))
        check_parameter_replicas(comm_, params, std::uint64_t(step + 1),
                                 "parameters of run " + s.id());
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      tokens += double(b.real_tokens);
      smooth = step == 0 ? loss : 0.9 * smooth + 0.1 * loss;
      curve["step"].push_back(step + 1);
      curve["loss"].push_back(loss);
      board.step(s.id(), step + 1, f.steps, smooth, tokens / std::max(1e-9, seconds));
    }
    check_parameter_replicas(comm_, params, std::uint64_t(f.steps),
                             "trained parameters of run " + s.id());
    nlohmann::json r = describe(s, model, count_trainable(params));
    r["ranks"] = comm_.size();
    r["all_reduce_bytes_per_step"] = gradient.bytes_per_step();
    r["all_reduce_seconds"] = gradient.all_reduce_seconds();
    r["train_seconds"] = seconds;
    r["tokens_per_second"] = seconds > 0 ? tokens / seconds : 0.0;
    r["gemm_share"] = seconds > 0 ? GemmClock::seconds() / seconds : 0.0;
    r["diverged_at_step"] = diverged_at;
    r["final_loss"] = curve["loss"].empty() ? nlohmann::json(nullptr) : curve["loss"].back();
    r["curve"] = curve;
    if (diverged_at == 0) {
      if (comm_.is_root()) {
        TensorFile out = to_tensors(params, true);
        out.metadata["run"] = s.id();
        save_safetensors(weights_path(s).string(), out);
      }
      r["validation"] = scores_json(score(model, d_.validation));
      if (s.score_test) r["test"] = scores_json(score(model, d_.test));
    } else {
      r["validation"] = failed_scores(d_.validation.size());
      if (s.score_test) r["test"] = failed_scores(d_.test.size());
    }
    if (comm_.is_root()) save(s, r);
    board.finished(s.id(), summary(r));
    return shared(r);
  }

  // Scores a finished run (its result r) on the test sample from its saved weights.
  // Collective: rank 0 reads the weights and sends the trained tensors to the other ranks,
  // the ranks share the scoring, and rank 0 returns (and saves) the completed r.
  nlohmann::json add_test_scores(const RunSpec& s, nlohmann::json r, RunBoard& board) const {
    const bool root = comm_.is_root();
    if (broadcast_value<char>(comm_, root && r.value("diverged_at_step", 0L) > 0)) {
      r["test"] = failed_scores(d_.test.size());
    } else {
      std::vector<Parameter<float>> params;
      Transformer<float> model = build(s, params);
      if (root)
        from_tensors(load_safetensors(weights_path(s).string()), params, false,
                     weights_path(s).string());
      if (comm_.size() > 1)
        for (auto& p : params)
          if (p.trainable)
            comm_.broadcast(
                std::as_writable_bytes(std::span<float>(p.value, std::size_t(p.size()))), 0);
      r["test"] = scores_json(score(model, d_.test));
    }
    if (root) save(s, r);
    board.finished(s.id() + " (test)", root ? summary(r) : std::string());
    return r;
  }

 private:
  // Scores the items `which`. With several ranks and `split`, collective: rank r scores a
  // contiguous block of whole chunks of items and the blocks are gathered in rank order; a
  // chunk is scored on its own (its decoding and candidate batches hold only its items), so
  // the scores and their order are those of one process scoring every chunk.
  ItemScores score(Transformer<float>& model, const std::vector<std::size_t>& which,
                   bool split = true) const {
    constexpr long chunk = 64;
    const long max_answer = c_.finetune.max_answer_tokens;
    if (!split || comm_.size() == 1)
      return score_items(model, d_.encoded, which, tok_, max_answer, chunk);
    const long chunks = (long(which.size()) + chunk - 1) / chunk;
    const Share mine = share_of(chunks, comm_.rank(), comm_.size());
    const auto at = [&](long c) {
      return which.begin() + std::ptrdiff_t(std::min(which.size(), std::size_t(c * chunk)));
    };
    const std::vector<std::size_t> part(at(mine.begin), at(mine.end));
    const ItemScores local = score_items(model, d_.encoded, part, tok_, max_answer, chunk);
    const std::string text = nlohmann::json{{"hypernym", local.hypernym},
                                            {"lexname", local.lexname},
                                            {"choice", local.choice},
                                            {"hypernym_generated", local.hypernym_generated},
                                            {"lexname_generated", local.lexname_generated}}
                                 .dump();
    dist::Gathered gathered;
    comm_.all_gather(std::as_bytes(std::span<const char>(text.data(), text.size())), gathered);
    ItemScores all;
    const auto append = [](auto& to, const nlohmann::json& from) {
      for (const auto& v : from)
        to.push_back(v.get<typename std::decay_t<decltype(to)>::value_type>());
    };
    for (int r = 0; r < gathered.ranks(); ++r) {
      const auto bytes = gathered.of(r);
      const auto j = nlohmann::json::parse(
          std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
      append(all.hypernym, j.at("hypernym"));
      append(all.lexname, j.at("lexname"));
      append(all.choice, j.at("choice"));
      append(all.hypernym_generated, j.at("hypernym_generated"));
      append(all.lexname_generated, j.at("lexname_generated"));
    }
    if (all.hypernym.size() != which.size())
      throw dist::CommunicationError("scoring: the ranks returned " +
                                     std::to_string(all.hypernym.size()) + " scores for " +
                                     std::to_string(which.size()) + " items");
    return all;
  }
  static nlohmann::json failed_scores(std::size_t n) {
    ItemScores s;
    s.hypernym.assign(n, 0);
    s.lexname.assign(n, 0);
    s.choice.assign(n, 0);
    return scores_json(s);
  }
  nlohmann::json describe(const RunSpec& s, Transformer<float>& model, long trainable) const {
    nlohmann::json r = {{"id", s.id()},
                        {"mode", s.variant.name},
                        {"label", s.variant.label()},
                        {"lr", s.lr},
                        {"seed", s.seed},
                        {"trainable_parameters", trainable},
                        {"fingerprint", run_fingerprint(c_)}};
    if (s.variant.hyplora()) {
      nlohmann::json cs = nlohmann::json::array(), scales = nlohmann::json::array();
      for (auto& b : model.blocks)
        for (auto* lin : b.linears())
          if (lin->hyplora) {
            cs.push_back(lin->hyplora->c());
            scales.push_back(lin->hyplora->input_scale());
          }
      r["curvatures"] = cs;
      r["input_scales"] = scales;
    }
    return r;
  }
  static std::string summary(const nlohmann::json& r) {
    char buf[200];
    const auto& v = r.at("validation");
    std::snprintf(buf, sizeof buf, "validation hypernym %.1f%% lexname %.1f%% choice %.1f%%",
                  100 * v["hypernym"].get<double>(), 100 * v["lexname"].get<double>(),
                  100 * v["choice"].get<double>());
    std::string out = buf;
    if (r.contains("test")) {
      const auto& t = r.at("test");
      std::snprintf(buf, sizeof buf, "; test %.1f%% / %.1f%% / %.1f%%",
                    100 * t["hypernym"].get<double>(), 100 * t["lexname"].get<double>(),
                    100 * t["choice"].get<double>());
      out += buf;
    }
    if (r.value("diverged_at_step", 0L) > 0)
      out += " (diverged at step " + std::to_string(r["diverged_at_step"].get<long>()) + ")";
    return out;
  }
  void save(const RunSpec& s, const nlohmann::json& r) const {
    std::filesystem::create_directories(result_path(s).parent_path());
    write_text_atomically(result_path(s), r.dump(1));
  }

  const Config& c_;
  const ExperimentData& d_;
  const Tokenizer& tok_;
  // Collective: rank 0's r on every rank (r itself with one rank).
  nlohmann::json shared(nlohmann::json r) const {
    if (comm_.size() == 1) return r;
    std::string text = comm_.is_root() ? r.dump() : std::string();
    broadcast_string(comm_, text);
    return comm_.is_root() ? r : nlohmann::json::parse(text);
  }

  const TensorFile& pretrained_;
  dist::Communicator& comm_;
};

}  // namespace finetune
