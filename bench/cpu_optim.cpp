// RiemannianAdam on 1000000 x 64 Poincare rows: the threaded dense step, a
// 1% sparse step, and the optimizer's own (single-threaded) dense step, next
// to a same-size copy on the same threads (the bandwidth baseline).
// Bytes that must move per dense step: read x, g, m (N d each) and v (N),
// write x, m (N d) and v (N): (5 d + 2) N scalars. Sparse: the same per
// touched row plus the index list.

#include <hyperbolic/cpu/optim_steps.hpp>
#include <hyperbolic/manifolds/poincare/poincare_ball.hpp>

#include "bench_data.hpp"

using namespace hyperbolic;
using namespace hyperbolic::bench;

namespace {
constexpr index_t kN = 1000000, kD = 64;

template <class T>
struct Problem {
  using M = PoincareBall<T>;
  std::vector<T> x, g;
  optim::RiemannianAdam<M> adam;
  Problem() : x(std::size_t(kN * kD)), g(x.size()), adam(M(T(1)), kN, kD, options()) {
    fill_pattern(x, kD, 0.6, 1);
    fill_pattern(g, kD, 0.5, 2);
  }
  static optim::AdamOptions<T> options() {
    optim::AdamOptions<T> o;
    o.lr = T(1e-4);  // small steps: the points stay well inside the ball
    return o;
  }
  cpu::Rows<T> xs() { return {x.data(), kN, kD, kD}; }
};

template <class T>
void copy(benchmark::State& state) {
  std::vector<T> a(std::size_t(kN * kD)), b(a.size());
  fill_pattern(a, kD, 0.6, 1);
  for (auto _ : state)
    threaded_copy(a.data(), b.data(), kN, kD);
  set_bytes(state, 2.0 * double(kN * kD) * sizeof(T));
}

template <class T>
void dense(benchmark::State& state) {
  Problem<T> p;
  for (auto _ : state)
    cpu::step(p.adam, p.xs(), cpu::Rows<const T>(p.g.data(), kN, kD, kD));
  set_bytes(state, double(5 * kD + 2) * double(kN) * sizeof(T));
}

template <class T>
void dense_scalar(benchmark::State& state) {
  Problem<T> p;
  for (auto _ : state)
    p.adam.step(MatrixView<T>(p.x.data(), kN, kD), ConstMatrixView<T>(p.g.data(), kN, kD));
  set_bytes(state, double(5 * kD + 2) * double(kN) * sizeof(T));
}

template <class T>
void sparse(benchmark::State& state) {
  Problem<T> p;
  std::vector<index_t> idx;
  for (index_t r = 0; r < kN; r += 100)  // 1%, spread over the table
    idx.push_back((r * 7919) % kN);
  const auto k = static_cast<index_t>(idx.size());
  for (auto _ : state)
    cpu::step_rows(p.adam, p.xs(), idx, cpu::Rows<const T>(p.g.data(), k, kD, kD));
  set_bytes(state, double(5 * kD + 2) * double(k) * sizeof(T) + double(k) * sizeof(index_t));
}

template <class T>
void register_type() {
  const std::string s = std::string("/") + type_name<T>() + "/" + shape_name(kN, kD);
  for (auto [name, fn] : {std::pair{"copy", &copy<T>}, std::pair{"adam/dense", &dense<T>},
                          std::pair{"adam/sparse1pct", &sparse<T>},
                          std::pair{"adam/dense_scalar_1thread", &dense_scalar<T>}})
    benchmark::RegisterBenchmark((std::string(name) + s).c_str(), fn)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
}
}  // namespace

int main(int argc, char** argv) {
  register_type<float>();
  register_type<double>();
  benchmark::Initialize(&argc, argv);
  benchmark::AddCustomContext("threads", std::to_string(cpu::max_threads()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
