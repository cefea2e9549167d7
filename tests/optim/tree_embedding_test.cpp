// A balanced binary tree of depth 5 (63 nodes) embedded in the 2-D Poincare
// disk with the Nickel & Kiela (2017) softmax loss and RiemannianAdam.
// - Tree edges (each node's parent and children are its neighbours): MAP 1,
//   growing the tree one level at a time (each new node starts a short
//   Riemannian step from its parent). From a random start the same loss
//   tangles subtrees and stops at MAP ~0.93-0.97.
// - Transitive closure (all ancestors and descendants are neighbours): MAP
//   ~0.98 from a random start; 1 is out of reach in two dimensions
//   (docs/optimizers.md), so that case checks a lower bar.

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "optim_test_support.hpp"

using namespace hyperbolic;
using namespace hyperbolic::optim;

namespace {

enum class Relation { edges, closure };

struct Tree {
  index_t n = 0;
  std::vector<index_t> parent, level;  // nodes are numbered level by level
  // edges: parent and children; closure: all ancestors and descendants.
  std::vector<std::vector<char>> related;
};

Tree balanced_tree(int branching, int depth, Relation relation) {
  Tree t;
  std::vector<index_t> parent = {-1};
  std::vector<index_t> level = {0};
  for (int d = 1; d <= depth; ++d) {
    const std::size_t prev = parent.size();
    for (std::size_t u = 0; u < prev; ++u)
      if (level[u] == d - 1)
        for (int b = 0; b < branching; ++b) {
          parent.push_back(index_t(u));
          level.push_back(d);
        }
  }
  t.n = index_t(parent.size());
  t.parent = parent;
  t.level = level;
  t.related.assign(std::size_t(t.n), std::vector<char>(std::size_t(t.n), 0));
  for (index_t u = 0; u < t.n; ++u)
    for (index_t a = parent[std::size_t(u)]; a >= 0; a = parent[std::size_t(a)]) {
      t.related[std::size_t(u)][std::size_t(a)] = t.related[std::size_t(a)][std::size_t(u)] = 1;
      if (relation == Relation::edges) break;
    }
  return t;
}

// The subtree of the levels <= `depth` (a prefix of the node numbering).
Tree top_levels(const Tree& t, index_t depth) {
  index_t count = 0;
  while (count < t.n && t.level[std::size_t(count)] <= depth)
    ++count;
  Tree s;
  s.n = count;
  s.parent.assign(t.parent.begin(), t.parent.begin() + count);
  s.level.assign(t.level.begin(), t.level.begin() + count);
  for (index_t u = 0; u < count; ++u)
    s.related.emplace_back(t.related[std::size_t(u)].begin(),
                           t.related[std::size_t(u)].begin() + count);
  return s;
}

// Reconstruction MAP: for every node, rank all other nodes by distance and
// average the precision at the rank of each related node.
template <class M>
double mean_average_precision(const M& m, const ManifoldParameter<M>& p, const Tree& t) {
  double total = 0;
  index_t counted = 0;
  std::vector<double> d(std::size_t(t.n));
  for (index_t u = 0; u < t.n; ++u) {
    for (index_t w = 0; w < t.n; ++w)
      d[std::size_t(w)] = double(m.dist(p.row(u), p.row(w)));
    double ap = 0;
    index_t positives = 0;
    for (index_t v = 0; v < t.n; ++v) {
      if (!t.related[std::size_t(u)][std::size_t(v)]) continue;
      index_t closer_related = 0, closer = 0;
      for (index_t w = 0; w < t.n; ++w) {
        if (w == u || d[std::size_t(w)] > d[std::size_t(v)]) continue;
        ++closer;
        closer_related += t.related[std::size_t(u)][std::size_t(w)];
      }
      ap += double(closer_related) / double(closer);
      ++positives;
    }
    if (positives) {
      total += ap / double(positives);
      ++counted;
    }
  }
  return total / double(counted);
}

// Full-batch Nickel-Kiela loss: for every related (u, v), -log of the softmax
// of -d(u, v) against -d(u, w) for every w unrelated to u. Accumulates the
// Euclidean gradient through dist_backward; returns the loss.
template <class M>
double nk_loss_grad(const M& m, const ManifoldParameter<M>& p, const Tree& t,
                    std::vector<typename M::scalar>& grad) {
  using T = typename M::scalar;
  const index_t n = t.n, dim = p.dim();
  std::fill(grad.begin(), grad.end(), T(0));
  std::vector<double> dist(std::size_t(n * n)), coef(std::size_t(n * n), 0.0);
  for (index_t u = 0; u < n; ++u)
    for (index_t w = 0; w < n; ++w)
      dist[std::size_t(u * n + w)] = double(m.dist(p.row(u), p.row(w)));
  double loss = 0;
  for (index_t u = 0; u < n; ++u) {
    // log-sum-exp over the negatives of u, shared by all its positives.
    double neg_max = -1e300;
    for (index_t w = 0; w < n; ++w)
      if (w != u && !t.related[std::size_t(u)][std::size_t(w)])
        neg_max = std::max(neg_max, -dist[std::size_t(u * n + w)]);
    for (index_t v = 0; v < n; ++v) {
      if (!t.related[std::size_t(u)][std::size_t(v)]) continue;
      const double dv = dist[std::size_t(u * n + v)];
      const double mx = std::max(neg_max, -dv);
      double z = std::exp(-dv - mx);
      for (index_t w = 0; w < n; ++w)
        if (w != u && !t.related[std::size_t(u)][std::size_t(w)])
          z += std::exp(-dist[std::size_t(u * n + w)] - mx);
      loss += dv + mx + std::log(z);
      // dL/dd(u, v) = 1 - p_v; dL/dd(u, w) = -p_w.
      coef[std::size_t(u * n + v)] += 1.0 - std::exp(-dv - mx) / z;
      for (index_t w = 0; w < n; ++w)
        if (w != u && !t.related[std::size_t(u)][std::size_t(w)])
          coef[std::size_t(u * n + w)] -= std::exp(-dist[std::size_t(u * n + w)] - mx) / z;
    }
  }
  std::vector<T> gu(static_cast<std::size_t>(dim)), gw(static_cast<std::size_t>(dim));
  for (index_t u = 0; u < n; ++u)
    for (index_t w = 0; w < n; ++w) {
      const double c = coef[std::size_t(u * n + w)];
      if (c == 0.0) continue;
      m.dist_backward(p.row(u), p.row(w), T(c), Row<T>(gu), Row<T>(gw));
      for (index_t i = 0; i < dim; ++i) {
        grad[std::size_t(u * dim + i)] += gu[std::size_t(i)];
        grad[std::size_t(w * dim + i)] += gw[std::size_t(i)];
      }
    }
  return loss;
}

using Ball = PoincareBall<double>;

struct TreeRun {
  double loss = 0, map = 0, max_radius = 0;
};

// Full-batch Adam on the Nickel-Kiela loss, warm-up + cosine schedule,
// starting from (and leaving the result in) `points`.
TreeRun train(const Ball& m, const Tree& t, std::vector<double>& points, double peak_lr,
              std::int64_t epochs) {
  ManifoldParameter<Ball> p(m, t.n, 2);
  std::copy(points.begin(), points.end(), p.data().begin());
  RiemannianAdam<Ball> opt(p, AdamOptions<double>{});
  const auto sched = schedule::warmup_cosine(peak_lr, 100, epochs, 0.05 * peak_lr);
  std::vector<double> grad(p.data().size());
  TreeRun run;
  for (std::int64_t e = 0; e < epochs; ++e) {
    opt.set_lr(sched(opt.steps()));
    run.loss = nk_loss_grad(m, p, t, grad);
    opt.step(p, grad);
  }
  points.assign(p.data().begin(), p.data().end());
  run.map = mean_average_precision(m, p, t);
  for (index_t u = 0; u < t.n; ++u)
    run.max_radius = std::max(run.max_radius, double(m.dist0(p.row(u))));
  return run;
}

void report(const std::string& what, const TreeRun& run) {
  char line[240];
  std::snprintf(line, sizeof line, "%s: loss %.4f, MAP %.6f, max d(o, x) %.2f", what.c_str(),
                run.loss, run.map, run.max_radius);
  MESSAGE(std::string(line));
}

}  // namespace

TEST_CASE("balanced tree of depth 5 in the 2-D Poincare disk: tree edges reach MAP 1") {
  const Ball m(1.0);
  const Tree tree = balanced_tree(2, 5, Relation::edges);
  REQUIRE(tree.n == 63);
  for (std::uint64_t seed : {3u, 4u, 5u}) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> jitter(-1e-3, 1e-3);
    std::vector<double> points;
    TreeRun run;
    for (index_t depth = 1; depth <= 5; ++depth) {
      const Tree sub = top_levels(tree, depth);
      const index_t old = index_t(points.size() / 2);
      points.resize(std::size_t(2 * sub.n));
      // A new node starts a Riemannian step of length ~1e-3 from its parent
      // (the root: near the origin). The Euclidean tangent is divided by the
      // conformal factor lambda_x so the step stays short far out.
      for (index_t u = old; u < sub.n; ++u) {
        double v[2] = {jitter(rng), jitter(rng)};
        double* x = points.data() + 2 * u;
        if (u == 0) {
          x[0] = v[0];
          x[1] = v[1];
          continue;
        }
        const ConstRow<double> parent(points.data() + 2 * sub.parent[std::size_t(u)], 2);
        const double lambda = m.lambda_x(parent);
        v[0] /= lambda;
        v[1] /= lambda;
        m.expmap(parent, ConstRow<double>(v, 2), Row<double>(x, 2));
      }
      run = train(m, sub, points, 0.05, 300);
    }
    report("tree edges, grown level by level, seed " + std::to_string(seed), run);
    // Every node's parent and children are closer to it than any other node.
    CHECK(run.map == 1.0);
    CHECK(std::isfinite(run.loss));
  }
}

TEST_CASE("balanced tree of depth 5 in the 2-D Poincare disk: transitive closure") {
  const Ball m(1.0);
  const Tree tree = balanced_tree(2, 5, Relation::closure);
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> init(-1e-3, 1e-3);
  std::vector<double> points(std::size_t(2 * tree.n));
  for (double& v : points)
    v = init(rng);
  const TreeRun run = train(m, tree, points, 0.1, 1500);
  report("tree closure, random start, 1500 epochs", run);
  // Scored against all ancestors and descendants MAP stops at ~0.95-0.985
  // for every seed, learning rate, schedule, curvature and curriculum we
  // tried; the misses are depth-1 nodes whose sibling ranks above some of
  // their own leaves (docs/optimizers.md). Already the 15-node depth-3 tree
  // stops at 0.96-0.98. Ranking by the tree's own metric gives 0.73-0.86.
  CHECK(run.map > 0.95);
}
