#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <span>
#include <stdexcept>
#include <vector>

#include "hyperbolic/graph/random.hpp"
#include "hyperbolic/graph/ranking_metrics.hpp"

using namespace hyperbolic::graph;

namespace {

// Points on a line; d(u, w) = |x_u - x_w|.
auto line_distances(std::vector<double> x) {
  return [x](std::size_t u, std::span<double> out) {
    for (std::size_t w = 0; w < x.size(); ++w)
      out[w] = std::abs(x[u] - x[w]);
  };
}

const std::vector<Edge> toy_edges = {{0, 2}, {0, 4}, {1, 0}, {3, 1}, {3, 2}};
const std::vector<double> toy_positions = {0, 1, 3, 4, 10};

// Straightforward version of the protocol: sort all nodes, walk the order.
RankingResult brute_force(const Adjacency& adj, const std::vector<std::vector<double>>& d) {
  const std::size_t n = adj.node_count();
  double rank_sum = 0, ap_sum = 0;
  std::size_t pairs = 0, nodes = 0;
  for (std::size_t u = 0; u < n; ++u) {
    const auto nb = adj.neighbours(u);
    if (nb.empty()) continue;
    ++nodes;
    auto is_nb = [&](std::size_t w) { return std::find(nb.begin(), nb.end(), w) != nb.end(); };
    for (NodeId v : nb) {
      std::size_t closer = 0;
      for (std::size_t w = 0; w < n; ++w)
        if (w != u && !is_nb(w) && d[u][w] < d[u][v]) ++closer;
      rank_sum += 1.0 + static_cast<double>(closer);
      ++pairs;
    }
    double ap = 0;
    for (NodeId v : nb) {
      double retrieved = 0, hits = 0;
      for (std::size_t w = 0; w < n; ++w) {
        if (w == u || d[u][w] > d[u][v]) continue;
        retrieved += 1;
        if (is_nb(w)) hits += 1;
      }
      ap += hits / retrieved;
    }
    ap_sum += ap / static_cast<double>(nb.size());
  }
  RankingResult r;
  r.mean_rank = rank_sum / static_cast<double>(pairs);
  r.mean_average_precision = ap_sum / static_cast<double>(nodes);
  r.ranked_pairs = pairs;
  r.ranked_nodes = nodes;
  return r;
}

}  // namespace

TEST_CASE("ranking: hand-computed mean rank and MAP, neighbours = outgoing edges") {
  const Adjacency adj(5, toy_edges, NeighbourSet::outgoing);
  const RankingResult r = evaluate_reconstruction(adj, line_distances(toy_positions));
  // Node 0: neighbours 2 (d 3), 4 (d 10); non-neighbours 1 (d 1), 3 (d 4): ranks 2, 3;
  //   AP = (1/2 + 2/4) / 2 = 0.5.  Node 1: neighbour 0 nearest: rank 1, AP 1.
  // Node 3: neighbours 2 (d 1), 1 (d 3) before 0 (d 4), 4 (d 6): ranks 1, 1, AP 1.
  CHECK(r.ranked_nodes == 3);
  CHECK(r.ranked_pairs == 5);
  CHECK(r.mean_rank == doctest::Approx(8.0 / 5.0));
  CHECK(r.mean_average_precision == doctest::Approx((0.5 + 1 + 1) / 3.0));
  CHECK(r.wall_seconds >= 0);
}

TEST_CASE("ranking: hand-computed mean rank and MAP, symmetric neighbours") {
  const Adjacency adj(5, toy_edges, NeighbourSet::symmetric);
  const RankingResult r = evaluate_reconstruction(adj, line_distances(toy_positions));
  // Ranks: node 0 {1,1,2}, node 1 {1,2}, node 2 {1,2}, node 3 {1,1}, node 4 {4}: 16 over 10 pairs.
  // APs: 0: (1+1+3/4)/3, 1: (1+2/3)/2, 2: (1+2/3)/2, 3: 1, 4: 1/4.
  CHECK(r.ranked_nodes == 5);
  CHECK(r.ranked_pairs == 10);
  CHECK(r.mean_rank == doctest::Approx(1.6));
  const double map = (2.75 / 3 + 5.0 / 6 + 5.0 / 6 + 1 + 0.25) / 5;
  CHECK(r.mean_average_precision == doctest::Approx(map));
}

TEST_CASE("ranking: ties, ignored nodes, self and NaN") {
  RowRanker ranker(5);
  const std::vector<NodeId> positives = {1, 2};
  SUBCASE("a non-neighbour tied with neighbours is not closer, but is retrieved with them") {
    const std::vector<double> d = {0, 2, 2, 2, 1};
    const NodeRanking r = ranker.rank(0, d, positives);
    CHECK(r.rank_sum == 4);  // both neighbours: 1 + (node 4)
    CHECK(r.neighbours == 2);
    CHECK(r.average_precision == doctest::Approx(0.5));  // sklearn: precision 2/4 at d = 2
  }
  SUBCASE("ignored nodes leave the ranking") {
    const std::vector<double> d = {0, 5, 3, 4, 1};
    const std::vector<NodeId> ignored = {4};
    const NodeRanking r = ranker.rank(0, d, positives, ignored);
    CHECK(r.rank_sum == 1 + 2);  // node 2 first; node 1 behind node 3
    CHECK(r.average_precision == doctest::Approx((1 + 2.0 / 3) / 2));
  }
  SUBCASE("u itself is never ranked, whatever its distance") {
    const std::vector<double> d = {-1, 1, 2, 3, 4};
    const std::vector<NodeId> with_self = {0, 1, 2};
    const NodeRanking r = ranker.rank(0, d, with_self);
    CHECK(r.neighbours == 2);
    CHECK(r.rank_sum == 2);
    CHECK(r.average_precision == doctest::Approx(1.0));
  }
  SUBCASE("NaN counts as infinitely far") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<double> d = {0, nan, 1, 2, nan};
    const NodeRanking r = ranker.rank(0, d, positives);
    CHECK(r.rank_sum == 1 + 2);  // node 2 first; node 1 (NaN) after node 3, tied with node 4
  }
  CHECK_THROWS_AS(ranker.rank(0, std::vector<double>(3, 0.0), positives), std::invalid_argument);
}

TEST_CASE("ranking: matches a brute-force evaluation and is independent of the thread count") {
  const std::size_t n = 300;
  Xoshiro256 rng(7);
  std::vector<Edge> edges;
  for (std::size_t i = 0; i < 1500; ++i)
    edges.push_back(
        {static_cast<NodeId>(rng.uniform_index(n)), static_cast<NodeId>(rng.uniform_index(n))});
  std::vector<std::vector<double>> d(n, std::vector<double>(n));
  for (auto& row : d)
    for (double& x : row)
      x = static_cast<double>(rng.uniform_index(50));  // many ties
  const auto rows = [&](std::size_t u, std::span<double> out) {
    std::copy(d[u].begin(), d[u].end(), out.begin());
  };
  for (NeighbourSet set : {NeighbourSet::outgoing, NeighbourSet::symmetric}) {
    const Adjacency adj(n, edges, set);
    const RankingResult expected = brute_force(adj, d);
    const RankingResult one = evaluate_reconstruction(adj, rows, {.threads = 1});
    CHECK(one.ranked_nodes == expected.ranked_nodes);
    CHECK(one.ranked_pairs == expected.ranked_pairs);
    CHECK(one.mean_rank == doctest::Approx(expected.mean_rank).epsilon(1e-12));
    CHECK(one.mean_average_precision ==
          doctest::Approx(expected.mean_average_precision).epsilon(1e-12));
    for (unsigned threads : {2u, 3u, 8u}) {
      const RankingResult many = evaluate_reconstruction(adj, rows, {.threads = threads});
      CHECK(many.threads == threads);
      CHECK(many.mean_rank == one.mean_rank);  // bit-identical
      CHECK(many.mean_average_precision == one.mean_average_precision);
    }
  }
}

TEST_CASE("ranking: an exception from the distance callable reaches the caller") {
  const Adjacency adj(5, toy_edges);
  const auto failing = [](std::size_t u, std::span<double>) {
    if (u == 3) throw std::runtime_error("backend failed on row 3");
  };
  CHECK_THROWS_WITH_AS(evaluate_reconstruction(adj, failing, {.threads = 2}),
                       "backend failed on row 3", std::runtime_error);
}

TEST_CASE("adjacency: sorted distinct neighbours, self-loops dropped, bad ids rejected") {
  const std::vector<Edge> edges = {{0, 2}, {0, 1}, {0, 2}, {1, 1}, {2, 0}};
  const Adjacency out(3, edges);
  CHECK(std::vector<NodeId>(out.neighbours(0).begin(), out.neighbours(0).end()) ==
        std::vector<NodeId>{1, 2});
  CHECK(out.degree(1) == 0);
  CHECK(out.pair_count() == 3);
  CHECK(out.contains(2, 0));
  CHECK_FALSE(out.contains(0, 0));
  const Adjacency sym(3, edges, NeighbourSet::symmetric);
  CHECK(sym.degree(0) == 2);
  CHECK(sym.contains(1, 0));
  CHECK(sym.pair_count() == 4);
  const std::vector<Edge> bad = {{0, 3}};
  CHECK_THROWS_WITH_AS(Adjacency(3, bad), doctest::Contains("0 -> 3"), std::invalid_argument);
}

TEST_CASE("adjacency: transitive reduction of a closure with multiple inheritance") {
  // 3 -> 2 -> 0, 3 -> 1 -> 0 (two parents) and 4 -> 1; closed: 3 -> 0 and 4 -> 0.
  const std::vector<Edge> closure = {{1, 0}, {2, 0}, {3, 2}, {3, 1}, {3, 0}, {4, 1}, {4, 0}};
  const Adjacency out(5, closure);
  const std::vector<Edge> want = {{1, 0}, {2, 0}, {3, 1}, {3, 2}, {4, 1}};
  const std::vector<Edge> got = out.transitive_reduction();
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CHECK(got[i].from == want[i].from);
    CHECK(got[i].to == want[i].to);
  }
}
