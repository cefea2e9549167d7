#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "hyperbolic/graph/random.hpp"
#include "hyperbolic/graph/rank_breakdown.hpp"
#include "hyperbolic/graph/ranking_metrics.hpp"

using namespace hyperbolic::graph;

namespace {

// A closure with multiple inheritance: 1, 2 under root 0; 3 under 1; 4 under 3; 5 under 1 and 2.
const std::vector<Edge> closure_edges = {{1, 0}, {2, 0}, {3, 1}, {3, 0}, {4, 3},
                                         {4, 1}, {4, 0}, {5, 1}, {5, 2}, {5, 0}};
const std::vector<double> positions = {0, 1, -1, 2, 3.5, 0.2};

auto line_distances(std::vector<double> x) {
  return [x](std::size_t u, std::span<double> out) {
    for (std::size_t w = 0; w < x.size(); ++w)
      out[w] = std::abs(x[u] - x[w]);
  };
}

}  // namespace

TEST_CASE("rank breakdown: hand-computed ranks per pair, hop distances and depths") {
  const Adjacency closure(6, closure_edges);
  // Pairs in adjacency order: 1:[0] 2:[0] 3:[0,1] 4:[0,1,3] 5:[0,1,2].
  // 1 -> 0 (d 1): 5 is closer (0.8), 3 ties at 1 and does not count: rank 2.
  // 3 -> 0 (d 2): non-neighbours 4 (1.5) and 5 (1.8) closer: rank 3.
  // 4 -> 0 (d 3.5): 5 (3.3) closer: rank 2. Every other pair is nearer than all non-neighbours.
  const auto ranks = neighbour_ranks(closure, line_distances(positions), {.threads = 1});
  CHECK(ranks == std::vector<std::uint64_t>{2, 1, 3, 1, 2, 1, 1, 1, 1, 1});
  const RankingResult whole = evaluate_reconstruction(closure, line_distances(positions));
  CHECK(whole.mean_rank == doctest::Approx(14.0 / 10.0));

  const auto hops = hop_distances(closure);
  CHECK(hops == std::vector<std::uint32_t>{1, 1, 2, 1, 3, 2, 1, 2, 1, 1});
  const auto depth = reduction_depths(closure, hops);
  CHECK(depth == std::vector<std::uint32_t>{0, 1, 1, 2, 3, 2});

  const auto groups = group_ranks(ranks, hops, 3);  // hops 0, 1, 2 and more
  CHECK(groups[0].pairs == 0);
  CHECK(groups[1].pairs == 6);
  CHECK(groups[1].rank_sum == 7);
  CHECK(groups[2].pairs == 4);  // hop 2 (3 pairs) and hop 3 (4 -> 0, rank 2)
  CHECK(groups[2].rank_sum == 7);
  CHECK(groups[2].excess() == 3);
  CHECK(groups[2].mean_rank() == doctest::Approx(1.75));
}

TEST_CASE("rank breakdown: ranks average to the evaluation's mean rank, any thread count") {
  const std::size_t n = 400;
  Xoshiro256 rng(11);
  std::vector<Edge> edges;
  for (std::size_t i = 0; i < 2000; ++i)
    edges.push_back(
        {static_cast<NodeId>(rng.uniform_index(n)), static_cast<NodeId>(rng.uniform_index(n))});
  std::vector<double> d(n * n);
  for (double& x : d)
    x = static_cast<double>(rng.uniform_index(40));  // many ties
  d[5 * n + 7] = NAN;                                // a NaN counts as infinitely far
  const auto rows = [&](std::size_t u, std::span<double> out) {
    for (std::size_t w = 0; w < n; ++w)
      out[w] = d[u * n + w];
  };
  const Adjacency adj(n, edges);
  const RankingResult expected = evaluate_reconstruction(adj, rows, {.threads = 1});
  const auto one = neighbour_ranks(adj, rows, {.threads = 1});
  REQUIRE(one.size() == adj.pair_count());
  std::uint64_t sum = 0;
  for (std::uint64_t r : one) {
    CHECK(r >= 1);
    sum += r;
  }
  CHECK(static_cast<double>(sum) / static_cast<double>(one.size()) ==
        doctest::Approx(expected.mean_rank).epsilon(1e-15));
  CHECK(neighbour_ranks(adj, rows, {.threads = 3}) == one);
}

TEST_CASE("rank breakdown: mismatched sizes are refused with the sizes in the message") {
  const Adjacency closure(6, closure_edges);
  const std::vector<std::uint32_t> short_hops(3, 1);
  CHECK_THROWS_WITH_AS(reduction_depths(closure, short_hops),
                       "reduction_depths: 3 hop distances for 10 pairs", std::invalid_argument);
  const std::vector<std::uint64_t> ranks(4, 1);
  CHECK_THROWS_WITH_AS(group_ranks(ranks, short_hops, 2), "group_ranks: 4 ranks, 3 keys",
                       std::invalid_argument);
  RowRanker ranker(6);
  std::vector<double> row(6, 1.0);
  std::vector<std::uint64_t> slots(2);
  const std::vector<NodeId> positives = {0};
  CHECK_THROWS_WITH_AS(ranker.rank(1, row, positives, {}, slots),
                       "RowRanker: 2 rank slots for 1 positives", std::invalid_argument);
}
