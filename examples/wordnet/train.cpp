// hyperbolic-wordnet-train: Poincare / Lorentz / Euclidean embeddings of a hierarchy
// (Nickel & Kiela 2017), with the reference recipe, periodic mean rank / MAP evaluation,
// checkpoints that resume exactly, and results as JSON + embeddings (+ a PNG for 2-D Poincare).
//
//   hyperbolic-wordnet-train --data mammals --model poincare --dim 5 --lr 0.3 --epochs 300
//   hyperbolic-wordnet-train --data nouns --model lorentz --dim 10 --lr 0.5 --epochs 1500
//       (add --checkpoint nouns.ckpt --time-limit 60 to bound and resume it)
//   mpirun -np 4 hyperbolic-wordnet-train --data nouns ...   (data parallel over 4 ranks; the
//       same embedding as one process: docs/distributed-wordnet.md)
//   hyperbolic-wordnet-train --data my_edges.tsv ...        (child<TAB>parent per line)
//
// See docs/wordnet.md for the file formats and the measured results.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../common/cli_contract.hpp"
#include "checkpoint_io.hpp"
#include "datasets.hpp"
#include "hyperbolic/distributed/launch.hpp"
#include "hyperbolic/distributed/replica_check.hpp"
#include "hyperbolic/graph/edge_list.hpp"
#include "hyperbolic/graph/link_prediction.hpp"
#include "hyperbolic/graph/ranking_metrics.hpp"
#include "hyperbolic/graph/wordnet.hpp"
#include "hyperbolic/graph/wordnet_closure.hpp"
#include "hyperbolic/io/output_paths.hpp"
#include "hyperbolic/io/output_set.hpp"
#include "mammal_plot.hpp"
#include "trainer.hpp"

namespace graph = hyperbolic::graph;
namespace wordnet = hyperbolic::graph::wordnet;
namespace wt = hyperbolic::wordnet_train;
namespace dist = hyperbolic::distributed;
using json = nlohmann::json;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string clock_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const long s = static_cast<long>(seconds);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
  return buf;
}

struct Options {
  std::string data = "mammals";
  std::string dict = wordnet::default_dictionary_dir;
  std::string model = "poincare";
  std::string optimizer = "sgd";
  wt::TrainConfig config;
  std::uint32_t epochs = 300;
  unsigned threads = 0;
  unsigned eval_threads = 0;
  std::uint32_t eval_every = 50;
  double held_out = 0;
  std::uint64_t split_seed = 0;
  std::string out = "wordnet-run";
  std::string checkpoint;
  std::uint32_t checkpoint_every = 10;
  bool resume = false;
  bool change_recipe = false;
  double time_limit_minutes = 0;
  double stop_at_map = 0;
  bool quiet = false;
  std::uint32_t check_replicas_every = 10;
};

std::string exact(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// Everything every rank must agree on, one "name<TAB>value" line each (the trajectory's settings,
// the run's length and the training graph): the start of a run of several ranks compares them.
std::string run_settings(const Options& o, const wt::TrainConfig& c, std::size_t nodes,
                         std::size_t training_edges, std::uint64_t fingerprint) {
  std::string s;
  auto line = [&](const char* name, const std::string& value) {
    s += name;
    s += '\t';
    s += value;
    s += '\n';
  };
  line("--model", wt::model_name(c.model));
  line("--dim", std::to_string(c.dim));
  line("--optimizer", c.optimizer == wt::Optimizer::adam ? "adam" : "sgd");
  line("--lr", exact(c.lr));
  line("--epochs", std::to_string(o.epochs));
  line("--burnin", std::to_string(c.burnin_epochs));
  line("--burnin-lr-factor", exact(c.burnin_lr_factor));
  line("--negatives", std::to_string(c.negatives));
  line("--burnin-negatives", std::to_string(c.burnin_negatives));
  line("--degree-power", exact(c.degree_power));
  line("--batch", std::to_string(c.batch));
  line("--sync-batches", std::to_string(c.sync_batches));
  line("--seed", std::to_string(c.seed));
  line("--init-range", exact(c.init_range));
  line("--max-norm", exact(c.max_norm));
  line("lorentz step clip", exact(c.lorentz_step_clip));
  line("--lorentz-max-radius", exact(c.lorentz_max_radius));
  line("--curvature", exact(c.curvature));
  line("--learn-curvature", c.learn_curvature ? "on" : "off");
  line("--curvature-lr", exact(c.curvature_lr));
  line("--lr-decay-start", std::to_string(c.lr_decay_start));
  line("--lr-decay-end", std::to_string(c.lr_decay_end));
  line("--lr-final-factor", exact(c.lr_final_factor));
  line("--adam-beta1", exact(c.adam_beta1));
  line("--adam-beta2", exact(c.adam_beta2));
  line("--adam-eps", exact(c.adam_eps));
  line("--sgd-from-epoch", std::to_string(c.sgd_from_epoch));
  line("--sgd-lr", exact(c.sgd_lr));
  line("--subtree-negatives", std::to_string(c.subtree_negatives));
  line("--subtree-negatives-from", std::to_string(c.subtree_negatives_from));
  line("--parent-edge-repeats", std::to_string(c.parent_edge_repeats));
  line("--parent-edge-repeats-from", std::to_string(c.parent_edge_repeats_from));
  line("--held-out", exact(o.held_out));
  line("--split-seed", std::to_string(o.split_seed));
  line("--check-replicas-every", std::to_string(o.check_replicas_every));
  line("graph (--data)", std::to_string(nodes) + " nodes, " + std::to_string(training_edges) +
                             " training edges, fingerprint " + dist::hex(fingerprint));
  return s;
}

// Collective: stops every rank, naming the first differing setting, unless all ranks were
// started with the same settings and read the same graph.
void require_same_settings(dist::Communicator& comm, const std::string& settings,
                           const wt::TrainConfig& config) {
  if (comm.size() == 1) return;
  // The checkpoint's encoding of the config too: a field missing from the text still counts.
  wt::ByteWriter w;
  wt::put_config(w, config);
  std::uint64_t sum = hyperbolic::optim::fnv1a64(settings.data(), settings.size(),
                                                 hyperbolic::optim::fnv1a64_offset);
  sum = hyperbolic::optim::fnv1a64(w.bytes.data(), w.bytes.size(), sum);
  try {
    dist::check_replicas(comm, sum, 0, "settings and graph");
  } catch (const dist::ReplicaDrift& drift) {
    // Every rank is here (check_replicas throws on all of them): find the first differing line.
    dist::Gathered g;
    comm.all_gather(std::as_bytes(std::span<const char>(settings)), g);
    auto lines = [](std::span<const std::byte> b) {
      std::vector<std::string> out;
      std::string text(reinterpret_cast<const char*>(b.data()), b.size()), line;
      for (char ch : text)
        if (ch == '\n') {
          out.push_back(line);
          line.clear();
        } else {
          line += ch;
        }
      return out;
    };
    const auto first = lines(g.of(0));
    for (int r = 1; r < g.ranks(); ++r) {
      const auto other = lines(g.of(r));
      for (std::size_t i = 0; i < std::min(first.size(), other.size()); ++i) {
        if (first[i] == other[i]) continue;
        const auto cut = [](const std::string& l) {
          const auto at = std::min(l.find('\t'), l.size());
          return std::pair{l.substr(0, at), at < l.size() ? l.substr(at + 1) : std::string()};
        };
        const auto [name, value0] = cut(first[i]);
        const auto value_r = cut(other[i]).second;
        throw hyperbolic::cli::Error(
            "the ranks were started with different settings",
            name + " is " + value0 + " on rank 0 but " + value_r + " on rank " + std::to_string(r),
            "the same flags and the same --data on every rank");
      }
    }
    throw hyperbolic::cli::Error("the ranks were started with different settings", drift.what(),
                                 "the same build, flags and --data on every rank");
  }
}

// Every flag checked before any file is read, in the contract's shape (docs/reliability.md);
// the trainer's own TrainConfig::validate() stays as the library-level guard.
void validate_options(const Options& o) {
  using hyperbolic::cli::require;
  using hyperbolic::cli::require_number;
  using hyperbolic::cli::text;
  const wt::TrainConfig& c = o.config;
  require(c.dim >= 1, "--dim is out of range", text(c.dim), "a dimension of at least 1");
  require(o.epochs >= 1, "--epochs is out of range", text(o.epochs), "at least 1 epoch");
  require_number("--lr", c.lr, c.lr > 0, "a learning rate > 0");
  require_number("--burnin-lr-factor", c.burnin_lr_factor, c.burnin_lr_factor > 0, "a factor > 0");
  require_number("--lr-final-factor", c.lr_final_factor, c.lr_final_factor > 0, "a factor > 0");
  require_number("--degree-power", c.degree_power, std::abs(c.degree_power) <= 100,
                 "a power in [-100, 100]");
  require_number("--init-range", c.init_range, c.init_range > 0, "a range > 0");
  require_number("--max-norm", c.max_norm, c.max_norm > 0 && c.max_norm < 1, "a norm in (0, 1)");
  require_number("--curvature", c.curvature, c.curvature > 0, "a curvature c > 0 (the model's -c)");
  require(o.model != "euclidean" || (c.curvature == 1 && !c.learn_curvature),
          "--curvature is for the hyperbolic models",
          "--model euclidean with " + (c.learn_curvature ? std::string("--learn-curvature")
                                                         : "--curvature " + text(c.curvature)),
          "--model poincare or lorentz (flat space has no curvature)");
  require_number("--curvature-lr", c.curvature_lr, c.curvature_lr > 0,
                 "a learning rate > 0 for the learned curvature");
  require_number("--lorentz-max-radius", c.lorentz_max_radius,
                 c.lorentz_max_radius >= 0 && c.lorentz_max_radius < 700,
                 "a radius in [0, 700) (0: none)");
  require_number("--adam-beta1", c.adam_beta1, c.adam_beta1 >= 0 && c.adam_beta1 < 1,
                 "a decay in [0, 1)");
  require_number("--adam-beta2", c.adam_beta2, c.adam_beta2 >= 0 && c.adam_beta2 < 1,
                 "a decay in [0, 1)");
  require_number("--adam-eps", c.adam_eps, c.adam_eps > 0, "a guard > 0");
  require_number("--sgd-lr", c.sgd_lr, c.sgd_lr >= 0,
                 "a learning rate > 0 (with --sgd-from-epoch)");
  require(c.negatives >= 1, "--negatives is out of range", text(c.negatives), "at least 1");
  require(c.burnin_negatives >= 1, "--burnin-negatives is out of range", text(c.burnin_negatives),
          "at least 1");
  require(c.batch >= 1, "--batch is out of range", text(c.batch), "at least 1 edge per batch");
  // An end at or before the start turned the schedule off without a word.
  if (c.lr_decay_start != 0 || c.lr_decay_end != 0)
    require(c.lr_decay_end > c.lr_decay_start, "--lr-decay-end is not after --lr-decay-start",
            text(c.lr_decay_end) + " <= " + text(c.lr_decay_start),
            "an end epoch above the start (both 0: no decay)");
  require_number("--held-out", o.held_out, o.held_out >= 0 && o.held_out < 1,
                 "a fraction in [0, 1) (0: reconstruction)");
  require_number("--time-limit", o.time_limit_minutes, o.time_limit_minutes >= 0,
                 "minutes >= 0 (0: no limit)");
  require_number("--stop-at-map", o.stop_at_map, o.stop_at_map >= 0 && o.stop_at_map <= 1,
                 "a MAP in [0, 1] (0: never stop early)");
  require(!o.resume || !o.checkpoint.empty(), "--resume needs --checkpoint", "no --checkpoint",
          "--checkpoint PATH to resume from");
}

// Resume on several ranks: rank 0 reads the checkpoint and sends its state to the others (no
// shared filesystem needed); the other ranks restore what they receive.
struct ResumeHeader {
  std::uint32_t found = 0;
  std::uint32_t epochs_done = 0;
};

template <class T, class A>
void broadcast_values(dist::Communicator& comm, std::vector<T, A>& values) {
  comm.broadcast(std::as_writable_bytes(std::span<T>(values)), 0);
}

int run(const Options& o, dist::Communicator& comm) {
  validate_options(o);
  const bool root = comm.is_root();
  const bool several = comm.size() > 1;
  const auto program_start = std::chrono::steady_clock::now();
  wt::TrainConfig config = o.config;
  const std::map<std::string, wt::Model> models = {{"poincare", wt::Model::poincare},
                                                   {"lorentz", wt::Model::lorentz},
                                                   {"euclidean", wt::Model::euclidean}};
  config.model = models.at(o.model);
  config.optimizer = o.optimizer == "adam" ? wt::Optimizer::adam : wt::Optimizer::sgd;
  const unsigned threads =
      o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  // 0: one batch per thread of every rank (the ranks must agree: checked below); before the
  // config's own check, which refuses 0
  if (config.sync_batches == 0) config.sync_batches = threads * unsigned(comm.size());
  config.validate();

  // Every file this run will write, checked before the graph is read: a bad path must not cost
  // the training, and no output may overwrite the edge list or another output.
  const bool draws_picture = config.dim == 2 && config.model == wt::Model::poincare;
  std::vector<hyperbolic::io::NamedPath> inputs, outputs;
  if (std::filesystem::is_regular_file(o.data)) inputs.push_back({"--data", o.data});
  for (const char* ext : {".json", ".emb", ".tsv", ".png"})
    if (std::string(ext) != ".png" || draws_picture)
      outputs.push_back({std::string("--out (") + ext + ")", o.out + ext});
  if (!o.checkpoint.empty()) outputs.push_back({"--checkpoint", o.checkpoint});
  // Only rank 0 writes (the others may run where these folders do not exist).
  if (root) hyperbolic::io::check_output_paths(inputs, outputs);

  const auto load_start = std::chrono::steady_clock::now();
  const graph::EdgeList g = wt::load_graph(o.data, o.dict);
  if (g.edges.empty()) throw std::runtime_error("--data: '" + o.data + "' has no edges");
  const double load_seconds = seconds_since(load_start);
  // Distinct negatives other than the node itself: more than n - 1 cannot exist.
  for (const auto& [flag, count] : {std::pair{"--negatives", config.negatives},
                                    std::pair{"--burnin-negatives", config.burnin_negatives}})
    if (count >= g.node_count())
      throw std::invalid_argument(std::string(flag) + " is not below the number of nodes, " +
                                  std::to_string(count) + ", at most " +
                                  std::to_string(g.node_count() - 1) + " for the " +
                                  std::to_string(g.node_count()) + " nodes of '" + o.data + "'");

  // Train / evaluation edges: everything (reconstruction) or a link-prediction split.
  graph::EdgeSplit split;
  if (o.held_out > 0) {
    split = graph::split_edges(g, {.held_out_fraction = o.held_out, .seed = o.split_seed});
  } else {
    split.train = g.edges;
  }
  const graph::Adjacency reconstruction_neighbours(g.node_count(), split.train);

  wt::Trainer trainer(config, g.node_count(), split.train, threads, comm);
  const std::uint64_t fingerprint = wt::graph_fingerprint(g.node_count(), trainer.edges());
  require_same_settings(
      comm, run_settings(o, config, g.node_count(), trainer.edges().size(), fingerprint), config);
  json history = json::array();
  json recipe_changes = json::array();
  double train_seconds = 0;
  ResumeHeader resumed;

  if (o.resume && root) {
    if (o.checkpoint.empty()) throw std::runtime_error("--resume needs --checkpoint PATH");
    if (std::filesystem::exists(o.checkpoint)) {
      wt::Checkpoint ck = wt::read_checkpoint(o.checkpoint);
      try {
        wt::require_same_trajectory(ck.config, config, ck.epochs_done);
      } catch (const std::runtime_error& e) {
        if (!o.change_recipe) throw;
        // Continue the checkpoint's embedding under the new recipe (recorded in the results).
        std::fprintf(stderr, "--change-recipe: %s; continuing with the new recipe\n", e.what());
        recipe_changes.push_back({{"epoch", ck.epochs_done}, {"change", e.what()}});
      }
      if (ck.graph_fingerprint != fingerprint || ck.node_count != g.node_count())
        throw std::runtime_error("resume: checkpoint '" + o.checkpoint +
                                 "' was trained on a different graph");
      if (ck.config.optimizer != config.optimizer && config.optimizer == wt::Optimizer::adam)
        ck.adam = wt::AdamState(config, g.node_count());  // --change-recipe to Adam: fresh state
      trainer.restore(ck.epochs_done, std::move(ck.embedding), std::move(ck.adam));
      // The curvature the rows were saved at; a learned c continues with its rho. A fixed c
      // changed under --change-recipe moves the rows onto the new model.
      trainer.restore_curvature(ck.curvature, ck.config.learn_curvature && config.learn_curvature
                                                  ? ck.curvature_rho
                                                  : std::numeric_limits<double>::quiet_NaN());
      if (!config.learn_curvature && config.curvature != ck.curvature)
        trainer.set_curvature(config.curvature);
      resumed = {1, ck.epochs_done};
      train_seconds = ck.train_seconds;
      history = json::parse(ck.history_json);
      std::fprintf(stderr, "resumed from %s after epoch %u (%.1f s of training)\n",
                   o.checkpoint.c_str(), ck.epochs_done, ck.train_seconds);
    } else {
      std::fprintf(stderr, "no checkpoint at %s yet: starting from scratch\n",
                   o.checkpoint.c_str());
    }
  }
  if (several) {
    comm.broadcast(std::as_writable_bytes(std::span<ResumeHeader>(&resumed, 1)), 0);
    if (resumed.found) {
      std::vector<double> embedding(trainer.embedding().begin(), trainer.embedding().end());
      broadcast_values(comm, embedding);
      wt::AdamState adam = trainer.adam_state();
      if (config.optimizer == wt::Optimizer::adam) {
        broadcast_values(comm, adam.exp_avg);
        broadcast_values(comm, adam.exp_avg_sq);
        broadcast_values(comm, adam.steps);
      }
      std::vector<double> curvature = {trainer.curvature(), trainer.curvature_rho()};
      broadcast_values(comm, curvature);
      if (!root) {
        trainer.restore(resumed.epochs_done, std::move(embedding), std::move(adam));
        trainer.restore_curvature(curvature[0], curvature[1]);
      }
      dist::check_replicas(comm, trainer.state_checksum(), resumed.epochs_done,
                           "embedding and Adam state received from rank 0's checkpoint");
    }
  }
  if (root)
    std::fprintf(
        stderr,
        "%s: %zu nodes, %zu training edges, %s dim %u, %s lr %g, %s, %u threads%s, sync %u\n",
        o.data.c_str(), g.node_count(), trainer.edges().size(), o.model.c_str(), config.dim,
        o.optimizer.c_str(), config.lr, comm.description().c_str(), threads,
        several ? " per rank" : "", config.sync_batches);
  // Rank 0 alone prints, evaluates and writes.
  if (root && config.learn_curvature)
    std::fprintf(stderr, "curvature c %.6g (learned, lr %g)\n", trainer.curvature(),
                 config.curvature_lr);
  else if (root && config.curvature != 1)
    std::fprintf(stderr, "curvature c %.6g\n", trainer.curvature());
  if (root && config.switches_to_sgd())
    std::fprintf(stderr, "then sgd lr %g from epoch %u\n", config.sgd_lr, config.sgd_from_epoch);
  if (root && config.subtree_negatives > 0)
    std::fprintf(stderr, "%u of the %u negatives from the positive's descendants from epoch %u\n",
                 config.subtree_negatives, config.negatives,
                 std::max(config.subtree_negatives_from, config.burnin_epochs));
  if (root && config.parent_edge_repeats > 1)
    std::fprintf(stderr, "direct-parent edges trained %u times per epoch from epoch %u\n",
                 config.parent_edge_repeats,
                 std::max(config.parent_edge_repeats_from, config.burnin_epochs));

  auto evaluate = [&](const char* why) {
    const wt::RankingSurrogate surrogate(config.model, trainer.curvature(), g.node_count(),
                                         config.row_size(), trainer.embedding());
    const graph::RankingOptions ropt{.threads = o.eval_threads ? o.eval_threads : threads};
    const auto rec = graph::evaluate_reconstruction(reconstruction_neighbours, surrogate, ropt);
    json entry = {{"epoch", trainer.epochs_done()},   {"train_seconds", train_seconds},
                  {"mean_rank", rec.mean_rank},       {"map", rec.mean_average_precision},
                  {"eval_seconds", rec.wall_seconds}, {"why", why}};
    if (config.learn_curvature) entry["curvature"] = trainer.curvature();
    if (!split.held_out.empty()) {
      const auto lp = graph::evaluate_link_prediction(g.node_count(), split, surrogate,
                                                      graph::NeighbourSet::outgoing, ropt);
      entry["link_prediction"] = {{"mean_rank", lp.mean_rank},
                                  {"map", lp.mean_average_precision},
                                  {"eval_seconds", lp.wall_seconds}};
    }
    char learned[48] = "";
    if (config.learn_curvature)
      std::snprintf(learned, sizeof learned, "  c %.6g", trainer.curvature());
    std::fprintf(stderr, "\repoch %u  train %.1fs  mean rank %.3f  MAP %.4f%s  (eval %.1fs)%s\n",
                 trainer.epochs_done(), train_seconds, rec.mean_rank, rec.mean_average_precision,
                 learned, rec.wall_seconds, "                    ");
    history.push_back(entry);
    return rec.mean_average_precision;
  };

  auto save_checkpoint = [&] {
    if (o.checkpoint.empty()) return;
    wt::Checkpoint ck;
    ck.config = config;
    ck.graph_fingerprint = fingerprint;
    ck.node_count = g.node_count();
    ck.epochs_done = trainer.epochs_done();
    ck.train_seconds = train_seconds;
    ck.history_json = history.dump();
    ck.embedding.assign(trainer.embedding().begin(), trainer.embedding().end());
    ck.adam = trainer.adam_state();
    ck.curvature = trainer.curvature();
    ck.curvature_rho = trainer.curvature_rho();
    wt::write_checkpoint(o.checkpoint, ck);
  };

  std::string stop_reason = "epochs";
  double last_loss = NAN;
  const std::uint32_t first_epoch = trainer.epochs_done();
  const double seconds_at_start = train_seconds;
  const dist::ReplicaChecker replica_checker(o.check_replicas_every);
  // This process's exchange and phase totals (EpochStats), over its epochs.
  std::uint64_t exchange_bytes = 0, exchange_rows = 0, edges_trained = 0;
  double compute_seconds = 0, exchange_seconds = 0, step_seconds = 0, gather_seconds = 0;
  // Rank 0's decision after an epoch, sent to every rank: all of them stop together.
  enum : std::uint8_t { keep_going = 0, stop_reached_map = 1, stop_out_of_time = 2 };
  while (trainer.epochs_done() < o.epochs) {
    const std::uint32_t epoch = trainer.epochs_done();
    // (with --parent-edge-repeats, later epochs train more edges: the ETA assumes this epoch's)
    const double edges_per_epoch = static_cast<double>(trainer.edges_in_epoch(epoch));
    const auto epoch_start = std::chrono::steady_clock::now();
    auto progress = [&](std::size_t done) {
      if (o.quiet || !root) return;
      const double now = train_seconds + seconds_since(epoch_start);
      const double run_edges =
          static_cast<double>(epoch - first_epoch) * edges_per_epoch + static_cast<double>(done);
      const double rate = run_edges / std::max(now - seconds_at_start, 1e-9);
      const double left = (static_cast<double>(o.epochs - epoch) * edges_per_epoch - done) / rate;
      char loss[32] = "-";  // no loss before the first epoch of this process ends
      if (std::isfinite(last_loss)) std::snprintf(loss, sizeof loss, "%.4f", last_loss);
      char learned[48] = "";  // the learned curvature the epoch trains at
      if (config.learn_curvature)
        std::snprintf(learned, sizeof learned, "  c %.6g", trainer.curvature());
      std::fprintf(stderr, "\repoch %u/%u%s  %5.1f%%  loss %s%s  %.0f edges/s  ETA %s   ",
                   epoch + 1, o.epochs,
                   epoch < config.burnin_epochs                     ? " (burn-in)"
                   : config.optimizer_at(epoch) != config.optimizer ? " (sgd)"
                                                                    : "",
                   100.0 * static_cast<double>(done) / edges_per_epoch, loss, learned, rate,
                   clock_text(left).c_str());
      std::fflush(stderr);
    };
    const wt::EpochStats stats = trainer.run_epoch(progress);
    exchange_bytes += stats.exchange_bytes;
    exchange_rows += stats.exchange_rows;
    edges_trained += stats.edges;
    compute_seconds += stats.compute_seconds;
    exchange_seconds += stats.exchange_seconds;
    step_seconds += stats.step_seconds;
    gather_seconds += stats.gather_seconds;
    last_loss = stats.mean_loss;
    // before the epoch's time is added: progress adds it itself
    progress(trainer.edges_in_epoch(epoch));
    train_seconds += seconds_since(epoch_start);
    if (!stats.finite)
      throw std::runtime_error(
          "training diverged at epoch " + std::to_string(epoch + 1) +
          (stats.curvature_failed
               ? " (the learned curvature's step from c " + exact(stats.curvature) +
                     " with dL/dc " + exact(stats.curvature_gradient) +
                     " leaves the positive numbers); try a smaller --curvature-lr"
               : " (non-finite coordinates); try a smaller --lr"));
    const bool last = trainer.epochs_done() == o.epochs;
    if (several && (replica_checker.due(trainer.epochs_done()) || last))
      dist::check_replicas(comm, trainer.state_checksum(), trainer.epochs_done(),
                           "embedding and Adam state");
    std::uint8_t decision = keep_going;
    if (root) {
      const bool out_of_time =
          o.time_limit_minutes > 0 && train_seconds >= o.time_limit_minutes * 60;
      bool reached = false;
      if ((o.eval_every && trainer.epochs_done() % o.eval_every == 0) || last || out_of_time) {
        const double map = evaluate("periodic");
        reached = o.stop_at_map > 0 && map >= o.stop_at_map;
      }
      if ((o.checkpoint_every && trainer.epochs_done() % o.checkpoint_every == 0) || last ||
          out_of_time || reached)
        save_checkpoint();
      decision = reached ? stop_reached_map : out_of_time ? stop_out_of_time : keep_going;
    }
    if (several) comm.broadcast(std::as_writable_bytes(std::span<std::uint8_t>(&decision, 1)), 0);
    if (decision == stop_reached_map) {
      stop_reason = "reached --stop-at-map";
      break;
    }
    if (decision == stop_out_of_time) {
      stop_reason = "--time-limit";
      break;
    }
  }
  // Every rank's exchange and phase totals, for the results (the last collective call).
  std::vector<double> totals = {double(exchange_bytes), double(exchange_rows), compute_seconds,
                                exchange_seconds,       step_seconds,          gather_seconds};
  std::vector<std::vector<double>> per_rank(1, totals);
  if (several) {
    dist::Gathered gathered;
    comm.all_gather(dist::bytes_of(std::span<const double>(totals)), gathered);
    per_rank.clear();
    for (int r = 0; r < gathered.ranks(); ++r)
      per_rank.push_back(dist::values_of<double>(gathered, r));
  }
  if (!root) return 0;
  if (history.empty() || history.back()["epoch"] != trainer.epochs_done()) evaluate("final");

  // Outputs: all replaced together, or none of them if any write fails.
  hyperbolic::io::OutputSet files;
  const std::vector<char> emb = wt::embedding_binary(
      config.model, config.row_size(), trainer.embedding(), g.names, trainer.curvature());
  files.write(o.out + ".emb", std::string_view(emb.data(), emb.size()));
  files.write(o.out + ".tsv", wt::embedding_tsv(config.row_size(), trainer.embedding(), g.names));
  std::string picture;
  if (draws_picture) {
    picture = o.out + ".png";
    if (!wt::plot_poincare_disk(files.external(picture).string(), g, trainer.embedding(), o.data,
                                trainer.curvature())) {
      files.discard(picture);
      picture.clear();
    }
  }
  const json& final_entry = history.back();
  json result = {{"data", o.data},
                 {"nodes", g.node_count()},
                 {"edges", g.edges.size()},
                 {"training_edges", trainer.edges().size()},
                 {"held_out_edges", split.held_out.size()},
                 {"config",
                  {{"model", o.model},
                   {"dim", config.dim},
                   {"lr", config.lr},
                   {"optimizer", o.optimizer},
                   {"epochs", o.epochs},
                   {"burnin_epochs", config.burnin_epochs},
                   {"burnin_lr_factor", config.burnin_lr_factor},
                   {"negatives", config.negatives},
                   {"burnin_negatives", config.burnin_negatives},
                   {"degree_power", config.degree_power},
                   {"subtree_negatives", config.subtree_negatives},
                   {"subtree_negatives_from", config.subtree_negatives_from},
                   {"parent_edge_repeats", config.parent_edge_repeats},
                   {"parent_edge_repeats_from", config.parent_edge_repeats_from},
                   {"batch", config.batch},
                   {"sync_batches", config.sync_batches},
                   {"seed", config.seed},
                   {"init_range", config.init_range},
                   {"max_norm", config.max_norm},
                   {"lorentz_max_radius", config.lorentz_max_radius},
                   {"curvature", config.curvature},
                   {"learn_curvature", config.learn_curvature},
                   {"threads", threads},
                   {"held_out_fraction", o.held_out},
                   {"split_seed", o.split_seed}}},
                 {"epochs_done", trainer.epochs_done()},
                 {"stop_reason", stop_reason},
                 {"final_loss", last_loss},
                 {"curvature", trainer.curvature()},
                 {"mean_rank", final_entry["mean_rank"]},
                 {"map", final_entry["map"]},
                 {"train_seconds", train_seconds},
                 {"load_seconds", load_seconds},
                 {"wall_seconds_this_process", seconds_since(program_start)},
                 {"history", history},
                 {"recipe_changes", recipe_changes},
                 {"embedding", o.out + ".emb"},
                 {"embedding_tsv", o.out + ".tsv"}};
  // Data parallelism: ranks, what each rank sent per epoch of this process and where its time
  // went (docs/distributed-wordnet.md). Per epoch = over the epochs this process trained.
  const double epochs_here = std::max(1.0, double(trainer.epochs_done() - first_epoch));
  json per_epoch = {{"exchange_bytes", json::array()},  {"exchange_rows", json::array()},
                    {"compute_seconds", json::array()}, {"exchange_seconds", json::array()},
                    {"step_seconds", json::array()},    {"gather_seconds", json::array()}};
  const char* columns[] = {"exchange_bytes",   "exchange_rows", "compute_seconds",
                           "exchange_seconds", "step_seconds",  "gather_seconds"};
  for (const auto& r : per_rank)
    for (std::size_t k = 0; k < std::size(columns); ++k)
      per_epoch[columns[k]].push_back(r.at(k) / epochs_here);
  result["ranks"] = comm.size();
  result["distributed"] = {
      {"ranks", comm.size()},
      {"communicator", comm.description()},
      {"threads_per_rank", threads},
      {"check_replicas_every", o.check_replicas_every},
      {"epochs_this_process", trainer.epochs_done() - first_epoch},
      {"edges_per_second",
       double(edges_trained) / std::max(train_seconds - seconds_at_start, 1e-9)},
      {"per_rank_per_epoch", per_epoch}};
  if (config.optimizer == wt::Optimizer::adam)
    result["config"]["adam"] = {
        {"beta1", config.adam_beta1}, {"beta2", config.adam_beta2}, {"eps", config.adam_eps}};
  if (config.learn_curvature) result["config"]["curvature_lr"] = config.curvature_lr;
  if (config.switches_to_sgd())
    result["config"]["then_sgd"] = {{"from_epoch", config.sgd_from_epoch}, {"lr", config.sgd_lr}};
  if (final_entry.contains("link_prediction"))
    result["link_prediction"] = final_entry["link_prediction"];
  if (!picture.empty()) result["picture"] = picture;
  files.write(o.out + ".json", result.dump(2) + "\n");
  files.commit();
  if (several)
    std::fprintf(stderr,
                 "%d ranks: rank 0 sent %.3f MB per epoch (%.0f rows); per epoch compute %.2f s, "
                 "exchange %.2f s (%.2f s in all_gather), step %.2f s\n",
                 comm.size(), per_rank[0][0] / epochs_here / 1e6, per_rank[0][1] / epochs_here,
                 per_rank[0][2] / epochs_here, per_rank[0][3] / epochs_here,
                 per_rank[0][5] / epochs_here, per_rank[0][4] / epochs_here);
  std::fprintf(stderr, "wrote %s.json, %s.emb, %s.tsv%s%s\n", o.out.c_str(), o.out.c_str(),
               o.out.c_str(), picture.empty() ? "" : ", ", picture.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Under mpirun (and built with MPI): one rank of a data-parallel run; otherwise one process.
  std::unique_ptr<dist::World> world;
  try {
    world = std::make_unique<dist::World>(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "hyperbolic-wordnet-train: error: " << e.what() << "\n";
    return 1;
  }
  CLI::App app{"Poincare / Lorentz / Euclidean hierarchy embeddings (Nickel & Kiela 2017)"};
  Options o;
  o.config.sync_batches = 2;  // uses two threads; results are the same for any --threads
  app.add_option("--data", o.data,
                 "mammals | nouns (WordNet closure from --dict) | path of a child<TAB>parent TSV")
      ->capture_default_str();
  app.add_option("--dict", o.dict, "WordNet dictionary folder")->capture_default_str();
  app.add_option("--model", o.model, "poincare | lorentz | euclidean")
      ->check(CLI::IsMember({"poincare", "lorentz", "euclidean"}))
      ->capture_default_str();
  app.add_option("--dim", o.config.dim, "embedding dimension")->capture_default_str();
  app.add_option("--lr", o.config.lr, "learning rate")->capture_default_str();
  app.add_option("--epochs", o.epochs, "total epochs (burn-in included)")->capture_default_str();
  app.add_option("--optimizer", o.optimizer, "sgd (the reference's) | adam (Riemannian Adam)")
      ->check(CLI::IsMember({"sgd", "adam"}))
      ->capture_default_str();
  app.add_option("--adam-beta1", o.config.adam_beta1, "Adam: first-moment decay")
      ->capture_default_str();
  app.add_option("--adam-beta2", o.config.adam_beta2, "Adam: second-moment decay")
      ->capture_default_str();
  app.add_option("--adam-eps", o.config.adam_eps, "Adam: denominator guard")->capture_default_str();
  app.add_option("--sgd-from-epoch", o.config.sgd_from_epoch,
                 "Adam: switch to the reference's SGD from this epoch on (0 = never)")
      ->capture_default_str();
  app.add_option("--sgd-lr", o.config.sgd_lr, "SGD's lr after --sgd-from-epoch")
      ->capture_default_str();
  app.add_option("--burnin", o.config.burnin_epochs, "burn-in epochs")->capture_default_str();
  app.add_option("--lr-decay-start", o.config.lr_decay_start,
                 "anneal: lr factor falls linearly from 1 at this epoch ...")
      ->capture_default_str();
  app.add_option("--lr-decay-end", o.config.lr_decay_end, "... to --lr-final-factor at this epoch")
      ->capture_default_str();
  app.add_option("--lr-final-factor", o.config.lr_final_factor, "lr factor at and after the end")
      ->capture_default_str();
  app.add_option("--burnin-lr-factor", o.config.burnin_lr_factor, "lr multiplier in burn-in")
      ->capture_default_str();
  app.add_option("--negatives", o.config.negatives, "negatives per edge")->capture_default_str();
  app.add_option("--burnin-negatives", o.config.burnin_negatives, "negatives per edge in burn-in")
      ->capture_default_str();
  app.add_option("--degree-power", o.config.degree_power, "burn-in negatives ~ parent degree^power")
      ->capture_default_str();
  app.add_option("--subtree-negatives", o.config.subtree_negatives,
                 "of the negatives per edge (u, v), how many to draw from v's other descendants "
                 "(hard negatives; 0 = all uniform, the reference)")
      ->capture_default_str();
  app.add_option("--subtree-negatives-from", o.config.subtree_negatives_from,
                 "epoch from which --subtree-negatives apply (never in burn-in)")
      ->capture_default_str();
  app.add_option("--parent-edge-repeats", o.config.parent_edge_repeats,
                 "train each child -> direct parent edge this many times per epoch (1 = the "
                 "reference)")
      ->capture_default_str();
  app.add_option("--parent-edge-repeats-from", o.config.parent_edge_repeats_from,
                 "epoch from which --parent-edge-repeats apply (never in burn-in)")
      ->capture_default_str();
  app.add_option("--batch", o.config.batch, "edges per batch")->capture_default_str();
  app.add_option(
         "--sync-batches", o.config.sync_batches,
         "batches computed from one snapshot (0 = threads x ranks); results depend on it, not "
         "on --threads")
      ->capture_default_str();
  app.add_option("--seed", o.config.seed, "random seed")->capture_default_str();
  app.add_option("--init-range", o.config.init_range, "initial coordinates in [-r, r]")
      ->capture_default_str();
  app.add_option("--max-norm", o.config.max_norm,
                 "Poincare: largest norm of a point, as a fraction of the radius 1/sqrt(c)")
      ->capture_default_str();
  app.add_option("--lorentz-max-radius", o.config.lorentz_max_radius,
                 "Lorentz: largest distance from the origin, in units of 1/sqrt(c) (0 = none)")
      ->capture_default_str();
  app.add_option("--curvature", o.config.curvature,
                 "hyperbolic models: the curvature -c (c > 0); with --learn-curvature its start")
      ->capture_default_str();
  app.add_flag("--learn-curvature", o.config.learn_curvature,
               "learn c (one SGD step of c = softplus(rho) per epoch on the mean dL/dc)");
  app.add_option("--curvature-lr", o.config.curvature_lr,
                 "learning rate of rho (c = softplus(rho)) with --learn-curvature")
      ->capture_default_str();
  app.add_option("--threads", o.threads, "training threads (0 = all cores)")->capture_default_str();
  app.add_option("--eval-threads", o.eval_threads, "evaluation threads (0 = --threads)");
  app.add_option("--eval-every", o.eval_every, "evaluate every N epochs (0 = only at the end)")
      ->capture_default_str();
  app.add_option("--held-out", o.held_out, "link prediction: fraction of edges held out")
      ->capture_default_str();
  app.add_option("--split-seed", o.split_seed, "seed of the held-out split")->capture_default_str();
  app.add_option("-o,--out", o.out, "output prefix (.json, .emb, .tsv, .png)")
      ->capture_default_str();
  app.add_option("--checkpoint", o.checkpoint, "checkpoint file");
  app.add_option("--checkpoint-every", o.checkpoint_every, "checkpoint every N epochs")
      ->capture_default_str();
  app.add_flag("--resume", o.resume, "continue from --checkpoint if it exists");
  app.add_flag("--change-recipe", o.change_recipe,
               "with --resume: continue even if the checkpoint was trained with other settings");
  app.add_option("--time-limit", o.time_limit_minutes, "stop after this many minutes of training");
  app.add_option("--stop-at-map", o.stop_at_map, "stop at the first evaluation with MAP >= this");
  app.add_flag("-q,--quiet", o.quiet, "no progress bar");
  app.add_option("--check-replicas-every", o.check_replicas_every,
                 "under mpirun: compare the ranks' embeddings every N epochs and at the end "
                 "(0 = only at the end)")
      ->capture_default_str();
  const int code = hyperbolic::cli::run_main("hyperbolic-wordnet-train", app, argc, argv,
                                             [&] { return run(o, world->comm()); });
  return world->finish(code);
}
