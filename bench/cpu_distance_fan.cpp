// The inner loop of a softmax-over-negatives embedding loss: one source row
// against 51 targets (a positive and 50 negatives) drawn at random from an
// 82,115 x 10 embedding (the WordNet noun closure's shape, 6.5 MB in double),
// distances with partials, then the gradients for one upstream value per
// target. Two ways, side by side in one run:
//   per_pair: the manifold's dist_partials + dist_backward_from per target
//             (what the hierarchy trainer did before the fan);
//   fan:      cpu::DistanceFan (gather, reductions across targets).
// Counter "edges/s": sources processed per second (one thread).

#include <hyperbolic/cpu/distance_fan.hpp>

#include <cstdint>
#include <random>

#include "bench_data.hpp"

using namespace hyperbolic;
using namespace hyperbolic::bench;

namespace {
constexpr index_t kNodes = 82115, kDim = 10, kTargets = 51, kEdges = 4096;

template <class M>
struct Problem {
  M m;
  index_t a = M::ambient_dim(kDim);
  std::vector<double> x;
  std::vector<std::uint32_t> sources, targets;
  std::vector<double> g;
  Problem() : m(make()), x(std::size_t(kNodes * a)), sources(kEdges), targets(kEdges * kTargets) {
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> coord(-0.25, 0.25);
    const auto size = static_cast<std::size_t>(a);
    std::vector<double> tangent(size), origin(size);
    m.origin(Row<double>(origin.data(), a));
    for (index_t r = 0; r < kNodes; ++r) {  // points at moderate radius on every model
      for (double& t : tangent)
        t = coord(rng);
      if constexpr (std::is_same_v<M, Lorentz<double>>) tangent[0] = 0;  // tangent at the origin
      m.expmap(ConstRow<double>(origin.data(), a), ConstRow<double>(tangent.data(), a),
               Row<double>(x.data() + r * a, a));
    }
    for (auto& s : sources)
      s = std::uint32_t(rng() % kNodes);
    for (auto& t : targets)
      t = std::uint32_t(rng() % kNodes);
    for (index_t j = 0; j < kTargets; ++j)
      g.push_back(j == 0 ? -0.9 : 0.9 / double(kTargets - 1));
  }
  static M make() {
    if constexpr (std::is_same_v<M, Euclidean<double>>)
      return M{};
    else
      return M(1.0);
  }
  ConstRow<double> row(std::uint32_t r) const { return ConstRow<double>(x.data() + r * a, a); }
};

template <class M>
void per_pair(benchmark::State& state) {
  Problem<M> p;
  std::vector<DistPartials<double>> partials(kTargets);
  const auto size = static_cast<std::size_t>(p.a);
  std::vector<double> gx(size), gy(size), sum(size);
  double checksum = 0;
  std::size_t e = 0;
  for (auto _ : state) {
    const std::uint32_t* t = p.targets.data() + e * kTargets;
    const ConstRow<double> xs = p.row(p.sources[e]);
    for (index_t j = 0; j < kTargets; ++j)
      partials[std::size_t(j)] = p.m.dist_partials(xs, p.row(t[j]));
    std::fill(sum.begin(), sum.end(), 0.0);
    for (index_t j = 0; j < kTargets; ++j) {
      p.m.dist_backward_from(partials[std::size_t(j)], xs, p.row(t[j]), p.g[std::size_t(j)], gx,
                             gy);
      for (index_t c = 0; c < p.a; ++c)
        sum[std::size_t(c)] += gx[std::size_t(c)] + gy[std::size_t(c)];
    }
    checksum += sum[0];
    e = (e + 1) % kEdges;
  }
  benchmark::DoNotOptimize(checksum);
  state.counters["edges/s"] =
      benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}

template <class M>
void fan(benchmark::State& state) {
  Problem<M> p;
  cpu::DistanceFan<M> f;
  std::vector<const double*> rows(kTargets);
  std::vector<double> gx(static_cast<std::size_t>(p.a)),
      gy(static_cast<std::size_t>(kTargets * p.a));
  double checksum = 0;
  std::size_t e = 0;
  for (auto _ : state) {
    const std::uint32_t* t = p.targets.data() + e * kTargets;
    for (index_t j = 0; j < kTargets; ++j)
      rows[std::size_t(j)] = p.x.data() + t[j] * p.a;
    f.evaluate(p.m, p.x.data() + p.sources[e] * p.a, rows, p.a);
    std::fill(gx.begin(), gx.end(), 0.0);
    f.backward(p.g, gx.data(), gy.data());
    checksum += gx[0] + gy[0];
    e = (e + 1) % kEdges;
  }
  benchmark::DoNotOptimize(checksum);
  state.counters["edges/s"] =
      benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK_TEMPLATE(per_pair, PoincareBall<double>);
BENCHMARK_TEMPLATE(fan, PoincareBall<double>);
BENCHMARK_TEMPLATE(per_pair, Lorentz<double>);
BENCHMARK_TEMPLATE(fan, Lorentz<double>);
BENCHMARK_TEMPLATE(per_pair, Euclidean<double>);
BENCHMARK_TEMPLATE(fan, Euclidean<double>);
}  // namespace

BENCHMARK_MAIN();
