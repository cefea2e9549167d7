// What the accuracy work costs (docs/accuracy.md): batched dist and dist0 on
// 1000000 x 64 rows, float and double, with every point near the origin
// (r < 1: the ball's plain 1 - c|x|^2, the hyperboloid's chord form) against
// every point far out (r in [8, 12): the ball's compensated boundary factor on
// every row; the hyperboloid's half-angle form for pairs far apart), and a
// same-size copy, side by side in one run. Compare the near / far times of one
// kernel: their ratio is the price of the compensated path.

#include <hyperbolic/cpu/all.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace hyperbolic;

namespace {

constexpr index_t kRows = 1000000, kDim = 64;

// Rows at distance r in [lo, hi) from the origin (c = 1), random directions.
template <class T, bool Lorentz>
std::vector<T> points(double lo, double hi, std::uint64_t seed) {
  const index_t d = Lorentz ? kDim + 1 : kDim;
  std::vector<T> v(std::size_t(kRows * d));
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> radius(lo, hi);
  std::vector<double> dir(kDim);
  for (index_t i = 0; i < kRows; ++i) {
    double n2 = 0;
    for (auto& e : dir) {
      e = normal(rng);
      n2 += e * e;
    }
    const double r = radius(rng), s = Lorentz ? std::sinh(r) : std::tanh(r / 2);
    T* row = v.data() + i * d;
    if (Lorentz) row[0] = T(std::cosh(r));
    for (index_t j = 0; j < kDim; ++j)
      row[j + (Lorentz ? 1 : 0)] = T(s * dir[std::size_t(j)] / std::sqrt(n2));
  }
  return v;
}

template <class T, bool Lorentz>
void run(benchmark::State& state, double lo, double hi, bool single) {
  using M = std::conditional_t<Lorentz, hyperbolic::Lorentz<T>, PoincareBall<T>>;
  const M m(T(1));
  const index_t d = M::ambient_dim(kDim);
  const auto x = points<T, Lorentz>(lo, hi, 1), y = points<T, Lorentz>(lo, hi, 2);
  std::vector<T> out(kRows);
  const cpu::Rows<const T> X(x.data(), kRows, d, d), Y(y.data(), kRows, d, d);
  for (auto _ : state) {
    if (single)
      cpu::dist0(m, X, std::span<T>(out));
    else
      cpu::dist(m, X, Y, std::span<T>(out));
    benchmark::DoNotOptimize(out.data());
  }
  const double bytes = double(kRows) * double(d) * sizeof(T) * (single ? 1 : 2) + kRows * sizeof(T);
  state.SetBytesProcessed(int64_t(state.iterations() * bytes));
}

template <class T>
void copy(benchmark::State& state) {
  std::vector<T> a(std::size_t(kRows * kDim), T(1)), b(a.size());
  for (auto _ : state) {
    std::memcpy(b.data(), a.data(), a.size() * sizeof(T));
    benchmark::DoNotOptimize(b.data());
  }
  state.SetBytesProcessed(int64_t(state.iterations() * 2 * a.size() * sizeof(T)));
}

}  // namespace

template <class T, bool Lorentz>
void register_model(const char* model) {
  const std::string m(model);
  for (const bool single : {false, true}) {
    const std::string k = single ? "dist0" : "dist";
    benchmark::RegisterBenchmark((m + "/" + k + "/near").c_str(), [single](benchmark::State& s) {
      run<T, Lorentz>(s, 0.01, 1.0, single);
    })->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((m + "/" + k + "/far").c_str(), [single](benchmark::State& s) {
      run<T, Lorentz>(s, 8.0, 12.0, single);
    })->Unit(benchmark::kMillisecond);
  }
}

int main(int argc, char** argv) {
  register_model<float, false>("poincare_f32");
  register_model<double, false>("poincare_f64");
  register_model<float, true>("lorentz_f32");
  register_model<double, true>("lorentz_f64");
  benchmark::RegisterBenchmark("copy_f32", copy<float>)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("copy_f64", copy<double>)->Unit(benchmark::kMillisecond);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
