#pragma once
// The subtree of a transitively closed hierarchy below one root: the root, every node with an
// edge to it, and the closure edges between those nodes. Nodes listed in `excluded` are dropped
// with their edges (the reference mammal dataset drops two, see mammal_closure).

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "hyperbolic/graph/edge_list.hpp"

namespace hyperbolic::graph {

// `closure` must be transitively closed (child -> every ancestor). Node ids of the result follow
// the order of the ids in `closure`; edges keep their order.
inline EdgeList subtree_closure(const EdgeList& closure, std::string_view root,
                                const std::vector<std::string>& excluded = {}) {
  std::size_t root_id = closure.names.size();
  for (std::size_t i = 0; i < closure.names.size(); ++i)
    if (closure.names[i] == root) root_id = i;
  if (root_id == closure.names.size())
    throw std::invalid_argument("subtree_closure: root '" + std::string(root) +
                                "' is not a node of the graph");

  std::vector<char> inside(closure.names.size(), 0);
  inside[root_id] = 1;
  for (const Edge& e : closure.edges)
    if (e.to == root_id) inside[e.from] = 1;
  const std::unordered_set<std::string_view> dropped(excluded.begin(), excluded.end());
  for (std::size_t i = 0; i < closure.names.size(); ++i)
    if (inside[i] && dropped.contains(closure.names[i])) inside[i] = 0;

  constexpr NodeId absent = UINT32_MAX;
  std::vector<NodeId> new_id(closure.names.size(), absent);
  EdgeList subtree;
  for (std::size_t i = 0; i < closure.names.size(); ++i) {
    if (!inside[i]) continue;
    new_id[i] = static_cast<NodeId>(subtree.names.size());
    subtree.names.push_back(closure.names[i]);
  }
  for (const Edge& e : closure.edges)
    if (new_id[e.from] != absent && new_id[e.to] != absent)
      subtree.edges.push_back({new_id[e.from], new_id[e.to]});
  return subtree;
}

}  // namespace hyperbolic::graph
