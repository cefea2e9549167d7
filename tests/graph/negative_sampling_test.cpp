#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <stdexcept>
#include <vector>

#include "hyperbolic/graph/alias_table.hpp"
#include "hyperbolic/graph/negative_sampling.hpp"
#include "hyperbolic/graph/random.hpp"

using namespace hyperbolic::graph;

namespace {
// A star of 5 leaves under node 0 plus a chain 6 -> 7 -> 8 (closed: 6 -> 8), 10 nodes (9 isolated).
const std::vector<Edge> star_edges = {{1, 0}, {2, 0}, {3, 0}, {4, 0},
                                      {5, 0}, {6, 7}, {7, 8}, {6, 8}};
}  // namespace

TEST_CASE("random: reproducible streams, bounded draws") {
  Xoshiro256 a(42, 3), b(42, 3), c(42, 4), d(43, 3);
  const auto first = a();
  CHECK(first == b());
  CHECK(first != c());
  CHECK(first != d());
  Xoshiro256 rng(1);
  for (int i = 0; i < 10000; ++i) {
    CHECK(rng.uniform_index(7) < 7);
    const double x = rng.uniform_real();
    CHECK((x >= 0 && x < 1));
  }
  CHECK(rng.uniform_index(1) == 0);
}

TEST_CASE("alias table: draws follow the weights, zero weights never drawn") {
  const std::vector<double> weights = {1, 0, 3, 6};
  const AliasTable table(weights);
  Xoshiro256 rng(5);
  std::vector<int> counts(4, 0);
  const int draws = 200000;
  for (int i = 0; i < draws; ++i)
    ++counts[table.sample(rng)];
  CHECK(counts[1] == 0);
  CHECK(counts[0] / double(draws) == doctest::Approx(0.1).epsilon(0.05));
  CHECK(counts[2] / double(draws) == doctest::Approx(0.3).epsilon(0.02));
  CHECK(counts[3] / double(draws) == doctest::Approx(0.6).epsilon(0.02));
  CHECK_THROWS_AS(AliasTable(std::vector<double>{0, 0}), std::invalid_argument);
  CHECK_THROWS_AS(AliasTable(std::vector<double>{1, -1}), std::invalid_argument);
}

TEST_CASE("negative sampling: parent degree weights") {
  const auto w = parent_degree_weights(10, star_edges, 1.0);
  CHECK(w[0] == 5);
  CHECK(w[8] == 2);
  CHECK(w[7] == 1);
  CHECK(w[1] == 0);
  const auto damped = parent_degree_weights(10, star_edges, 0.75);
  CHECK(damped[0] == doctest::Approx(std::pow(5.0, 0.75)));
}

TEST_CASE("negative sampling: never u or a neighbour of u, distinct, deterministic") {
  const Adjacency adj(10, star_edges);
  const auto weights = parent_degree_weights(10, star_edges);
  const NegativeSampler sampler(adj, weights);
  for (NegativeDistribution dist : {NegativeDistribution::uniform, NegativeDistribution::degree}) {
    for (NodeId u = 0; u < 10; ++u) {
      std::vector<NodeId> out(4), again(4);
      Xoshiro256 rng(11, u), same(11, u);
      const std::size_t found = sampler.sample(u, out, dist, rng);
      sampler.sample(u, again, dist, same);
      CHECK(out == again);
      const std::set<NodeId> distinct(out.begin(), out.begin() + static_cast<long>(found));
      CHECK(distinct.size() == found);
      for (NodeId n : out) {
        if (found == 0) break;
        CHECK(n != u);
        CHECK_FALSE(adj.contains(u, n));
        if (dist == NegativeDistribution::degree) CHECK(weights[n] > 0);
      }
    }
  }
}

TEST_CASE("negative sampling: uniform draws reach every allowed node") {
  const Adjacency adj(10, star_edges);
  const NegativeSampler sampler(adj);
  Xoshiro256 rng(3);
  std::set<NodeId> seen;
  std::vector<NodeId> out(3);
  for (int i = 0; i < 200; ++i) {
    CHECK(sampler.sample(6, out, NegativeDistribution::uniform, rng) == 3);
    seen.insert(out.begin(), out.end());
  }
  CHECK(seen == std::set<NodeId>{0, 1, 2, 3, 4, 5, 9});  // all but 6 and its parents 7, 8
  CHECK_THROWS_AS(sampler.sample(6, out, NegativeDistribution::degree, rng), std::logic_error);
  CHECK_THROWS_AS(sampler.sample(10, out, NegativeDistribution::uniform, rng), std::out_of_range);
}

TEST_CASE("negative sampling: too few candidates repeat found ones; none found gives u") {
  // Node 0 is the parent of 1..4; under degree weights only 0 and 8 and 7 can be drawn.
  const Adjacency adj(10, star_edges);
  const NegativeSampler sampler(adj, parent_degree_weights(10, star_edges));
  Xoshiro256 rng(9);
  std::vector<NodeId> out(50);
  // For node 1, degree-drawn candidates are 7 and 8 (0 is its parent): 2 distinct, repeated.
  CHECK(sampler.sample(1, out, NegativeDistribution::degree, rng) == 2);
  for (NodeId n : out)
    CHECK((n == 7 || n == 8));

  // A node whose edges reach every other node has no negatives: u fills the slots.
  std::vector<Edge> everything;
  for (NodeId v = 1; v < 4; ++v)
    everything.push_back({0, v});
  const Adjacency full(4, everything);
  const NegativeSampler none(full);
  std::vector<NodeId> few(5);
  CHECK(none.sample(0, few, NegativeDistribution::uniform, rng) == 0);
  CHECK(few == std::vector<NodeId>(5, 0));
}

TEST_CASE("negative sampling: short and long neighbour lists exclude the same nodes") {
  // Node 0 points to nodes 1..600 (a list longer than the sampler's bitmap limit), node 601 to
  // nodes 1..100 (within it), nodes 602..999 to nothing. Neither may draw a neighbour, and the
  // bitmap left by one call must not leak into the next (node 602 may draw any node but itself).
  std::vector<Edge> edges;
  for (NodeId v = 1; v <= 600; ++v)
    edges.push_back({0, v});
  for (NodeId v = 1; v <= 100; ++v)
    edges.push_back({601, v});
  const Adjacency adj(1000, edges);
  const NegativeSampler sampler(adj);
  Xoshiro256 rng(17);
  std::vector<NodeId> out(50);
  std::set<NodeId> seen_by_602;
  for (int round = 0; round < 40; ++round) {
    CHECK(sampler.sample(0, out, NegativeDistribution::uniform, rng) == 50);
    for (NodeId n : out)
      CHECK(n > 600);  // neither u (0) nor one of its 600 neighbours
    CHECK(sampler.sample(601, out, NegativeDistribution::uniform, rng) == 50);
    for (NodeId n : out)
      CHECK(((n == 0 || n > 100) && n != 601));
    sampler.sample(602, out, NegativeDistribution::uniform, rng);
    seen_by_602.insert(out.begin(), out.end());
  }
  CHECK(seen_by_602.count(602) == 0);
  // 2,000 uniform draws over 999 nodes: nodes 1..100 (forbidden for 601 a moment earlier) show up.
  std::size_t low = 0;
  for (NodeId n : seen_by_602)
    low += n >= 1 && n <= 100;
  CHECK(low > 50);
}

TEST_CASE("random: uniform_index covers small ranges evenly") {
  Xoshiro256 rng(123);
  std::vector<int> counts(6, 0);
  for (int i = 0; i < 60000; ++i)
    ++counts[rng.uniform_index(6)];
  for (int c : counts)
    CHECK(c == doctest::Approx(10000).epsilon(0.05));
  // Large n: the high word of the product must be right (not only the low word).
  std::uint64_t max_seen = 0;
  for (int i = 0; i < 1000; ++i)
    max_seen = std::max(max_seen, rng.uniform_index(1ull << 62));
  CHECK(max_seen > (1ull << 61));
}

TEST_CASE("hard negatives: drawn only from the candidates, never u or its neighbours, distinct") {
  // Node 6's parents are 7 and 8. Candidates: 0..9; allowed for 6: 0..5 and 9.
  const Adjacency adj(10, star_edges);
  const NegativeSampler sampler(adj);
  const std::vector<NodeId> candidates = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::set<NodeId> seen;
  Xoshiro256 rng(5);
  for (int round = 0; round < 100; ++round) {
    std::vector<NodeId> out(3, 777);
    REQUIRE(sampler.sample_from(6, candidates, out, rng) == 3);
    CHECK(std::set<NodeId>(out.begin(), out.end()).size() == 3);
    seen.insert(out.begin(), out.end());
  }
  CHECK(seen == std::set<NodeId>{0, 1, 2, 3, 4, 5, 9});

  // Too few allowed candidates: only those are returned, the rest of `out` is left untouched
  // for the caller. Node 1's candidates {0 (its parent), 1 (itself), 2}: only 2 is allowed.
  std::vector<NodeId> out(4, 777);
  const std::vector<NodeId> siblings = {0, 1, 2};
  CHECK(sampler.sample_from(1, siblings, out, rng) == 1);
  CHECK(out == std::vector<NodeId>{2, 777, 777, 777});
  CHECK(sampler.sample_from(1, std::vector<NodeId>{}, out, rng) == 0);
  // Deterministic for a given generator state.
  Xoshiro256 a(8), b(8);
  std::vector<NodeId> x(4), y(4);
  sampler.sample_from(9, candidates, x, a);
  sampler.sample_from(9, candidates, y, b);
  CHECK(x == y);
  // A candidate outside the graph is an error naming it, and leaves no stale state behind: the
  // failed call for node 6 had marked its parents 7 and 8, which node 9 may still draw.
  const std::vector<NodeId> bad = {42};
  CHECK_THROWS_WITH_AS(sampler.sample_from(6, bad, out, rng), doctest::Contains("node 42"),
                       std::out_of_range);
  std::set<NodeId> after;
  for (int round = 0; round < 100; ++round) {
    std::vector<NodeId> three(3);
    sampler.sample(9, three, NegativeDistribution::uniform, rng);
    after.insert(three.begin(), three.end());
  }
  CHECK(after == std::set<NodeId>{0, 1, 2, 3, 4, 5, 6, 7, 8});
}

TEST_CASE("negative sampling: more negatives than nodes costs linear time, not quadratic") {
  // The mammals case: 5000 negatives asked of 1180 nodes. Every node but u is found once, the
  // rest repeats them; 10 * 5000 draws per call, each tested in O(1). (A scan of the kept
  // nodes per draw took about 10 * 5000 * 1180 steps per call: seconds for this loop.)
  constexpr NodeId n = 1180;
  std::vector<Edge> chain;
  for (NodeId v = 1; v < n; ++v)
    chain.push_back({v, v - 1});
  const Adjacency adj(n, chain);
  const NegativeSampler sampler(adj);
  Xoshiro256 rng(5);
  std::vector<NodeId> out(5000);
  const auto start = std::chrono::steady_clock::now();
  std::size_t found = 0;
  for (int call = 0; call < 400; ++call)
    found = sampler.sample(5, out, NegativeDistribution::uniform, rng);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(found == n - 2);  // all but 5 itself and its parent 4
  CHECK(seconds < 2.0);
  std::set<NodeId> distinct(out.begin(), out.end());
  CHECK(distinct.size() == found);
  CHECK(distinct.count(5) == 0);
  CHECK(distinct.count(4) == 0);
}
