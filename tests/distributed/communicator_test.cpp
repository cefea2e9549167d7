// The communicator contract (communicator.hpp) on whatever test_comm() is: one process, or
// every rank of an mpiexec run. Collective: each case makes the same calls on every rank.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "hyperbolic/distributed/gradient_all_reduce.hpp"
#include "hyperbolic/distributed/replica_check.hpp"
#include "hyperbolic/distributed/sparse_row_exchange.hpp"
#include "test_comm.hpp"

namespace hd = hyperbolic::distributed;

namespace {

// Every rank's copy of `values`, compared bit for bit with rank 0's.
template <class T>
bool identical_on_every_rank(hd::Communicator& comm, const std::vector<T>& values) {
  hd::Gathered g;
  comm.all_gather(hd::bytes_of(std::span<const T>(values)), g);
  for (int r = 1; r < g.ranks(); ++r) {
    const auto a = g.of(0), b = g.of(r);
    if (a.size() != b.size() || !std::equal(a.begin(), a.end(), b.begin())) return false;
  }
  return true;
}

}  // namespace

TEST_CASE_TEMPLATE("all_reduce_sum adds every rank's values exactly, same bits everywhere", T,
                   float, double) {
  hd::Communicator& comm = test_comm();
  const int n = comm.size(), me = comm.rank();
  // Lengths below, at and above the number of ranks (slices of 0 and 1 element), and one long
  // buffer; small integers and powers of two are exact in any order.
  for (const std::size_t length :
       {std::size_t(0), std::size_t(1), std::size_t(n), std::size_t(n) + 1, std::size_t(100003)}) {
    std::vector<T> v(length);
    for (std::size_t i = 0; i < length; ++i)
      v[i] = T(int(i % 97) + 1000 * me) + std::ldexp(T(1), -int(i % 8));
    comm.all_reduce_sum(std::span<T>(v));
    const T rank_sum = T(1000) * T(n * (n - 1) / 2);
    bool exact = true;
    for (std::size_t i = 0; i < length; ++i)
      exact = exact && v[i] == T(n) * (T(int(i % 97)) + std::ldexp(T(1), -int(i % 8))) + rank_sum;
    CHECK_MESSAGE(exact, "length " << length);
    CHECK(identical_on_every_rank(comm, v));
  }
}

TEST_CASE("all_reduce_sum gives the same bits on every rank where the order of the sum matters") {
  hd::Communicator& comm = test_comm();
  // Values whose sum depends on the order of addition (1e16 + 1 - 1e16): the contract is only
  // that all ranks see the same result, fixed from call to call.
  std::vector<double> first(4096), second(4096);
  for (std::size_t i = 0; i < first.size(); ++i)
    first[i] = (comm.rank() % 3 == 0 ? 1e16 : comm.rank() % 3 == 1 ? 1.0 : -1e16) * double(i + 1);
  second = first;
  comm.all_reduce_sum(std::span<double>(first));
  comm.all_reduce_sum(std::span<double>(second));
  CHECK(identical_on_every_rank(comm, first));
  CHECK(first == second);
}

TEST_CASE("all_reduce_sum carries NaN and infinity through instead of failing") {
  hd::Communicator& comm = test_comm();
  std::vector<float> v = {comm.rank() == 0 ? std::numeric_limits<float>::quiet_NaN() : 1.0f,
                          std::numeric_limits<float>::infinity(),
                          std::numeric_limits<float>::max()};
  comm.all_reduce_sum(std::span<float>(v));
  CHECK(std::isnan(v[0]));
  CHECK(v[1] == std::numeric_limits<float>::infinity());
  if (comm.size() > 1)
    CHECK(v[2] == std::numeric_limits<float>::infinity());  // overflow rounds to inf
  else
    CHECK(v[2] == std::numeric_limits<float>::max());
}

TEST_CASE("all_gather returns every rank's bytes in rank order, empty ones included") {
  hd::Communicator& comm = test_comm();
  // Rank r sends r values r, r, ... (rank 0 sends nothing).
  const std::vector<std::int32_t> mine(std::size_t(comm.rank()), comm.rank());
  hd::Gathered g;
  comm.all_gather(hd::bytes_of(std::span<const std::int32_t>(mine)), g);
  REQUIRE(g.ranks() == comm.size());
  for (int r = 0; r < comm.size(); ++r) {
    const auto values = hd::values_of<std::int32_t>(g, r);
    CHECK(values == std::vector<std::int32_t>(std::size_t(r), r));
  }
  // A part whose length is not a whole number of values is named, not misread.
  if (comm.size() > 1)
    CHECK_THROWS_WITH_AS(hd::values_of<std::int64_t>(g, 1),
                         doctest::Contains("rank 1 sent 4 bytes"), hd::CommunicationError);
}

TEST_CASE("broadcast copies the root's bytes to every rank") {
  hd::Communicator& comm = test_comm();
  const int root = comm.size() - 1;
  std::vector<double> v(1000, double(comm.rank()));
  comm.broadcast(std::as_writable_bytes(std::span<double>(v)), root);
  CHECK(v == std::vector<double>(1000, double(root)));
  CHECK_THROWS_AS(comm.broadcast(std::as_writable_bytes(std::span<double>(v)), comm.size()),
                  std::invalid_argument);
}

TEST_CASE("check_replicas passes identical replicas and names the step and rank of a drift") {
  hd::Communicator& comm = test_comm();
  const std::vector<float> params(257, 0.25f);
  const auto same = hd::state_checksum(std::span<const float>(params));
  CHECK_NOTHROW(hd::check_replicas(comm, same, 7, "parameters"));
  // The last rank's state differs in one bit.
  std::vector<float> mine = params;
  if (comm.rank() == comm.size() - 1) mine[128] = std::nextafter(mine[128], 1.0f);
  const auto checksum = hd::state_checksum(std::span<const float>(mine));
  if (comm.size() == 1) {
    CHECK_NOTHROW(hd::check_replicas(comm, checksum, 8, "parameters"));
  } else {
    const std::string expected =
        "replicas drifted at step 8: the parameters of rank " + std::to_string(comm.size() - 1);
    CHECK_THROWS_WITH_AS(hd::check_replicas(comm, checksum, 8, "parameters"),
                         doctest::Contains(expected.c_str()), hd::ReplicaDrift);
  }
}

TEST_CASE("GradientAllReduce sums several tensors in one call and scales them") {
  hd::Communicator& comm = test_comm();
  const int n = comm.size();
  std::vector<float> a(3, 1.0f + float(comm.rank())), b(5, 2.0f), empty;
  hd::GradientAllReduce<float> reduce;
  std::vector<std::span<float>> tensors = {a, empty, b};
  reduce.sum(comm, tensors, 0.5f);
  CHECK(a == std::vector<float>(3, 0.5f * float(n + n * (n - 1) / 2)));
  CHECK(b == std::vector<float>(5, float(n)));
  CHECK(reduce.bytes_sent() ==
        (n > 1 ? 2 * std::size_t(n - 1) * 8 * sizeof(float) / std::size_t(n) : 0));
  CHECK(hd::sum_over_ranks(comm, 0.5) == 0.5 * n);
}

TEST_CASE("row exchange: every rank's rows in rank order, duplicates summed in that order") {
  hd::Communicator& comm = test_comm();
  const int n = comm.size(), me = comm.rank();
  hd::RowGradients<double> mine(2);
  // Every rank touches row 7; rank r also touches row 100 + r (twice, in order).
  const double big = 1e16;
  mine.add(7, std::vector<double>{me == 0 ? big : me == 1 ? 1.0 : -1.0, double(me)});
  mine.add(std::uint64_t(100 + me), std::vector<double>{1.0, 2.0});
  mine.add(std::uint64_t(100 + me), std::vector<double>{0.5, 0.25});
  hd::RowExchange<double> exchange;
  hd::RowGradients<double> all, merged;
  exchange.all_gather(comm, mine, all);
  REQUIRE(all.count() == 3 * std::size_t(n));
  for (int r = 0; r < n; ++r)
    CHECK(all.rows[3 * std::size_t(r) + 1] == std::uint64_t(100 + r));
  hd::coalesce_in_order(all, merged);
  REQUIRE(merged.count() == 1 + std::size_t(n));
  CHECK(merged.rows[0] == 7);
  // Row 7, column 0: big + 1 - 1 - 1 ... in rank order (1e16 + 1 rounds back to 1e16).
  double expected = 0;
  for (int r = 0; r < n; ++r)
    expected += r == 0 ? big : r == 1 ? 1.0 : -1.0;
  CHECK(merged.gradient(0)[0] == expected);
  CHECK(merged.gradient(0)[1] == double(n * (n - 1) / 2));
  for (int r = 0; r < n; ++r) {
    CHECK(merged.rows[1 + std::size_t(r)] == std::uint64_t(100 + r));
    CHECK(merged.gradient(1 + std::size_t(r))[0] == 1.5);
    CHECK(merged.gradient(1 + std::size_t(r))[1] == 2.25);
  }
  CHECK(identical_on_every_rank(comm, merged.values));
  // Bytes this rank sent: (8 + 16) per row, 3 rows, to each of the n - 1 others.
  CHECK(exchange.bytes_sent() == std::size_t(n - 1) * (8 + 3 * 24));
}

TEST_CASE("a malformed row message is refused with the rank named") {
  hd::RowGradients<float> g(3);
  g.add(1, std::vector<float>{1, 2, 3});
  std::vector<std::byte> wire;
  hd::serialize(g, wire);
  hd::RowGradients<float> out(3);
  hd::append_deserialized(std::span<const std::byte>(wire), 4, out);
  CHECK(out.rows == std::vector<std::uint64_t>{1});
  wire.pop_back();
  CHECK_THROWS_WITH_AS(hd::append_deserialized(std::span<const std::byte>(wire), 4, out),
                       doctest::Contains("rank 4's message has 27 bytes for 1 rows"),
                       hd::CommunicationError);
  std::vector<std::byte> huge(8, std::byte{0xff});  // a count of 2^64 - 1 rows in 8 bytes
  CHECK_THROWS_AS(hd::append_deserialized(std::span<const std::byte>(huge), 0, out),
                  hd::CommunicationError);
  CHECK_THROWS_WITH_AS(g.add(2, std::vector<float>{1, 2}),
                       doctest::Contains("2 values for row 2, the table has 3 columns"),
                       std::invalid_argument);
}
