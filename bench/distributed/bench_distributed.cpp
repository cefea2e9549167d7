// Exchange costs of data-parallel training, side by side with the same bytes copied in memory
// (the trivial baseline: what the step would cost if the other rank's data were already here).
//
//   AllReduce<T>/N        a dense gradient of N bytes: GradientAllReduce's one call per step
//   Memcpy/N              memcpy of N bytes in one process (baseline)
//   RowExchange/rows      one WordNet sync group's sparse gradients: `rows` touched rows of 11
//                         doubles (+ the 8-byte row id) from every rank, gathered and coalesced
//   PartitionedGroup/rows the same group on a partitioned table: pull the rows, push the
//                         gradients to their owners, owners step them
//
// Counters: bytes_per_second is the buffer size over the time (the "algorithm bandwidth");
// wire_bytes is what this rank sent per call (the formulas in docs/distributed.md).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "hyperbolic/distributed/gradient_all_reduce.hpp"
#include "hyperbolic/distributed/launch.hpp"
#include "hyperbolic/distributed/partitioned_rows.hpp"
#include "hyperbolic/distributed/sparse_row_exchange.hpp"

namespace hd = hyperbolic::distributed;

namespace {

hd::Communicator* comm = nullptr;
constexpr int iterations_for(std::int64_t bytes) {
  return bytes <= (1 << 16) ? 2000 : bytes <= (1 << 20) ? 200 : bytes <= (1 << 24) ? 20 : 5;
}

template <class T>
void AllReduce(benchmark::State& state) {
  const auto bytes = state.range(0);
  std::vector<T> v(std::size_t(bytes) / sizeof(T), T(1));
  hd::GradientAllReduce<T> reduce;
  std::vector<std::span<T>> tensors = {v};
  comm->barrier();
  for (auto _ : state) {
    reduce.sum(*comm, tensors, T(0.5));
    benchmark::DoNotOptimize(v.data());
  }
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["ranks"] = comm->size();
  state.counters["wire_bytes"] = double(reduce.bytes_sent()) / double(state.iterations());
}

void Memcpy(benchmark::State& state) {
  const auto bytes = state.range(0);
  std::vector<char> a(static_cast<std::size_t>(bytes), 1), b(a.size());
  comm->barrier();
  for (auto _ : state) {
    std::memcpy(b.data(), a.data(), a.size());
    benchmark::DoNotOptimize(b.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * bytes);
}

void RowExchange(benchmark::State& state) {
  const std::size_t rows = std::size_t(state.range(0)), width = 11;  // Lorentz dim 10
  hd::RowGradients<double> mine(width), all, merged;
  std::vector<double> g(width, 0.25);
  for (std::size_t i = 0; i < rows; ++i)
    mine.add((i * 2654435761u + std::size_t(comm->rank())) % 82115, g);  // the nouns' 82,115 rows
  hd::RowExchange<double> exchange;
  comm->barrier();
  for (auto _ : state) {
    exchange.all_gather(*comm, mine, all);
    hd::coalesce_in_order(all, merged);
    benchmark::DoNotOptimize(merged.values.data());
  }
  state.SetBytesProcessed(state.iterations() * std::int64_t(rows * (8 + width * 8)));
  state.counters["ranks"] = comm->size();
  state.counters["wire_bytes"] = double(exchange.bytes_sent()) / double(state.iterations());
}

// The same group as RowExchange through a partitioned table: pull the rows the group reads,
// push the gradients to their owners, which step them (x -= 0.01 g).
void PartitionedGroup(benchmark::State& state) {
  const std::size_t rows = std::size_t(state.range(0)), width = 11;
  hd::PartitionedRows<double> table(*comm, 82115, width, [](std::uint64_t, std::span<double> v) {
    for (double& x : v)
      x = 0.5;
  });
  hd::RowGradients<double> mine(width);
  std::vector<double> g(width, 0.25), pulled(rows * width);
  for (std::size_t i = 0; i < rows; ++i)
    mine.add((i * 2654435761u + std::size_t(comm->rank())) % 82115, g);
  comm->barrier();
  for (auto _ : state) {
    table.pull(mine.rows, pulled);
    table.push(mine, [](std::uint64_t, std::span<double> x, std::span<const double> grad) {
      for (std::size_t c = 0; c < x.size(); ++c)
        x[c] -= 0.01 * grad[c];
    });
    benchmark::DoNotOptimize(pulled.data());
  }
  state.SetBytesProcessed(state.iterations() * std::int64_t(rows * (8 + width * 8)));
  state.counters["ranks"] = comm->size();
  state.counters["wire_bytes"] = double(table.bytes_sent()) / double(state.iterations());
}

class Silent : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>&) override {}
};

void register_all() {
  for (const std::int64_t bytes :
       {std::int64_t(1) << 12, std::int64_t(1) << 16, std::int64_t(1) << 20, std::int64_t(1) << 24,
        std::int64_t(1) << 26}) {
    const int n = iterations_for(bytes);
    benchmark::RegisterBenchmark("AllReduce<float>", AllReduce<float>)
        ->Arg(bytes)
        ->Iterations(n)
        ->UseRealTime();
    benchmark::RegisterBenchmark("Memcpy", Memcpy)->Arg(bytes)->Iterations(n)->UseRealTime();
  }
  // A WordNet batch of 50 edges x 52 rows touches ~2,600 rows; groups of 1, 4 and 16 batches.
  for (const std::int64_t rows : {2600, 10400, 41600}) {
    benchmark::RegisterBenchmark("RowExchange", RowExchange)
        ->Arg(rows)
        ->Iterations(rows > 20000 ? 50 : 200)
        ->UseRealTime();
    benchmark::RegisterBenchmark("PartitionedGroup", PartitionedGroup)
        ->Arg(rows)
        ->Iterations(rows > 20000 ? 50 : 200)
        ->UseRealTime();
  }
}

}  // namespace

int main(int argc, char** argv) {
  hd::World world(argc, argv);
  comm = &world.comm();
  benchmark::Initialize(&argc, argv);
  register_all();
  if (comm->rank() == 0) {
    benchmark::RunSpecifiedBenchmarks();
  } else {
    Silent silent;
    benchmark::RunSpecifiedBenchmarks(&silent);
  }
  benchmark::Shutdown();
  return world.finish(0);
}
