// Every batched primitive and backward pass of the CPU backend on the
// Poincare ball and the hyperboloid at 100000x16, 1000000x64 and 10000x768,
// float and double, each with bytes_per_second (bytes that must move: inputs
// read once, outputs written once), next to a same-size copy on the same
// threads (the bandwidth baseline, "copy/...").

#include <hyperbolic/cpu/all.hpp>

#include <functional>

#include "bench_data.hpp"

using namespace hyperbolic;
using namespace hyperbolic::bench;

namespace {

// One (type, shape, manifold) group's buffers, built when the group starts
// and freed before the next (1000000x64 doubles: 512 MB each).
template <class T>
struct Arena {
  index_t n = 0, d = 0;
  std::vector<T> x, y, u, o1, o2, o3, per_row, per_row_out;
  cpu::Rows<const T> in(const std::vector<T>& v) const { return {v.data(), n, d, d}; }
  cpu::Rows<T> out(std::vector<T>& v) { return {v.data(), n, d, d}; }
};

struct Kernel {
  const char* name;
  double matrices;  // N x d blocks read + written
  double scalars;   // per-row scalars read + written
  std::function<void()> run;
};

template <class M>
std::vector<Kernel> kernels(const M& m, Arena<typename M::scalar>& a) {
  using T = typename M::scalar;
  constexpr bool lorentz = std::is_same_v<M, Lorentz<T>>;
  auto X = a.in(a.x), Y = a.in(a.y), U = a.in(a.u);
  auto O1 = a.out(a.o1), O2 = a.out(a.o2), O3 = a.out(a.o3);
  std::span<const T> g(a.per_row);
  std::span<T> s(a.per_row_out);
  std::vector<Kernel> k = {
      {"dist", 2, 1, [=] { cpu::dist(m, X, Y, s); }},
      {"dist0", 1, 1, [=] { cpu::dist0(m, X, s); }},
      {"expmap", 3, 0, [=] { cpu::expmap(m, X, U, O1); }},
      {"expmap0", 2, 0, [=] { cpu::expmap0(m, U, O1); }},
      {"logmap", 3, 0, [=] { cpu::logmap(m, X, Y, O1); }},
      {"logmap0", 2, 0, [=] { cpu::logmap0(m, Y, O1); }},
      {"projx", 2, 0, [=] { cpu::projx(m, X, O1); }},
      {"proju", 3, 0, [=] { cpu::proju(m, X, U, O1); }},
      {"egrad2rgrad", 3, 0, [=] { cpu::egrad2rgrad(m, X, U, O1); }},
      {"transp", 4, 0, [=] { cpu::transp(m, X, Y, U, O1); }},
      {"mobius_add", 3, 0, [=] { cpu::mobius_add(m, X, Y, O1); }},
      {"mobius_scalar_mul", 2, 0, [=] { cpu::mobius_scalar_mul(m, T(0.5), X, O1); }},
      {"dist_backward", 4, 1,
       [=] { benchmark::DoNotOptimize(cpu::dist_backward(m, X, Y, g, O1, O2)); }},
      {"dist0_backward", 2, 1, [=] { benchmark::DoNotOptimize(cpu::dist0_backward(m, X, g, O1)); }},
      {"expmap_backward", 5, 0,
       [=] { benchmark::DoNotOptimize(cpu::expmap_backward(m, X, U, Y, O1, O2)); }},
      {"expmap0_backward", 3, 0,
       [=] { benchmark::DoNotOptimize(cpu::expmap0_backward(m, U, Y, O1)); }},
      {"logmap_backward", 5, 0,
       [=] { benchmark::DoNotOptimize(cpu::logmap_backward(m, X, Y, U, O1, O2)); }},
      {"logmap0_backward", 3, 0,
       [=] { benchmark::DoNotOptimize(cpu::logmap0_backward(m, Y, U, O1)); }},
      {"projx_backward", 3, 0, [=] { benchmark::DoNotOptimize(cpu::projx_backward(m, X, U, O1)); }},
      {"mobius_add_backward", 5, 0,
       [=] { benchmark::DoNotOptimize(cpu::mobius_add_backward(m, X, Y, U, O1, O2)); }},
  };
  if constexpr (lorentz) {
    k.push_back({"dist2plane", 2, 1, [=] { cpu::dist2plane(m, X, U, s); }});
    k.push_back({"dist2plane_backward", 4, 1,
                 [=] { benchmark::DoNotOptimize(cpu::dist2plane_backward(m, X, U, g, O1, O2)); }});
  } else {
    k.push_back({"dist2plane", 3, 1, [=] { cpu::dist2plane(m, X, Y, U, s); }});
    k.push_back({"dist2plane_backward", 6, 1, [=] {
                   benchmark::DoNotOptimize(cpu::dist2plane_backward(m, X, Y, U, g, O1, O2, O3));
                 }});
  }
  return k;
}

// Frees the buffers of the group that ran last (whatever its type).
std::function<void()> release_previous_group = [] {};

template <class M>
void prepare(const M& m, Arena<typename M::scalar>& a, index_t n, index_t d) {
  using T = typename M::scalar;
  release_previous_group();
  release_previous_group = [&a] { a = Arena<T>{}; };
  a.n = n;
  a.d = d;
  const auto size = std::size_t(n * d);
  for (auto* v : {&a.x, &a.y, &a.u, &a.o1, &a.o2, &a.o3})
    v->assign(size, T(0));
  a.per_row.assign(std::size_t(n), T(1));
  a.per_row_out.assign(std::size_t(n), T(0));
  fill_pattern(a.x, d, 0.6, 1);
  fill_pattern(a.y, d, 0.5, 2);
  fill_pattern(a.u, d, 0.3, 3);
  if constexpr (std::is_same_v<M, Lorentz<T>>) {  // onto the hyperboloid, u tangent at x
    cpu::projx(m, a.in(a.x), a.out(a.x));
    cpu::projx(m, a.in(a.y), a.out(a.y));
    cpu::proju(m, a.in(a.x), a.in(a.u), a.out(a.u));
  }
}

template <class M>
void register_group(const char* manifold, const M& m, index_t n, index_t d) {
  using T = typename M::scalar;
  static Arena<T> arena;
  const std::string suffix = std::string("/") + type_name<T>() + "/" + shape_name(n, d);
  const double row_bytes = double(n) * double(d) * sizeof(T);
  // The copy runs first in each group and builds the group's buffers.
  benchmark::RegisterBenchmark((std::string("copy") + suffix + "/" + manifold).c_str(),
                               [=](benchmark::State& state) {
                                 prepare(m, arena, n, d);
                                 for (auto _ : state)
                                   threaded_copy(arena.x.data(), arena.o1.data(), n, d);
                                 set_bytes(state, 2 * row_bytes);
                               })
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  Arena<T> probe;  // names and byte counts only
  for (const Kernel& k : kernels(m, probe)) {
    const std::string name = std::string(manifold) + "/" + k.name + suffix;
    const double bytes = k.matrices * row_bytes + k.scalars * double(n) * sizeof(T);
    const std::string kname = k.name;
    benchmark::RegisterBenchmark(name.c_str(),
                                 [=](benchmark::State& state) {
                                   if (arena.n != n || arena.d != d) prepare(m, arena, n, d);
                                   for (const Kernel& kk : kernels(m, arena))
                                     if (kname == kk.name) {
                                       for (auto _ : state)
                                         kk.run();
                                       benchmark::ClobberMemory();
                                     }
                                   set_bytes(state, bytes);
                                 })
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::pair<index_t, index_t> shapes[] = {{100000, 16}, {1000000, 64}, {10000, 768}};
  for (auto [n, d] : shapes) {
    register_group("poincare", PoincareBall<float>(1.0f), n, d);
    register_group("lorentz", Lorentz<float>(1.0f), n, d);
    register_group("poincare", PoincareBall<double>(1.0), n, d);
    register_group("lorentz", Lorentz<double>(1.0), n, d);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::AddCustomContext("threads", std::to_string(cpu::max_threads()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
