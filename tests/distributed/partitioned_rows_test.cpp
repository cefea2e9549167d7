// PartitionedRows (partitioned_rows.hpp) and the all_to_all it is built on, on one process or
// every rank of an mpiexec run. The central property: a partitioned table steps every row with
// the same bits as a replicated table fed by RowExchange::all_gather + coalesce_in_order.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "hyperbolic/distributed/partitioned_rows.hpp"
#include "hyperbolic/distributed/sparse_row_exchange.hpp"
#include "test_comm.hpp"

namespace hd = hyperbolic::distributed;

namespace {

double initial(std::uint64_t row, std::size_t col) {
  return 0.001 * double(row) + 0.25 * double(col);
}

// A splitmix-style hash: the same pseudo-random draws on every rank for a (rank, i) pair.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

TEST_CASE("all_to_all delivers each rank's personal message, empty ones included") {
  hd::Communicator& comm = test_comm();
  const int n = comm.size(), me = comm.rank();
  // Rank s sends rank d the values (s, d) repeated d + s times.
  std::vector<std::int32_t> send;
  std::vector<std::size_t> counts;
  for (int d = 0; d < n; ++d) {
    for (int i = 0; i < d + me; ++i)
      send.push_back(100 * me + d);
    counts.push_back(std::size_t(d + me) * sizeof(std::int32_t));
  }
  hd::Gathered out;
  comm.all_to_all(std::as_bytes(std::span<const std::int32_t>(send)), counts, out);
  REQUIRE(out.ranks() == n);
  for (int s = 0; s < n; ++s)
    CHECK(hd::values_of<std::int32_t>(out, s) ==
          std::vector<std::int32_t>(std::size_t(me + s), 100 * s + me));
  std::vector<std::size_t> wrong(std::size_t(n) + 1, 0);
  CHECK_THROWS_AS(comm.all_to_all({}, wrong, out), std::invalid_argument);
}

TEST_CASE("PartitionedRows: pull reads any row from its owner") {
  hd::Communicator& comm = test_comm();
  const std::size_t width = 3;
  hd::PartitionedRows<double> table(comm, 101, width, [&](std::uint64_t row, std::span<double> v) {
    for (std::size_t c = 0; c < width; ++c)
      v[c] = initial(row, c);
  });
  // Every rank owns about 101 / N rows, and together exactly 101.
  const double owned = double(table.owned_rows());
  CHECK(owned >= 101.0 / comm.size() - 1);
  // Different requests on each rank, with repeats and the last row.
  std::vector<std::uint64_t> rows = {100, std::uint64_t(comm.rank()), 7, 7, 0, 55};
  std::vector<double> out(rows.size() * width);
  table.pull(rows, out);
  bool all = true;
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t c = 0; c < width; ++c)
      all = all && out[i * width + c] == initial(rows[i], c);
  CHECK(all);
  // An empty request is a valid collective call.
  table.pull({}, {});
  std::vector<std::uint64_t> bad = {101};
  std::vector<double> one(width);
  CHECK_THROWS_WITH_AS(table.pull(bad, one), doctest::Contains("row 101 of a table of 101 rows"),
                       std::out_of_range);
}

TEST_CASE("PartitionedRows: push steps each row once with the bits of a replicated table") {
  hd::Communicator& comm = test_comm();
  const int me = comm.rank();
  const std::uint64_t rows = 257;
  const std::size_t width = 4;
  auto init = [&](std::uint64_t row, std::span<double> v) {
    for (std::size_t c = 0; c < width; ++c)
      v[c] = initial(row, c);
  };
  hd::PartitionedRows<double> table(comm, rows, width, init);
  std::vector<double> replicated(rows * width);
  for (std::uint64_t r = 0; r < rows; ++r)
    init(r, std::span<double>(replicated.data() + r * width, width));
  // A step whose result depends on the order of the sum: x <- x - 0.1 * g, with gradients of
  // mixed magnitude.
  auto sgd = [](std::uint64_t, std::span<double> x, std::span<const double> g) {
    for (std::size_t c = 0; c < x.size(); ++c)
      x[c] -= 0.1 * g[c];
  };
  hd::RowExchange<double> exchange;
  for (int group = 0; group < 5; ++group) {
    hd::RowGradients<double> mine(width), all, merged;
    for (std::uint64_t i = 0; i < 60; ++i) {
      const std::uint64_t h = mix(std::uint64_t(group) * 1000003u + std::uint64_t(me) * 7919u + i);
      std::vector<double> g(width);
      for (std::size_t c = 0; c < width; ++c)
        g[c] = double(std::int64_t(mix(h + c) % 2001) - 1000) * (c == 0 ? 1e12 : 1e-3);
      mine.add(h % 40, g);  // 40 hot rows: many rows touched by several ranks
    }
    table.push(mine, sgd);
    exchange.all_gather(comm, mine, all);
    hd::coalesce_in_order(all, merged);
    for (std::size_t i = 0; i < merged.count(); ++i)
      sgd(merged.rows[i], std::span<double>(replicated.data() + merged.rows[i] * width, width),
          merged.gradient(i));
  }
  std::vector<double> gathered;
  table.gather(gathered, 0);
  if (me == 0) {
    REQUIRE(gathered.size() == replicated.size());
    CHECK(gathered == replicated);  // bitwise: the same sums in the same order
  } else {
    CHECK(gathered.empty());
  }
  // The pulled values equal the replicated table on every rank.
  std::vector<std::uint64_t> some = {0, 1, 39, 256};
  std::vector<double> out(some.size() * width);
  table.pull(some, out);
  bool same = true;
  for (std::size_t i = 0; i < some.size(); ++i)
    for (std::size_t c = 0; c < width; ++c)
      same = same && out[i * width + c] == replicated[some[i] * width + c];
  CHECK(same);
  if (comm.size() > 1) CHECK(table.bytes_sent() > 0);
}

TEST_CASE("PartitionedRows: a table with fewer rows than ranks (some own none)") {
  hd::Communicator& comm = test_comm();
  hd::PartitionedRows<float> table(comm, 1, 2, [](std::uint64_t, std::span<float> v) {
    v[0] = 3.0f;
    v[1] = -std::numeric_limits<float>::max();
  });
  CHECK(table.owned_rows() == (comm.rank() == 0 ? 1u : 0u));
  std::vector<std::uint64_t> rows = {0, 0};
  std::vector<float> out(4);
  table.pull(rows, out);
  CHECK(out == std::vector<float>{3.0f, -std::numeric_limits<float>::max(), 3.0f,
                                  -std::numeric_limits<float>::max()});
  // Every rank pushes a gradient to row 0; its owner merges them in rank order. The second
  // column overflows to -inf and must stay -inf, not become NaN or be dropped.
  hd::RowGradients<float> mine(2);
  mine.add(0, std::vector<float>{1.0f, std::numeric_limits<float>::max()});
  table.push(mine, [](std::uint64_t, std::span<float> x, std::span<const float> g) {
    x[0] -= g[0];
    x[1] -= g[1];
  });
  table.pull(rows, out);
  CHECK(out[0] == 3.0f - float(comm.size()));
  CHECK(out[1] == -std::numeric_limits<float>::infinity());
}
