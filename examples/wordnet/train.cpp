// hyperbolic-wordnet-train: Poincare / Lorentz / Euclidean embeddings of a hierarchy
// (Nickel & Kiela 2017), with the reference recipe, periodic mean rank / MAP evaluation,
// checkpoints that resume exactly, and results as JSON + embeddings (+ a PNG for 2-D Poincare).
//
//   hyperbolic-wordnet-train --data mammals --model poincare --dim 5 --lr 0.3 --epochs 300
//   hyperbolic-wordnet-train --data nouns --model lorentz --dim 10 --lr 0.5 --epochs 1500
//       (add --checkpoint nouns.ckpt --time-limit 60 to bound and resume it)
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
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../common/cli_contract.hpp"
#include "checkpoint_io.hpp"
#include "datasets.hpp"
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
};

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

int run(const Options& o) {
  validate_options(o);
  const auto program_start = std::chrono::steady_clock::now();
  wt::TrainConfig config = o.config;
  const std::map<std::string, wt::Model> models = {{"poincare", wt::Model::poincare},
                                                   {"lorentz", wt::Model::lorentz},
                                                   {"euclidean", wt::Model::euclidean}};
  config.model = models.at(o.model);
  config.optimizer = o.optimizer == "adam" ? wt::Optimizer::adam : wt::Optimizer::sgd;
  config.validate();
  const unsigned threads =
      o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  if (config.sync_batches == 0) config.sync_batches = threads;

  // Every file this run will write, checked before the graph is read: a bad path must not cost
  // the training, and no output may overwrite the edge list or another output.
  const bool draws_picture = config.dim == 2 && config.model == wt::Model::poincare;
  std::vector<hyperbolic::io::NamedPath> inputs, outputs;
  if (std::filesystem::is_regular_file(o.data)) inputs.push_back({"--data", o.data});
  for (const char* ext : {".json", ".emb", ".tsv", ".png"})
    if (std::string(ext) != ".png" || draws_picture)
      outputs.push_back({std::string("--out (") + ext + ")", o.out + ext});
  if (!o.checkpoint.empty()) outputs.push_back({"--checkpoint", o.checkpoint});
  hyperbolic::io::check_output_paths(inputs, outputs);

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

  wt::Trainer trainer(config, g.node_count(), split.train, threads);
  const std::uint64_t fingerprint = wt::graph_fingerprint(g.node_count(), trainer.edges());
  json history = json::array();
  json recipe_changes = json::array();
  double train_seconds = 0;

  if (o.resume) {
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
      train_seconds = ck.train_seconds;
      history = json::parse(ck.history_json);
      std::fprintf(stderr, "resumed from %s after epoch %u (%.1f s of training)\n",
                   o.checkpoint.c_str(), ck.epochs_done, ck.train_seconds);
    } else {
      std::fprintf(stderr, "no checkpoint at %s yet: starting from scratch\n",
                   o.checkpoint.c_str());
    }
  }
  std::fprintf(stderr,
               "%s: %zu nodes, %zu training edges, %s dim %u, %s lr %g, %u threads, sync %u\n",
               o.data.c_str(), g.node_count(), trainer.edges().size(), o.model.c_str(), config.dim,
               o.optimizer.c_str(), config.lr, threads, config.sync_batches);
  if (config.switches_to_sgd())
    std::fprintf(stderr, "then sgd lr %g from epoch %u\n", config.sgd_lr, config.sgd_from_epoch);
  if (config.subtree_negatives > 0)
    std::fprintf(stderr, "%u of the %u negatives from the positive's descendants from epoch %u\n",
                 config.subtree_negatives, config.negatives,
                 std::max(config.subtree_negatives_from, config.burnin_epochs));
  if (config.parent_edge_repeats > 1)
    std::fprintf(stderr, "direct-parent edges trained %u times per epoch from epoch %u\n",
                 config.parent_edge_repeats,
                 std::max(config.parent_edge_repeats_from, config.burnin_epochs));

  auto evaluate = [&](const char* why) {
    const wt::RankingSurrogate surrogate(config.model, g.node_count(), config.row_size(),
                                         trainer.embedding());
    const graph::RankingOptions ropt{.threads = o.eval_threads ? o.eval_threads : threads};
    const auto rec = graph::evaluate_reconstruction(reconstruction_neighbours, surrogate, ropt);
    json entry = {{"epoch", trainer.epochs_done()},   {"train_seconds", train_seconds},
                  {"mean_rank", rec.mean_rank},       {"map", rec.mean_average_precision},
                  {"eval_seconds", rec.wall_seconds}, {"why", why}};
    if (!split.held_out.empty()) {
      const auto lp = graph::evaluate_link_prediction(g.node_count(), split, surrogate,
                                                      graph::NeighbourSet::outgoing, ropt);
      entry["link_prediction"] = {{"mean_rank", lp.mean_rank},
                                  {"map", lp.mean_average_precision},
                                  {"eval_seconds", lp.wall_seconds}};
    }
    std::fprintf(stderr, "\repoch %u  train %.1fs  mean rank %.3f  MAP %.4f  (eval %.1fs)%s\n",
                 trainer.epochs_done(), train_seconds, rec.mean_rank, rec.mean_average_precision,
                 rec.wall_seconds, "                    ");
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
    wt::write_checkpoint(o.checkpoint, ck);
  };

  std::string stop_reason = "epochs";
  double last_loss = NAN;
  const std::uint32_t first_epoch = trainer.epochs_done();
  const double seconds_at_start = train_seconds;
  while (trainer.epochs_done() < o.epochs) {
    const std::uint32_t epoch = trainer.epochs_done();
    // (with --parent-edge-repeats, later epochs train more edges: the ETA assumes this epoch's)
    const double edges_per_epoch = static_cast<double>(trainer.edges_in_epoch(epoch));
    const auto epoch_start = std::chrono::steady_clock::now();
    auto progress = [&](std::size_t done) {
      if (o.quiet) return;
      const double now = train_seconds + seconds_since(epoch_start);
      const double run_edges =
          static_cast<double>(epoch - first_epoch) * edges_per_epoch + static_cast<double>(done);
      const double rate = run_edges / std::max(now - seconds_at_start, 1e-9);
      const double left = (static_cast<double>(o.epochs - epoch) * edges_per_epoch - done) / rate;
      char loss[32] = "-";  // no loss before the first epoch of this process ends
      if (std::isfinite(last_loss)) std::snprintf(loss, sizeof loss, "%.4f", last_loss);
      std::fprintf(stderr, "\repoch %u/%u%s  %5.1f%%  loss %s  %.0f edges/s  ETA %s   ", epoch + 1,
                   o.epochs,
                   epoch < config.burnin_epochs                     ? " (burn-in)"
                   : config.optimizer_at(epoch) != config.optimizer ? " (sgd)"
                                                                    : "",
                   100.0 * static_cast<double>(done) / edges_per_epoch, loss, rate,
                   clock_text(left).c_str());
      std::fflush(stderr);
    };
    const wt::EpochStats stats = trainer.run_epoch(progress);
    last_loss = stats.mean_loss;
    // before the epoch's time is added: progress adds it itself
    progress(trainer.edges_in_epoch(epoch));
    train_seconds += seconds_since(epoch_start);
    if (!stats.finite)
      throw std::runtime_error("training diverged at epoch " + std::to_string(epoch + 1) +
                               " (non-finite coordinates); try a smaller --lr");
    const bool last = trainer.epochs_done() == o.epochs;
    const bool out_of_time = o.time_limit_minutes > 0 && train_seconds >= o.time_limit_minutes * 60;
    bool reached = false;
    if ((o.eval_every && trainer.epochs_done() % o.eval_every == 0) || last || out_of_time) {
      const double map = evaluate("periodic");
      reached = o.stop_at_map > 0 && map >= o.stop_at_map;
    }
    if ((o.checkpoint_every && trainer.epochs_done() % o.checkpoint_every == 0) || last ||
        out_of_time || reached)
      save_checkpoint();
    if (reached) {
      stop_reason = "reached --stop-at-map";
      break;
    }
    if (out_of_time) {
      stop_reason = "--time-limit";
      break;
    }
  }
  if (history.empty() || history.back()["epoch"] != trainer.epochs_done()) evaluate("final");

  // Outputs: all replaced together, or none of them if any write fails.
  hyperbolic::io::OutputSet files;
  const std::vector<char> emb =
      wt::embedding_binary(config.model, config.row_size(), trainer.embedding(), g.names);
  files.write(o.out + ".emb", std::string_view(emb.data(), emb.size()));
  files.write(o.out + ".tsv", wt::embedding_tsv(config.row_size(), trainer.embedding(), g.names));
  std::string picture;
  if (draws_picture) {
    picture = o.out + ".png";
    if (!wt::plot_poincare_disk(files.external(picture).string(), g, trainer.embedding(), o.data)) {
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
                   {"threads", threads},
                   {"held_out_fraction", o.held_out},
                   {"split_seed", o.split_seed}}},
                 {"epochs_done", trainer.epochs_done()},
                 {"stop_reason", stop_reason},
                 {"final_loss", last_loss},
                 {"mean_rank", final_entry["mean_rank"]},
                 {"map", final_entry["map"]},
                 {"train_seconds", train_seconds},
                 {"load_seconds", load_seconds},
                 {"wall_seconds_this_process", seconds_since(program_start)},
                 {"history", history},
                 {"recipe_changes", recipe_changes},
                 {"embedding", o.out + ".emb"},
                 {"embedding_tsv", o.out + ".tsv"}};
  if (config.optimizer == wt::Optimizer::adam)
    result["config"]["adam"] = {
        {"beta1", config.adam_beta1}, {"beta2", config.adam_beta2}, {"eps", config.adam_eps}};
  if (config.switches_to_sgd())
    result["config"]["then_sgd"] = {{"from_epoch", config.sgd_from_epoch}, {"lr", config.sgd_lr}};
  if (final_entry.contains("link_prediction"))
    result["link_prediction"] = final_entry["link_prediction"];
  if (!picture.empty()) result["picture"] = picture;
  files.write(o.out + ".json", result.dump(2) + "\n");
  files.commit();
  std::fprintf(stderr, "wrote %s.json, %s.emb, %s.tsv%s%s\n", o.out.c_str(), o.out.c_str(),
               o.out.c_str(), picture.empty() ? "" : ", ", picture.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
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
  app.add_option("--sync-batches", o.config.sync_batches,
                 "batches computed from one snapshot (0 = threads); results depend on it, not "
                 "on --threads")
      ->capture_default_str();
  app.add_option("--seed", o.config.seed, "random seed")->capture_default_str();
  app.add_option("--init-range", o.config.init_range, "initial coordinates in [-r, r]")
      ->capture_default_str();
  app.add_option("--max-norm", o.config.max_norm, "Poincare: largest norm of a point")
      ->capture_default_str();
  app.add_option("--lorentz-max-radius", o.config.lorentz_max_radius,
                 "Lorentz: largest distance from the origin (0 = none)")
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
  return hyperbolic::cli::run_main("hyperbolic-wordnet-train", app, argc, argv,
                                   [&] { return run(o); });
}
