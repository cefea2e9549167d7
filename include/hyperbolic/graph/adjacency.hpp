#pragma once
// Sorted neighbour lists (compressed sparse rows) of an edge list, for fast membership tests
// (binary search) in ranking metrics and negative sampling. Duplicate edges are merged and
// self-loops dropped: neither carries information for ranking or sampling.

#include <algorithm>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "hyperbolic/graph/edge_list.hpp"

namespace hyperbolic::graph {

// Which pairs count as neighbours of u.
enum class NeighbourSet {
  outgoing,   // v with an edge u -> v (for a closure: u's ancestors). The reference protocol.
  symmetric,  // v with an edge u -> v or v -> u (ancestors and descendants).
};

class Adjacency {
 public:
  Adjacency() = default;

  Adjacency(std::size_t node_count, std::span<const Edge> edges,
            NeighbourSet neighbours = NeighbourSet::outgoing)
      : offsets_(node_count + 1, 0) {
    for (const Edge& e : edges) {
      if (e.from >= node_count || e.to >= node_count) {
        throw std::invalid_argument("Adjacency: edge " + std::to_string(e.from) + " -> " +
                                    std::to_string(e.to) + " names a node outside 0.." +
                                    std::to_string(node_count) + "-1");
      }
    }
    const bool both = neighbours == NeighbourSet::symmetric;
    for (const Edge& e : edges) {
      if (e.from == e.to) continue;
      ++offsets_[e.from + 1];
      if (both) ++offsets_[e.to + 1];
    }
    for (std::size_t u = 0; u < node_count; ++u)
      offsets_[u + 1] += offsets_[u];
    targets_.resize(offsets_[node_count]);
    std::vector<std::size_t> fill(offsets_.begin(), offsets_.end() - 1);
    for (const Edge& e : edges) {
      if (e.from == e.to) continue;
      targets_[fill[e.from]++] = e.to;
      if (both) targets_[fill[e.to]++] = e.from;
    }
    // Sort each row and squeeze out duplicates, compacting rows in place.
    std::size_t write = 0;
    for (std::size_t u = 0; u < node_count; ++u) {
      const auto first = targets_.begin() + static_cast<std::ptrdiff_t>(offsets_[u]);
      const auto last = targets_.begin() + static_cast<std::ptrdiff_t>(offsets_[u + 1]);
      std::sort(first, last);
      const auto unique_end = std::unique(first, last);
      offsets_[u] = write;
      for (auto it = first; it != unique_end; ++it)
        targets_[write++] = *it;
    }
    offsets_[node_count] = write;
    targets_.resize(write);
    targets_.shrink_to_fit();
  }

  Adjacency(const EdgeList& graph, NeighbourSet neighbours = NeighbourSet::outgoing)
      : Adjacency(graph.node_count(), graph.edges, neighbours) {}

  std::size_t node_count() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  // Number of (u, v) neighbour pairs over all u.
  std::size_t pair_count() const { return targets_.size(); }
  std::size_t degree(std::size_t u) const { return offsets_[u + 1] - offsets_[u]; }

  // Sorted, distinct, without u itself.
  std::span<const NodeId> neighbours(std::size_t u) const {
    return {targets_.data() + offsets_[u], degree(u)};
  }

  bool contains(std::size_t u, std::size_t v) const {
    const auto row = neighbours(u);
    return std::binary_search(row.begin(), row.end(), static_cast<NodeId>(v));
  }

  // Whether a two-step path u -> w -> v (w != v) exists: on a transitive closure, whether the
  // pair (u, v) lies outside the transitive reduction.
  bool has_two_step_path(std::size_t u, std::size_t v) const {
    for (NodeId w : neighbours(u))
      if (w != v && contains(w, v)) return true;
    return false;
  }

  // The pairs (u, v) that no two-step path implies, in adjacency order: on a transitive
  // closure (child -> ancestors), the transitive reduction (child -> direct parent).
  std::vector<Edge> transitive_reduction() const {
    std::vector<Edge> reduction;
    for (std::size_t u = 0; u < node_count(); ++u)
      for (NodeId v : neighbours(u))
        if (!has_two_step_path(u, v)) reduction.push_back({static_cast<NodeId>(u), v});
    return reduction;
  }

 private:
  std::vector<std::size_t> offsets_;
  std::vector<NodeId> targets_;
};

}  // namespace hyperbolic::graph
