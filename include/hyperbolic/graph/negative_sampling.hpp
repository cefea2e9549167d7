#pragma once
// Negative sampling as the reference trainer does it (poincare-embeddings, hype/graph_dataset.pyx):
// for a training pair (u, v), draw `count` distinct nodes n with n != u and (u, n) not a training
// edge, either uniformly over all nodes or, during burn-in, in proportion to a node's weight
// (its number of appearances as an edge's parent, raised to a dampening power: 0.75 by default,
// 1.0 in the reference noun script). After 10 * count draws it stops; slots still empty are
// filled by repeating negatives already drawn, and if none was found, u itself is used (its
// distance to itself is 0, so it adds a constant to the loss) - both as the reference does.
//
// Deterministic: the result depends only on the inputs and the state of the caller's generator.
// Thread-safe: sample() is const; give each thread (or each batch) its own Xoshiro256.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "hyperbolic/graph/adjacency.hpp"
#include "hyperbolic/graph/alias_table.hpp"
#include "hyperbolic/graph/edge_list.hpp"
#include "hyperbolic/graph/random.hpp"

namespace hyperbolic::graph {

enum class NegativeDistribution {
  uniform,  // every node equally likely (main training)
  degree,   // proportional to parent_degree_weights (burn-in)
};

// weight[n] = (number of edges u -> n)^power: how the reference weighs nodes for burn-in draws.
inline std::vector<double> parent_degree_weights(std::size_t node_count,
                                                 std::span<const Edge> edges, double power = 0.75) {
  std::vector<double> weights(node_count, 0.0);
  for (const Edge& e : edges) {
    if (e.to >= node_count)
      throw std::invalid_argument("parent_degree_weights: node " + std::to_string(e.to) +
                                  " outside 0.." + std::to_string(node_count) + "-1");
    weights[e.to] += 1.0;
  }
  for (double& w : weights)
    w = std::pow(w, power);
  return weights;
}

struct NegativeSamplerOptions {
  std::size_t tries_per_negative = 10;  // the reference gives up after 10 * count draws
};

class NegativeSampler {
 public:
  // `forbidden`: for each u, the nodes that must not be negatives of u (the training edges in the
  // orientation the trainer uses; the reference uses u -> v only). `degree_weights` may be empty
  // when only uniform draws are needed.
  NegativeSampler(const Adjacency& forbidden, std::span<const double> degree_weights = {},
                  NegativeSamplerOptions options = {})
      : forbidden_(&forbidden), options_(options) {
    if (forbidden.node_count() == 0) throw std::invalid_argument("NegativeSampler: empty graph");
    if (!degree_weights.empty()) {
      if (degree_weights.size() != forbidden.node_count())
        throw std::invalid_argument("NegativeSampler: " + std::to_string(degree_weights.size()) +
                                    " degree weights for " +
                                    std::to_string(forbidden.node_count()) + " nodes");
      by_degree_ = AliasTable(degree_weights);
    }
  }

  std::size_t node_count() const { return forbidden_->node_count(); }

  // Fills all of `out` with negatives for u; returns how many distinct negatives were found
  // (out.size() unless u has almost every node as a neighbour or the degree weights are narrow).
  std::size_t sample(NodeId u, std::span<NodeId> out, NegativeDistribution distribution,
                     Xoshiro256& rng) const {
    if (out.empty()) return 0;
    check_node(u);
    if (distribution == NegativeDistribution::degree && by_degree_.size() == 0)
      throw std::logic_error("NegativeSampler: degree draws need degree weights");
    const std::size_t found = draw_distinct(u, out, [&] {
      return distribution == NegativeDistribution::uniform
                 ? static_cast<NodeId>(rng.uniform_index(node_count()))
                 : by_degree_.sample(rng);
    });
    std::size_t filled = found;
    if (filled == 0) out[filled++] = u;
    for (std::size_t i = filled; i < out.size(); ++i)
      out[i] = out[rng.uniform_index(filled)];
    return found;
  }

  // Hard negatives: draws up to out.size() distinct negatives for u uniformly from `candidates`
  // (e.g. the other descendants of the positive: the nodes the ranking must put behind it),
  // with the same rules (not u, not a forbidden neighbour of u, 10 tries per slot). Returns how
  // many were found; they fill out[0, found) and the rest of `out` is left as it was, for the
  // caller to fill from another distribution.
  std::size_t sample_from(NodeId u, std::span<const NodeId> candidates, std::span<NodeId> out,
                          Xoshiro256& rng) const {
    if (out.empty() || candidates.empty()) return 0;
    check_node(u);
    return draw_distinct(u, out, [&] {
      const NodeId n = candidates[rng.uniform_index(candidates.size())];
      check_node(n);
      return n;
    });
  }

 private:
  void check_node(NodeId n) const {
    if (n >= node_count())
      throw std::out_of_range("NegativeSampler: node " + std::to_string(n) + " outside 0.." +
                              std::to_string(node_count()) + "-1");
  }

  // Draws with `next()` until out is full or 10 * out.size() draws are spent, keeping distinct
  // nodes that are neither u nor forbidden for u; returns how many it kept.
  template <class Next>
  std::size_t draw_distinct(NodeId u, std::span<NodeId> out, Next next) const {
    const std::size_t max_tries = options_.tries_per_negative * out.size();
    // u's forbidden nodes as bits in a per-thread bitmap (a draw is then tested with one load,
    // not a binary search whose branches the core cannot predict); for a long neighbour list
    // marking it would cost more than the searches it saves.
    const auto row = forbidden_->neighbours(u);
    const bool use_marks = row.size() <= kMarkedNeighboursMax;
    thread_local std::vector<std::uint64_t> marks;
    if (use_marks) {
      const std::size_t words = (node_count() + 63) / 64;
      if (marks.size() < words) marks.assign(words, 0);
      for (NodeId v : row)
        marks[v >> 6] |= std::uint64_t{1} << (v & 63);
    }
    struct ClearMarks {  // the words hold only u's bits: clear them for the next call, even
      bool active;       // when a bad candidate throws
      std::span<const NodeId> row;
      ~ClearMarks() {
        if (active)
          for (NodeId v : row)
            marks[v >> 6] = 0;
      }
    } clear_marks{use_marks, row};
    auto forbidden = [&](NodeId n) {
      return use_marks ? ((marks[n >> 6] >> (n & 63)) & 1u) != 0
                       : std::binary_search(row.begin(), row.end(), n);
    };
    // The nodes kept so far, as bits too: a duplicate is found with one load, so a call costs
    // O(out.size()) draws whatever the count (a scan of `out` per draw made large counts, e.g.
    // --negatives in the thousands, quadratic: a hang in practice).
    thread_local std::vector<std::uint64_t> kept;
    if (const std::size_t words = (node_count() + 63) / 64; kept.size() < words)
      kept.assign(words, 0);
    std::size_t found = 0;
    struct ClearKept {  // as ClearMarks: the words hold only this call's bits
      std::span<const NodeId> out;
      const std::size_t& found;
      ~ClearKept() {
        for (std::size_t i = 0; i < found; ++i)
          kept[out[i] >> 6] = 0;
      }
    } clear_kept{out, found};
    for (std::size_t tries = 0; tries < max_tries && found < out.size(); ++tries) {
      const NodeId n = next();
      if (n == u || forbidden(n)) continue;
      std::uint64_t& word = kept[n >> 6];
      const std::uint64_t mask = std::uint64_t{1} << (n & 63);
      if (word & mask) continue;
      word |= mask;
      out[found++] = n;
    }
    return found;
  }

  static constexpr std::size_t kMarkedNeighboursMax = 256;
  const Adjacency* forbidden_;
  NegativeSamplerOptions options_;
  AliasTable by_degree_;
};

}  // namespace hyperbolic::graph
