// hyperbolic-finetune: tokenizer -> power-law analysis -> pretraining -> the
// embedding analysis of the HypLoRA paper -> fine-tuning (frozen / full / LoRA /
// HypLoRA variants) with a learning-rate sweep on validation and several seeds
// -> scoring on a seeded test sample beside trivial baselines -> report
// (markdown, JSON, PNG plots). See docs/finetune.md.
//
// Under mpirun (built with MPI) pretraining and every fine-tuning run are data-parallel over
// the ranks, rank 0 writing every file (data_parallel.hpp, docs/distributed-finetune.md).

#include <omp.h>

#include <CLI/CLI.hpp>
#include <Eigen/Core>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <hyperbolic/distributed/launch.hpp>
#include <hyperbolic/io/output_paths.hpp>
#include <hyperbolic/text/discrete_power_law.hpp>
#include <hyperbolic/text/sentencepiece_tokenizer.hpp>
#include <iostream>
#include <map>
#include <numeric>
#include <optional>
#include <thread>

#include "../common/cli_contract.hpp"
#include "analysis.hpp"
#include "config.hpp"
#include "data_parallel.hpp"
#include "experiment.hpp"
#include "pipeline.hpp"
#include "presets.hpp"
#include "pretrain.hpp"
#include "report.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace finetune;

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::vector<int> encode_stream(const Tokenizer& tok, const std::vector<std::string>& lines) {
  std::vector<int> s;
  for (const auto& l : lines) {
    const auto ids = tok.encode(l);
    s.insert(s.end(), ids.begin(), ids.end());
    s.push_back(tok.eos());
  }
  return s;
}

// ---- stage 0: tokenizer ------------------------------------------------------
// Trained (or reused) by rank 0, whose model file every other rank receives.
Tokenizer prepare_tokenizer(const Config& c, const fs::path& corpus_file, bool resume,
                            hyperbolic::distributed::Communicator& comm) {
  const fs::path model = fs::path(c.out_dir) / "tokenizer.model";
  if (comm.size() > 1) {
    std::string bytes;
    if (comm.is_root()) {
      hyperbolic::distributed::SingleProcess alone;
      prepare_tokenizer(c, corpus_file, resume, alone);
      std::ifstream in(model, std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      if (!in && !in.eof())
        throw std::runtime_error("cannot read the tokenizer '" + model.string() + "'");
    }
    broadcast_string(comm, bytes);
    return Tokenizer(Tokenizer::Serialized{bytes}, model.string());
  }
  if (!(resume && fs::exists(model))) {
    hyperbolic::text::SentencePieceTrainingOptions o;
    o.vocabulary_size = static_cast<int>(c.vocab);
    o.model_type = "bpe";
    o.character_coverage = 1.0;
    const auto t0 = Clock::now();
    hyperbolic::text::train_sentencepiece({corpus_file.string()},
                                          (fs::path(c.out_dir) / "tokenizer").string(), o);
    std::fprintf(stderr, "[tokenizer] SentencePiece BPE, vocabulary %ld, trained in %.1f s\n",
                 c.vocab, seconds_since(t0));
  }
  return Tokenizer(model.string());
}

json frequency_analysis(const std::vector<int>& stream, long vocab,
                        std::vector<double>& frequencies) {
  std::vector<std::int64_t> counts(vocab, 0);
  for (int t : stream)
    ++counts[t];
  frequencies.assign(counts.begin(), counts.end());
  std::vector<std::int64_t> positive;
  for (auto n : counts)
    if (n > 0) positive.push_back(n);
  const auto fit = hyperbolic::text::fit_discrete_power_law(positive);
  return {{"tokens", stream.size()},
          {"types_seen", positive.size()},
          {"alpha", fit.alpha},
          {"alpha_sigma", fit.sigma},
          {"x_min", fit.x_min},
          {"n_tail", fit.n_tail},
          {"ks_distance", fit.ks_distance}};
}

std::string config_summary(const Config& c) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "model %ld layers, dim %ld, %ld heads, MLP %ld, vocabulary %ld; fine-tuning %ld "
                "steps of %ld examples (both tasks mixed); adapters rank %ld, alpha %g",
                c.model.layers, c.model.dim, c.model.heads, c.model.mlp, c.model.vocab,
                c.finetune.steps, c.finetune.batch, c.finetune.adapter.rank,
                c.finetune.adapter.alpha);
  return buf;
}

}  // namespace

namespace {
int run(int argc, char** argv, hyperbolic::distributed::Communicator& comm) {
  CLI::App app{
      "hyperbolic-finetune: pretrain a small transformer, then fine-tune it (frozen / full / "
      "LoRA / HypLoRA variants) on WordNet tasks with a learning-rate sweep and several seeds, "
      "beside trivial baselines, and report"};
  std::string config_path, preset = "default";
  bool quick = false, resume = false;
  Config c;
  std::string modes, lrs, full_lrs;
  std::vector<std::string> targets;
  app.add_option("--config", config_path, "JSON config file (applied after the preset)");
  app.add_option("--preset", preset,
                 "default (about 20 min on 2 cores) or large (the published "
                 "tables; docs/finetune.md states its time)");
  app.add_flag("--quick", quick, "smoke-test preset (under a minute; CI)");
  app.add_flag("--resume", resume,
               "reuse the tokenizer, pretrained model and finished runs found in --out");
  auto* o_out = app.add_option("--out", c.out_dir, "output folder");
  auto* o_wn = app.add_option("--wordnet-dir", c.wordnet_dir, "WordNet 3.0 dict folder");
  long pre_steps = 0, ft_steps = 0, threads = -1, rank = 0, vocab = 0, seeds = 0, eval_test = -1,
       jobs = -1;
  double curvature = 0, alpha = 0;
  std::string learn;
  app.add_option("--pretrain-steps", pre_steps, "pretraining steps");
  app.add_option("--finetune-steps", ft_steps, "fine-tuning steps per run");
  app.add_option("--modes", modes,
                 "comma-separated: frozen,full,lora,hyplora[:c=<c0>][:fixed][:scale]");
  app.add_option("--lrs", lrs, "adapter learning rates to sweep, comma-separated");
  app.add_option("--full-lrs", full_lrs, "full fine-tuning learning rates, comma-separated");
  app.add_option("--seeds", seeds, "seeds per mode at the chosen learning rate");
  app.add_option("--eval-test", eval_test, "test items scored (seeded sample; 0: all)");
  app.add_option("--rank", rank, "adapter rank");
  app.add_option("--alpha", alpha, "adapter alpha");
  app.add_option("--curvature", curvature, "default HypLoRA curvature init c");
  app.add_option("--learn-curvature", learn, "true or false (default for hyplora modes)");
  app.add_option("--targets", targets, "adapter targets (q k v o up down)")->delimiter(',');
  app.add_option("--threads", threads, "threads per run (default 1; 0: all cores)");
  app.add_option("--jobs", jobs, "fine-tuning runs in parallel (default: cores)");
  app.add_option("--vocab", vocab, "tokenizer vocabulary size");
  long replica_check_every = -1;
  bool pretrain_only = false;
  app.add_option("--replica-check-every", replica_check_every,
                 "under mpirun: compare the ranks' parameters every this many steps (default "
                 "50; 0: at the start and end of each stage only)");
  app.add_flag("--pretrain-only", pretrain_only,
               "stop after pretraining (pretrain.json, pretrained.safetensors)");
  bool print_fingerprints = false;
  app.add_flag("--print-fingerprints", print_fingerprints,
               "print the settings fingerprints (pretraining, runs) and exit");
  return hyperbolic::cli::run_main("hyperbolic-finetune", app, argc, argv, [&]() -> int {
    const auto list = [](const std::string& text, const char* flag) {
      std::vector<std::string> out;
      std::stringstream ss(text);
      for (std::string m; std::getline(ss, m, ',');)
        out.push_back(m);
      if (out.empty()) throw std::invalid_argument(std::string(flag) + " is empty");
      return out;
    };
    const auto numbers = [&](const std::string& text, const char* flag) {
      std::vector<double> out;
      for (const auto& s : list(text, flag))  // an empty entry ("1,,2") used to read as 0
        out.push_back(hyperbolic::cli::parse_number<double>(std::string(flag) + " entry", s,
                                                            "comma-separated learning rates > 0"));
      return out;
    };
    const std::string out_flag = c.out_dir, wn_flag = c.wordnet_dir;
    apply_preset(c, quick ? "quick" : preset);
    if (!config_path.empty()) load_config_file(c, config_path);
    if (o_out->count()) c.out_dir = out_flag;
    if (o_wn->count()) c.wordnet_dir = wn_flag;
    if (app.count("--pretrain-steps")) c.pretrain.steps = pre_steps;
    if (app.count("--finetune-steps")) c.finetune.steps = ft_steps;
    if (app.count("--rank")) c.finetune.adapter.rank = rank;
    if (app.count("--alpha")) c.finetune.adapter.alpha = alpha;
    if (app.count("--curvature")) c.finetune.adapter.curvature = curvature;
    if (app.count("--vocab")) c.vocab = vocab;
    if (app.count("--threads")) c.threads = threads;
    if (app.count("--jobs")) c.jobs = jobs;
    if (app.count("--seeds")) c.finetune.seeds = seeds;
    if (app.count("--eval-test")) c.finetune.eval_test = eval_test;
    if (app.count("--replica-check-every")) c.replica_check_every = replica_check_every;
    if (!learn.empty()) {
      if (learn != "true" && learn != "false")
        throw std::invalid_argument("--learn-curvature must be true or false, got '" + learn + "'");
      c.finetune.adapter.learn_curvature = learn == "true";
    }
    if (!targets.empty())
      c.finetune.adapter.targets = std::set<std::string>(targets.begin(), targets.end());
    if (!modes.empty()) c.finetune.modes = list(modes, "--modes");
    if (!lrs.empty()) c.finetune.lrs = numbers(lrs, "--lrs");
    if (!full_lrs.empty()) c.finetune.full_lrs = numbers(full_lrs, "--full-lrs");
    c.validate();
    if (print_fingerprints) {
      std::printf("pretraining %s\nruns %s\n", pretrain_fingerprint(c).c_str(),
                  run_fingerprint(c).c_str());
      return 0;
    }
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    const int nthreads = c.threads > 0 ? int(c.threads) : cores;
    // Several ranks (mpirun): every run is data-parallel over them and MPI is called from the
    // main thread only, so the runs go one at a time (docs/distributed-finetune.md).
    const int ranks = comm.size();
    hyperbolic::cli::require(ranks == 1 || c.jobs <= 1,
                             "--jobs above 1 under mpirun (" + std::to_string(ranks) + " ranks)",
                             std::to_string(c.jobs),
                             "1 or leave it out: under mpirun each run is data-parallel over the "
                             "ranks and the runs go one at a time (MPI is called from one thread)");
    const int njobs = ranks > 1 ? 1 : c.jobs > 0 ? int(c.jobs) : cores;
    const bool root = comm.is_root();
    log_enabled() = root;
    omp_set_num_threads(nthreads);
    Eigen::setNbThreads(nthreads);
    const auto t_start = Clock::now();
    std::optional<hyperbolic::cli::FolderLock> out_lock;
    if (root) {  // rank 0 alone writes into --out
      // A folder where the reports can be written, checked before hours of training.
      hyperbolic::io::check_output_paths(
          {}, std::vector<hyperbolic::io::NamedPath>{
                  {"--out (report.json)", fs::path(c.out_dir) / "report.json"},
                  {"--out (report.md)", fs::path(c.out_dir) / "report.md"}});
      fs::create_directories(fs::path(c.out_dir) / "checkpoints");
      // One run per folder: two runs training the tokenizer into one --out used to read each
      // other's half-written tokenizer.model ("unk is not defined").
      out_lock.emplace(c.out_dir, "--out");
    }
    if (ranks > 1 && root)
      std::fprintf(stderr,
                   "[distributed] %s: data-parallel, %d thread(s) per rank, runs one at "
                   "a time\n",
                   comm.description().c_str(), nthreads);
    const std::string preset_name = quick ? "quick" : preset;

    // ---- data --------------------------------------------------------------
    ExperimentData d;
    d.wordnet =
        load_wordnet(c.wordnet_dir, c.finetune.split_seed, std::size_t(c.finetune.distractors));
    const auto& items = d.wordnet.items;
    PretrainCorpus corpus = build_pretraining_corpus(c, d.wordnet);
    if (root)
      std::fprintf(stderr, "[data] %zu noun items; pretraining: %s\n", items.size(),
                   corpus.summary().c_str());
    const fs::path corpus_file = fs::path(c.out_dir) / "corpus-train.txt";
    if (root) {  // --resume reuses the folder's tokenizer and model only for the same settings
      const fs::path stamp = fs::path(c.out_dir) / "settings.fingerprint";
      const std::string print = pretrain_fingerprint(c);
      if (resume && fs::exists(stamp)) {
        std::ifstream in(stamp);
        std::string old;
        std::getline(in, old);
        if (old != print)
          throw std::runtime_error("--resume: '" + c.out_dir +
                                   "' was made with other model, vocabulary, pretraining or "
                                   "split settings; use another --out, or delete it");
      }
      write_text_atomically(stamp, print + "\n");
      if (!(resume && fs::exists(corpus_file))) {
        std::string text;
        for (const auto& l : corpus.train)
          text += l, text += '\n';
        write_text_atomically(corpus_file, text);
      }
    }
    const Tokenizer tok = prepare_tokenizer(c, corpus_file, resume, comm);
    c.model.vocab = tok.size();
    PretrainData pd;
    pd.train_stream = encode_stream(tok, corpus.train);
    pd.validation_stream = encode_stream(tok, corpus.validation);
    pd.wordnet_validation_stream = encode_stream(tok, d.wordnet.validation_text);
    for (const auto& it : items)
      d.encoded.push_back(
          encode_item(tok, it, c.finetune.max_prompt_tokens, c.finetune.max_answer_tokens));
    const std::uint64_t sample_seed = splitmix64(c.finetune.split_seed * 31 + 7);
    d.test = seeded_sample(items_in(d.wordnet, Split::test),
                           std::size_t(c.finetune.eval_test ? c.finetune.eval_test : items.size()),
                           sample_seed);
    d.validation = seeded_sample(items_in(d.wordnet, Split::validation),
                                 std::size_t(c.finetune.eval_validation), sample_seed + 1);
    d.train_items = items_in(d.wordnet, Split::train);
    if (c.finetune.max_train > 0)
      d.train_items =
          seeded_sample(d.train_items, std::size_t(c.finetune.max_train), sample_seed + 2);
    for (auto i : d.train_items) {
      d.train_examples.push_back(&d.encoded[i].hypernym);
      d.train_examples.push_back(&d.encoded[i].lexname);
    }
    if (d.train_examples.empty() || d.test.empty() || d.validation.empty())
      throw std::runtime_error("the task has no train, validation or test items");

    json analysis;
    std::vector<double> frequencies;
    analysis["frequency"] = frequency_analysis(pd.train_stream, c.model.vocab, frequencies);
    if (root)
      std::fprintf(stderr, "[analysis] %zu training tokens, power-law alpha %.3f\n",
                   pd.train_stream.size(), analysis["frequency"]["alpha"].get<double>());

    // ---- stage 1 ------------------------------------------------------------
    Transformer<float> model(c.model);
    json pre = pretrain(model, pd, c, resume, comm);
    if (pretrain_only) {
      if (root)
        std::fprintf(stderr, "[pretrain] --pretrain-only: %s/pretrain.json (%.0f s)\n",
                     c.out_dir.c_str(), seconds_since(t_start));
      return 0;
    }
    // The pretrained weights every run starts from: this model's (the same values as
    // pretrained.safetensors, which only rank 0 writes).
    const TensorFile pretrained = to_tensors(model.parameters(), false);
    pre["tokens_seen"] = c.pretrain.steps * c.pretrain.batch * c.pretrain.seq_len;
    pre["tokens_in_corpus"] = pd.train_stream.size();
    pre["validation_tokens"] = pd.validation_stream.size();
    pre["sources"] = corpus.sources_json();
    if (root) {  // into the report, which rank 0 writes
      analysis["embeddings"] = analyze_pretrained_embeddings(model, d, frequencies, c);
      if (c.analysis_fasttext) analysis["fasttext"] = analyze_fasttext(corpus_file, d, c, resume);
    }

    // ---- stage 2 ------------------------------------------------------------
    Experiment exp(c, d, tok, pretrained, comm);
    // Several ranks: the runs one after another on this (the MPI) thread.
    const auto run_tasks = [&](std::vector<std::function<void()>>& tasks) {
      if (ranks == 1) return run_parallel(tasks, njobs);
      for (auto& task : tasks)
        task();
    };
    std::vector<Variant> trained;
    bool with_frozen = false;
    for (const auto& m : c.finetune.modes) {
      const Variant v = parse_variant(m);
      if (v.frozen)
        with_frozen = true;
      else
        trained.push_back(v);
    }
    const auto grid = [&](const Variant& v) {
      return v.uses_full_lr() ? c.finetune.full_lrs : c.finetune.lrs;
    };
    std::size_t sweep_runs = 0;
    for (const auto& v : trained)
      sweep_runs += grid(v).size();
    RunBoard board(sweep_runs + 1 + trained.size() * std::size_t(c.finetune.seeds));
    if (root)
      std::fprintf(stderr, "[finetune] %zu modes, %zu sweep runs + %zu seed runs, %d at a time\n",
                   trained.size(), sweep_runs, trained.size() * std::size_t(c.finetune.seeds - 1),
                   njobs);
    // Phase 1: the frozen model and every sweep run (seed 1, validation only).
    json frozen;
    std::map<std::string, std::vector<json>> sweep;
    std::mutex m;
    {
      std::vector<std::function<void()>> tasks;
      tasks.push_back([&] {
        json r = exp.frozen(board);
        std::lock_guard<std::mutex> lock(m);
        frozen = r;
      });
      for (const auto& v : trained)
        for (double lr : grid(v))
          tasks.push_back([&, v, lr] {
            json r = exp.train({v, lr, 1, false}, board, resume);
            std::lock_guard<std::mutex> lock(m);
            sweep[v.name].push_back(r);
          });
      run_tasks(tasks);
    }
    if (!with_frozen) frozen["note"] = "frozen not in --modes; scored anyway as the reference";
    // Phase 2: the chosen rate per mode; seeds 2..S trained, seed 1 scored on test.
    ReportInputs in;
    std::map<std::string, RunSpec> chosen;
    for (const auto& v : trained) {
      auto& runs = sweep[v.name];
      std::sort(runs.begin(), runs.end(),
                [](const json& a, const json& b) { return a["lr"] < b["lr"]; });
      json table = json::array();
      double best = -1, best_lr = 0;
      for (const auto& r : runs) {
        const double s = selection_score(r["validation"]);
        table.push_back({{"lr", r["lr"]},
                         {"score", s},
                         {"lexname", r["validation"]["lexname"]},
                         {"choice", r["validation"]["choice"]},
                         {"hypernym", r["validation"]["hypernym"]},
                         {"diverged_at_step", r.value("diverged_at_step", 0L)}});
        if (s > best) best = s, best_lr = r["lr"].get<double>();
      }
      in.sweeps[v.name] = table;
      in.chosen_lr[v.name] = best_lr;
      in.modes.push_back(v.name);
    }
    {
      std::vector<std::function<void()>> tasks;
      for (const auto& v : trained)
        for (long seed = 1; seed <= c.finetune.seeds; ++seed)
          tasks.push_back([&, v, seed] {
            const RunSpec s{v, in.chosen_lr[v.name], unsigned(seed), true};
            // Seed 1 was trained in the sweep; it is scored on test once.
            json r = exp.train(s, board, seed == 1 || resume);
            std::lock_guard<std::mutex> lock(m);
            in.runs[v.name].push_back(r);
          });
      run_tasks(tasks);
    }
    for (auto& [name, runs] : in.runs)
      std::sort(runs.begin(), runs.end(),
                [](const json& a, const json& b) { return a["seed"] < b["seed"]; });

    if (!root) return 0;  // rank 0 writes the report

    // ---- report --------------------------------------------------------------
    std::map<std::string, double> answer_counts;
    for (auto i : d.train_items)
      answer_counts[items[i].answer] += 1;
    json class_hist = json::object(), depth_hist = json::object(), freq_hist = json::object();
    for (auto i : d.test) {
      const auto& it = items[i];
      const int db = depth_bucket(it.depth);
      const auto f = answer_counts.find(it.answer);
      const int fb = frequency_bucket(f == answer_counts.end() ? 0 : f->second);
      in.depth_bucket_of.push_back(db);
      in.frequency_bucket_of.push_back(fb);
      class_hist[lexname_of_class(it.lexname)] =
          class_hist.value(lexname_of_class(it.lexname), 0) + 1;
      depth_hist[depth_bucket_name(db)] = depth_hist.value(depth_bucket_name(db), 0) + 1;
      freq_hist[frequency_bucket_name(fb)] = freq_hist.value(frequency_bucket_name(fb), 0) + 1;
    }
    json baselines;
    for (Task t : {Task::hypernym, Task::lexname}) {
      const auto b = constant_baselines(items, d.train_items, d.test, t);
      baselines[task_name(t)] = {{"majority_answer", b.majority},
                                 {"majority", mean_of(b.majority_correct)},
                                 {"frequency_weighted_guess", b.frequency_weighted_guess}};
    }
    {
      const auto b = choice_baselines(items, d.train_items, d.test);
      baselines["choice"] = {{"uniform", b.uniform},
                             {"most_frequent", mean_of(b.most_frequent_correct)},
                             {"frequency_weighted_guess", b.frequency_weighted_guess}};
    }
    std::size_t splits[3] = {0, 0, 0};
    for (const auto& it : items)
      ++splits[int(it.split)];
    json widening = json::object();
    for (const auto& [w, n] : d.wordnet.widening_counts)
      widening[std::to_string(w)] = n;
    in.header = {{"config",
                  {{"preset", preset_name},
                   {"summary", config_summary(c)},
                   {"modes", c.finetune.modes},
                   {"lrs", c.finetune.lrs},
                   {"full_lrs", c.finetune.full_lrs},
                   {"seeds", c.finetune.seeds},
                   {"steps", c.finetune.steps},
                   {"batch", c.finetune.batch},
                   {"rank", c.finetune.adapter.rank},
                   {"alpha", c.finetune.adapter.alpha},
                   {"targets", c.finetune.adapter.targets},
                   {"jobs", njobs},
                   {"threads_per_run", nthreads},
                   {"ranks", ranks},
                   {"communicator", comm.description()},
                   {"replica_check_every", c.replica_check_every}}},
                 {"data",
                  {{"items", items.size()},
                   {"train_items", d.train_items.size()},
                   {"validation_items", splits[int(Split::validation)]},
                   {"test_items", splits[int(Split::test)]},
                   {"test_evaluated", d.test.size()},
                   {"validation_evaluated", d.validation.size()},
                   {"distractors", c.finetune.distractors},
                   {"distractor_widening", widening},
                   {"test_class_histogram", class_hist},
                   {"test_classes", class_hist.size()},
                   {"depth_buckets", depth_hist},
                   {"frequency_buckets", freq_hist}}},
                 {"pretrain", pre},
                 {"analysis", analysis}};
    in.header["pretrain"].erase("history");
    in.baselines = baselines;
    in.frozen = frozen;
    json report = build_report(in);
    report["total_seconds"] = seconds_since(t_start);
    hyperbolic::io::OutputSet reports;  // .json and .md from the same run, or both kept
    reports.write(fs::path(c.out_dir) / "report.json", report.dump(2));
    reports.write(fs::path(c.out_dir) / "report.md", markdown_report(report));
    reports.commit();
    write_plots(c.out_dir, report, in.runs, pre["history"]);
    std::fprintf(stderr, "[report] %s/report.md and .json, img/*.png (%.0f s)\n", c.out_dir.c_str(),
                 seconds_since(t_start));
    return 0;
  });
}
}  // namespace

int main(int argc, char** argv) {
  std::optional<hyperbolic::distributed::World> world;
  try {  // MPI when started by mpirun (and built with MPI), one process otherwise
    world.emplace(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "hyperbolic-finetune: error: " << e.what() << "\n";
    return 1;
  }
  // A rank that fails ends every rank (the others would wait in their next collective call).
  return world->finish(run(argc, argv, world->comm()));
}
