#pragma once
// The transitive closure of WordNet's noun hypernym hierarchy: an edge u -> v for every synset v
// reachable from u by hypernym pointers (no reflexive edges). Two variants, because published
// datasets differ in how they treat instance hypernyms (`@i`, e.g. einstein.n.01 -> physicist):
//  - every_level: `@` and `@i` are both followed at every step. This is the count quoted in
//    Nickel & Kiela (2017): 743,241 edges on WordNet 3.0.
//  - leading_only: a path may use `@i` only before its first `@` (paths `@i* @*`). This is what
//    the reference script (poincare-embeddings, wordnet/transitive_closure.py, via NLTK) builds:
//    743,086 edges. Some instances point to other instances (paternoster.n.01 -@i->
//    lord's_prayer.n.01), so this is a little more than following `@i` strictly as the first hop.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hyperbolic/graph/edge_list.hpp"
#include "hyperbolic/graph/subtree.hpp"
#include "hyperbolic/graph/wordnet.hpp"

namespace hyperbolic::graph::wordnet {

enum class InstanceHypernyms { every_level, leading_only };

// Node ids of the result equal indices into nouns.synsets; every synset is a node. Edges are
// sorted by (child, parent).
inline EdgeList hypernym_closure(const Nouns& nouns,
                                 InstanceHypernyms rule = InstanceHypernyms::every_level) {
  const std::size_t n = nouns.synsets.size();
  EdgeList closure;
  closure.names.reserve(n);
  for (const Synset& s : nouns.synsets)
    closure.names.push_back(s.name);

  // visited_stamp[phase][node] == source + 1 marks a node reached from `source` in that phase:
  // phase 0 = only `@i` used so far, phase 1 = some `@` used (then only `@` may follow).
  std::vector<std::uint32_t> visited_stamp[2] = {std::vector<std::uint32_t>(n, 0),
                                                 std::vector<std::uint32_t>(n, 0)};
  std::vector<std::uint32_t> emitted_stamp(n, 0);
  struct State {
    NodeId node;
    int phase;
  };
  std::vector<State> stack;
  std::vector<NodeId> reached;

  for (std::size_t source = 0; source < n; ++source) {
    const auto stamp = static_cast<std::uint32_t>(source + 1);
    reached.clear();
    stack.clear();
    stack.push_back({static_cast<NodeId>(source), 0});
    visited_stamp[0][source] = stamp;
    const auto visit = [&](NodeId next, int phase) {
      if (visited_stamp[phase][next] == stamp) return;
      visited_stamp[phase][next] = stamp;
      stack.push_back({next, phase});
      if (emitted_stamp[next] != stamp && next != source) {
        emitted_stamp[next] = stamp;
        reached.push_back(next);
      }
    };
    while (!stack.empty()) {
      const State state = stack.back();
      stack.pop_back();
      const Synset& synset = nouns.synsets[state.node];
      const bool instances_allowed = rule == InstanceHypernyms::every_level || state.phase == 0;
      const int phase_after_hypernym = rule == InstanceHypernyms::every_level ? 0 : 1;
      for (NodeId parent : synset.hypernyms)
        visit(parent, phase_after_hypernym);
      if (instances_allowed)
        for (NodeId parent : synset.instance_hypernyms)
          visit(parent, 0);
    }
    std::sort(reached.begin(), reached.end());
    for (NodeId parent : reached)
      closure.edges.push_back({static_cast<NodeId>(source), parent});
  }
  return closure;
}

// The direct hypernym graph (one edge per `@` or `@i` pointer), node ids as in nouns.synsets.
inline EdgeList direct_hypernyms(const Nouns& nouns) {
  EdgeList graph;
  for (const Synset& s : nouns.synsets)
    graph.names.push_back(s.name);
  for (std::size_t i = 0; i < nouns.synsets.size(); ++i) {
    for (NodeId p : nouns.synsets[i].hypernyms)
      graph.edges.push_back({static_cast<NodeId>(i), p});
    for (NodeId p : nouns.synsets[i].instance_hypernyms)
      graph.edges.push_back({static_cast<NodeId>(i), p});
  }
  return graph;
}

// The reference mammal dataset (poincare-embeddings, wordnet/mammals_filter.txt) removes the
// edges of two direct hyponyms of mammal.n.01 that are not taxa: female_mammal.n.01 and
// tusker.n.01 (its other filter lines never match). Both are leaves, so they vanish as nodes.
inline std::vector<std::string> reference_mammal_exclusions() {
  return {"female_mammal.n.01", "tusker.n.01"};
}

// The mammal subtree of a noun closure as the reference builds it: 1,180 nodes, 6,540 edges on
// WordNet 3.0 (1,182 / 6,542 without the exclusions). Pass `excluded = {}` for the plain subtree.
inline EdgeList mammal_closure(
    const EdgeList& noun_closure,
    const std::vector<std::string>& excluded = reference_mammal_exclusions()) {
  return subtree_closure(noun_closure, "mammal.n.01", excluded);
}

}  // namespace hyperbolic::graph::wordnet
