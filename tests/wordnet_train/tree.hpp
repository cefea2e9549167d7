#pragma once
// A complete tree (branching b, depth h) and its transitive closure, child -> every ancestor:
// the smallest stand-in for a hypernym closure.
#include <cstddef>
#include <vector>

#include "hyperbolic/graph/edge_list.hpp"

namespace wordnet_train_test {

struct Tree {
  std::size_t node_count = 0;
  std::vector<hyperbolic::graph::Edge> closure;
};

inline Tree complete_tree_closure(std::size_t branching, std::size_t depth) {
  Tree t;
  std::vector<std::size_t> parent{0};  // parent[0] unused (root)
  std::vector<std::size_t> level{0}, frontier{0};
  for (std::size_t d = 1; d <= depth; ++d) {
    std::vector<std::size_t> next;
    for (std::size_t p : frontier)
      for (std::size_t k = 0; k < branching; ++k) {
        parent.push_back(p);
        next.push_back(parent.size() - 1);
      }
    frontier = next;
  }
  t.node_count = parent.size();
  for (std::size_t u = 1; u < t.node_count; ++u)
    for (std::size_t a = parent[u];; a = parent[a]) {
      t.closure.push_back(
          {static_cast<hyperbolic::graph::NodeId>(u), static_cast<hyperbolic::graph::NodeId>(a)});
      if (a == 0) break;
    }
  return t;
}

}  // namespace wordnet_train_test
