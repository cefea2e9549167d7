#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <stdexcept>
#include <vector>

#include "hyperbolic/graph/link_prediction.hpp"

using namespace hyperbolic::graph;

namespace {
// Transitive closure of the chain 0 -> 1 -> 2 -> 3 -> 4 (child -> ancestors): 10 edges, of which
// the 4 chain edges form the transitive reduction.
std::vector<Edge> chain_closure() {
  std::vector<Edge> edges;
  for (NodeId u = 0; u < 5; ++u)
    for (NodeId v = u + 1; v < 5; ++v)
      edges.push_back({u, v});
  return edges;
}
bool is_reduction_edge(Edge e) {
  return e.to == e.from + 1;
}
}  // namespace

TEST_CASE("link prediction: only edges implied by the rest are held out") {
  const auto edges = chain_closure();
  const EdgeSplit split = split_edges(5, edges, {.held_out_fraction = 0.5, .seed = 1});
  CHECK(split.held_out.size() == 5);
  CHECK(split.train.size() == 5);
  for (Edge e : split.held_out)
    CHECK_FALSE(is_reduction_edge(e));
  CHECK(std::count_if(split.train.begin(), split.train.end(), is_reduction_edge) == 4);
  std::vector<Edge> all = split.train;
  all.insert(all.end(), split.held_out.begin(), split.held_out.end());
  std::sort(all.begin(), all.end());
  CHECK(all == edges);
}

TEST_CASE("link prediction: the split is deterministic in the seed") {
  std::vector<Edge> edges;  // closure of a binary tree of depth 6 (child i -> parent (i-1)/2)
  for (NodeId i = 1; i < 127; ++i)
    for (NodeId a = (i - 1) / 2;; a = (a - 1) / 2) {
      edges.push_back({i, a});
      if (a == 0) break;
    }
  const EdgeSplit a = split_edges(127, edges, {.held_out_fraction = 0.2, .seed = 7});
  const EdgeSplit b = split_edges(127, edges, {.held_out_fraction = 0.2, .seed = 7});
  const EdgeSplit c = split_edges(127, edges, {.held_out_fraction = 0.2, .seed = 8});
  CHECK(a.held_out == b.held_out);
  CHECK(a.train == b.train);
  CHECK(a.held_out != c.held_out);
  CHECK(a.held_out.size() == static_cast<std::size_t>(std::llround(0.2 * edges.size())));
  // Every node keeps its edge to its parent.
  for (NodeId i = 1; i < 127; ++i)
    CHECK(std::binary_search(a.train.begin(), a.train.end(), Edge{i, (i - 1) / 2}));
}

TEST_CASE("link prediction: bad fractions are refused with the numbers") {
  const auto edges = chain_closure();
  CHECK_THROWS_WITH_AS(split_edges(5, edges, {.held_out_fraction = 0.7}),
                       doctest::Contains("only 6 are implied"), std::invalid_argument);
  CHECK_THROWS_AS(split_edges(5, edges, {.held_out_fraction = 1.0}), std::invalid_argument);
  CHECK_THROWS_AS(split_edges(5, edges, {.held_out_fraction = -0.1}), std::invalid_argument);
  CHECK(split_edges(5, edges, {.held_out_fraction = 0.0}).held_out.empty());
}

TEST_CASE("link prediction: held-out edges ranked with training neighbours filtered out") {
  // Chain positions x = 0, 1, 2, 3, 4 but node 4 embedded at 1.5, between 1 and 2.
  const std::vector<double> x = {0, 1, 2, 3, 1.5};
  const auto rows = [&](std::size_t u, std::span<double> out) {
    for (std::size_t w = 0; w < x.size(); ++w)
      out[w] = std::abs(x[u] - x[w]);
  };
  EdgeSplit split;
  split.train = {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {0, 2}};
  split.held_out = {{0, 3}, {0, 4}, {1, 3}};
  const RankingResult r = evaluate_link_prediction(5, split, rows);
  // Node 0: train neighbours 1, 2 filtered; held-out 4 (d 1.5) and 3 (d 3): nothing else left,
  //   ranks 1, 1, AP 1. Node 1: held-out 3 (d 2); non-neighbours 0 (d 1), 4 (d 0.5) closer:
  //   rank 3, AP 1/3.
  CHECK(r.ranked_nodes == 2);
  CHECK(r.ranked_pairs == 3);
  CHECK(r.mean_rank == doctest::Approx(5.0 / 3));
  CHECK(r.mean_average_precision == doctest::Approx((1 + 1.0 / 3) / 2));
}
