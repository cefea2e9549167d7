#pragma once
// Sparse data parallelism for embedding tables: a batch touches a few thousand of millions of
// rows, so ranks exchange only the touched rows' gradients — an all-gather of (row id,
// gradient) pairs — and every rank applies the same sparse step to the same rows. The merge
// sums the contributions to one row in a fixed order (rank 0's first, each rank's in the order
// it added them), so every rank computes the same bits and a run's result depends on the number
// of ranks only through that order (docs/distributed.md).
//
// Bytes on the wire per exchange and rank: (N-1)/N x sum over ranks of touched rows x
// (8 + width x sizeof(T)): grows with the batch, not with the table.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "hyperbolic/distributed/communicator.hpp"

namespace hyperbolic::distributed {

// Gradients of some rows of a table of `width` columns, in the order they were added (a row
// may appear more than once).
template <class T>
struct RowGradients {
  std::size_t width = 0;
  std::vector<std::uint64_t> rows;
  std::vector<T> values;  // rows.size() x width

  explicit RowGradients(std::size_t w = 0) : width(w) {}
  std::size_t count() const noexcept { return rows.size(); }
  void clear() noexcept {
    rows.clear();
    values.clear();
  }
  void add(std::uint64_t row, std::span<const T> gradient) {
    if (gradient.size() != width)
      throw std::invalid_argument("RowGradients::add: a gradient of " +
                                  std::to_string(gradient.size()) + " values for row " +
                                  std::to_string(row) + ", the table has " + std::to_string(width) +
                                  " columns");
    rows.push_back(row);
    values.insert(values.end(), gradient.begin(), gradient.end());
  }
  std::span<const T> gradient(std::size_t i) const { return {values.data() + i * width, width}; }
  std::span<T> gradient(std::size_t i) { return {values.data() + i * width, width}; }
};

// Wire form: u64 count, count x u64 row ids, count x width x T.
template <class T>
void serialize(const RowGradients<T>& g, std::vector<std::byte>& out) {
  const std::uint64_t n = g.rows.size();
  out.resize(sizeof n + n * sizeof(std::uint64_t) + g.values.size() * sizeof(T));
  std::byte* p = out.data();
  std::memcpy(p, &n, sizeof n);
  p += sizeof n;
  if (n) std::memcpy(p, g.rows.data(), n * sizeof(std::uint64_t));
  p += n * sizeof(std::uint64_t);
  if (!g.values.empty()) std::memcpy(p, g.values.data(), g.values.size() * sizeof(T));
}

// Appends rank `rank`'s part of a gather to `into` (checked: a malformed message is named).
template <class T>
void append_deserialized(std::span<const std::byte> bytes, int rank, RowGradients<T>& into) {
  auto fail = [&](const std::string& why) {
    throw CommunicationError("row exchange: rank " + std::to_string(rank) + "'s message " + why);
  };
  std::uint64_t n = 0;
  if (bytes.size() < sizeof n) fail("is shorter than its count");
  std::memcpy(&n, bytes.data(), sizeof n);
  const std::size_t per_row = sizeof(std::uint64_t) + into.width * sizeof(T);
  if (n > (bytes.size() - sizeof n) / per_row || bytes.size() != sizeof n + n * per_row)
    fail("has " + std::to_string(bytes.size()) + " bytes for " + std::to_string(n) + " rows of " +
         std::to_string(into.width) + " columns");
  const std::size_t old = into.rows.size();
  into.rows.resize(old + n);
  into.values.resize((old + n) * into.width);
  if (n) {
    std::memcpy(into.rows.data() + old, bytes.data() + sizeof n, n * sizeof(std::uint64_t));
    std::memcpy(into.values.data() + old * into.width,
                bytes.data() + sizeof n + n * sizeof(std::uint64_t), n * into.width * sizeof(T));
  }
}

// Collective: every rank's row gradients, concatenated in rank order, on every rank.
template <class T>
class RowExchange {
 public:
  void all_gather(Communicator& comm, const RowGradients<T>& mine, RowGradients<T>& all) {
    serialize(mine, send_);
    comm.all_gather(send_, gathered_);
    all.width = mine.width;
    all.clear();
    for (int r = 0; r < gathered_.ranks(); ++r)
      append_deserialized(gathered_.of(r), r, all);
    bytes_sent_ += send_.size() * std::size_t(comm.size() - 1);
  }
  std::size_t bytes_sent() const noexcept { return bytes_sent_; }

 private:
  std::vector<std::byte> send_;
  Gathered gathered_;
  std::size_t bytes_sent_ = 0;
};

// One gradient per distinct row, in order of first appearance; a row's contributions summed in
// the order they appear (rank order after an exchange). The row -> slot map is a flat
// open-addressing table (linear probing, at most half full), ~4x faster here than
// std::unordered_map on the few thousand rows of a sync group.
template <class T>
void coalesce_in_order(const RowGradients<T>& in, RowGradients<T>& out) {
  out.width = in.width;
  out.clear();
  const std::size_t n = in.rows.size();
  std::size_t capacity = 16;
  while (capacity < 2 * n)
    capacity *= 2;
  const std::size_t mask = capacity - 1;
  thread_local std::vector<std::uint32_t> slots;  // 0: empty, else output index + 1
  thread_local std::vector<std::uint64_t> keys;
  slots.assign(capacity, 0);
  keys.resize(capacity);
  out.rows.reserve(n);
  out.values.reserve(n * in.width);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t row = in.rows[i];
    std::size_t h = std::size_t((row * 0x9E3779B97F4A7C15ull) >> 20) & mask;
    while (slots[h] != 0 && keys[h] != row)
      h = (h + 1) & mask;
    const auto src = in.gradient(i);
    if (slots[h] == 0) {
      slots[h] = std::uint32_t(out.rows.size() + 1);
      keys[h] = row;
      out.rows.push_back(row);
      out.values.insert(out.values.end(), src.begin(), src.end());
    } else {
      T* dst = out.values.data() + std::size_t(slots[h] - 1) * in.width;
      for (std::size_t c = 0; c < in.width; ++c)
        dst[c] += src[c];
    }
  }
}

}  // namespace hyperbolic::distributed
