#pragma once
// Where a mean rank comes from: the rank of every (u, v) neighbour pair, and the mean rank split
// by how far apart u and v are in the hierarchy.
//
// On a transitive closure (child -> every ancestor) the pairs differ a lot: an embedding can rank
// far ancestors well and direct parents badly or the other way round, and the single mean hides
// which. `hop_distances` gives, for each pair, the length of the shortest path from u to v along
// the transitive reduction (1 = direct parent), `reduction_depths` each node's largest hop
// distance to any of its ancestors (its depth below the root(s)); `group_ranks` sums ranks by any
// such key.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "hyperbolic/graph/adjacency.hpp"
#include "hyperbolic/graph/ranking_metrics.hpp"

namespace hyperbolic::graph {

// Rank of every neighbour pair by the protocol of ranking_metrics.hpp, in the adjacency's order:
// result[k] belongs to the k-th pair of the concatenation of neighbours(0), neighbours(1), ...
// Their mean is evaluate_reconstruction's mean rank.
template <class DistanceRow>
std::vector<std::uint64_t> neighbour_ranks(const Adjacency& neighbours, DistanceRow&& distance_row,
                                           RankingOptions options = {}) {
  const std::size_t n = neighbours.node_count();
  std::vector<std::size_t> first(n + 1, 0);
  for (std::size_t u = 0; u < n; ++u)
    first[u + 1] = first[u] + neighbours.degree(u);
  std::vector<std::uint64_t> ranks(first[n], 0);
  const std::vector<NodeId> ranked = detail::ranked_nodes(neighbours);
  detail::rank_rows(
      ranked, n, detail::resolve_threads(options.threads, ranked.size()), distance_row,
      [&](RowRanker& ranker, std::size_t, NodeId u, std::span<const double> row) {
        ranker.rank(u, row, neighbours.neighbours(u), {},
                    std::span<std::uint64_t>(ranks).subspan(first[u], neighbours.degree(u)));
      });
  return ranks;
}

// For each pair (u, v) of `closure` (adjacency order, as neighbour_ranks): the number of edges on
// the shortest path u -> ... -> v that uses only edges of the transitive reduction (edges not
// implied by a two-step path). `closure` must be a transitively closed DAG, child -> ancestors;
// a pair that the reduction does not connect (the input was not closed) gets 0.
inline std::vector<std::uint32_t> hop_distances(const Adjacency& closure) {
  const std::size_t n = closure.node_count();
  // The reduction's edges out of each node: ancestors v of u not reachable through another one.
  std::vector<std::vector<NodeId>> parents(n);
  for (const Edge& e : closure.transitive_reduction())
    parents[e.from].push_back(e.to);
  std::vector<std::uint32_t> hops;
  hops.reserve(closure.pair_count());
  std::vector<std::uint32_t> hop(n, 0);  // 0 = not reached (u itself is never its own ancestor)
  std::vector<NodeId> frontier, next, touched;
  for (std::size_t u = 0; u < n; ++u) {
    // Breadth-first search upward from u: every ancestor is reached, each at its shortest hop.
    frontier.assign(1, static_cast<NodeId>(u));
    touched.clear();
    for (std::uint32_t level = 1; !frontier.empty(); ++level) {
      next.clear();
      for (NodeId x : frontier)
        for (NodeId p : parents[x])
          if (hop[p] == 0 && p != u) {
            hop[p] = level;
            next.push_back(p);
            touched.push_back(p);
          }
      frontier.swap(next);
    }
    for (NodeId v : closure.neighbours(u))
      hops.push_back(hop[v]);
    for (NodeId v : touched)
      hop[v] = 0;
  }
  return hops;
}

// Each node's largest hop distance to any of its ancestors (0 for a root), from hop_distances.
inline std::vector<std::uint32_t> reduction_depths(const Adjacency& closure,
                                                   std::span<const std::uint32_t> hops) {
  if (hops.size() != closure.pair_count())
    throw std::invalid_argument("reduction_depths: " + std::to_string(hops.size()) +
                                " hop distances for " + std::to_string(closure.pair_count()) +
                                " pairs");
  std::vector<std::uint32_t> depth(closure.node_count(), 0);
  std::size_t k = 0;
  for (std::size_t u = 0; u < closure.node_count(); ++u)
    for (std::size_t j = 0; j < closure.degree(u); ++j, ++k)
      depth[u] = std::max(depth[u], hops[k]);
  return depth;
}

struct RankGroup {
  std::uint64_t pairs = 0;
  std::uint64_t rank_sum = 0;
  double mean_rank() const { return pairs ? static_cast<double>(rank_sum) / pairs : 0.0; }
  // Rank beyond the ideal 1 for every pair: what the group adds to (mean rank - 1).
  std::uint64_t excess() const { return rank_sum - pairs; }
};

// Sums ranks by key: group k collects the pairs with keys[i] == k; keys >= `groups` go to the
// last group (an "and more" bucket).
inline std::vector<RankGroup> group_ranks(std::span<const std::uint64_t> ranks,
                                          std::span<const std::uint32_t> keys, std::size_t groups) {
  if (ranks.size() != keys.size())
    throw std::invalid_argument("group_ranks: " + std::to_string(ranks.size()) + " ranks, " +
                                std::to_string(keys.size()) + " keys");
  if (groups == 0) throw std::invalid_argument("group_ranks: no groups");
  std::vector<RankGroup> result(groups);
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    if (ranks[i] == 0) continue;  // u itself: not a pair
    RankGroup& g = result[std::min<std::size_t>(keys[i], groups - 1)];
    ++g.pairs;
    g.rank_sum += ranks[i];
  }
  return result;
}

}  // namespace hyperbolic::graph
