#pragma once
// Link prediction on a hierarchy: hold out some edges, train on the rest, then rank each held-out
// edge (u, v) among all nodes but u and u's training neighbours (those are "filtered out", as in
// filtered link-prediction protocols), with the mean rank / MAP of ranking_metrics.hpp.
//
// Which edges may be held out: only edges (u, v) that the remaining graph still implies, i.e. that
// have a two-step path u -> w -> v in the graph. On a transitively closed DAG (a hypernym closure)
// these are exactly the edges outside the transitive reduction, so the training graph keeps every
// edge of the reduction: it still connects every node, and its transitive closure is the full
// graph. Held-out edges are drawn uniformly among those candidates.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hyperbolic/graph/adjacency.hpp"
#include "hyperbolic/graph/edge_list.hpp"
#include "hyperbolic/graph/random.hpp"
#include "hyperbolic/graph/ranking_metrics.hpp"

namespace hyperbolic::graph {

struct EdgeSplit {
  std::vector<Edge> train;     // sorted, distinct
  std::vector<Edge> held_out;  // sorted, distinct
};

struct EdgeSplitOptions {
  double held_out_fraction = 0.1;  // of all distinct edges
  std::uint64_t seed = 0;
};

// Marks edges (u, v) with a path u -> w -> v (w != u, v) in `edges`. `edges` must be sorted and
// distinct (as produced by split_edges).
inline std::vector<char> implied_by_two_step_paths(std::size_t node_count,
                                                   std::span<const Edge> edges) {
  const Adjacency out(node_count, edges, NeighbourSet::outgoing);
  std::vector<char> implied(edges.size(), 0);
  for (std::size_t i = 0; i < edges.size(); ++i)
    implied[i] = out.has_two_step_path(edges[i].from, edges[i].to) ? 1 : 0;
  return implied;
}

// A deterministic split: the same graph, fraction and seed give the same split on any machine.
inline EdgeSplit split_edges(std::size_t node_count, std::span<const Edge> edges,
                             EdgeSplitOptions options = {}) {
  if (!(options.held_out_fraction >= 0.0 && options.held_out_fraction < 1.0))
    throw std::invalid_argument("split_edges: held_out_fraction " +
                                std::to_string(options.held_out_fraction) + " is not in [0, 1)");
  std::vector<Edge> distinct;
  distinct.reserve(edges.size());
  for (const Edge& e : edges) {
    if (e.from >= node_count || e.to >= node_count)
      throw std::invalid_argument("split_edges: edge " + std::to_string(e.from) + " -> " +
                                  std::to_string(e.to) + " names a node outside 0.." +
                                  std::to_string(node_count) + "-1");
    if (e.from != e.to) distinct.push_back(e);
  }
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());

  const auto wanted = static_cast<std::size_t>(
      std::llround(options.held_out_fraction * static_cast<double>(distinct.size())));
  const std::vector<char> implied = implied_by_two_step_paths(node_count, distinct);
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < distinct.size(); ++i)
    if (implied[i]) candidates.push_back(i);
  if (wanted > candidates.size())
    throw std::invalid_argument("split_edges: asked to hold out " + std::to_string(wanted) +
                                " of " + std::to_string(distinct.size()) + " edges, but only " +
                                std::to_string(candidates.size()) +
                                " are implied by the others (lower held_out_fraction)");

  // Partial Fisher-Yates shuffle: the first `wanted` candidates are a uniform sample.
  Xoshiro256 rng(options.seed, /*stream=*/0x5EED5B117ull);
  for (std::size_t i = 0; i < wanted; ++i) {
    const std::size_t j = i + rng.uniform_index(candidates.size() - i);
    std::swap(candidates[i], candidates[j]);
  }
  std::vector<char> held(distinct.size(), 0);
  for (std::size_t i = 0; i < wanted; ++i)
    held[candidates[i]] = 1;

  EdgeSplit split;
  split.held_out.reserve(wanted);
  split.train.reserve(distinct.size() - wanted);
  for (std::size_t i = 0; i < distinct.size(); ++i)
    (held[i] ? split.held_out : split.train).push_back(distinct[i]);
  return split;
}

inline EdgeSplit split_edges(const EdgeList& graph, EdgeSplitOptions options = {}) {
  return split_edges(graph.node_count(), graph.edges, options);
}

// Mean rank / MAP of the held-out edges, training neighbours filtered out. `neighbours` must be
// the orientation used for reconstruction (NeighbourSet::outgoing in the reference protocol).
template <class DistanceRow>
RankingResult evaluate_link_prediction(std::size_t node_count, const EdgeSplit& split,
                                       DistanceRow&& distance_row,
                                       NeighbourSet neighbours = NeighbourSet::outgoing,
                                       RankingOptions options = {}) {
  const Adjacency held_out(node_count, split.held_out, neighbours);
  const Adjacency train(node_count, split.train, neighbours);
  return evaluate_ranking(held_out, &train, std::forward<DistanceRow>(distance_row), options);
}

}  // namespace hyperbolic::graph
