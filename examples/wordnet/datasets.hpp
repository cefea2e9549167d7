#pragma once
// The graphs the WordNet tools work on: the noun hypernym closure, its mammal subtree, or a
// user's child<TAB>parent edge list.
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>

#include "hyperbolic/graph/edge_list.hpp"
#include "hyperbolic/graph/wordnet.hpp"
#include "hyperbolic/graph/wordnet_closure.hpp"

namespace hyperbolic::wordnet_train {

// `data`: "mammals", "nouns" (read from the WordNet folder `dict`) or the path of a TSV.
inline graph::EdgeList load_graph(const std::string& data, const std::string& dict) {
  if (data == "mammals" || data == "nouns") {
    const auto nouns = graph::wordnet::read_nouns(dict);
    auto closure = graph::wordnet::hypernym_closure(nouns);
    return data == "mammals" ? graph::wordnet::mammal_closure(closure) : std::move(closure);
  }
  if (!std::filesystem::exists(data))
    throw std::runtime_error("--data: '" + data +
                             "' is neither 'mammals', 'nouns' nor an existing edge-list file");
  return graph::read_edge_list_tsv(data);
}

}  // namespace hyperbolic::wordnet_train
