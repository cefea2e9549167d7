// A user's program against the installed hyperbolic::graph alone: an edge list parsed, and its
// reconstruction ranked on two threads (the component brings Threads::Threads).
#include <hyperbolic/graph/adjacency.hpp>
#include <hyperbolic/graph/edge_list.hpp>
#include <hyperbolic/graph/ranking_metrics.hpp>

#include <cmath>
#include <cstdio>
#include <span>
#include <vector>

int main() {
  namespace graph = hyperbolic::graph;
  const graph::EdgeList g = graph::parse_edge_list_tsv("b\ta\nc\ta\nd\tb\n", "inline");
  const graph::Adjacency adjacency(g.node_count(), g.edges);
  // Nodes on a line in id order; any distances do: this checks that it compiles, links, runs.
  const auto distances = [](std::size_t u, std::span<double> row) {
    for (std::size_t w = 0; w < row.size(); ++w)
      row[w] = std::abs(double(u) - double(w));
  };
  graph::RankingOptions options;
  options.threads = 2;
  const graph::RankingResult r = graph::evaluate_ranking(adjacency, nullptr, distances, options);
  std::printf("%zu nodes, %zu pairs, mean rank %g\n", g.node_count(), r.ranked_pairs, r.mean_rank);
  return g.node_count() == 4 && r.ranked_pairs > 0 && r.mean_rank >= 1 ? 0 : 1;
}
