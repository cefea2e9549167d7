// All-pairs distances (2048 x 2048 pairs, d = 16, 64, 768, float and double)
// against the Eigen GEMM of the same shape that they are built on, both with
// a FLOPS counter of 2 N M d per call (the GEMM's flop count), so the ratio
// is the share of the GEMM rate that the distance epilogue leaves.

#include <hyperbolic/cpu/all.hpp>

#include "bench_data.hpp"

using namespace hyperbolic;
using namespace hyperbolic::bench;

namespace {
constexpr index_t kN = 2048, kM = 2048;

template <class T>
struct Inputs {
  index_t d;
  std::vector<T> x, y, out;
  explicit Inputs(index_t dim)
      : d(dim), x(std::size_t(kN * d)), y(std::size_t(kM * d)), out(std::size_t(kN * kM)) {
    fill_pattern(x, d, 0.6, 1);
    fill_pattern(y, d, 0.5, 2);
  }
};

void set_flops(benchmark::State& state, index_t d) {
  state.counters["FLOPS"] = benchmark::Counter(2.0 * double(kN) * double(kM) * double(d),
                                               benchmark::Counter::kIsIterationInvariantRate);
}

template <class T>
void gemm(benchmark::State& state, index_t d) {
  Inputs<T> in(d);
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<const Mat> X(in.x.data(), kN, d), Y(in.y.data(), kM, d);
  Eigen::Map<Mat> O(in.out.data(), kN, kM);
  for (auto _ : state) {
    O.noalias() = X * Y.transpose();
    benchmark::ClobberMemory();
  }
  set_flops(state, d);
}

template <class M>
void pairwise(benchmark::State& state, M m, index_t d) {
  using T = typename M::scalar;
  Inputs<T> in(d);
  if constexpr (std::is_same_v<M, Lorentz<T>>) {
    cpu::projx(m, cpu::Rows<const T>(in.x.data(), kN, d, d), cpu::Rows<T>(in.x.data(), kN, d, d));
    cpu::projx(m, cpu::Rows<const T>(in.y.data(), kM, d, d), cpu::Rows<T>(in.y.data(), kM, d, d));
  }
  for (auto _ : state) {
    cpu::pairwise_dist(m, cpu::Rows<const T>(in.x.data(), kN, d, d),
                       cpu::Rows<const T>(in.y.data(), kM, d, d),
                       cpu::Rows<T>(in.out.data(), kN, kM, kM));
    benchmark::ClobberMemory();
  }
  set_flops(state, d);
}

template <class T>
void register_type() {
  for (index_t d : {16, 64, 768}) {
    const std::string s = std::string("/") + type_name<T>() + "/" + shape_name(kN, d);
    benchmark::RegisterBenchmark(("gemm" + s).c_str(),
                                 [d](benchmark::State& st) { gemm<T>(st, d); })
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("pairwise/euclidean" + s).c_str(),
                                 [d](benchmark::State& st) { pairwise(st, Euclidean<T>{}, d); })
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(
        ("pairwise/poincare" + s).c_str(),
        [d](benchmark::State& st) { pairwise(st, PoincareBall<T>(T(1)), d); })
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("pairwise/lorentz" + s).c_str(),
                                 [d](benchmark::State& st) { pairwise(st, Lorentz<T>(T(1)), d); })
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
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
