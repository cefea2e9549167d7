// hyperbolic-finetune: tokenizer -> power-law analysis -> pretraining on
// WordNet glosses -> instruction fine-tuning (frozen / full / LoRA / HypLoRA)
// -> exact-match evaluation -> report (markdown, JSON, PNG plots).
// See docs/finetune.md.

#include <omp.h>

#include <CLI/CLI.hpp>
#include <Eigen/Core>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <hyperbolic/text/discrete_power_law.hpp>
#include <hyperbolic/text/gromov_delta.hpp>
#include <hyperbolic/text/norm_frequency_analysis.hpp>
#include <hyperbolic/text/sentencepiece_tokenizer.hpp>
#include <iostream>
#include <map>
#include <numeric>

#include "adamw.hpp"
#include "config.hpp"
#include "pipeline.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace finetune;

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void write_text_atomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write '" + tmp.string() + "'");
  }
  fs::rename(tmp, path);
}

json read_json(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

void apply_quick(Config& c) {
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
  c.finetune.steps = 60;
  c.finetune.batch = 16;
  c.finetune.max_train = 4000;
  c.finetune.max_test = 100;
  c.finetune.max_prompt_tokens = 40;
}

struct Data {
  Corpus corpus;
  std::vector<int> train_stream, validation_stream;
  std::vector<EncodedExample> train, test;
  std::vector<std::string> test_answers;
};

std::vector<int> encode_stream(const Tokenizer& tok, const std::vector<std::string>& lines) {
  std::vector<int> s;
  for (const auto& l : lines) {
    const auto ids = tok.encode(l);
    s.insert(s.end(), ids.begin(), ids.end());
    s.push_back(tok.eos());
  }
  return s;
}

EncodedExample encode_example(const Tokenizer& tok, const TaskExample& e, const FinetuneConfig& f) {
  EncodedExample x;
  x.prompt = tok.encode(e.prompt);
  if (long(x.prompt.size()) > f.max_prompt_tokens) {  // keep the answer marker at the end
    const auto marker = tok.encode(answer_marker(f.task));
    x.prompt.resize(f.max_prompt_tokens - marker.size());
    x.prompt.insert(x.prompt.end(), marker.begin(), marker.end());
  }
  x.answer = tok.encode(e.answer);
  if (long(x.answer.size()) > f.max_answer_tokens - 1) x.answer.resize(f.max_answer_tokens - 1);
  x.answer.push_back(tok.eos());
  return x;
}

// ---- stage 0: tokenizer ------------------------------------------------------
Tokenizer prepare_tokenizer(const Config& c, const Corpus& corpus, bool resume) {
  const fs::path model = fs::path(c.out_dir) / "tokenizer.model";
  if (!(resume && fs::exists(model))) {
    const fs::path text = fs::path(c.out_dir) / "corpus-train.txt";
    {
      std::ofstream out(text, std::ios::trunc);
      for (const auto& l : corpus.train_text)
        out << l << '\n';
      if (!out) throw std::runtime_error("cannot write '" + text.string() + "'");
    }
    hyperbolic::text::SentencePieceTrainingOptions o;
    o.vocabulary_size = static_cast<int>(c.vocab);
    o.model_type = "bpe";
    o.character_coverage = 1.0;
    const auto t0 = Clock::now();
    hyperbolic::text::train_sentencepiece({text.string()},
                                          (fs::path(c.out_dir) / "tokenizer").string(), o);
    std::fprintf(stderr, "[tokenizer] SentencePiece BPE, vocabulary %ld, trained in %.1f s\n",
                 c.vocab, seconds_since(t0));
  }
  return Tokenizer(model.string());
}

// ---- analysis: token frequencies --------------------------------------------
json frequency_analysis(const Data& d, long vocab, std::vector<double>& frequencies) {
  std::vector<std::int64_t> counts(vocab, 0);
  for (int t : d.train_stream)
    ++counts[t];
  frequencies.assign(counts.begin(), counts.end());
  std::vector<std::int64_t> positive;
  for (auto n : counts)
    if (n > 0) positive.push_back(n);
  const auto fit = hyperbolic::text::fit_discrete_power_law(positive);
  return {{"tokens", d.train_stream.size()},
          {"types_seen", positive.size()},
          {"alpha", fit.alpha},
          {"alpha_sigma", fit.sigma},
          {"x_min", fit.x_min},
          {"n_tail", fit.n_tail},
          {"ks_distance", fit.ks_distance}};
}

// ---- analysis: hyperbolicity and norms of the pretrained embeddings ---------
json embedding_analysis(const Transformer<float>& model, const Data& d,
                        const std::vector<double>& frequencies) {
  const auto& E = model.embedding;
  const auto dist = [&](int a, int b) { return double((E.row(a) - E.row(b)).norm()); };
  // Per prompt (as in the HypLoRA paper): the distinct tokens of one prompt.
  std::vector<double> rel;
  for (size_t i = 0; i < d.test.size() && rel.size() < 200; ++i) {
    std::vector<int> ids = d.test[i].prompt;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    if (ids.size() < 4) continue;
    hyperbolic::text::DeltaOptions o;
    o.threads = 1;
    const auto r = hyperbolic::text::gromov_delta(
        ids.size(), [&](std::size_t a, std::size_t b) { return dist(ids[a], ids[b]); }, o);
    rel.push_back(r.relative);
  }
  const double mean =
      std::accumulate(rel.begin(), rel.end(), 0.0) / std::max<size_t>(1, rel.size());
  double var = 0;
  for (double r : rel)
    var += (r - mean) * (r - mean);
  const double sd = std::sqrt(var / std::max<size_t>(1, rel.size()));
  // The 1000 most frequent tokens together.
  std::vector<int> order(E.rows());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](int a, int b) { return frequencies[a] > frequencies[b]; });
  order.resize(std::min<size_t>(order.size(), 1000));
  const auto top = hyperbolic::text::gromov_delta(
      order.size(), [&](std::size_t a, std::size_t b) { return dist(order[a], order[b]); });
  const auto norms = hyperbolic::text::row_norms<float>(std::span<const float>(E.data(), E.size()),
                                                        E.rows(), E.cols());
  const auto nf = hyperbolic::text::analyze_norm_vs_frequency(norms, frequencies, 10);
  json bins = json::array();
  for (const auto& b : nf.bins)
    bins.push_back(
        {{"mean_frequency", b.mean_frequency}, {"mean_norm", b.mean_norm}, {"count", b.count}});
  return {{"delta_relative_per_prompt_mean", mean},
          {"delta_relative_per_prompt_std", sd},
          {"prompts", rel.size()},
          {"delta_relative_top1000", top.relative},
          {"delta_top1000_method", hyperbolic::text::to_string(top.method)},
          {"norm_frequency_spearman", nf.spearman},
          {"norm_log_frequency_pearson", nf.pearson_log_frequency},
          {"norm_bins", bins}};
}

// ---- stage 1: pretraining ------------------------------------------------------
struct StageStats {
  double seconds = 0, gemm_seconds = 0, tokens = 0;
};

double validation_loss(Transformer<float>& model, const Data& d, const PretrainConfig& p) {
  double sum = 0;
  const long window = p.seq_len + 1;
  for (long b = 0; b < p.val_batches; ++b) {
    Batch batch;
    batch.batch = p.batch;
    batch.len = p.seq_len;
    for (long s = 0; s < p.batch; ++s) {
      const long at =
          ((b * p.batch + s) * window) % (long(d.validation_stream.size()) - window - 1);
      for (long t = 0; t < p.seq_len; ++t) {
        batch.tokens.push_back(d.validation_stream[at + t]);
        batch.targets.push_back(d.validation_stream[at + t + 1]);
      }
    }
    batch.weights.assign(p.batch * p.seq_len, 1.0f);
    sum += model.forward(batch.tokens, batch.batch, batch.len, batch.targets, batch.weights);
  }
  return sum / double(p.val_batches);
}

float lr_at(long step, long steps, long warmup, double lr) {
  if (step < warmup) return float(lr * (step + 1) / double(warmup));
  const double progress = double(step - warmup) / std::max<long>(1, steps - warmup);
  return float(lr * (0.1 + 0.9 * 0.5 * (1 + std::cos(M_PI * progress))));
}

json pretrain(Transformer<float>& model, const Data& d, const Config& c, bool resume) {
  const fs::path final_path = fs::path(c.out_dir) / "pretrained.safetensors";
  const fs::path partial = fs::path(c.out_dir) / "checkpoints" / "pretrain-partial.safetensors";
  const fs::path stats_path = fs::path(c.out_dir) / "pretrain.json";
  auto params = model.parameters();
  if (resume && fs::exists(final_path) && fs::exists(stats_path)) {
    from_tensors(load_safetensors(final_path.string()), params, true, final_path.string());
    std::fprintf(stderr, "[pretrain] resumed: loaded %s\n", final_path.c_str());
    return read_json(stats_path);
  }
  const PretrainConfig& p = c.pretrain;
  AdamW<float> opt;
  opt.weight_decay = 0.01f;
  long step0 = 0;
  json history = {{"step", json::array()},
                  {"loss", json::array()},
                  {"val_step", json::array()},
                  {"val_loss", json::array()}};
  if (resume && fs::exists(partial)) {
    const auto f = load_safetensors(partial.string());
    from_tensors(f, params, true, partial.string());
    for (auto& prm : params) {
      auto& s = opt.state[prm.name];
      const auto m = f.tensors.find("adam.m." + prm.name), v = f.tensors.find("adam.v." + prm.name);
      if (m == f.tensors.end() || v == f.tensors.end())
        throw std::runtime_error("checkpoint '" + partial.string() +
                                 "' lacks the optimizer state of '" + prm.name + "'");
      s.m = m->second.data;
      s.v = v->second.data;
    }
    step0 = std::stol(f.metadata.at("step"));
    opt.step_count = step0;
    history = json::parse(f.metadata.at("history"));
    std::fprintf(stderr, "[pretrain] resuming from step %ld\n", step0);
  }
  Progress bar("pretrain", p.steps);
  StageStats st;
  double last_loss = 0, smooth = 0;
  for (long step = step0; step < p.steps; ++step) {
    std::mt19937_64 rng(c.model.seed * 1000003ull +
                        step);  // per step: resume replays the same batches
    const Batch b = stream_batch(d.train_stream, p.batch, p.seq_len, rng);
    const double g0 = GemmClock::seconds();
    const auto t0 = Clock::now();
    model.zero_grad();
    last_loss = model.forward(b.tokens, b.batch, b.len, b.targets, b.weights);
    model.backward();
    opt.step(params, lr_at(step, p.steps, p.warmup, p.lr) / float(p.lr) * 1.0f);
    st.seconds += seconds_since(t0);
    st.gemm_seconds += GemmClock::seconds() - g0;
    st.tokens += double(b.real_tokens);
    if (!std::isfinite(last_loss))
      throw std::runtime_error("pretraining diverged (loss is not finite) at step " +
                               std::to_string(step));
    smooth = step == step0 ? last_loss : 0.95 * smooth + 0.05 * last_loss;
    history["step"].push_back(step + 1);
    history["loss"].push_back(last_loss);
    std::string extra;
    if ((step + 1) % p.eval_every == 0 || step + 1 == p.steps) {
      const double vl = validation_loss(model, d, p);
      history["val_step"].push_back(step + 1);
      history["val_loss"].push_back(vl);
      extra = " val ppl " + std::to_string(std::exp(vl)).substr(0, 7);
    }
    bar.update(step + 1, smooth, st.tokens / std::max(1e-9, st.seconds), extra);
    if ((step + 1) % p.checkpoint_every == 0 && step + 1 < p.steps) {
      TensorFile f = to_tensors(params, false);
      for (auto& prm : params) {
        const auto& s = opt.state[prm.name];
        f.tensors["adam.m." + prm.name] = {{prm.size()}, s.m};
        f.tensors["adam.v." + prm.name] = {{prm.size()}, s.v};
      }
      f.metadata["step"] = std::to_string(step + 1);
      f.metadata["history"] = history.dump();
      save_safetensors(partial.string(), f);
    }
  }
  const double val = history["val_loss"].empty() ? validation_loss(model, d, p)
                                                 : history["val_loss"].back().get<double>();
  json stats = {{"steps", p.steps},
                {"final_train_loss", last_loss},
                {"validation_loss", val},
                {"validation_perplexity", std::exp(val)},
                {"seconds_this_run", st.seconds},
                {"tokens_per_second", st.tokens / std::max(1e-9, st.seconds)},
                {"gemm_share", st.gemm_seconds / std::max(1e-9, st.seconds)},
                {"parameters", count_trainable(params)},
                {"history", history}};
  TensorFile f = to_tensors(params, false);
  f.metadata["format"] = "hyperbolic-finetune pretrained model";
  f.metadata["config"] = json({{"vocab", model.config.vocab},
                               {"dim", model.config.dim},
                               {"layers", model.config.layers},
                               {"heads", model.config.heads},
                               {"mlp", model.config.mlp},
                               {"max_len", model.config.max_len}})
                             .dump();
  save_safetensors(final_path.string(), f);
  write_text_atomically(stats_path, stats.dump(2));
  if (fs::exists(partial)) fs::remove(partial);
  return stats;
}

// ---- stage 2: fine-tuning one mode -------------------------------------------
json evaluate(Transformer<float>& model, const Data& d, const Tokenizer& tok,
              const FinetuneConfig& f, json& samples) {
  long correct = 0;
  const long chunk = 64;
  for (size_t at = 0; at < d.test.size(); at += chunk) {
    std::vector<const EncodedExample*> ex;
    for (size_t i = at; i < std::min(d.test.size(), at + chunk); ++i)
      ex.push_back(&d.test[i]);
    const auto gen = greedy_decode(model, ex, f.max_answer_tokens, tok.eos());
    for (size_t i = 0; i < ex.size(); ++i) {
      std::vector<int> want(ex[i]->answer.begin(), ex[i]->answer.end() - 1);
      const bool ok = gen[i] == want;
      correct += ok;
      if (samples.size() < 12)
        samples.push_back({{"prompt", d.corpus.examples.empty() ? "" : tok.decode(ex[i]->prompt)},
                           {"expected", d.test_answers[at + i]},
                           {"generated", tok.decode(gen[i])},
                           {"correct", ok}});
    }
  }
  return {{"exact_match", double(correct) / double(d.test.size())},
          {"correct", correct},
          {"test_examples", d.test.size()}};
}

json finetune_mode(const std::string& mode, const Data& d, const Tokenizer& tok, const Config& c,
                   const TensorFile& pretrained, bool resume) {
  std::string label = mode;  // file-name safe: hyplora:0.01 -> hyplora-c0.01
  if (const auto colon = label.find(':'); colon != std::string::npos) label.replace(colon, 1, "-c");
  const std::string run = c.finetune.task + "-" + label;  // one out dir holds both tasks
  const fs::path result_path = fs::path(c.out_dir) / "results" / (run + ".json");
  if (resume && fs::exists(result_path)) {
    std::fprintf(stderr, "[%s] resumed: %s\n", mode.c_str(), result_path.c_str());
    return read_json(result_path);
  }
  const FinetuneConfig& f = c.finetune;
  Transformer<float> model(c.model);
  auto params = model.parameters();
  from_tensors(pretrained, params, true, "pretrained.safetensors");
  AdapterConfig a = f.adapter;
  const double c_override = hyplora_curvature_of(mode);
  a.kind = mode == "lora"                        ? AdapterKind::lora
           : mode == "hyplora" || c_override > 0 ? AdapterKind::hyplora
                                                 : AdapterKind::none;
  if (c_override > 0) a.curvature = c_override;
  model.attach_adapters(a, c.model.seed + 17);
  if (mode != "full") model.set_base_trainable(false);
  params = model.parameters();
  const long trainable = mode == "frozen" ? 0 : count_trainable(params);
  json curve = {{"step", json::array()}, {"loss", json::array()}};
  StageStats st;
  long diverged_at = 0;
  if (mode != "frozen") {
    AdamW<float> opt;
    opt.weight_decay = mode == "full" ? 0.01f : 0.0f;
    const double lr = mode == "full" ? f.full_lr : f.lr;
    opt.lr = float(lr);
    Progress bar(mode, f.steps);
    std::mt19937_64 rng(c.model.seed + 99);
    std::uniform_int_distribution<size_t> pick(0, d.train.size() - 1);
    double smooth = 0;
    for (long step = 0; step < f.steps; ++step) {
      std::vector<const EncodedExample*> ex;
      for (long i = 0; i < f.batch; ++i)
        ex.push_back(&d.train[pick(rng)]);
      const Batch b = task_batch(ex, tok.eos());
      const double g0 = GemmClock::seconds();
      const auto t0 = Clock::now();
      model.zero_grad();
      const double loss = model.forward(b.tokens, b.batch, b.len, b.targets, b.weights);
      if (!std::isfinite(loss)) {  // a finding to report, not a crash: the other modes go on
        diverged_at = step + 1;
        std::fprintf(stderr,
                     "\n[%s] diverged: loss is not finite at step %ld; stopping this mode\n",
                     mode.c_str(), diverged_at);
        break;
      }
      model.backward();
      opt.step(params, lr_at(step, f.steps, f.steps / 10, lr) / float(lr));
      st.seconds += seconds_since(t0);
      st.gemm_seconds += GemmClock::seconds() - g0;
      st.tokens += double(b.real_tokens);
      smooth = step == 0 ? loss : 0.9 * smooth + 0.1 * loss;
      curve["step"].push_back(step + 1);
      curve["loss"].push_back(loss);
      bar.update(step + 1, smooth, st.tokens / std::max(1e-9, st.seconds));
    }
    fs::create_directories(fs::path(c.out_dir) / "checkpoints");
    if (diverged_at == 0) {
      TensorFile out = to_tensors(params, true);
      out.metadata["mode"] = mode;
      save_safetensors((fs::path(c.out_dir) / "checkpoints" / (run + ".safetensors")).string(),
                       out);
    }
  }
  const auto t0 = Clock::now();
  json samples = json::array();
  json result = diverged_at
                    ? json{{"exact_match", 0.0}, {"correct", 0}, {"test_examples", d.test.size()}}
                    : evaluate(model, d, tok, f, samples);
  result["diverged_at_step"] = diverged_at;
  result["mode"] = mode;
  result["label"] = label;
  result["trainable_parameters"] = trainable;
  result["train_seconds"] = st.seconds;
  result["eval_seconds"] = seconds_since(t0);
  result["tokens_per_second"] = st.seconds > 0 ? st.tokens / st.seconds : 0.0;
  result["gemm_share"] = st.seconds > 0 ? st.gemm_seconds / st.seconds : 0.0;
  result["final_loss"] = curve["loss"].empty() ? json(nullptr) : json(curve["loss"].back());
  result["curve"] = curve;
  result["samples"] = samples;
  if (a.kind == AdapterKind::hyplora) {
    json cs = json::array();
    for (auto& b : model.blocks)
      for (auto* lin : b.linears())
        if (lin->hyplora) cs.push_back(lin->hyplora->c());
    result["curvatures"] = cs;
  }
  std::fprintf(stderr, "[%s] exact match %.2f%% (%ld/%zu), %ld trainable parameters\n",
               mode.c_str(), 100.0 * result["exact_match"].get<double>(),
               result["correct"].get<long>(), d.test.size(), trainable);
  fs::create_directories(result_path.parent_path());
  write_text_atomically(result_path, result.dump(2));
  return result;
}

// ---- report ----------------------------------------------------------------
void plots(const fs::path& dir, const std::string& task, const json& pre,
           const std::vector<json>& results) {
  const fs::path img = dir / "img";
  fs::create_directories(img);
  {
    std::ofstream o(img / "pretrain.dat");
    const auto& h = pre["history"];
    for (size_t i = 0; i < h["step"].size(); ++i)
      o << h["step"][i] << ' ' << h["loss"][i] << '\n';
    o << "\n\n";
    for (size_t i = 0; i < h["val_step"].size(); ++i)
      o << h["val_step"][i] << ' ' << h["val_loss"][i] << '\n';
  }
  std::string loss_plot;
  for (const auto& r : results) {
    if (r["curve"]["step"].empty()) continue;
    const std::string m = r["mode"], file = r.value("label", m);
    std::ofstream o(img / ("loss-" + task + "-" + file + ".dat"));
    const auto& cv = r["curve"];
    for (size_t i = 0; i < cv["step"].size(); ++i)
      o << cv["step"][i] << ' ' << cv["loss"][i] << '\n';
    loss_plot += (loss_plot.empty() ? "" : ", ") +
                 ("'loss-" + task + "-" + file +
                  ".dat' using 1:2 smooth bezier with lines lw 2 title '" + m + "'");
  }
  {
    std::ofstream o(img / ("accuracy-" + task + ".dat"));
    for (size_t i = 0; i < results.size(); ++i)
      o << i << " \"" << results[i]["mode"].get<std::string>() << "\" "
        << 100.0 * results[i]["exact_match"].get<double>() << '\n';
  }
  std::ofstream gp(img / ("plots-" + task + ".gp"));
  gp << "set terminal pngcairo size 800,500 noenhanced\nset grid\n"
     << "set output 'finetune-pretrain.png'\nset title 'Stage 1: pretraining on WordNet glosses'\n"
     << "set xlabel 'step'\nset ylabel 'cross-entropy (nats/token)'\n"
     << "plot 'pretrain.dat' index 0 using 1:2 smooth bezier with lines lw 2 title 'train "
        "(smoothed)', "
     << "'pretrain.dat' index 1 using 1:2 with linespoints lw 2 pt 7 title 'validation'\n";
  if (!loss_plot.empty())
    gp << "set output 'finetune-" << task << "-loss.png'\nset title 'Stage 2 (" << task
       << "): fine-tuning loss on answer tokens'\n"
       << "set xlabel 'step'\nset ylabel 'cross-entropy (smoothed)'\nplot " << loss_plot << "\n";
  gp << "set output 'finetune-" << task << "-accuracy.png'\nset title 'Exact match on the " << task
     << " test split (greedy decoding)'\n"
     << "set style fill solid 0.6\nset boxwidth 0.6\nset yrange [0:*]\nset xlabel ''\nset ylabel "
        "'exact match (%)'\n"
     << "plot 'accuracy-" << task
     << ".dat' using 1:3:xtic(2) with boxes notitle, '' using 1:3:(sprintf('%.1f', "
        "$3)) with labels offset 0,1 notitle\n";
  gp.close();
  const std::string cmd =
      "cd '" + img.string() + "' && gnuplot plots-" + task + ".gp 2> gnuplot.log";
  if (std::system(cmd.c_str()) != 0)
    std::fprintf(stderr,
                 "[report] gnuplot failed or is missing (see %s/gnuplot.log): no PNG plots\n",
                 img.c_str());
}

void report(const Config& c, const json& analysis, const json& pre,
            const std::vector<json>& results, double total_seconds) {
  const fs::path dir(c.out_dir);
  json r = {{"config",
             {{"vocab", c.vocab},
              {"dim", c.model.dim},
              {"layers", c.model.layers},
              {"heads", c.model.heads},
              {"mlp", c.model.mlp},
              {"task", c.finetune.task},
              {"rank", c.finetune.adapter.rank},
              {"alpha", c.finetune.adapter.alpha},
              {"curvature", c.finetune.adapter.curvature},
              {"learn_curvature", c.finetune.adapter.learn_curvature},
              {"targets", c.finetune.adapter.targets},
              {"threads", Eigen::nbThreads()}}},
            {"analysis", analysis},
            {"pretrain", pre},
            {"modes", results},
            {"total_seconds", total_seconds}};
  r["pretrain"].erase("history");
  for (auto& m : r["modes"])
    m.erase("curve");
  write_text_atomically(dir / ("report-" + c.finetune.task + ".json"), r.dump(2));
  std::ostringstream md;
  char buf[512];
  md << "# hyperbolic-finetune report\n\n";
  std::snprintf(buf, sizeof buf,
                "Model: %ld layers, dim %ld, %ld heads, MLP %ld, vocabulary %ld (SentencePiece "
                "BPE); task `%s`; "
                "adapters rank %ld, alpha %g on {",
                c.model.layers, c.model.dim, c.model.heads, c.model.mlp, c.model.vocab,
                c.finetune.task.c_str(), c.finetune.adapter.rank, c.finetune.adapter.alpha);
  md << buf;
  bool first = true;
  for (const auto& t : c.finetune.adapter.targets)
    md << (first ? "" : ", ") << t, first = false;
  std::snprintf(buf, sizeof buf,
                "}; HypLoRA curvature init %g (%s). Threads: %d. Total wall time %.0f s.\n\n",
                c.finetune.adapter.curvature,
                c.finetune.adapter.learn_curvature ? "learned" : "fixed", Eigen::nbThreads(),
                total_seconds);
  md << buf;
  const auto& fa = analysis["frequency"];
  const auto& ea = analysis["embeddings"];
  md << "## Analysis (HypLoRA paper, on our corpus and model)\n\n";
  std::snprintf(buf, sizeof buf,
                "- Token-frequency power law (discrete CSN fit): alpha = %.3f +- %.3f, x_min = "
                "%lld, tail %zu of %zu types, "
                "KS %.4f\n",
                fa["alpha"].get<double>(), fa["alpha_sigma"].get<double>(),
                (long long)fa["x_min"].get<std::int64_t>(), fa["n_tail"].get<size_t>(),
                fa["types_seen"].get<size_t>(), fa["ks_distance"].get<double>());
  md << buf;
  std::snprintf(buf, sizeof buf,
                "- Relative Gromov delta of the pretrained token embeddings: per prompt %.3f +- "
                "%.3f (%zu prompts, exact); "
                "1000 most frequent tokens %.3f (%s)\n",
                ea["delta_relative_per_prompt_mean"].get<double>(),
                ea["delta_relative_per_prompt_std"].get<double>(), ea["prompts"].get<size_t>(),
                ea["delta_relative_top1000"].get<double>(),
                ea["delta_top1000_method"].get<std::string>().c_str());
  md << buf;
  std::snprintf(buf, sizeof buf,
                "- Embedding norm vs frequency: Spearman %.3f, Pearson(log(1+f), norm) %.3f\n\n",
                ea["norm_frequency_spearman"].get<double>(),
                ea["norm_log_frequency_pearson"].get<double>());
  md << buf;
  md << "## Stage 1: pretraining\n\n";
  std::snprintf(buf, sizeof buf,
                "%ld steps, %ld parameters: validation perplexity %.2f (loss %.3f), %.0f tokens/s, "
                "%.0f%% of step time in GEMM, "
                "%.0f s this run\n\n",
                pre["steps"].get<long>(), pre["parameters"].get<long>(),
                pre["validation_perplexity"].get<double>(), pre["validation_loss"].get<double>(),
                pre["tokens_per_second"].get<double>(), 100 * pre["gemm_share"].get<double>(),
                pre["seconds_this_run"].get<double>());
  md << buf;
  md << "## Stage 2: fine-tuning (exact match of greedy decoding on the test split)\n\n"
     << "| mode | exact match | trainable params | train time (s) | train tokens/s | GEMM share | "
        "final loss |\n"
     << "|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& m : results) {
    std::snprintf(
        buf, sizeof buf, "| %s | %.2f%% (%ld/%ld) | %ld | %.1f | %.0f | %.0f%% | %s |\n",
        m["mode"].get<std::string>().c_str(), 100 * m["exact_match"].get<double>(),
        m["correct"].get<long>(), m["test_examples"].get<long>(),
        m["trainable_parameters"].get<long>(), m["train_seconds"].get<double>(),
        m["tokens_per_second"].get<double>(), 100 * m["gemm_share"].get<double>(),
        m.value("diverged_at_step", 0L) > 0
            ? ("diverged at step " + std::to_string(m["diverged_at_step"].get<long>())).c_str()
        : m["final_loss"].is_null()
            ? "-"
            : std::to_string(m["final_loss"].get<double>()).substr(0, 6).c_str());
    md << buf;
  }
  for (const auto& m : results)
    if (m.contains("curvatures")) {
      md << "\nHypLoRA curvatures c per adapted layer after training ("
         << m["mode"].get<std::string>() << "): ";
      for (const auto& v : m["curvatures"]) {
        std::snprintf(buf, sizeof buf, "%.3f ", v.get<double>());
        md << buf;
      }
      md << "\n";
    }
  md << "\n## Sample generations\n\n| mode | prompt | expected | generated |\n|---|---|---|---|\n";
  for (const auto& m : results)
    for (size_t i = 0; i < std::min<size_t>(4, m["samples"].size()); ++i) {
      const auto& s = m["samples"][i];
      md << "| " << m["mode"].get<std::string>() << " | " << s["prompt"].get<std::string>() << " | "
         << s["expected"].get<std::string>() << " | " << s["generated"].get<std::string>()
         << " |\n";
    }
  write_text_atomically(dir / ("report-" + c.finetune.task + ".md"), md.str());
  plots(dir, c.finetune.task, pre, results);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "hyperbolic-finetune: pretrain a small transformer on WordNet glosses, then fine-tune it "
      "(frozen / full / LoRA / HypLoRA) on a WordNet task and report"};
  std::string config_path;
  bool quick = false, resume = false;
  Config c;
  std::string modes;
  std::vector<std::string> targets;
  app.add_option("--config", config_path, "JSON config file (flags override it)");
  app.add_flag("--quick", quick, "small preset for smoke tests (about a minute)");
  app.add_flag("--resume", resume,
               "reuse the tokenizer, pretrained model and finished modes found in --out");
  auto* o_out = app.add_option("--out", c.out_dir, "output folder");
  auto* o_wn = app.add_option("--wordnet-dir", c.wordnet_dir, "WordNet 3.0 dict folder");
  long pre_steps = 0, ft_steps = 0, threads = -1, rank = 0, vocab = 0;
  double curvature = 0, alpha = 0;
  std::string task, learn;
  app.add_option("--pretrain-steps", pre_steps, "pretraining steps");
  app.add_option("--finetune-steps", ft_steps, "fine-tuning steps per mode");
  app.add_option("--modes", modes, "comma-separated: frozen,full,lora,hyplora");
  app.add_option("--task", task, "hypernym or lexname");
  app.add_option("--rank", rank, "adapter rank");
  app.add_option("--alpha", alpha, "adapter alpha");
  app.add_option("--curvature", curvature, "HypLoRA curvature init c (sectional curvature -c)");
  app.add_option("--learn-curvature", learn, "true or false");
  app.add_option("--targets", targets, "adapter targets (q k v o up down)")->delimiter(',');
  app.add_option("--threads", threads, "threads (default 1; 0: all cores)");
  app.add_option("--vocab", vocab, "tokenizer vocabulary size");
  CLI11_PARSE(app, argc, argv);
  try {
    if (quick) apply_quick(c);
    const std::string out_flag = c.out_dir, wn_flag = c.wordnet_dir;
    if (!config_path.empty()) load_config_file(c, config_path);
    if (o_out->count()) c.out_dir = out_flag;
    if (o_wn->count()) c.wordnet_dir = wn_flag;
    if (app.count("--pretrain-steps")) c.pretrain.steps = pre_steps;
    if (app.count("--finetune-steps")) c.finetune.steps = ft_steps;
    if (!task.empty()) c.finetune.task = task;
    if (app.count("--rank")) c.finetune.adapter.rank = rank;
    if (app.count("--alpha")) c.finetune.adapter.alpha = alpha;
    if (app.count("--curvature")) c.finetune.adapter.curvature = curvature;
    if (app.count("--vocab")) c.vocab = vocab;
    if (app.count("--threads")) c.threads = threads;
    if (!learn.empty()) {
      if (learn != "true" && learn != "false")
        throw std::invalid_argument("--learn-curvature must be true or false, got '" + learn + "'");
      c.finetune.adapter.learn_curvature = learn == "true";
    }
    if (!targets.empty())
      c.finetune.adapter.targets = std::set<std::string>(targets.begin(), targets.end());
    if (!modes.empty()) {
      c.finetune.modes.clear();
      std::stringstream ss(modes);
      for (std::string m; std::getline(ss, m, ',');)
        c.finetune.modes.push_back(m);
    }
    c.validate();
    const int nthreads = c.threads > 0 ? int(c.threads) : omp_get_num_procs();
    omp_set_num_threads(nthreads);
    Eigen::setNbThreads(nthreads);
    const auto t_start = Clock::now();
    fs::create_directories(fs::path(c.out_dir) / "checkpoints");

    Data d;
    d.corpus = build_corpus(c.wordnet_dir, c.finetune.task);
    std::fprintf(stderr, "[data] %zu pretraining lines (+%zu validation), %zu task examples\n",
                 d.corpus.train_text.size(), d.corpus.validation_text.size(),
                 d.corpus.examples.size());
    const Tokenizer tok = prepare_tokenizer(c, d.corpus, resume);
    c.model.vocab = tok.size();
    d.train_stream = encode_stream(tok, d.corpus.train_text);
    d.validation_stream = encode_stream(tok, d.corpus.validation_text);
    for (const auto& e : d.corpus.examples) {
      if (e.split == Split::train && long(d.train.size()) < c.finetune.max_train)
        d.train.push_back(encode_example(tok, e, c.finetune));
      else if (e.split == Split::test && long(d.test.size()) < c.finetune.max_test) {
        d.test.push_back(encode_example(tok, e, c.finetune));
        d.test_answers.push_back(e.answer);
      }
    }
    if (d.train.empty() || d.test.empty())
      throw std::runtime_error("the task has no train or no test examples");
    std::vector<double> frequencies;
    json analysis;
    analysis["frequency"] = frequency_analysis(d, c.model.vocab, frequencies);
    std::fprintf(stderr, "[analysis] %zu training tokens, power-law alpha %.3f\n",
                 d.train_stream.size(), analysis["frequency"]["alpha"].get<double>());

    Transformer<float> model(c.model);
    const json pre = pretrain(model, d, c, resume);
    analysis["embeddings"] = embedding_analysis(model, d, frequencies);
    std::fprintf(stderr,
                 "[analysis] relative delta per prompt %.3f, norm-frequency Spearman %.3f\n",
                 analysis["embeddings"]["delta_relative_per_prompt_mean"].get<double>(),
                 analysis["embeddings"]["norm_frequency_spearman"].get<double>());
    const TensorFile pretrained =
        load_safetensors((fs::path(c.out_dir) / "pretrained.safetensors").string());
    std::vector<json> results;
    for (const auto& mode : c.finetune.modes)
      results.push_back(finetune_mode(mode, d, tok, c, pretrained, resume));
    report(c, analysis, pre, results, seconds_since(t_start));
    std::fprintf(stderr, "[report] %s/report-%s.md and .json, img/*.png (%.0f s)\n",
                 c.out_dir.c_str(), c.finetune.task.c_str(), seconds_since(t_start));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hyperbolic-finetune: error: %s\n", e.what());
    return 1;
  }
}
