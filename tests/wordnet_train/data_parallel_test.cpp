// The trainer's data-parallel epochs without MPI: ranks are threads of this process joined by
// an in-memory communicator. A trainer given a SingleProcess communicator is the trainer given
// none; N ranks (each with its own threads) give the single process's embedding bit for bit;
// the exchange sends what the message format says.
#include <doctest/doctest.h>

#include <barrier>
#include <cstddef>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "hyperbolic/distributed/communicator.hpp"
#include "trainer.hpp"
#include "tree.hpp"

namespace wt = hyperbolic::wordnet_train;
namespace dist = hyperbolic::distributed;
using wordnet_train_test::complete_tree_closure;

namespace {

// The ranks' shared mailbox: one slot per rank, a barrier between writing and reading.
struct Mailbox {
  explicit Mailbox(int ranks)
      : sync(ranks), slots(static_cast<std::size_t>(ranks)), counts(slots.size()) {}
  std::barrier<> sync;
  std::vector<std::vector<std::byte>> slots;
  std::vector<std::vector<std::size_t>> counts;  // all_to_all: bytes per destination
};

// One rank of a run of threads: every call is collective over the mailbox's ranks.
class ThreadRank final : public dist::Communicator {
 public:
  ThreadRank(Mailbox& box, int rank) : box_(box), rank_(rank) {}
  int rank() const noexcept override { return rank_; }
  int size() const noexcept override { return int(box_.slots.size()); }
  std::string description() const override { return "threads"; }
  void all_reduce_sum(std::span<float> v) override { sum(v); }
  void all_reduce_sum(std::span<double> v) override { sum(v); }
  void all_gather(std::span<const std::byte> mine, dist::Gathered& out) override {
    box_.slots[std::size_t(rank_)].assign(mine.begin(), mine.end());
    box_.sync.arrive_and_wait();
    out.bytes.clear();
    out.offsets = {0};
    for (const auto& slot : box_.slots) {
      out.bytes.insert(out.bytes.end(), slot.begin(), slot.end());
      out.offsets.push_back(out.bytes.size());
    }
    box_.sync.arrive_and_wait();
  }
  void all_to_all(std::span<const std::byte> send, std::span<const std::size_t> send_counts,
                  dist::Gathered& out) override {
    box_.slots[std::size_t(rank_)].assign(send.begin(), send.end());
    box_.counts[std::size_t(rank_)].assign(send_counts.begin(), send_counts.end());
    box_.sync.arrive_and_wait();
    out.bytes.clear();
    out.offsets = {0};
    for (std::size_t s = 0; s < box_.slots.size(); ++s) {
      std::size_t at = 0;
      for (int d = 0; d < rank_; ++d)
        at += box_.counts[s][std::size_t(d)];
      const auto* from = box_.slots[s].data() + at;
      out.bytes.insert(out.bytes.end(), from, from + box_.counts[s][std::size_t(rank_)]);
      out.offsets.push_back(out.bytes.size());
    }
    box_.sync.arrive_and_wait();
  }
  void broadcast(std::span<std::byte> data, int root) override {
    if (rank_ == root) box_.slots[std::size_t(root)].assign(data.begin(), data.end());
    box_.sync.arrive_and_wait();
    std::memcpy(data.data(), box_.slots[std::size_t(root)].data(), data.size());
    box_.sync.arrive_and_wait();
  }
  void barrier() override { box_.sync.arrive_and_wait(); }
  [[noreturn]] void abort(int, const std::string& message) noexcept override {
    std::fprintf(stderr, "%s\n", message.c_str());
    std::abort();
  }

 private:
  template <class T>
  void sum(std::span<T> values) {
    dist::Gathered g;
    all_gather(std::as_bytes(std::span<const T>(values)), g);
    for (std::size_t i = 0; i < values.size(); ++i) {
      T total = 0;
      for (int r = 0; r < g.ranks(); ++r)
        total += dist::values_of<T>(g, r)[i];
      values[i] = total;
    }
  }

  Mailbox& box_;
  int rank_;
};

wt::TrainConfig config_for(wt::Model model, wt::Optimizer optimizer, std::uint32_t sync) {
  wt::TrainConfig c;
  c.model = model;
  c.optimizer = optimizer;
  c.dim = 4;
  c.lr = optimizer == wt::Optimizer::adam ? 0.05 : 1.0;
  c.burnin_epochs = 2;
  c.negatives = 10;
  c.burnin_negatives = 10;
  c.batch = 10;
  c.sync_batches = sync;
  c.seed = 11;
  return c;
}

struct RankResult {
  std::vector<double> embedding;
  std::vector<double> losses;
  std::uint64_t bytes = 0, rows = 0, checksum = 0;
};

// `ranks` trainers on threads of their own, `epochs` epochs; rank r's result in [r].
std::vector<RankResult> run_ranks(const wt::TrainConfig& config, std::size_t nodes,
                                  const std::vector<wt::Edge>& edges, int ranks, unsigned threads,
                                  int epochs) {
  Mailbox box(ranks);
  std::vector<RankResult> results(static_cast<std::size_t>(ranks));
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(ranks));
  std::vector<std::thread> pool;
  for (int r = 0; r < ranks; ++r)
    pool.emplace_back([&, r] {
      try {
        ThreadRank comm(box, r);
        wt::Trainer trainer(config, nodes, edges, threads, comm);
        RankResult& out = results[std::size_t(r)];
        for (int e = 0; e < epochs; ++e) {
          const wt::EpochStats stats = trainer.run_epoch();
          out.losses.push_back(stats.mean_loss);
          out.bytes += stats.exchange_bytes;
          out.rows += stats.exchange_rows;
        }
        out.embedding.assign(trainer.embedding().begin(), trainer.embedding().end());
        out.checksum = trainer.state_checksum();
      } catch (...) {
        errors[std::size_t(r)] = std::current_exception();
      }
    });
  for (auto& t : pool)
    t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  return results;
}

}  // namespace

TEST_CASE("a trainer given a SingleProcess communicator is the trainer given none") {
  const auto tree = complete_tree_closure(3, 3);
  const wt::TrainConfig config = config_for(wt::Model::poincare, wt::Optimizer::sgd, 2);
  dist::SingleProcess single;
  wt::Trainer plain(config, tree.node_count, tree.closure, 2);
  wt::Trainer explicit_single(config, tree.node_count, tree.closure, 2, single);
  for (int e = 0; e < 6; ++e) {
    const auto a = plain.run_epoch();
    const auto b = explicit_single.run_epoch();
    CHECK(a.mean_loss == b.mean_loss);
    CHECK(b.exchange_bytes == 0);
    CHECK(b.exchange_rows == 0);
    CHECK(b.exchange_seconds == 0);
  }
  REQUIRE(plain.embedding().size() == explicit_single.embedding().size());
  CHECK(std::memcmp(plain.embedding().data(), explicit_single.embedding().data(),
                    plain.embedding().size_bytes()) == 0);
  CHECK(plain.state_checksum() == explicit_single.state_checksum());
}

TEST_CASE("any number of ranks and threads gives the single process's embedding bit for bit") {
  // 3-ary tree of depth 4: 121 nodes, 426 closure edges, 43 batches of 10.
  const auto tree = complete_tree_closure(3, 4);
  struct Case {
    wt::Model model;
    wt::Optimizer optimizer;
    std::uint32_t sync;
  };
  for (const Case c : {Case{wt::Model::poincare, wt::Optimizer::sgd, 3},
                       Case{wt::Model::lorentz, wt::Optimizer::sgd, 4},
                       Case{wt::Model::lorentz, wt::Optimizer::adam, 3},
                       Case{wt::Model::euclidean, wt::Optimizer::adam, 2}}) {
    CAPTURE(wt::model_name(c.model));
    CAPTURE(int(c.optimizer));
    CAPTURE(c.sync);
    const wt::TrainConfig config = config_for(c.model, c.optimizer, c.sync);
    const auto reference = run_ranks(config, tree.node_count, tree.closure, 1, 1, 6)[0];
    for (const auto& [ranks, threads] : {std::pair{2, 1u}, std::pair{2, 2u}, std::pair{3, 1u},
                                         std::pair{5, 1u}}) {  // 5 > sync: idle ranks
      CAPTURE(ranks);
      CAPTURE(threads);
      const auto results = run_ranks(config, tree.node_count, tree.closure, ranks, threads, 6);
      for (int r = 0; r < ranks; ++r) {
        CAPTURE(r);
        const RankResult& got = results[std::size_t(r)];
        REQUIRE(got.embedding.size() == reference.embedding.size());
        CHECK(std::memcmp(got.embedding.data(), reference.embedding.data(),
                          got.embedding.size() * sizeof(double)) == 0);
        CHECK(got.checksum == reference.checksum);  // Adam's state too
        CHECK(got.losses == reference.losses);
      }
      // Every batch is sent by exactly one rank: the rows sum to what the batches touch.
      std::uint64_t rows = 0, bytes = 0;
      for (const auto& got : results) {
        rows += got.rows;
        bytes += got.bytes;
      }
      const std::size_t a = config.row_size();
      const std::uint64_t batches = 6 * ((tree.closure.size() + config.batch - 1) / config.batch);
      // Message of a batch: 16 header bytes, its rows' gradients and u32 ids (padded to 8).
      CHECK(bytes >= 16 * batches + rows * (8 * a + 4));
      CHECK(bytes <= 16 * batches + rows * (8 * a + 4) + 4 * batches);
      CHECK(rows > batches * config.batch);  // at least the sources and positives
    }
  }
}

TEST_CASE("the message format: one batch's message holds its gradient rows and ids") {
  wt::BatchGradient batch(10, 3);
  batch.reserve(4);
  batch.row(7)[0] = 1.5;
  batch.row(2)[2] = -2.0;
  batch.row(7)[1] = 0.25;
  batch.loss = 0.75;
  const auto m = batch.message(5);
  REQUIRE(m.size() == wt::BatchGradient::message_bytes(2, 3));
  CHECK(m.size() == 16 + 2 * 3 * 8 + 8);
  std::uint32_t count = 0, index = 0;
  double loss = 0, g[6];
  std::memcpy(&count, m.data(), 4);
  std::memcpy(&index, m.data() + 4, 4);
  std::memcpy(&loss, m.data() + 8, 8);
  std::memcpy(g, m.data() + 16, sizeof g);
  std::uint32_t ids[2];
  std::memcpy(ids, m.data() + 16 + sizeof g, sizeof ids);
  CHECK(count == 2);
  CHECK(index == 5);
  CHECK(loss == 0.75);
  CHECK(ids[0] == 7);
  CHECK(ids[1] == 2);
  CHECK(g[0] == 1.5);
  CHECK(g[1] == 0.25);
  CHECK(g[5] == -2.0);
  // The gradients stay where gradient() points, and a cleared batch starts empty.
  CHECK(batch.gradient(1)[2] == -2.0);
  batch.clear();
  CHECK(batch.rows().empty());
  CHECK(batch.message(0).size() == 16);
}

TEST_CASE("a learned curvature is the single process's on any number of ranks, bit for bit") {
  // Each rank computes dL/dc of its own batches; the epoch sums them in batch order.
  const auto tree = complete_tree_closure(3, 4);
  for (wt::Model model : {wt::Model::poincare, wt::Model::lorentz}) {
    CAPTURE(wt::model_name(model));
    wt::TrainConfig config = config_for(model, wt::Optimizer::sgd, 3);
    config.learn_curvature = true;
    config.curvature = 0.7;
    const auto reference = run_ranks(config, tree.node_count, tree.closure, 1, 1, 6)[0];
    for (const auto& [ranks, threads] : {std::pair{2, 1u}, std::pair{3, 2u}}) {
      CAPTURE(ranks);
      const auto results = run_ranks(config, tree.node_count, tree.closure, ranks, threads, 6);
      for (const RankResult& got : results) {
        CHECK(std::memcmp(got.embedding.data(), reference.embedding.data(),
                          got.embedding.size() * sizeof(double)) == 0);
        CHECK(got.checksum == reference.checksum);  // c and rho are in the checksum
        CHECK(got.losses == reference.losses);
      }
    }
  }
}
