#pragma once
// Mean rank and mean average precision (MAP) of an embedding, by the reference protocol
// (Nickel & Kiela 2017; poincare-embeddings hype/graph.py, eval_reconstruction):
//  - every node u with at least one neighbour is ranked; distances from u to all nodes are taken,
//    u itself excluded;
//  - the rank of a neighbour v of u is 1 + the number of non-neighbours w with d(u,w) < d(u,v)
//    (other neighbours closer than v do not push it down); mean rank is over all (u, v) pairs;
//  - the average precision of u ranks all nodes but u by distance, neighbours as the positives
//    (sklearn's average_precision_score, ties at one distance counted together); MAP is the mean
//    over ranked nodes.
// Who counts as a neighbour is decided by the Adjacency passed in: the reference builds it from
// the training edges as given (child -> every ancestor for a closure: NeighbourSet::outgoing).
//
// Ties: a non-neighbour at exactly the distance of a neighbour does not count as closer for the
// rank (the reference's sort order is arbitrary there). NaN distances count as +infinity.
//
// Distances come through a callable `void(std::size_t u, std::span<double> out)` that fills
// out[w] = d(u, w) for every node w (any value at out[u]); it is called from several threads at
// once, for different u and different `out`. Results do not depend on the number of threads.
// Only the order of distances matters, so the callable may return any strictly increasing function
// of the distance (e.g. the argument of acosh of the Poincare distance, which skips the acosh).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "hyperbolic/graph/adjacency.hpp"

namespace hyperbolic::graph {

struct RankingOptions {
  unsigned threads = 0;  // 0: std::thread::hardware_concurrency()
};

struct RankingResult {
  double mean_rank = 0;
  double mean_average_precision = 0;
  std::size_t ranked_nodes = 0;  // nodes with at least one neighbour
  std::size_t ranked_pairs = 0;  // (u, v) neighbour pairs
  double wall_seconds = 0;
  unsigned threads = 0;
};

// Rank statistics of one node.
struct NodeRanking {
  std::uint64_t rank_sum = 0;  // sum over neighbours of their rank
  std::size_t neighbours = 0;
  double average_precision = 0;
};

// Ranks the neighbours of one node given its row of distances; keeps scratch space between rows.
class RowRanker {
 public:
  explicit RowRanker(std::size_t node_count) : role_(node_count, Role::other) {}

  // `positives`: the neighbours of u; `ignored`: nodes left out of the ranking altogether (the
  // training edges in link prediction). Both may contain u (it is skipped).
  // `ranks`, if not empty (one slot per positive): receives each positive's rank (0 for u).
  NodeRanking rank(std::size_t u, std::span<const double> distances,
                   std::span<const NodeId> positives, std::span<const NodeId> ignored = {},
                   std::span<std::uint64_t> ranks = {}) {
    NodeRanking result;
    if (distances.size() != role_.size())
      throw std::invalid_argument("RowRanker: a row of " + std::to_string(distances.size()) +
                                  " distances for " + std::to_string(role_.size()) + " nodes");
    if (!ranks.empty() && ranks.size() != positives.size())
      throw std::invalid_argument("RowRanker: " + std::to_string(ranks.size()) +
                                  " rank slots for " + std::to_string(positives.size()) +
                                  " positives");
    std::fill(ranks.begin(), ranks.end(), std::uint64_t{0});
    positive_distances_.clear();
    for (NodeId v : positives) {
      if (v == u || role_[v] == Role::positive) continue;
      role_[v] = Role::positive;
      positive_distances_.push_back(finite_or_infinity(distances[v]));
    }
    for (NodeId v : ignored)
      if (role_[v] == Role::other) role_[v] = Role::ignored;
    const std::size_t k = positive_distances_.size();

    if (k > 0) {
      std::sort(positive_distances_.begin(), positive_distances_.end());
      const double farthest = positive_distances_.back();
      // closer_[i]: non-neighbours strictly closer than the i-th neighbour (after prefix sums);
      // not_farther_[i]: non-neighbours at most as far.
      closer_.assign(k + 1, 0);
      not_farther_.assign(k + 1, 0);
      for (std::size_t w = 0; w < role_.size(); ++w) {
        const double d = finite_or_infinity(distances[w]);
        if (d > farthest || w == u || role_[w] != Role::other) continue;
        // One binary search; the strict bound differs only when d ties a neighbour (rare).
        const auto first = positive_distances_.begin();
        const auto lower =
            static_cast<std::size_t>(std::lower_bound(first, positive_distances_.end(), d) - first);
        std::size_t upper = lower;
        while (upper < k && positive_distances_[upper] == d)
          ++upper;
        ++closer_[upper];
        ++not_farther_[lower];
      }
      std::uint64_t closer = 0, not_farther = 0;
      double precision_sum = 0;
      for (std::size_t i = 0; i < k; ++i) {
        closer += closer_[i];
        closer_[i] = closer;  // prefix sums: the ranks asked for below
        not_farther += not_farther_[i];
        result.rank_sum += 1 + closer;
        // Neighbours tied with the i-th one are all retrieved at its distance.
        const auto tied_end = std::upper_bound(positive_distances_.begin() + static_cast<long>(i),
                                               positive_distances_.end(), positive_distances_[i]);
        const auto retrieved_positives =
            static_cast<double>(tied_end - positive_distances_.begin());
        precision_sum +=
            retrieved_positives / (retrieved_positives + static_cast<double>(not_farther));
      }
      result.neighbours = k;
      result.average_precision = precision_sum / static_cast<double>(k);
      // Tied neighbours share a rank (no non-neighbour lies between them), so the first of the
      // tie gives it.
      for (std::size_t j = 0; j < ranks.size(); ++j) {
        if (positives[j] == u) {
          ranks[j] = 0;
          continue;
        }
        const double d = finite_or_infinity(distances[positives[j]]);
        const auto i = std::lower_bound(positive_distances_.begin(), positive_distances_.end(), d) -
                       positive_distances_.begin();
        ranks[j] = 1 + closer_[static_cast<std::size_t>(i)];
      }
    }

    for (NodeId v : positives)
      role_[v] = Role::other;
    for (NodeId v : ignored)
      role_[v] = Role::other;
    return result;
  }

 private:
  enum class Role : unsigned char { other, positive, ignored };
  static double finite_or_infinity(double d) {
    return std::isnan(d) ? std::numeric_limits<double>::infinity() : d;
  }
  std::vector<Role> role_;
  std::vector<double> positive_distances_;
  std::vector<std::uint64_t> closer_, not_farther_;
};

namespace detail {

inline unsigned resolve_threads(unsigned requested, std::size_t work_items) {
  unsigned threads = requested != 0 ? requested : std::max(1u, std::thread::hardware_concurrency());
  if (work_items < threads) threads = static_cast<unsigned>(std::max<std::size_t>(1, work_items));
  return threads;
}

// Runs body(worker_state, item) for items 0..count-1 on `threads` threads (dynamic chunks);
// rethrows the first exception after all threads have stopped.
template <class MakeState, class Body>
void parallel_for(std::size_t count, unsigned threads, MakeState&& make_state, Body&& body) {
  constexpr std::size_t chunk = 64;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  const auto work = [&] {
    try {
      auto state = make_state();
      while (!failed.load(std::memory_order_relaxed)) {
        const std::size_t begin = next.fetch_add(chunk);
        if (begin >= count) break;
        const std::size_t end = std::min(count, begin + chunk);
        for (std::size_t i = begin; i < end; ++i)
          body(state, i);
      }
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      failed = true;
    }
  };
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back(work);
    for (auto& thread : pool)
      thread.join();
  }
  if (error) std::rethrow_exception(error);
}

// The nodes with at least one positive, in id order.
inline std::vector<NodeId> ranked_nodes(const Adjacency& positives) {
  std::vector<NodeId> ranked;
  for (std::size_t u = 0; u < positives.node_count(); ++u)
    if (positives.degree(u) > 0) ranked.push_back(static_cast<NodeId>(u));
  return ranked;
}

// Fills each ranked node's distance row on `threads` threads and hands it to
// rank_node(ranker, i, u, row), each thread with its own RowRanker and row.
template <class DistanceRow, class RankNode>
void rank_rows(std::span<const NodeId> ranked, std::size_t node_count, unsigned threads,
               DistanceRow& distance_row, RankNode&& rank_node) {
  struct Worker {
    RowRanker ranker;
    std::vector<double> row;
  };
  parallel_for(
      ranked.size(), threads,
      [&] {
        return Worker{RowRanker(node_count), std::vector<double>(node_count)};
      },
      [&](Worker& worker, std::size_t i) {
        const NodeId u = ranked[i];
        distance_row(static_cast<std::size_t>(u), std::span<double>(worker.row));
        rank_node(worker.ranker, i, u, std::span<const double>(worker.row));
      });
}

}  // namespace detail

// Ranks, for every node u with positives, positives[u] against all nodes but u and ignored[u]
// (`ignored` may be null). The building block of reconstruction and link prediction.
template <class DistanceRow>
RankingResult evaluate_ranking(const Adjacency& positives, const Adjacency* ignored,
                               DistanceRow&& distance_row, RankingOptions options = {}) {
  const auto start = std::chrono::steady_clock::now();
  const std::size_t n = positives.node_count();
  if (ignored != nullptr && ignored->node_count() != n)
    throw std::invalid_argument("evaluate_ranking: positives have " + std::to_string(n) +
                                " nodes, ignored pairs " + std::to_string(ignored->node_count()));
  const std::vector<NodeId> ranked = detail::ranked_nodes(positives);

  RankingResult result;
  result.threads = detail::resolve_threads(options.threads, ranked.size());
  std::vector<NodeRanking> per_node(ranked.size());
  detail::rank_rows(ranked, n, result.threads, distance_row,
                    [&](RowRanker& ranker, std::size_t i, NodeId u, std::span<const double> row) {
                      per_node[i] = ranker.rank(
                          u, row, positives.neighbours(u),
                          ignored != nullptr ? ignored->neighbours(u) : std::span<const NodeId>{});
                    });

  // Sum in node order so that the result does not depend on the thread count.
  std::uint64_t rank_sum = 0;
  double precision_sum = 0;
  for (const NodeRanking& node : per_node) {
    rank_sum += node.rank_sum;
    result.ranked_pairs += node.neighbours;
    precision_sum += node.average_precision;
  }
  result.ranked_nodes = per_node.size();
  if (result.ranked_pairs > 0)
    result.mean_rank = static_cast<double>(rank_sum) / static_cast<double>(result.ranked_pairs);
  if (result.ranked_nodes > 0)
    result.mean_average_precision = precision_sum / static_cast<double>(result.ranked_nodes);
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

// Reconstruction: how well the distances recover the neighbours they were trained on.
template <class DistanceRow>
RankingResult evaluate_reconstruction(const Adjacency& neighbours, DistanceRow&& distance_row,
                                      RankingOptions options = {}) {
  return evaluate_ranking(neighbours, nullptr, std::forward<DistanceRow>(distance_row), options);
}

}  // namespace hyperbolic::graph
