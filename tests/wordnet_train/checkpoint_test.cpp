// Checkpoints: resuming continues bit-identically; corrupt or mismatched files are refused.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "checkpoint_io.hpp"
#include "hyperbolic/graph/edge_list.hpp"
#include "trainer.hpp"
#include "tree.hpp"

namespace wt = hyperbolic::wordnet_train;
namespace graph = hyperbolic::graph;
using wordnet_train_test::complete_tree_closure;

namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("hyperbolic_wordnet_train_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

wt::TrainConfig config_for(wt::Model model) {
  wt::TrainConfig c;
  c.model = model;
  c.dim = 4;
  c.lr = 1.0;
  c.burnin_epochs = 3;  // the interruption below falls inside burn-in and resumes past it
  c.negatives = 10;
  c.burnin_negatives = 5;
  c.batch = 8;
  c.sync_batches = 2;
  c.seed = 11;
  return c;
}

wt::Checkpoint snapshot(const wt::Trainer& t, std::uint64_t fingerprint) {
  wt::Checkpoint ck;
  ck.config = t.config();
  ck.graph_fingerprint = fingerprint;
  ck.node_count = t.node_count();
  ck.epochs_done = t.epochs_done();
  ck.train_seconds = 1.5;
  ck.history_json = R"([{"epoch":2}])";
  ck.embedding.assign(t.embedding().begin(), t.embedding().end());
  ck.adam = t.adam_state();
  ck.curvature = t.curvature();
  ck.curvature_rho = t.curvature_rho();
  return ck;
}

// A recipe change made on resume: `changed` trained `total` epochs without a break, and
// `plain` trained `split` epochs, checkpointed, read back and continued under `changed`.
struct ResumedRun {
  std::vector<double> uninterrupted, resumed, plain;  // the last: `plain` for all `total` epochs
};

ResumedRun resume_with_change(const wt::TrainConfig& plain, const wt::TrainConfig& changed,
                              int split, int total, const std::string& path) {
  const auto tree = complete_tree_closure(3, 3);
  const std::uint64_t fingerprint = wt::graph_fingerprint(tree.node_count, tree.closure);
  auto embedding = [](const wt::Trainer& t) {
    return std::vector<double>(t.embedding().begin(), t.embedding().end());
  };
  ResumedRun run;
  wt::Trainer uninterrupted(changed, tree.node_count, tree.closure, 2);
  for (int e = 0; e < total; ++e)
    uninterrupted.run_epoch();
  run.uninterrupted = embedding(uninterrupted);
  wt::Trainer first(plain, tree.node_count, tree.closure, 2);
  for (int e = 0; e < split; ++e)
    first.run_epoch();
  wt::write_checkpoint(path, snapshot(first, fingerprint));
  wt::Checkpoint ck = wt::read_checkpoint(path);
  REQUIRE_NOTHROW(wt::require_same_trajectory(ck.config, changed, ck.epochs_done));
  wt::Trainer resumed(changed, tree.node_count, tree.closure, 1);
  resumed.restore(ck.epochs_done, std::move(ck.embedding));
  for (int e = split; e < total; ++e)
    resumed.run_epoch();
  run.resumed = embedding(resumed);
  for (int e = split; e < total; ++e)
    first.run_epoch();
  run.plain = embedding(first);
  return run;
}

}  // namespace

TEST_CASE("resuming from a checkpoint continues exactly") {
  const auto tree = complete_tree_closure(3, 3);
  const std::uint64_t fingerprint = wt::graph_fingerprint(tree.node_count, tree.closure);
  for (wt::Model model : {wt::Model::poincare, wt::Model::lorentz, wt::Model::euclidean}) {
    CAPTURE(wt::model_name(model));
    const auto config = config_for(model);
    wt::Trainer uninterrupted(config, tree.node_count, tree.closure, 2);
    for (int e = 0; e < 7; ++e)
      uninterrupted.run_epoch();

    const std::string path = temp_path("resume.ckpt");
    {
      wt::Trainer first(config, tree.node_count, tree.closure, 2);
      for (int e = 0; e < 2; ++e)
        first.run_epoch();
      wt::write_checkpoint(path, snapshot(first, fingerprint));
    }
    wt::Checkpoint ck = wt::read_checkpoint(path);
    CHECK(ck.epochs_done == 2);
    CHECK(ck.train_seconds == 1.5);
    CHECK(ck.history_json == R"([{"epoch":2}])");
    CHECK(ck.graph_fingerprint == fingerprint);
    CHECK_NOTHROW(wt::require_same_trajectory(ck.config, config, ck.epochs_done));
    // A different thread count may resume: the trajectory depends on sync_batches only.
    wt::Trainer resumed(ck.config, tree.node_count, tree.closure, 1);
    resumed.restore(ck.epochs_done, std::move(ck.embedding));
    for (int e = 2; e < 7; ++e)
      resumed.run_epoch();
    CHECK(resumed.epochs_done() == 7);
    const std::vector<double> a(uninterrupted.embedding().begin(), uninterrupted.embedding().end());
    const std::vector<double> b(resumed.embedding().begin(), resumed.embedding().end());
    CHECK(a == b);
    std::filesystem::remove(path);
  }
}

TEST_CASE("an lr schedule can be added on resume when it leaves the trained epochs unchanged") {
  wt::TrainConfig annealed = config_for(wt::Model::poincare);
  annealed.lr_decay_start = 4;
  annealed.lr_decay_end = 6;
  annealed.lr_final_factor = 0.1;
  CHECK(annealed.lr_at(0) == doctest::Approx(annealed.lr * annealed.burnin_lr_factor));
  CHECK(annealed.lr_at(4) == annealed.lr);
  CHECK(annealed.lr_at(5) == doctest::Approx(0.55 * annealed.lr).epsilon(1e-15));
  CHECK(annealed.lr_at(6) == doctest::Approx(0.1 * annealed.lr).epsilon(1e-15));
  CHECK(annealed.lr_at(100) == doctest::Approx(0.1 * annealed.lr).epsilon(1e-15));

  // Uninterrupted annealed run vs. a constant-lr run checkpointed after 4 epochs and resumed
  // with the schedule: the same embedding, bit for bit; and the annealing changed the result
  // (otherwise the first check proves nothing).
  const ResumedRun run =
      resume_with_change(config_for(wt::Model::poincare), annealed, 4, 8, temp_path("anneal.ckpt"));
  CHECK(run.resumed == run.uninterrupted);
  CHECK(run.plain != run.uninterrupted);

  // A schedule that would have changed an epoch already trained is refused, naming the epoch.
  annealed.lr_decay_start = 2;
  CHECK_THROWS_WITH_AS(wt::require_same_trajectory(config_for(wt::Model::poincare), annealed, 4),
                       doctest::Contains("lr schedule (epoch 3"), std::runtime_error);
  std::filesystem::remove(temp_path("anneal.ckpt"));
}

TEST_CASE("resuming an Adam run restores its per-row state and continues exactly") {
  const auto tree = complete_tree_closure(3, 3);
  const std::uint64_t fingerprint = wt::graph_fingerprint(tree.node_count, tree.closure);
  for (wt::Model model : {wt::Model::poincare, wt::Model::lorentz, wt::Model::euclidean}) {
    CAPTURE(wt::model_name(model));
    auto config = config_for(model);
    config.optimizer = wt::Optimizer::adam;
    config.lr = 0.05;
    wt::Trainer uninterrupted(config, tree.node_count, tree.closure, 2);
    for (int e = 0; e < 6; ++e)
      uninterrupted.run_epoch();

    const std::string path = temp_path("adam.ckpt");
    {
      wt::Trainer first(config, tree.node_count, tree.closure, 2);
      for (int e = 0; e < 3; ++e)
        first.run_epoch();
      wt::write_checkpoint(path, snapshot(first, fingerprint));
    }
    wt::Checkpoint ck = wt::read_checkpoint(path);
    CHECK(ck.config.optimizer == wt::Optimizer::adam);
    CHECK(ck.config.adam_beta2 == config.adam_beta2);
    const std::size_t width = model == wt::Model::euclidean ? config.row_size() : 1;
    CHECK(ck.adam.exp_avg.size() == tree.node_count * config.row_size());
    CHECK(ck.adam.exp_avg_sq.size() == tree.node_count * width);
    CHECK(ck.adam.steps.size() == tree.node_count);
    CHECK(ck.adam.steps[0] > 0);  // the root is every edge's parent: it has taken steps
    CHECK_NOTHROW(wt::require_same_trajectory(ck.config, config, ck.epochs_done));

    wt::Trainer resumed(ck.config, tree.node_count, tree.closure, 1);
    resumed.restore(ck.epochs_done, std::move(ck.embedding), std::move(ck.adam));
    for (int e = 3; e < 6; ++e)
      resumed.run_epoch();
    const std::vector<double> a(uninterrupted.embedding().begin(), uninterrupted.embedding().end());
    const std::vector<double> b(resumed.embedding().begin(), resumed.embedding().end());
    CHECK(a == b);

    // Without its state the same embedding continues differently: the state matters.
    wt::Checkpoint again = wt::read_checkpoint(path);
    wt::Trainer stateless(config, tree.node_count, tree.closure, 1);
    stateless.restore(again.epochs_done, std::move(again.embedding),
                      wt::AdamState(config, tree.node_count));
    for (int e = 3; e < 6; ++e)
      stateless.run_epoch();
    const std::vector<double> c(stateless.embedding().begin(), stateless.embedding().end());
    CHECK(a != c);

    // A state of the wrong shape, or an SGD checkpoint resumed as Adam, is refused.
    wt::Trainer fresh(config, tree.node_count, tree.closure, 1);
    CHECK_THROWS_WITH_AS(fresh.restore(3, std::vector<double>(uninterrupted.embedding().begin(),
                                                              uninterrupted.embedding().end())),
                         doctest::Contains("Adam state has 0/0/0 values"), std::invalid_argument);
    auto sgd = config;
    sgd.optimizer = wt::Optimizer::sgd;
    CHECK_THROWS_WITH_AS(wt::require_same_trajectory(sgd, config, 3),
                         doctest::Contains("optimizer (0 sgd, 1 adam) (checkpoint 0, asked 1)"),
                         std::runtime_error);
    std::filesystem::remove(path);
  }
}

TEST_CASE("Adam then SGD: the switch equals an Adam run continued under SGD, and resumes exactly") {
  const auto tree = complete_tree_closure(3, 3);
  const std::uint64_t fingerprint = wt::graph_fingerprint(tree.node_count, tree.closure);
  for (wt::Model model : {wt::Model::poincare, wt::Model::lorentz}) {
    CAPTURE(wt::model_name(model));
    auto adam = config_for(model);
    adam.optimizer = wt::Optimizer::adam;
    adam.lr = 0.05;
    auto switched = adam;
    switched.sgd_from_epoch = 5;
    switched.sgd_lr = 0.7;
    CHECK(switched.optimizer_at(4) == wt::Optimizer::adam);
    CHECK(switched.optimizer_at(5) == wt::Optimizer::sgd);
    CHECK(switched.lr_at(4) == adam.lr);
    CHECK(switched.lr_at(5) == switched.sgd_lr);
    wt::Trainer one_run(switched, tree.node_count, tree.closure, 2);
    for (int e = 0; e < 8; ++e)
      one_run.run_epoch();

    // The same by hand: 5 Adam epochs, then a plain SGD trainer (lr 0.7) from that embedding.
    wt::Trainer first(adam, tree.node_count, tree.closure, 2);
    for (int e = 0; e < 5; ++e)
      first.run_epoch();
    auto sgd = adam;
    sgd.optimizer = wt::Optimizer::sgd;
    sgd.lr = switched.sgd_lr;
    wt::Trainer second(sgd, tree.node_count, tree.closure, 1);
    second.restore(5, std::vector<double>(first.embedding().begin(), first.embedding().end()));
    for (int e = 5; e < 8; ++e)
      second.run_epoch();
    const std::vector<double> a(one_run.embedding().begin(), one_run.embedding().end());
    const std::vector<double> b(second.embedding().begin(), second.embedding().end());
    CHECK(a == b);
    // ... and differs from Adam all the way (the switch did something).
    for (int e = 5; e < 8; ++e)
      first.run_epoch();
    const std::vector<double> c(first.embedding().begin(), first.embedding().end());
    CHECK(a != c);

    // An Adam checkpoint taken before the switch resumes under the switching recipe without
    // --change-recipe; a switch placed inside the trained epochs is refused, naming the epoch.
    const std::string path = temp_path("switch.ckpt");
    {
      wt::Trainer part(adam, tree.node_count, tree.closure, 2);
      for (int e = 0; e < 5; ++e)
        part.run_epoch();
      wt::write_checkpoint(path, snapshot(part, fingerprint));
    }
    wt::Checkpoint ck = wt::read_checkpoint(path);
    CHECK_NOTHROW(wt::require_same_trajectory(ck.config, switched, ck.epochs_done));
    auto too_early = switched;
    too_early.sgd_from_epoch = 3;
    CHECK_THROWS_WITH_AS(wt::require_same_trajectory(ck.config, too_early, ck.epochs_done),
                         doctest::Contains("optimizer schedule (epoch 3 was trained with adam, "
                                           "asked sgd)"),
                         std::runtime_error);
    wt::Trainer resumed(switched, tree.node_count, tree.closure, 1);
    resumed.restore(ck.epochs_done, std::move(ck.embedding), std::move(ck.adam));
    for (int e = 5; e < 8; ++e)
      resumed.run_epoch();
    const std::vector<double> d(resumed.embedding().begin(), resumed.embedding().end());
    CHECK(a == d);
    // The switch is stored (format version 4).
    wt::write_checkpoint(path, snapshot(resumed, fingerprint));
    const wt::Checkpoint after = wt::read_checkpoint(path);
    CHECK(after.config.sgd_from_epoch == 5);
    CHECK(after.config.sgd_lr == switched.sgd_lr);
    std::filesystem::remove(path);
  }
}

TEST_CASE(
    "checkpoint versions 1 (no lr schedule), 2 (no optimizer), 3 (no switch), 4 (no hard "
    "negatives or repeats), 5 (no curvature) still load") {
  const auto tree = complete_tree_closure(2, 3);
  wt::Trainer trainer(config_for(wt::Model::poincare), tree.node_count, tree.closure, 1);
  trainer.run_epoch();
  const std::string path = temp_path("old.ckpt");
  wt::write_checkpoint(path, snapshot(trainer, 42));
  const auto current = wt::read_binary_file(path, "test");
  constexpr std::size_t header = 8 + 4 + 4 + 8 + 8;
  wt::ByteWriter config;
  wt::put_config(config, trainer.config());
  // Rewrite it as the old versions wrote it: the config without its trailing fields (version
  // 5 lacks the curvature: a double, a u32 and a double; version 4 also the subtree negatives
  // and the direct-parent repeats: four u32; version 3 also the switch to SGD: a u32 and a
  // double; version 2 also the optimizer and the Lorentz radius: a u32 and four doubles; version
  // 1 also the schedule: two u32 and a double), the payload without the curvature state at its
  // end (two doubles), then a new header.
  for (std::uint32_t version : {1u, 2u, 3u, 4u, 5u}) {
    CAPTURE(version);
    const std::size_t dropped = (8 + 4 + 8) + (version <= 4 ? 4 * 4 : 0) +
                                (version <= 3 ? 4 + 8 : 0) + (version <= 2 ? 4 + 4 * 8 : 0) +
                                (version == 1 ? 4 + 4 + 8 : 0);
    const std::size_t old_config = config.bytes.size() - dropped;
    std::vector<char> payload(current.begin() + header,
                              current.begin() + long(header + old_config));
    payload.insert(payload.end(), current.begin() + long(header + config.bytes.size()),
                   current.end() - 2 * 8);
    wt::ByteWriter old;
    old.put_bytes(wt::checkpoint_magic, sizeof wt::checkpoint_magic);
    old.put(version);
    old.put(std::uint32_t{0});
    old.put(static_cast<std::uint64_t>(payload.size()));
    old.put(wt::fnv1a(payload.data(), payload.size()));
    old.put_bytes(payload.data(), payload.size());
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(old.bytes.data(), static_cast<std::streamsize>(old.bytes.size()));

    const wt::Checkpoint ck = wt::read_checkpoint(path);
    CHECK_FALSE(ck.config.lr_decays());
    CHECK(ck.config.optimizer == wt::Optimizer::sgd);
    CHECK(ck.config.subtree_negatives == 0);
    CHECK(ck.config.parent_edge_repeats == 1);
    // Every trainer before version 6 trained at the fixed c = 1.
    CHECK(ck.config.curvature == 1.0);
    CHECK_FALSE(ck.config.learn_curvature);
    CHECK(ck.curvature == 1.0);
    CHECK(std::isnan(ck.curvature_rho));
    CHECK(ck.epochs_done == 1);
    CHECK(ck.graph_fingerprint == 42);
    CHECK_NOTHROW(wt::require_same_trajectory(ck.config, trainer.config(), ck.epochs_done));
    const std::vector<double> want(trainer.embedding().begin(), trainer.embedding().end());
    CHECK(ck.embedding == want);
  }
  std::filesystem::remove(path);
}

TEST_CASE("a learned curvature resumes exactly; a different fixed curvature is refused") {
  const auto tree = complete_tree_closure(3, 3);
  const std::uint64_t fingerprint = wt::graph_fingerprint(tree.node_count, tree.closure);
  for (wt::Model model : {wt::Model::poincare, wt::Model::lorentz}) {
    CAPTURE(wt::model_name(model));
    auto config = config_for(model);
    config.learn_curvature = true;
    config.curvature = 1.5;
    config.lorentz_max_radius = model == wt::Model::lorentz ? 2.0 : 0.0;
    wt::Trainer uninterrupted(config, tree.node_count, tree.closure, 2);
    for (int e = 0; e < 8; ++e)
      uninterrupted.run_epoch();
    const std::string path = temp_path("curvature.ckpt");
    {
      wt::Trainer first(config, tree.node_count, tree.closure, 2);
      for (int e = 0; e < 5; ++e)
        first.run_epoch();
      CHECK(first.curvature() != 1.5);
      wt::write_checkpoint(path, snapshot(first, fingerprint));
    }
    wt::Checkpoint ck = wt::read_checkpoint(path);
    CHECK(ck.config.learn_curvature);
    CHECK(ck.config.curvature == 1.5);
    CHECK_NOTHROW(wt::require_same_trajectory(ck.config, config, ck.epochs_done));
    wt::Trainer resumed(ck.config, tree.node_count, tree.closure, 1);
    resumed.restore(ck.epochs_done, std::move(ck.embedding));
    resumed.restore_curvature(ck.curvature, ck.curvature_rho);
    for (int e = 5; e < 8; ++e)
      resumed.run_epoch();
    CHECK(resumed.curvature() == uninterrupted.curvature());
    CHECK(resumed.curvature_rho() == uninterrupted.curvature_rho());
    const std::vector<double> a(uninterrupted.embedding().begin(), uninterrupted.embedding().end());
    const std::vector<double> b(resumed.embedding().begin(), resumed.embedding().end());
    CHECK(a == b);
    std::filesystem::remove(path);
  }
  auto fixed = config_for(wt::Model::poincare);
  auto other = fixed;
  other.curvature = 2;
  CHECK_THROWS_WITH_AS(wt::require_same_trajectory(fixed, other, 1),
                       doctest::Contains("curvature (checkpoint 1, asked 2)"), std::runtime_error);
  other = fixed;
  other.learn_curvature = true;
  CHECK_THROWS_WITH_AS(wt::require_same_trajectory(fixed, other, 1),
                       doctest::Contains("learned curvature"), std::runtime_error);
}

TEST_CASE("embedding files keep the curvature; a damaged one is refused naming it") {
  const std::vector<std::string> names = {"a.n.01", "b.n.01"};
  const std::vector<double> x = {0.1, -0.2, 0.3, 0.25};
  const std::string bin = temp_path("c.emb");
  wt::write_embedding_binary(bin, wt::Model::poincare, 2, x, names, 2.5);
  CHECK(wt::read_embedding_binary(bin).curvature == 2.5);
  auto bytes = wt::read_binary_file(bin, "test");
  const double negative = -3;
  std::memcpy(bytes.data() + 32, &negative, sizeof negative);  // after magic, 2 u32, 2 u64
  std::ofstream(bin, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  CHECK_THROWS_WITH_AS(wt::read_embedding_binary(bin),
                       doctest::Contains("curvature -3.000000 is not positive"),
                       std::runtime_error);
  std::filesystem::remove(bin);
}

TEST_CASE("corrupt, truncated and foreign checkpoints are refused") {
  const auto tree = complete_tree_closure(2, 3);
  wt::Trainer trainer(config_for(wt::Model::poincare), tree.node_count, tree.closure, 1);
  const std::string path = temp_path("corrupt.ckpt");
  wt::write_checkpoint(path, snapshot(trainer, 42));
  auto bytes = wt::read_binary_file(path, "test");

  auto rewrite = [&](const std::vector<char>& b) {
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(b.data(), static_cast<std::streamsize>(b.size()));
  };
  auto flipped = bytes;
  flipped[flipped.size() - 3] ^= 0x10;
  rewrite(flipped);
  CHECK_THROWS_WITH_AS(wt::read_checkpoint(path), doctest::Contains("checksum mismatch"),
                       std::runtime_error);
  rewrite(std::vector<char>(bytes.begin(), bytes.end() - 5));
  CHECK_THROWS_WITH_AS(wt::read_checkpoint(path), doctest::Contains("payload is"),
                       std::runtime_error);
  auto foreign = bytes;
  foreign[0] = 'X';
  rewrite(foreign);
  CHECK_THROWS_WITH_AS(wt::read_checkpoint(path), doctest::Contains("bad magic"),
                       std::runtime_error);
  std::filesystem::remove(path);
  CHECK_THROWS_WITH_AS(wt::read_checkpoint(path), doctest::Contains("cannot open"),
                       std::runtime_error);

  auto other = config_for(wt::Model::poincare);
  other.lr = 0.5;
  CHECK_THROWS_WITH_AS(wt::require_same_trajectory(config_for(wt::Model::poincare), other, 1),
                       doctest::Contains("lr (checkpoint 1"), std::runtime_error);
  CHECK_THROWS_WITH_AS(trainer.restore(1, std::vector<double>(3)), doctest::Contains("3 values"),
                       std::invalid_argument);
}

TEST_CASE("malformed or missing edge lists: errors name the file, line and content") {
  CHECK_THROWS_WITH_AS(graph::parse_edge_list_tsv("a\tb\nc d\n", "edges.tsv"),
                       doctest::Contains("edges.tsv:2:"), std::runtime_error);
  CHECK_THROWS_WITH_AS(graph::parse_edge_list_tsv("a\tb\nc d\n", "edges.tsv"),
                       doctest::Contains("\"c d\""), std::runtime_error);
  CHECK_THROWS_WITH_AS(graph::read_edge_list_tsv(temp_path("does_not_exist.tsv")),
                       doctest::Contains("cannot open"), std::runtime_error);
}

TEST_CASE("embedding files: binary header and TSV rows") {
  const std::vector<std::string> names = {"a.n.01", "b.n.01"};
  const std::vector<double> x = {0.1, -0.2, 0.3, 0.25};
  const std::string bin = temp_path("e.emb"), tsv = temp_path("e.tsv");
  wt::write_embedding_binary(bin, wt::Model::poincare, 2, x, names);
  wt::write_embedding_tsv(tsv, 2, x, names);
  const auto bytes = wt::read_binary_file(bin, "test");
  CHECK(std::string(bytes.data(), 8) == "HYPWNEMB");
  CHECK(bytes.size() == 8 + 4 + 4 + 8 + 8 + 8 + 4 * 8 + (4 + 6) * 2);
  std::ifstream in(tsv);
  std::string line;
  std::getline(in, line);
  CHECK(line == "a.n.01\t0.10000000000000001\t-0.20000000000000001");

  // The reader gives back what was written, and refuses foreign or damaged files.
  const wt::EmbeddingFile back = wt::read_embedding_binary(bin);
  CHECK(back.model == wt::Model::poincare);
  CHECK(back.row_size == 2);
  CHECK(back.x == x);
  CHECK(back.names == names);
  CHECK_THROWS_WITH_AS(wt::read_embedding_binary(tsv), doctest::Contains("bad magic"),
                       std::runtime_error);
  auto damaged = bytes;
  damaged.resize(bytes.size() - 3);  // cut into the last name
  std::ofstream(bin, std::ios::binary | std::ios::trunc)
      .write(damaged.data(), static_cast<std::streamsize>(damaged.size()));
  CHECK_THROWS_WITH_AS(wt::read_embedding_binary(bin), doctest::Contains("truncated"),
                       std::runtime_error);
  damaged = bytes;
  const std::uint32_t long_name = 0xFFFFFFF0u;  // the first name's length
  std::memcpy(damaged.data() + 40 + 4 * 8, &long_name, sizeof long_name);
  std::ofstream(bin, std::ios::binary | std::ios::trunc)
      .write(damaged.data(), static_cast<std::streamsize>(damaged.size()));
  CHECK_THROWS_WITH_AS(wt::read_embedding_binary(bin), doctest::Contains("a name of 4294967280"),
                       std::runtime_error);
  damaged = bytes;
  const std::uint64_t huge = std::uint64_t{1} << 60;  // node count far beyond the file
  std::memcpy(damaged.data() + 16, &huge, sizeof huge);
  std::ofstream(bin, std::ios::binary | std::ios::trunc)
      .write(damaged.data(), static_cast<std::streamsize>(damaged.size()));
  CHECK_THROWS_WITH_AS(wt::read_embedding_binary(bin),
                       doctest::Contains("more than the file holds"), std::runtime_error);
  std::filesystem::remove(bin);
  std::filesystem::remove(tsv);
}

TEST_CASE(
    "subtree negatives added on resume continue exactly; changing trained epochs is refused") {
  const auto tree = complete_tree_closure(3, 3);
  const std::uint64_t fingerprint = wt::graph_fingerprint(tree.node_count, tree.closure);
  wt::TrainConfig hard = config_for(wt::Model::lorentz);
  hard.subtree_negatives = 4;
  hard.subtree_negatives_from = 5;
  CHECK(hard.subtree_negatives_at(2) == 0);  // burn-in
  CHECK(hard.subtree_negatives_at(4) == 0);
  CHECK(hard.subtree_negatives_at(5) == 4);
  const std::string path = temp_path("subtree.ckpt");
  const ResumedRun run = resume_with_change(config_for(wt::Model::lorentz), hard, 5, 8, path);
  CHECK(run.resumed == run.uninterrupted);
  CHECK(run.plain != run.uninterrupted);  // the hard negatives changed the trajectory

  // Written and read back with the new fields.
  wt::write_checkpoint(path,
                       snapshot(wt::Trainer(hard, tree.node_count, tree.closure, 1), fingerprint));
  const wt::Checkpoint again = wt::read_checkpoint(path);
  CHECK(again.config.subtree_negatives == 4);
  CHECK(again.config.subtree_negatives_from == 5);
  // Hard negatives from an epoch already trained without them: refused, naming the epoch.
  hard.subtree_negatives_from = 3;
  CHECK_THROWS_WITH_AS(wt::require_same_trajectory(config_for(wt::Model::lorentz), hard, 5),
                       doctest::Contains("subtree negatives (epoch 3"), std::runtime_error);
  std::filesystem::remove(path);
}

TEST_CASE("direct-parent repeats: more edges per epoch, added on resume continue exactly") {
  // 3-ary tree of depth 3: 40 nodes, 39 direct-parent edges among the 102 closure edges.
  const auto tree = complete_tree_closure(3, 3);
  REQUIRE(tree.node_count == 40);
  const std::uint64_t fingerprint = wt::graph_fingerprint(tree.node_count, tree.closure);
  wt::TrainConfig repeated = config_for(wt::Model::poincare);
  repeated.parent_edge_repeats = 3;
  repeated.parent_edge_repeats_from = 5;
  wt::Trainer uninterrupted(repeated, tree.node_count, tree.closure, 2);
  const std::size_t closure_edges = tree.closure.size();
  CHECK(uninterrupted.edges_in_epoch(1) == closure_edges);  // burn-in
  CHECK(uninterrupted.edges_in_epoch(4) == closure_edges);
  CHECK(uninterrupted.edges_in_epoch(5) == closure_edges + 2 * 39);
  for (int e = 0; e < 8; ++e)
    CHECK(uninterrupted.run_epoch().edges == uninterrupted.edges_in_epoch(std::uint32_t(e)));
  const std::string path = temp_path("repeats.ckpt");
  const ResumedRun run = resume_with_change(config_for(wt::Model::poincare), repeated, 5, 8, path);
  CHECK(run.resumed == run.uninterrupted);
  CHECK(run.plain != run.uninterrupted);

  wt::write_checkpoint(path, snapshot(uninterrupted, fingerprint));
  const wt::Checkpoint again = wt::read_checkpoint(path);
  CHECK(again.config.parent_edge_repeats == 3);
  CHECK(again.config.parent_edge_repeats_from == 5);
  repeated.parent_edge_repeats_from = 4;
  CHECK_THROWS_WITH_AS(wt::require_same_trajectory(config_for(wt::Model::poincare), repeated, 5),
                       doctest::Contains("direct-parent repeats (epoch 4"), std::runtime_error);
  repeated.parent_edge_repeats = 0;
  CHECK_THROWS_WITH_AS(wt::Trainer(repeated, tree.node_count, tree.closure, 1),
                       doctest::Contains("parent edge repeats must be in 1..100, got 0"),
                       std::invalid_argument);
  std::filesystem::remove(path);
}

// Found by fuzz_read_embedding and fuzz_read_wordnet_checkpoint (docs/reliability.md,
// "Fuzzing"): an empty .emb passed a null pointer to memcpy; a checkpoint with a valid checksum
// but a damaged length sized an allocation before the bytes were checked, and some of its
// errors did not name the file.
namespace {
void write_bytes(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}
// A checkpoint image around `payload`, with a matching size and checksum.
std::vector<char> checkpoint_image(const std::vector<char>& payload) {
  wt::ByteWriter w;
  w.put_bytes(wt::checkpoint_magic, 8);
  w.put(wt::checkpoint_version);
  w.put(std::uint32_t{0});
  w.put(static_cast<std::uint64_t>(payload.size()));
  w.put(wt::fnv1a(payload.data(), payload.size()));
  w.put_bytes(payload.data(), payload.size());
  return std::move(w.bytes);
}
}  // namespace

TEST_CASE("an embedding file with no nodes reads back empty") {
  const std::string path = temp_path("empty.emb");
  write_bytes(path, wt::embedding_binary(wt::Model::poincare, 2, {}, {}));
  const wt::EmbeddingFile e = wt::read_embedding_binary(path);
  CHECK(e.names.empty());
  CHECK(e.x.empty());
  std::remove(path.c_str());
}

// A checkpoint around `payload` with a valid checksum must be refused, the message naming the
// file and containing `needle`.
void expect_checksummed_refusal(const std::string& name, const std::vector<char>& payload,
                                const std::string& needle) {
  const std::string path = temp_path(name);
  write_bytes(path, checkpoint_image(payload));
  try {
    (void)wt::read_checkpoint(path);
    FAIL("accepted");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    CHECK(what.find(path) != std::string::npos);
    CHECK(what.find(needle) != std::string::npos);
  }
  std::remove(path.c_str());
}

TEST_CASE("a checksummed checkpoint with a damaged history length is refused naming the file") {
  wt::TrainConfig c;
  wt::ByteWriter payload;
  wt::put_config(payload, c);
  payload.put(std::uint64_t{0});        // graph fingerprint
  payload.put(std::uint64_t{0});        // nodes
  payload.put(std::uint32_t{0});        // epochs
  payload.put(0.0);                     // seconds
  payload.put(std::uint64_t{1} << 62);  // history bytes: far beyond the file
  expect_checksummed_refusal("huge_history.ckpt", payload.bytes, "4611686018427387904");
}

TEST_CASE("a checkpoint with an unknown optimizer is refused naming the file") {
  wt::TrainConfig c;
  wt::ByteWriter payload;
  wt::put_config(payload, c);
  // The optimizer field follows the 14 fields before the lr schedule and its 3 fields.
  const std::size_t optimizer_at =
      4 + 4 + 8 + 4 + 8 + 4 + 4 + 8 + 4 + 4 + 8 + 8 + 8 + 8 + 4 + 4 + 8;
  const std::uint32_t bad = 7;
  std::memcpy(payload.bytes.data() + optimizer_at, &bad, 4);
  expect_checksummed_refusal("bad_optimizer.ckpt", payload.bytes, "unknown optimizer 7");
}
