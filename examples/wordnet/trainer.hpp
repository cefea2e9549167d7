#pragma once
// Hierarchy-embedding trainer after Nickel & Kiela (2017) and their reference implementation
// (poincare-embeddings): every training edge (u, v) is scored against `negatives` sampled nodes
// n with a softmax over -distance; the loss is the cross-entropy of picking v:
//   loss(u, v) = d(u, v) + log( exp(-d(u, v)) + sum_n exp(-d(u, n)) )  ... (log-sum-exp form)
// averaged over a batch of edges, minimised by Riemannian SGD (the reference's) or the library's
// Riemannian Adam on sparse rows. The first `burnin_epochs` epochs run at lr * burnin_lr_factor
// with negatives drawn by parent degree.
//
// Gradients come from cpu::DistanceFan (an edge's 51 distances and their partials, the same
// numbers as the manifold's dist_partials / dist_backward_from) and each touched row takes one
// step of the library's Riemannian SGD (optim::sgd_step_row, no momentum, so no state: the
// reference's update) or Adam (optim::adam_step_row on the row's own state). Poincare: the
// retraction x - lr*rgrad, then the reference's boundary clamp (poincare::clamp_norm);
// Lorentz: the exponential map (under SGD with the tangent step clipped to length 1 by
// optim::step_clip_factor, applied to the Euclidean gradient, which egrad2rgrad maps linearly),
// then projx and the optional radius clamp (lorentz::clamp_radius); Euclidean: x - lr*grad.
// No geometry is written here: clamps, clip and ranking keys are the library's, for any c.
//
// Curvature: the hyperbolic models run at a fixed c (TrainConfig::curvature, default 1) or learn
// it (learn_curvature). A learned c moves each row as expmap0_c(v) with v = logmap0(row) held
// fixed: every node keeps its direction and its distance from the origin (its depth in the
// hierarchy) while the space around it curves more or less. (Holding the ball's coordinates
// fixed instead makes dL/dc explode: a row at the clamp, 1 - c|x|^2 ~ 2e-5, crosses the boundary
// when c grows by 2e-5 relative; measured, c fell to 1e-48 within 25 epochs on the small tree.)
// Each batch's dL/dc comes from the manifold's backward passes: dist_backward's return for every
// distance (the rows held fixed) plus, for every touched row, expmap0_backward's return at
// v (the chart's term). Once per epoch rho of an optim::CurvatureParameter (c = softplus(rho))
// takes one SGD step on the mean over the epoch's batches, and every row moves to the new c (then
// the ball's clamp or the hyperboloid's radius clamp).
//
// Determinism: a "sync group" of `sync_batches` consecutive batches is computed against one
// snapshot of the embedding, spread over the threads; then the coalesced gradient of each batch
// is applied in batch order, every row by one thread (rows partitioned by id). Batch b of epoch e
// draws its negatives from Xoshiro256(seed, e * n_batches + b) and the epoch's shuffle from its
// own stream, so the result depends on (seed, sync_batches) only - not on the thread count - and
// the state after an epoch is just the embedding (and Adam's per-row state): resuming from a
// checkpoint is exact.
//
// Data parallel (a distributed::Communicator of N ranks, docs/distributed-wordnet.md): batch j of
// a sync group is computed by rank j mod N (and there over its threads); the ranks then exchange
// their batches' coalesced gradients (rows, values, loss) with one all_gather per group, and every
// rank applies all batches in batch order as above. The batches' gradients are the same bits
// wherever they were computed, so the embedding is bitwise identical for any number of ranks and
// threads. The communicator is called from the calling thread only (MPI_THREAD_FUNNELED).
#include <algorithm>
#include <barrier>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <variant>
#include <new>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sys/mman.h>

#include "hyperbolic/cpu/distance_fan.hpp"
#include "hyperbolic/cpu/ranking_keys.hpp"
#include "hyperbolic/distributed/communicator.hpp"
#include "hyperbolic/distributed/replica_check.hpp"
#include "hyperbolic/graph/adjacency.hpp"
#include "hyperbolic/graph/edge_list.hpp"
#include "hyperbolic/graph/negative_sampling.hpp"
#include "hyperbolic/graph/random.hpp"
#include "hyperbolic/manifolds/euclidean.hpp"
#include "hyperbolic/manifolds/lorentz/clamp.hpp"
#include "hyperbolic/manifolds/lorentz/lorentz.hpp"
#include "hyperbolic/manifolds/poincare/clamp.hpp"
#include "hyperbolic/manifolds/poincare/poincare_ball.hpp"
#include "hyperbolic/optim/adam_row.hpp"
#include "hyperbolic/optim/curvature.hpp"
#include "hyperbolic/optim/sgd.hpp"
#include "hyperbolic/optim/sgd_row.hpp"
#include "hyperbolic/optim/step_clip.hpp"

namespace hyperbolic::wordnet_train {

using graph::Edge;
using graph::NodeId;
using graph::Xoshiro256;

enum class Model : std::uint32_t { poincare = 0, lorentz = 1, euclidean = 2 };

// The reference's plain Riemannian SGD, or the library's Riemannian Adam (sparse rows: a row's
// moments and bias correction advance only when a batch touches it).
enum class Optimizer : std::uint32_t { sgd = 0, adam = 1 };

inline const char* model_name(Model m) {
  switch (m) {
    case Model::poincare:
      return "poincare";
    case Model::lorentz:
      return "lorentz";
    case Model::euclidean:
      return "euclidean";
  }
  return "?";
}

// Everything that decides the trajectory (stored in checkpoints and checked on resume).
struct TrainConfig {
  Model model = Model::poincare;
  std::uint32_t dim = 5;  // intrinsic dimension (Lorentz rows store dim + 1)
  double lr = 0.3;
  std::uint32_t burnin_epochs = 20;
  double burnin_lr_factor = 0.01;  // REFERENCES.md: 20 burn-in epochs at lr/100
  std::uint32_t negatives = 50;
  std::uint32_t burnin_negatives = 50;
  double degree_power = 0.75;  // burn-in negatives ~ (parent degree)^power
  std::uint32_t batch = 50;
  std::uint32_t sync_batches = 1;  // batches computed against one snapshot
  std::uint64_t seed = 0;
  double init_range = 1e-4;  // coordinates uniform in [-init_range, init_range]
  // Poincare: the reference's boundary clamp, as a fraction of the ball's radius 1/sqrt(c) (at
  // c = 1 the largest norm of a row).
  double max_norm = 1 - 1e-5;
  double lorentz_step_clip = 1.0;  // Lorentz: the reference's norm_clip on the tangent step
  // Lorentz: largest distance from the origin (0 = none), in units of the curvature radius
  // 1/sqrt(c) (at c = 1 the distance). Beyond ~16 the Minkowski square of a tangent vector
  // cancels to within double rounding (coordinates ~e^r / 2), the hyperboloid's counterpart of
  // the ball's max_norm.
  double lorentz_max_radius = 0;
  // Curvature -c of the hyperbolic models (Euclidean: must stay 1, unused). With
  // learn_curvature, the starting value of a c learned through optim::CurvatureParameter
  // (softplus map): one SGD step of rho per epoch at curvature_lr on the epoch's mean dL/dc,
  // the rows moving with c along the chart described at the top (Adam's moments are kept as
  // they are).
  double curvature = 1.0;
  bool learn_curvature = false;
  double curvature_lr = 0.05;
  // Annealing after burn-in: the lr factor falls linearly from 1 at epoch lr_decay_start to
  // lr_final_factor at lr_decay_end and stays there; off while lr_decay_end <= lr_decay_start.
  // (On the nouns it barely moved the mean rank: docs/wordnet.md.)
  std::uint32_t lr_decay_start = 0;
  std::uint32_t lr_decay_end = 0;
  double lr_final_factor = 1.0;
  Optimizer optimizer = Optimizer::sgd;
  double adam_beta1 = 0.9;
  double adam_beta2 = 0.999;
  double adam_eps = 1e-8;
  // Adam first, then the reference's SGD: from epoch sgd_from_epoch on (0 = never; Adam only)
  // the rows take SGD steps with base lr sgd_lr (burn-in and the schedule's factor still apply).
  // Adam lays the hierarchy out in far fewer epochs; SGD then lowers the mean rank further
  // (docs/wordnet.md). Adam's state is kept, unused, after the switch.
  std::uint32_t sgd_from_epoch = 0;
  double sgd_lr = 0;
  // Hard negatives: from epoch subtree_negatives_from on (after burn-in), this many of the
  // `negatives` of an edge (u, v) are drawn from v's other descendants instead of all nodes:
  // u's siblings and cousins under v, the nodes that outrank a direct parent in the evaluation
  // (docs/wordnet.md, "the direct parents") and that a uniform draw almost never picks.
  std::uint32_t subtree_negatives = 0;
  std::uint32_t subtree_negatives_from = 0;
  // Direct-parent weight: from epoch parent_edge_repeats_from on (after burn-in), every edge of
  // the transitive reduction (child -> direct parent) is trained this many times per epoch
  // instead of once. In the closure a leaf's direct parent is one of ~9 ancestors pulling on it
  // equally, and the direct parents carry most of the mean rank (docs/wordnet.md).
  std::uint32_t parent_edge_repeats = 1;
  std::uint32_t parent_edge_repeats_from = 0;

  bool lr_decays() const { return lr_decay_end > lr_decay_start; }
  bool switches_to_sgd() const { return optimizer == Optimizer::adam && sgd_from_epoch > 0; }

  // The optimizer that steps the rows in an epoch.
  Optimizer optimizer_at(std::uint32_t epoch) const {
    return switches_to_sgd() && epoch >= sgd_from_epoch ? Optimizer::sgd : optimizer;
  }

  // The learning rate of an epoch (burn-in, then the schedule).
  double lr_at(std::uint32_t epoch) const {
    const double base = optimizer_at(epoch) == optimizer ? lr : sgd_lr;
    if (epoch < burnin_epochs) return base * burnin_lr_factor;
    if (!lr_decays() || epoch <= lr_decay_start) return base;
    if (epoch >= lr_decay_end) return base * lr_final_factor;
    const double t = double(epoch - lr_decay_start) / double(lr_decay_end - lr_decay_start);
    return base * (1.0 + (lr_final_factor - 1.0) * t);
  }

  // How many of an epoch's negatives per edge come from the positive's descendants.
  std::uint32_t subtree_negatives_at(std::uint32_t epoch) const {
    return epoch < burnin_epochs || epoch < subtree_negatives_from ? 0 : subtree_negatives;
  }

  // How often an epoch trains each direct-parent edge (1 = as often as any other edge).
  std::uint32_t parent_edge_repeats_at(std::uint32_t epoch) const {
    return epoch < burnin_epochs || epoch < parent_edge_repeats_from ? 1 : parent_edge_repeats;
  }

  std::size_t row_size() const { return model == Model::lorentz ? dim + 1 : dim; }

  void validate() const {
    auto fail = [](const std::string& what) {
      throw std::invalid_argument("train config: " + what);
    };
    if (dim == 0) fail("dim must be positive");
    if (!(lr > 0) || !std::isfinite(lr)) fail("lr must be positive, got " + std::to_string(lr));
    if (!(burnin_lr_factor > 0)) fail("burn-in lr factor must be positive");
    if (negatives == 0 || burnin_negatives == 0) fail("negatives must be positive");
    if (batch == 0) fail("batch must be positive");
    if (sync_batches == 0) fail("sync_batches must be positive");
    if (!(init_range > 0)) fail("init range must be positive");
    if (!(max_norm > 0 && max_norm < 1)) fail("max_norm must be in (0, 1)");
    if (!(curvature > 0) || !std::isfinite(curvature))
      fail("curvature must be positive and finite, got " + std::to_string(curvature));
    if (model == Model::euclidean && (curvature != 1.0 || learn_curvature))
      fail("the Euclidean model has no curvature (curvature " + std::to_string(curvature) +
           (learn_curvature ? ", learned" : "") + ")");
    if (learn_curvature && (!(curvature_lr > 0) || !std::isfinite(curvature_lr)))
      fail("curvature lr must be positive, got " + std::to_string(curvature_lr));
    if (!(lorentz_max_radius >= 0 && lorentz_max_radius < 700))
      fail("lorentz max radius must be in [0, 700), got " + std::to_string(lorentz_max_radius));
    if (optimizer == Optimizer::adam) {
      if (!(adam_beta1 >= 0 && adam_beta1 < 1))
        fail("adam beta1 must be in [0, 1), got " + std::to_string(adam_beta1));
      if (!(adam_beta2 >= 0 && adam_beta2 < 1))
        fail("adam beta2 must be in [0, 1), got " + std::to_string(adam_beta2));
      if (!(adam_eps > 0) || !std::isfinite(adam_eps))
        fail("adam eps must be positive, got " + std::to_string(adam_eps));
    }
    if (sgd_from_epoch > 0) {
      if (optimizer != Optimizer::adam)
        fail("a switch to SGD (at epoch " + std::to_string(sgd_from_epoch) +
             ") needs the Adam optimizer first");
      if (!(sgd_lr > 0) || !std::isfinite(sgd_lr))
        fail("sgd lr after the switch must be positive, got " + std::to_string(sgd_lr));
    }
    if (parent_edge_repeats == 0 || parent_edge_repeats > 100)
      fail("parent edge repeats must be in 1..100, got " + std::to_string(parent_edge_repeats));
    if (subtree_negatives > negatives)
      fail("subtree negatives (" + std::to_string(subtree_negatives) +
           ") cannot exceed the negatives per edge (" + std::to_string(negatives) + ")");
    if (lr_decays() && !(lr_final_factor > 0 && std::isfinite(lr_final_factor)))
      fail("lr final factor must be positive, got " + std::to_string(lr_final_factor));
  }
};

// FNV-1a over raw bytes: identifies a graph or a payload (not cryptographic).
inline std::uint64_t fnv1a(const void* data, std::size_t size,
                           std::uint64_t hash = 0xcbf29ce484222325ull) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) {
    hash ^= bytes[i];
    hash *= 0x100000001b3ull;
  }
  return hash;
}

inline std::uint64_t graph_fingerprint(std::size_t node_count, std::span<const Edge> edges) {
  const std::uint64_t n = node_count;
  return fnv1a(edges.data(), edges.size_bytes(), fnv1a(&n, sizeof n));
}

// Allocator for the embedding: 2 MiB-aligned and marked for transparent huge pages, so that the
// random row accesses of training need few TLB entries (the nouns' 6.5 MB are 1,600 small pages,
// more than the TLB holds). Measured alone its gain was within run-to-run noise; it costs nothing.
template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    constexpr std::size_t huge = std::size_t(2) << 20;
    const std::size_t bytes = (n * sizeof(T) + huge - 1) / huge * huge;
    void* p = std::aligned_alloc(huge, bytes);
    if (!p) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE  // Linux; elsewhere the hint is skipped
    ::madvise(p, bytes, MADV_HUGEPAGE);
#endif
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t) noexcept {
    std::free(p);
  }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
};
using Embedding = std::vector<double, HugePageAllocator<double>>;

// Initial embedding: coordinates uniform in [-r, r] (Lorentz: the space part; time recomputed).
inline Embedding initial_embedding(const TrainConfig& config, std::size_t node_count) {
  const std::size_t a = config.row_size();
  Embedding x(node_count * a);
  Xoshiro256 rng(config.seed ^ 0x1A17E3B0u, 0xFFFFFFFFFFFF0001ull);
  for (std::size_t r = 0; r < node_count; ++r) {
    double* row = x.data() + r * a;
    const std::size_t first = config.model == Model::lorentz ? 1 : 0;
    for (std::size_t k = first; k < a; ++k)
      row[k] = (2 * rng.uniform_real() - 1) * config.init_range;
    if (config.model == Model::lorentz)
      Lorentz<double>(config.curvature)
          .projx(ConstRow<double>(row, index_t(a)), Row<double>(row, index_t(a)));
  }
  return x;
}

// Asks for the cache lines of a row of `size` doubles (it may straddle two or three lines; the
// first and the last byte cover rows of up to 8 doubles exactly and most longer ones).
inline void prefetch_row(const double* row, std::size_t size) noexcept {
  const char* p = reinterpret_cast<const char*>(row);
  __builtin_prefetch(p);
  __builtin_prefetch(p + size * sizeof(double) - 1);
}

// ---- per-model geometry: distance + backward, Riemannian step, ranking surrogate -------------

template <class M>
struct Geometry;

// Riemannian Adam's per-row state (empty under SGD): the first moment (a tangent row), the
// second moment (one scalar per row on the hyperbolic models, one per coordinate on Euclidean
// space: optim/second_moment.hpp) and the row's own step count for the bias correction.
struct AdamState {
  Embedding exp_avg, exp_avg_sq;  // huge pages, like the embedding: accessed as randomly
  std::vector<std::int64_t, HugePageAllocator<std::int64_t>> steps;
  std::size_t row_size = 0, width = 0;

  AdamState() = default;
  AdamState(const TrainConfig& config, std::size_t node_count)
      : exp_avg(node_count * config.row_size(), 0.0),
        steps(node_count, 0),
        row_size(config.row_size()),
        width(config.model == Model::euclidean ? config.row_size() : 1) {
    exp_avg_sq.assign(node_count * width, 0.0);
  }
  // The row's state is scattered like the rows themselves: ask for it with the row (measured:
  // +8% edges/s on the nouns, Adam, 2 threads).
  void prefetch(std::size_t row) const noexcept {
    prefetch_row(exp_avg.data() + row * row_size, row_size);
    __builtin_prefetch(exp_avg_sq.data() + row * width);
    __builtin_prefetch(steps.data() + row);
  }
};

// The row bounds of a model at curvature c: the ball's clamp norm (a fraction of its radius
// 1/sqrt(c)) and the hyperboloid's radius bound (a distance in units of 1/sqrt(c)), from the
// library's poincare::clamp_norm_at and lorentz::radius_bound. At c = 1 exactly the
// reference's numbers (max_norm itself; cosh R, sinh R).
struct RowBounds {
  double ball_max_norm = 0;
  bool clamps_radius = false;
  lorentz::RadiusBound<double> radius;

  RowBounds(const TrainConfig& cfg, double c) noexcept
      : ball_max_norm(poincare::clamp_norm_at(c, cfg.max_norm)),
        clamps_radius(cfg.lorentz_max_radius > 0) {
    if (clamps_radius) radius = lorentz::radius_bound(c, cfg.lorentz_max_radius / std::sqrt(c));
  }
};

// One step of the library's row optimizer: plain Riemannian SGD (stateless without momentum,
// the reference's update) or Riemannian Adam on the row's own state. The epoch builds the step
// once (its hyperparameters) and each thread brings its own workspace.
struct RowStep {
  optim::SgdHyper<double> sgd;
  optim::AdamHyper<double> adam;
  const TrainConfig* config;
  AdamState* state;  // null under SGD
  RowBounds bounds;  // at the epoch's curvature

  // `adam_state`: null for an SGD epoch.
  RowStep(const TrainConfig& cfg, double learning_rate, double curvature, optim::StepMap map,
          bool project, AdamState* adam_state) noexcept
      : config(&cfg), state(adam_state), bounds(cfg, curvature) {
    sgd.lr = adam.lr = learning_rate;
    sgd.policy.step_map = adam.policy.step_map = map;
    sgd.policy.project = adam.policy.project = project;
    adam.beta1 = cfg.adam_beta1;
    adam.beta2 = cfg.adam_beta2;
    adam.eps = cfg.adam_eps;
  }
  double lr() const noexcept { return sgd.lr; }
  bool is_adam() const noexcept { return state != nullptr; }
  // Workspace scalars for rows of `size` (the library step's, plus one row for Lorentz's clip).
  static std::size_t work_size(std::size_t size) {
    const index_t d = index_t(size);
    return static_cast<std::size_t>(std::max(optim::sgd_work_size(d), optim::adam_work_size(d))) +
           size;
  }
  template <class M>
  void library_step(const M& m, Row<double> x, ConstRow<double> egrad, Row<double> work,
                    std::size_t row) const noexcept {
    const index_t d = x.size();
    if (state) {
      const index_t w = index_t(state->width);
      optim::adam_step_row(m, adam, x, egrad, Row<double>(state->exp_avg.data() + row * d, d),
                           Row<double>(state->exp_avg_sq.data() + row * w, w), Row<double>(),
                           state->steps[row], Row<double>(work.data(), optim::adam_work_size(d)));
      return;
    }
    std::int64_t steps = 0;
    optim::sgd_step_row(m, sgd, x, egrad, Row<double>(), steps,
                        Row<double>(work.data(), optim::sgd_work_size(d)));
  }
};

template <>
struct Geometry<PoincareBall<double>> {
  static constexpr optim::StepMap step_map = optim::StepMap::retraction;
  // The ball's projx before and after the step changes nothing here: every row is kept within
  // max_norm < the ball's own bound by the clamp below, and retr projects already.
  static constexpr bool project = false;
  static void step(const PoincareBall<double>& m, const RowStep& rs, Row<double> x,
                   Row<double> grad, Row<double> work, std::size_t row) noexcept {
    rs.library_step(m, x, grad, work, row);
    // NaN passes through (checked per epoch)
    poincare::clamp_norm(x, rs.bounds.ball_max_norm);
  }
  // A row moved to a new curvature into the (new) clamp radius.
  static void fit(const RowBounds& b, Row<double> x) noexcept {
    poincare::clamp_norm(x, b.ball_max_norm);
  }
};

template <>
struct Geometry<Lorentz<double>> {
  static constexpr optim::StepMap step_map = optim::StepMap::exponential;
  static constexpr bool project = true;  // the reference's projx after expmap
  static void step(const Lorentz<double>& m, const RowStep& rs, Row<double> x, Row<double> grad,
                   Row<double> work, std::size_t row) noexcept {
    if (rs.is_adam())  // Adam's step length is lr-sized by construction: no step clip
      rs.library_step(m, x, grad, work, row);
    else
      sgd_step(m, rs, x, grad, work, row);
    // The reference's max_norm on the hyperboloid: rows farther than the radius are pulled
    // back along their ray from the origin.
    if (rs.bounds.clamps_radius) lorentz::clamp_radius(x, rs.bounds.radius);
  }
  static void sgd_step(const Lorentz<double>& m, const RowStep& rs, Row<double> x, Row<double> grad,
                       Row<double> work, std::size_t row) noexcept {
    const index_t d = x.size();
    const Row<double> r(work.data() + RowStep::work_size(std::size_t(d)) - d, d);
    m.egrad2rgrad(x, grad, r);
    const double scale = optim::step_clip_factor(m, ConstRow<double>(x), ConstRow<double>(r),
                                                 rs.lr(), rs.config->lorentz_step_clip);
    for (index_t i = 0; i < d; ++i)
      grad[i] *= scale;
    rs.library_step(m, x, grad, work, row);
  }
  // A row moved to a new curvature within the radius clamp.
  static void fit(const RowBounds& b, Row<double> x) noexcept {
    if (b.clamps_radius) lorentz::clamp_radius(x, b.radius);
  }
};

template <>
struct Geometry<Euclidean<double>> {
  static constexpr optim::StepMap step_map = optim::StepMap::exponential;
  static constexpr bool project = false;  // nothing to project
  static void step(const Euclidean<double>& m, const RowStep& rs, Row<double> x, Row<double> grad,
                   Row<double> work, std::size_t row) noexcept {
    rs.library_step(m, x, grad, work, row);
  }
  static void fit(const RowBounds&, Row<double>) noexcept {}
};

// The learned curvature's chart (hyperbolic models): a row is expmap0_c(v), v = logmap0_c(row)
// held fixed while c moves. Its term of dL/dc for a row x with Euclidean gradient g: the
// manifold's expmap0_backward at v (v and scratch: a row each).
template <class M>
double chart_curvature_gradient(const M& m, ConstRow<double> x, ConstRow<double> g, Row<double> v,
                                Row<double> scratch) noexcept {
  m.logmap0(x, v);
  return m.expmap0_backward(ConstRow<double>(v), g, scratch);
}
// The row moved along the chart from the model `from` to the model `to`, then into to's bounds.
template <class M>
void move_to_curvature(const M& from, const M& to, const RowBounds& to_bounds, Row<double> x,
                       Row<double> v) noexcept {
  from.logmap0(ConstRow<double>(x), v);
  to.expmap0(ConstRow<double>(v), x);
  Geometry<M>::fit(to_bounds, x);
}

// Ranking keys for the evaluation: a strictly increasing function of the distance from row u
// to every node (only the order matters), the library's per-model key (manifolds/ranking_key.hpp:
// Poincare |x-y|^2 / (1-c|y|^2), Lorentz <x-y, x-y>_L, Euclidean |x-y|^2) evaluated by
// cpu::RankingKeys, which vectorises the loop over nodes.
class RankingSurrogate {
 public:
  RankingSurrogate(Model model, double curvature, std::size_t node_count, std::size_t row_size,
                   std::span<const double> x)
      : keys_(make(model, curvature, node_count, row_size, x)) {}
  void operator()(std::size_t u, std::span<double> out) const {
    std::visit([&](const auto& keys) { keys(u, out); }, keys_);
  }

 private:
  using Keys = std::variant<cpu::RankingKeys<PoincareBall<double>>,
                            cpu::RankingKeys<Lorentz<double>>, cpu::RankingKeys<Euclidean<double>>>;
  static Keys make(Model model, double c, std::size_t n, std::size_t a, std::span<const double> x) {
    switch (model) {
      case Model::poincare:
        return cpu::RankingKeys<PoincareBall<double>>(PoincareBall<double>(c), n, a, x);
      case Model::lorentz:
        return cpu::RankingKeys<Lorentz<double>>(Lorentz<double>(c), n, a, x);
      case Model::euclidean:
        break;
    }
    return cpu::RankingKeys<Euclidean<double>>(Euclidean<double>(), n, a, x);
  }
  Keys keys_;
};

// ---- the epoch loop ------------------------------------------------------------------------

// The gradient of one batch, coalesced by row (rows in order of first touch). Its storage is
// also its exchange message (several ranks), so that a rank sends it without packing:
//   u32 rows, u32 batch index, f64 loss, f64 gradients (rows x row size), u32 row ids (padded
//   to 8 bytes)
// all 8-byte aligned; message() writes the header and the ids after the gradients.
class BatchGradient {
 public:
  BatchGradient(std::size_t node_count, std::size_t row_size)
      : slot_(node_count, -1), grad_(header, 0.0), a_(row_size) {}
  double* row(NodeId r) {
    if (slot_[r] < 0) {
      slot_[r] = static_cast<std::int32_t>(rows_.size());
      rows_.push_back(r);
      grad_.resize(grad_.size() + a_, 0.0);
    }
    return grad_.data() + header + static_cast<std::size_t>(slot_[r]) * a_;
  }
  void clear() {
    for (NodeId r : rows_)
      slot_[r] = -1;
    rows_.clear();
    grad_.resize(header);
  }
  // Room for `rows` rows (and the message's ids) without reallocating while the batch
  // accumulates.
  void reserve(std::size_t rows) {
    rows_.reserve(rows);
    grad_.reserve(header + rows * a_ + (rows + 1) / 2);
  }
  std::span<const NodeId> rows() const { return rows_; }
  double* gradient(std::size_t i) { return grad_.data() + header + i * a_; }
  std::size_t row_size() const { return a_; }
  double loss = 0;
  // dL/dc of the batch's loss (learned curvature only; not part of the message: the epoch
  // gathers the batches' values once, at its end).
  double curvature_gradient = 0;

  // The batch as the exchange message of batch `batch` of its group (valid until the batch
  // changes; the gradients stay where gradient() points).
  std::span<const std::byte> message(std::uint32_t batch) {
    const std::uint32_t count = static_cast<std::uint32_t>(rows_.size());
    const std::size_t body = header + std::size_t(count) * a_;
    grad_.resize(body + (count + 1) / 2);
    auto* bytes = reinterpret_cast<unsigned char*>(grad_.data());
    std::memcpy(bytes, &count, 4);
    std::memcpy(bytes + 4, &batch, 4);
    std::memcpy(bytes + 8, &loss, 8);
    if (count % 2) std::memset(bytes + grad_.size() * sizeof(double) - 4, 0, 4);
    if (count) std::memcpy(grad_.data() + body, rows_.data(), count * sizeof(NodeId));
    return std::as_bytes(std::span<const double>(grad_));
  }
  // Bytes of the message of a batch of `rows` rows of `row_size` doubles.
  static std::size_t message_bytes(std::size_t rows, std::size_t row_size) {
    return sizeof(double) * (header + rows * row_size + (rows + 1) / 2);
  }

 private:
  static constexpr std::size_t header = 2;  // doubles: (u32 rows, u32 batch), f64 loss

  std::vector<std::int32_t> slot_;
  std::vector<NodeId> rows_;
  std::vector<double> grad_;
  std::size_t a_;
};

// Another rank's batch, read in place from the exchange's receive buffer.
struct RemoteBatch {
  const std::byte* gradients = nullptr;  // rows x row size f64 (read by memcpy)
  const std::byte* ids = nullptr;        // rows u32
  std::size_t rows = 0;

  NodeId row(std::size_t i) const noexcept {
    NodeId r;
    std::memcpy(&r, ids + i * sizeof(NodeId), sizeof(NodeId));
    return r;
  }
  // Row i's gradient copied into `out` (the step may scale its gradient in place).
  double* gradient(std::size_t i, std::size_t row_size, double* out) const noexcept {
    std::memcpy(out, gradients + i * row_size * sizeof(double), row_size * sizeof(double));
    return out;
  }
};

struct EpochStats {
  double mean_loss = 0;
  std::size_t edges = 0;
  bool finite = true;
  // Data-parallel accounting of this rank (zero bytes and exchange time on one rank): bytes it
  // sent in the gradient exchange, and the calling thread's wall time in the three phases of the
  // sync groups (computing the batches, exchanging them, stepping the rows).
  std::uint64_t exchange_bytes = 0, exchange_rows = 0;
  double compute_seconds = 0, exchange_seconds = 0, step_seconds = 0;
  // The part of exchange_seconds spent inside the communicator's all_gather (the rest: packing
  // this rank's batches and unpacking the others').
  double gather_seconds = 0;
  // The curvature after the epoch and, when it is learned, the epoch's mean dL/dc that stepped it.
  double curvature = 1, curvature_gradient = 0;
  bool curvature_failed = false;  // the step would have left c non-finite or 0: not taken
};

// The communicator of a trainer that was given none.
inline distributed::Communicator& single_process() {
  static distributed::SingleProcess single;
  return single;
}

// Called now and then from the trainer's main thread with (edges done in this epoch).
using ProgressCallback = std::function<void(std::size_t)>;

class Trainer {
 public:
  // `edges`: training edges (child -> parent); `forbidden`: which (u, n) may not be negatives
  // (the training adjacency, outgoing, as in the reference).
  // `comm`: the ranks this trainer is one replica of (it must outlive the trainer); every rank
  // constructs its trainer with the same config and edges and runs the same epochs.
  Trainer(TrainConfig config, std::size_t node_count, std::vector<Edge> edges, unsigned threads,
          distributed::Communicator& comm = single_process())
      : comm_(&comm),
        config_(validated(config)),
        n_(node_count),
        edges_(validated(node_count, std::move(edges))),
        threads_(std::max(1u, threads)),
        forbidden_(node_count, edges_),
        degree_weights_(graph::parent_degree_weights(node_count, edges_, config.degree_power)),
        sampler_(forbidden_, degree_weights_),
        descendants_(config_.subtree_negatives > 0 ? reversed(node_count, edges_)
                                                   : graph::Adjacency()),
        parent_edges_(config_.parent_edge_repeats > 1 ? forbidden_.transitive_reduction()
                                                      : std::vector<Edge>()) {
    // Checked here, not in the workers: a sampler that throws there would end the process.
    for (const std::uint32_t count : {config_.negatives, config_.burnin_negatives})
      if (count >= n_)
        throw std::invalid_argument("trainer: " + std::to_string(count) +
                                    " distinct negatives per edge need more than " +
                                    std::to_string(n_) + " nodes");
    x_ = initial_embedding(config_, n_);
    if (config_.optimizer == Optimizer::adam) adam_ = AdamState(config_, n_);
  }

  // The curvature the next epoch trains at (config().curvature until a learned c has moved).
  double curvature() const { return c_; }
  // rho of the curvature parameter (c = softplus(rho)); a checkpoint keeps it with c.
  double curvature_rho() const { return curvature_param_.rho(); }

  // Restores a saved curvature state: c and rho as they were (NaN rho: derived from c). The
  // rows are taken to be on the model at c already (as a checkpoint saved them).
  void restore_curvature(double c, double rho = std::numeric_limits<double>::quiet_NaN()) {
    if (!(c > 0) || !std::isfinite(c))
      throw std::invalid_argument("trainer: curvature must be positive and finite, got " +
                                  std::to_string(c));
    curvature_param_.set_c(c);
    if (!std::isnan(rho)) curvature_param_.raw().data()[0] = rho;
    c_ = c;
  }
  // Moves the model to curvature c and every row with it along the learned curvature's chart
  // (each keeps its logmap0: direction and distance from the origin), then into the bounds.
  void set_curvature(double c) {
    const double from = c_;
    restore_curvature(c);
    move_rows(from);
  }

  // The loss of batch b of an epoch (its edges, negatives drawn as in training) at the current
  // embedding and curvature, with its dL/dc (the learned curvature's gradient, chart term
  // included). Changes nothing; for tests and diagnostics.
  struct BatchLoss {
    double loss = 0, curvature_gradient = 0;
  };
  BatchLoss batch_loss(std::uint32_t epoch, std::size_t b) const {
    BatchLoss result;
    auto run = [&](const auto& m) {
      using M = std::decay_t<decltype(m)>;
      const std::vector<std::uint32_t> order = epoch_order(epoch);
      if (b >= batches_of(order.size()))
        throw std::invalid_argument("trainer: batch " + std::to_string(b) + " of an epoch of " +
                                    std::to_string(batches_of(order.size())));
      BatchGradient out(n_, config_.row_size());
      Scratch<M> scratch;
      batch_gradient(m, epoch, b, order, out, scratch, true);
      result = {out.loss, out.curvature_gradient};
    };
    with_manifold(run);
    return result;
  }

  const TrainConfig& config() const { return config_; }
  std::size_t node_count() const { return n_; }
  std::span<const Edge> edges() const { return edges_; }
  std::span<const double> embedding() const { return x_; }
  std::uint32_t epochs_done() const { return epoch_; }
  // Batches of an epoch without repeated direct-parent edges.
  std::size_t batches_per_epoch() const { return batches_of(edges_.size()); }
  // Edges trained in a given epoch (with the direct-parent repeats of that epoch).
  std::size_t edges_in_epoch(std::uint32_t epoch) const {
    return edges_.size() + (config_.parent_edge_repeats_at(epoch) - 1) * parent_edges_.size();
  }

  // Adam's per-row state (empty under SGD); part of the state a checkpoint must keep.
  const AdamState& adam_state() const { return adam_; }
  distributed::Communicator& communicator() const { return *comm_; }

  // FNV-1a of the whole training state (embedding, then Adam's moments and step counts): equal
  // on every replica after the same epochs (check_replicas).
  std::uint64_t state_checksum() const {
    std::uint64_t h = distributed::state_checksum(std::span<const double>(x_));
    h = distributed::state_checksum(std::span<const double>(adam_.exp_avg), h);
    h = distributed::state_checksum(std::span<const double>(adam_.exp_avg_sq), h);
    h = distributed::state_checksum(std::span<const std::int64_t>(adam_.steps), h);
    if (!config_.learn_curvature) return h;
    const double curvature[2] = {c_, curvature_param_.rho()};
    return distributed::state_checksum(std::span<const double>(curvature), h);
  }

  // Restores the state after `epochs_done` epochs (from a checkpoint); under Adam also its
  // per-row state, which must match the embedding's shape.
  void restore(std::uint32_t epochs_done, std::vector<double> embedding, AdamState adam = {}) {
    if (embedding.size() != n_ * config_.row_size())
      throw std::invalid_argument("trainer: checkpoint embedding has " +
                                  std::to_string(embedding.size()) + " values, expected " +
                                  std::to_string(n_ * config_.row_size()));
    if (config_.optimizer == Optimizer::adam) {
      const AdamState expected(config_, n_);
      if (adam.exp_avg.size() != expected.exp_avg.size() ||
          adam.exp_avg_sq.size() != expected.exp_avg_sq.size() ||
          adam.steps.size() != expected.steps.size())
        throw std::invalid_argument(
            "trainer: checkpoint Adam state has " + std::to_string(adam.exp_avg.size()) + "/" +
            std::to_string(adam.exp_avg_sq.size()) + "/" + std::to_string(adam.steps.size()) +
            " values (moment / second moment / steps), expected " +
            std::to_string(expected.exp_avg.size()) + "/" +
            std::to_string(expected.exp_avg_sq.size()) + "/" +
            std::to_string(expected.steps.size()));
      adam.row_size = expected.row_size;
      adam.width = expected.width;
      adam_ = std::move(adam);
    }
    epoch_ = epochs_done;
    x_.assign(embedding.begin(), embedding.end());
  }

  EpochStats run_epoch(const ProgressCallback& progress = {}) {
    EpochStats stats;
    with_manifold([&](const auto& m) { stats = epoch_with(m, progress); });
    ++epoch_;
    return stats;
  }

 private:
  // Calls f with the model's manifold at the current curvature.
  template <class F>
  void with_manifold(F&& f) const {
    switch (config_.model) {
      case Model::poincare:
        f(PoincareBall<double>(c_));
        return;
      case Model::lorentz:
        f(Lorentz<double>(c_));
        return;
      case Model::euclidean:
        f(Euclidean<double>());
        return;
    }
  }

  // Every row moved from the model at curvature `from` to the current one (the chart above).
  void move_rows(double from) {
    if (from == c_) return;
    with_manifold([&](const auto& m) {
      using M = std::decay_t<decltype(m)>;
      if constexpr (!std::is_same_v<M, Euclidean<double>>) {
        const M old(from);
        const RowBounds bounds(config_, c_);
        const std::size_t a = config_.row_size();
        std::vector<double> v(a);
        for (std::size_t r = 0; r < n_; ++r)
          move_to_curvature(old, m, bounds, Row<double>(x_.data() + r * a, index_t(a)),
                            Row<double>(v.data(), index_t(a)));
      }
    });
  }

  // After an epoch with a learned curvature: one SGD step of rho on the mean of the batches'
  // dL/dc (every rank's batches, summed in batch order), then every row onto the new model.
  // Returns the mean gradient; a step that leaves c non-finite or 0 is not taken (false).
  bool step_curvature(std::vector<double>& batch_gradients, double& mean) {
    if (comm_->size() > 1) comm_->all_reduce_sum(batch_gradients);  // each batch on one rank
    double total = 0;
    for (const double g : batch_gradients)
      total += g;
    mean = total / static_cast<double>(batch_gradients.size());
    optim::CurvatureParameter<double> next = curvature_param_;
    optim::RiemannianSGD<Euclidean<double>> sgd(next.raw(), {.lr = config_.curvature_lr});
    sgd.step(next.raw(), std::vector<double>{next.grad_rho(mean)});
    const double c = next.c();
    if (!(c > 0) || !std::isfinite(c) || !std::isfinite(next.rho())) return false;
    curvature_param_ = next;
    const double from = c_;
    c_ = c;
    move_rows(from);
    return true;
  }

  template <class M>
  struct Scratch {
    std::vector<NodeId> targets;  // (k + 1) per edge of the batch: positive, negatives
    std::vector<const double*> target_rows;
    std::vector<double> weights, gradients, gu, gt, step_work;
    std::vector<double> remote_gradient;       // one row of another rank's batch
    std::vector<double> unused_gx, unused_gy;  // dist_backward's row gradients (only dL/dc used)
    cpu::DistanceFan<M> fan;
  };

  // Checks run before the members that rely on them (adjacency, sampler) are built.
  static TrainConfig validated(const TrainConfig& config) {
    config.validate();
    return config;
  }
  static std::vector<Edge> validated(std::size_t n, std::vector<Edge> edges) {
    if (n < 2)
      throw std::invalid_argument("trainer: need at least 2 nodes, got " + std::to_string(n));
    if (n > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
      throw std::invalid_argument("trainer: too many nodes (" + std::to_string(n) + ")");
    if (edges.empty()) throw std::invalid_argument("trainer: the edge list is empty");
    for (const Edge& e : edges)
      if (e.from >= n || e.to >= n)
        throw std::invalid_argument("trainer: edge " + std::to_string(e.from) + " -> " +
                                    std::to_string(e.to) + " names a node outside 0.." +
                                    std::to_string(n - 1));
    return edges;
  }

  // The training graph with every edge turned round: row v lists the nodes below v.
  static graph::Adjacency reversed(std::size_t n, std::span<const Edge> edges) {
    std::vector<Edge> flipped(edges.begin(), edges.end());
    for (Edge& e : flipped)
      std::swap(e.from, e.to);
    return graph::Adjacency(n, flipped);
  }

  std::size_t batches_of(std::size_t edge_count) const {
    return (edge_count + config_.batch - 1) / config_.batch;
  }

  // Edge i of an epoch's list: the training edges, then the direct-parent edges repeated.
  Edge epoch_edge(std::size_t i) const {
    return i < edges_.size() ? edges_[i]
                             : parent_edges_[(i - edges_.size()) % parent_edges_.size()];
  }

  bool in_burnin(std::uint32_t epoch) const { return epoch < config_.burnin_epochs; }

  std::vector<std::uint32_t> epoch_order(std::uint32_t epoch) const {
    std::vector<std::uint32_t> order(edges_in_epoch(epoch));
    for (std::size_t i = 0; i < order.size(); ++i)
      order[i] = static_cast<std::uint32_t>(i);
    Xoshiro256 rng(config_.seed ^ 0x5B0FF1Eull, 0xFFFFFFFF00000000ull + epoch);
    for (std::size_t i = order.size() - 1; i > 0; --i)
      std::swap(order[i], order[rng.uniform_index(i + 1)]);
    return order;
  }

  // `curvature`: also dL/dc into out.curvature_gradient, from the manifold's backward passes.
  template <class M>
  void batch_gradient(const M& m, std::uint32_t epoch, std::size_t b,
                      std::span<const std::uint32_t> order, BatchGradient& out, Scratch<M>& s,
                      bool curvature) const {
    out.clear();
    out.loss = 0;
    out.curvature_gradient = 0;
    const std::size_t a = config_.row_size();
    const bool burnin = in_burnin(epoch);
    const std::size_t k = burnin ? config_.burnin_negatives : config_.negatives;
    const auto distribution =
        burnin ? graph::NegativeDistribution::degree : graph::NegativeDistribution::uniform;
    const std::size_t hard_k = config_.subtree_negatives_at(epoch);
    const std::size_t first = b * config_.batch;
    const std::size_t last = std::min(first + config_.batch, order.size());
    const double inv_batch = 1.0 / static_cast<double>(last - first);
    out.reserve((last - first) * (k + 2));
    // One stream per (epoch, batch); batches beyond the plain epoch's (repeated direct-parent
    // edges) take streams from the upper half, so that no two batches share one.
    const std::uint64_t stream =
        b < batches_per_epoch()
            ? static_cast<std::uint64_t>(epoch) * batches_per_epoch() + b
            : (std::uint64_t{1} << 63) + (static_cast<std::uint64_t>(epoch) << 32) + b;
    Xoshiro256 rng(config_.seed, stream);
    s.target_rows.resize(k + 1);
    s.weights.resize(k + 1);
    s.gradients.resize(k + 1);
    s.gu.resize(a);
    s.gt.resize((k + 1) * a);
    if (curvature) {
      s.unused_gx.resize(a);
      s.unused_gy.resize(a);
    }
    // Targets (the positive, then the negatives) of every edge of the batch first, with a
    // prefetch of their rows: the rows are scattered over the whole embedding (6.5 MB for the
    // nouns), and waiting for each in turn took half of this function's time. Drawing all
    // samples before any arithmetic gives the loads a whole batch to arrive; the samples are
    // drawn in edge order, so the result does not depend on it.
    const std::size_t stride = k + 1;
    s.targets.resize((last - first) * stride);
    for (std::size_t i = first; i < last; ++i) {
      const Edge e = epoch_edge(order[i]);
      NodeId* targets = s.targets.data() + (i - first) * stride;
      const std::size_t hard =
          hard_k == 0 ? 0
                      : sampler_.sample_from(e.from, descendants_.neighbours(e.to),
                                             std::span<NodeId>(targets + 1, hard_k), rng);
      sampler_.sample(e.from, std::span<NodeId>(targets + 1 + hard, k - hard), distribution, rng);
      targets[0] = e.to;
      prefetch_row(x_.data() + std::size_t(e.from) * a, a);
      for (std::size_t j = 0; j < stride; ++j)
        prefetch_row(x_.data() + std::size_t(targets[j]) * a, a);
    }
    for (std::size_t i = first; i < last; ++i) {
      const Edge e = epoch_edge(order[i]);
      const NodeId* targets = s.targets.data() + (i - first) * stride;
      // The 51 distances with their partials, then the softmax and its gradient.
      for (std::size_t j = 0; j <= k; ++j)
        s.target_rows[j] = x_.data() + std::size_t(targets[j]) * a;
      s.fan.evaluate(m, x_.data() + std::size_t(e.from) * a, s.target_rows, index_t(a));
      double lowest = std::numeric_limits<double>::infinity();
      for (std::size_t j = 0; j <= k; ++j)
        lowest = std::min(lowest, s.fan.distance(index_t(j)));
      // softmax over -d, shifted by the smallest distance for range.
      double sum = 0;
      for (std::size_t j = 0; j <= k; ++j) {
        s.weights[j] = std::exp(lowest - s.fan.distance(index_t(j)));
        sum += s.weights[j];
      }
      out.loss += (s.fan.distance(0) - lowest + std::log(sum)) * inv_batch;
      for (std::size_t j = 0; j <= k; ++j)  // dL/dd_j (L uses -d)
        s.gradients[j] = (s.weights[j] / sum - (j == 0 ? 1.0 : 0.0)) * -inv_batch;
      std::fill(s.gu.begin(), s.gu.end(), 0.0);
      s.fan.backward(s.gradients, s.gu.data(), s.gt.data());
      if (curvature) {
        // dL/dc through every distance: the manifold's dist_backward returns g dd/dc.
        const ConstRow<double> u(x_.data() + std::size_t(e.from) * a, index_t(a));
        for (std::size_t j = 0; j <= k; ++j)
          out.curvature_gradient +=
              m.dist_backward(u, ConstRow<double>(s.target_rows[j], index_t(a)), s.gradients[j],
                              Row<double>(s.unused_gx.data(), index_t(a)),
                              Row<double>(s.unused_gy.data(), index_t(a)));
      }
      for (std::size_t j = 0; j <= k; ++j) {
        if (s.gradients[j] == 0) continue;
        double* total = out.row(targets[j]);
        const double* gt = s.gt.data() + j * a;
        for (std::size_t c = 0; c < a; ++c)
          total[c] += gt[c];
      }
      double* gu_total = out.row(e.from);
      for (std::size_t c = 0; c < a; ++c)
        gu_total[c] += s.gu[c];
    }
    if constexpr (!std::is_same_v<M, Euclidean<double>>)
      if (curvature) {
        // The rows move with c along the chart: its term for every touched row.
        const auto rows = out.rows();
        for (std::size_t i = 0; i < rows.size(); ++i)
          out.curvature_gradient += chart_curvature_gradient(
              m, ConstRow<double>(x_.data() + std::size_t(rows[i]) * a, index_t(a)),
              ConstRow<double>(out.gradient(i), index_t(a)),
              Row<double>(s.unused_gx.data(), index_t(a)),
              Row<double>(s.unused_gy.data(), index_t(a)));
      }
  }

  // Rank `me`'s batches of a group of `in_group`: me, me + ranks, ...
  static std::size_t local_batches(std::size_t in_group, std::size_t me, std::size_t ranks) {
    return in_group > me ? (in_group - me + ranks - 1) / ranks : 0;
  }

  // The gradient exchange of one sync group (calling thread only): this rank's batches out
  // (one batch: its buffer as it is; several: packed), every other rank's into remote_ (views
  // of the receive buffer), their losses into `losses` (the group's slice).
  void exchange_group(std::size_t in_group, std::span<double> losses, EpochStats& stats) {
    const std::size_t ranks = std::size_t(comm_->size()), me = std::size_t(comm_->rank());
    const std::size_t a = config_.row_size();
    std::span<const std::byte> mine;
    if (local_batches(in_group, me, ranks) == 1) {
      mine = buffers_[me].message(static_cast<std::uint32_t>(me));
      stats.exchange_rows += buffers_[me].rows().size();
    } else {
      send_.clear();
      for (std::size_t j = me; j < in_group; j += ranks) {
        const auto m = buffers_[j].message(static_cast<std::uint32_t>(j));
        send_.insert(send_.end(), m.begin(), m.end());
        stats.exchange_rows += buffers_[j].rows().size();
      }
      mine = send_;
    }
    stats.exchange_bytes += mine.size();
    const auto gather_start = std::chrono::steady_clock::now();
    comm_->all_gather(mine, gathered_);
    stats.gather_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - gather_start).count();
    if (gathered_.ranks() != int(ranks))
      throw distributed::CommunicationError(
          "gradient exchange: " + std::to_string(gathered_.ranks()) + " ranks answered, expected " +
          std::to_string(ranks));
    if (remote_.size() < in_group) remote_.resize(in_group);
    for (std::size_t r = 0; r < ranks; ++r) {
      if (r == me) continue;
      std::span<const std::byte> in = gathered_.of(int(r));
      auto fail = [&](std::size_t j, const std::string& what) {
        throw distributed::CommunicationError("gradient exchange: rank " + std::to_string(r) +
                                              ", batch " + std::to_string(j) +
                                              " of the group: " + what);
      };
      for (std::size_t j = r; j < in_group; j += ranks) {
        if (in.size() < BatchGradient::message_bytes(0, a))
          fail(j, "message truncated (" + std::to_string(in.size()) + " bytes left)");
        std::uint32_t count = 0, index = 0;
        std::memcpy(&count, in.data(), 4);
        std::memcpy(&index, in.data() + 4, 4);
        if (index != j) fail(j, "the message holds batch " + std::to_string(index));
        if (count > n_ || BatchGradient::message_bytes(count, a) > in.size())
          fail(j, std::to_string(count) + " rows do not fit the " + std::to_string(in.size()) +
                      " bytes left");
        std::memcpy(&losses[j], in.data() + 8, 8);
        RemoteBatch& batch = remote_[j];
        batch.rows = count;
        batch.gradients = in.data() + 16;
        batch.ids = batch.gradients + std::size_t(count) * a * sizeof(double);
        for (std::size_t i = 0; i < count; ++i)
          if (batch.row(i) >= n_)
            fail(j, "row " + std::to_string(batch.row(i)) + " is not one of the " +
                        std::to_string(n_) + " nodes");
        in = in.subspan(BatchGradient::message_bytes(count, a));
      }
      if (!in.empty()) fail(in_group, std::to_string(in.size()) + " bytes more than its batches");
    }
  }

  template <class M>
  EpochStats epoch_with(const M& m, const ProgressCallback& progress) {
    using clock = std::chrono::steady_clock;
    const std::uint32_t epoch = epoch_;
    const std::vector<std::uint32_t> order = epoch_order(epoch);
    const std::size_t n_batches = batches_of(order.size());
    const std::size_t group = config_.sync_batches;
    const std::size_t a = config_.row_size();
    const double lr = config_.lr_at(epoch);
    const std::size_t ranks = std::size_t(comm_->size()), me = std::size_t(comm_->rank());
    const bool exchanges = ranks > 1;
    // Threads beyond this rank's batches of a group would only wait.
    const unsigned t_count = static_cast<unsigned>(
        std::min<std::size_t>(threads_, std::max<std::size_t>(local_batches(group, me, ranks), 1)));
    while (buffers_.size() < group)
      buffers_.emplace_back(n_, a);
    std::vector<Scratch<M>> scratch(t_count);
    for (Scratch<M>& sc : scratch) {
      sc.step_work.resize(RowStep::work_size(a));
      sc.remote_gradient.resize(a);
    }
    const RowStep row_step(config_, lr, c_, Geometry<M>::step_map, Geometry<M>::project,
                           config_.optimizer_at(epoch) == Optimizer::adam ? &adam_ : nullptr);
    std::vector<double> batch_losses(n_batches, 0.0);
    const bool learns_c = config_.learn_curvature;
    std::vector<double> batch_curvature(learns_c ? n_batches : 0, 0.0);
    std::barrier sync(static_cast<std::ptrdiff_t>(t_count));
    const auto started = clock::now();
    auto last_report = started;
    EpochStats stats;
    // A failed exchange (thread 0) ends every thread at the same barrier, then is rethrown.
    std::exception_ptr failure;

    // Nothing below throws once the constructor has validated the edges (the sampler only
    // throws on out-of-range nodes) except the exchange, which is caught, so the barriers stay
    // balanced.
    auto worker = [&](unsigned t) {
      {
        auto phase_start = clock::now();
        auto lap = [&](double& seconds) {
          const auto now = clock::now();
          seconds += std::chrono::duration<double>(now - phase_start).count();
          phase_start = now;
        };
        for (std::size_t g0 = 0; g0 < n_batches; g0 += group) {
          const std::size_t in_group = std::min(group, n_batches - g0);
          const std::size_t mine = local_batches(in_group, me, ranks);
          for (std::size_t i = t; i < mine; i += t_count) {
            const std::size_t j = me + i * ranks;
            batch_gradient(m, epoch, g0 + j, order, buffers_[j], scratch[t], learns_c);
            batch_losses[g0 + j] = buffers_[j].loss;
            if (learns_c) batch_curvature[g0 + j] = buffers_[j].curvature_gradient;
          }
          sync.arrive_and_wait();
          if (exchanges) {
            if (t == 0) {
              lap(stats.compute_seconds);
              try {
                exchange_group(in_group, std::span<double>(batch_losses).subspan(g0, in_group),
                               stats);
              } catch (...) {
                failure = std::current_exception();
              }
            }
            sync.arrive_and_wait();
            if (failure) break;
            if (t == 0) lap(stats.exchange_seconds);
          } else if (t == 0) {
            lap(stats.compute_seconds);
          }
          // Every batch of the group in batch order, each row by the thread that owns it.
          const Row<double> work(scratch[t].step_work.data(), index_t(scratch[t].step_work.size()));
          auto apply = [&](std::size_t count, auto row_of, auto gradient_of) {
            constexpr std::size_t ahead = 16;  // rows are scattered: fetch them early
            for (std::size_t i = 0; i < count; ++i) {
              if (i + ahead < count) {
                const std::size_t next = row_of(i + ahead);
                if (next % t_count == t) {
                  prefetch_row(x_.data() + next * a, a);
                  if (row_step.is_adam()) adam_.prefetch(next);
                }
              }
              const std::size_t r = row_of(i);
              if (r % t_count != t) continue;
              Geometry<M>::step(m, row_step, Row<double>(x_.data() + r * a, index_t(a)),
                                Row<double>(gradient_of(i), index_t(a)), work, r);
            }
          };
          for (std::size_t j = 0; j < in_group; ++j) {
            if (!exchanges || j % ranks == me) {
              BatchGradient& buffer = buffers_[j];
              const auto rows = buffer.rows();
              apply(
                  rows.size(), [&](std::size_t i) { return rows[i]; },
                  [&](std::size_t i) { return buffer.gradient(i); });
            } else {
              const RemoteBatch& batch = remote_[j];
              double* gradient = scratch[t].remote_gradient.data();
              apply(
                  batch.rows, [&](std::size_t i) { return batch.row(i); },
                  [&](std::size_t i) { return batch.gradient(i, a, gradient); });
            }
          }
          sync.arrive_and_wait();
          if (t == 0) {
            lap(stats.step_seconds);
            if (progress && ((g0 / group) & 63) == 0) {
              const auto now = clock::now();
              if (now - last_report > std::chrono::milliseconds(250)) {
                last_report = now;
                progress(std::min((g0 + in_group) * config_.batch, order.size()));
              }
            }
          }
        }
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < t_count; ++t)
      pool.emplace_back(worker, t);
    worker(0);
    for (auto& th : pool)
      th.join();
    if (failure) std::rethrow_exception(failure);

    stats.edges = order.size();
    double total = 0;
    for (double l : batch_losses)
      total += l;
    stats.mean_loss = total / static_cast<double>(n_batches);
    if (learns_c && !step_curvature(batch_curvature, stats.curvature_gradient)) {
      stats.finite = false;
      stats.curvature_failed = true;
    }
    stats.curvature = c_;
    for (double v : x_)
      if (!std::isfinite(v)) {
        stats.finite = false;
        break;
      }
    return stats;
  }

  distributed::Communicator* comm_;
  TrainConfig config_;
  std::size_t n_;
  std::vector<Edge> edges_;
  unsigned threads_;
  graph::Adjacency forbidden_;
  std::vector<double> degree_weights_;
  graph::NegativeSampler sampler_;
  graph::Adjacency descendants_;    // built only for subtree negatives
  std::vector<Edge> parent_edges_;  // built only for direct-parent repeats
  Embedding x_;
  std::uint32_t epoch_ = 0;
  std::vector<BatchGradient> buffers_;
  std::vector<std::byte> send_;      // this rank's batches of a group, packed (when several)
  distributed::Gathered gathered_;   // every rank's, after the exchange
  std::vector<RemoteBatch> remote_;  // the other ranks' batches of the group, in gathered_
  AdamState adam_;
  // The curvature: c_ the value every primitive uses (config_.curvature exactly until a learned
  // c moves), curvature_param_ its parametrization c = softplus(rho).
  double c_ = config_.curvature;
  optim::CurvatureParameter<double> curvature_param_{config_.curvature};
};

}  // namespace hyperbolic::wordnet_train
