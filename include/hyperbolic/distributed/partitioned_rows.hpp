#pragma once
// An embedding table partitioned across ranks (the layout of PyTorch-BigGraph): row i lives on
// rank i mod N, at local index i / N, and only its owner steps it. A sync group then costs two
// personalized exchanges instead of one all-gather:
//
//   pull(rows)       the current values of the rows this rank's batches read (any owner)
//   push(gradients)  each gradient to its row's owner, which merges and steps it
//
// Per rank and group, with V the bytes of all ranks' row gradients: pull and push each move
// about V (N-1)/N^2, against V (N-1)/N received by an all-gather — fewer bytes from N = 3 on,
// and the step work and memory fall as 1/N (docs/distributed.md, "Partitioned tables").
//
// push merges the contributions to one row in rank order, each rank's in the order it added
// them: the order coalesce_in_order gives after RowExchange::all_gather. A partitioned run
// therefore steps every row with the same bits as a replicated one.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "hyperbolic/distributed/communicator.hpp"
#include "hyperbolic/distributed/sparse_row_exchange.hpp"

namespace hyperbolic::distributed {

template <class T>
class PartitionedRows {
 public:
  // `init(row, values)` fills each owned row (values has `width` entries).
  PartitionedRows(Communicator& comm, std::uint64_t rows, std::size_t width,
                  const std::function<void(std::uint64_t, std::span<T>)>& init)
      : comm_(&comm), rows_(rows), width_(width), ranks_(std::uint64_t(comm.size())) {
    if (width == 0) throw std::invalid_argument("PartitionedRows: a table needs a column");
    const std::uint64_t me = std::uint64_t(comm.rank());
    owned_ = rows_ > me ? (rows_ - me + ranks_ - 1) / ranks_ : 0;
    values_.assign(owned_ * width_, T(0));
    for (std::uint64_t i = 0; i < owned_; ++i)
      init(i * ranks_ + me, local(i));
  }

  std::uint64_t rows() const noexcept { return rows_; }
  std::size_t width() const noexcept { return width_; }
  int owner(std::uint64_t row) const noexcept { return int(row % ranks_); }
  std::uint64_t owned_rows() const noexcept { return owned_; }
  // An owned row, by its global index.
  std::span<T> owned_row(std::uint64_t row) {
    check(row, "owned_row");
    if (owner(row) != comm_->rank())
      throw std::invalid_argument("PartitionedRows: row " + std::to_string(row) +
                                  " belongs to rank " + std::to_string(owner(row)) +
                                  ", not to rank " + std::to_string(comm_->rank()));
    return local(row / ranks_);
  }

  // Collective: out[i * width ...] = current values of rows[i] (any rows, repeats allowed).
  void pull(std::span<const std::uint64_t> rows, std::span<T> out) {
    if (out.size() != rows.size() * width_)
      throw std::invalid_argument("PartitionedRows::pull: " + std::to_string(out.size()) +
                                  " output values for " + std::to_string(rows.size()) +
                                  " rows of " + std::to_string(width_));
    // Requests bucketed by owner, remembering where each answer goes.
    bucket_by_owner(rows, "pull");
    comm_->all_to_all(std::as_bytes(std::span<const std::uint64_t>(request_ids_)), byte_counts_,
                      incoming_);
    // Answer every rank's requests in its order.
    answers_.clear();
    answer_counts_.assign(std::size_t(ranks_), 0);
    for (int s = 0; s < int(ranks_); ++s) {
      const auto b = incoming_.of(s);
      const std::size_t count = b.size() / sizeof(std::uint64_t);
      for (std::size_t j = 0; j < count; ++j) {
        std::uint64_t row;
        std::memcpy(&row, b.data() + j * sizeof row, sizeof row);
        const auto v = owned_row(row);
        answers_.insert(answers_.end(), v.begin(), v.end());
      }
      answer_counts_[std::size_t(s)] = count * width_ * sizeof(T);
    }
    comm_->all_to_all(std::as_bytes(std::span<const T>(answers_)), answer_counts_, incoming_);
    for (int s = 0; s < int(ranks_); ++s) {
      const auto b = incoming_.of(s);
      const std::size_t count = b.size() / (width_ * sizeof(T));
      const std::size_t first = request_begin_[std::size_t(s)];
      if (count != request_begin_[std::size_t(s) + 1] - first)
        throw CommunicationError("PartitionedRows::pull: rank " + std::to_string(s) + " answered " +
                                 std::to_string(count) + " rows of " +
                                 std::to_string(request_begin_[std::size_t(s) + 1] - first) +
                                 " asked");
      for (std::size_t j = 0; j < count; ++j)
        std::memcpy(out.data() + request_slot_[first + j] * width_,
                    b.data() + j * width_ * sizeof(T), width_ * sizeof(T));
    }
    bytes_sent_ += sent_bytes(byte_counts_) + sent_bytes(answer_counts_);
  }

  // Collective: every gradient to its row's owner; the owner merges them (see the top) and
  // calls step(row, values, merged_gradient) once per distinct row it owns.
  template <class Step>
  void push(const RowGradients<T>& gradients, Step&& step) {
    if (gradients.width != width_)
      throw std::invalid_argument("PartitionedRows::push: gradients of width " +
                                  std::to_string(gradients.width) + " for a table of " +
                                  std::to_string(width_));
    // One message per owner, in this rank's order, written straight into the send buffer in
    // serialize()'s wire form (u64 count, the row ids, the values): a counting pass, then one
    // copy of each gradient.
    const std::size_t n = std::size_t(ranks_), row_bytes = width_ * sizeof(T);
    std::vector<std::uint64_t>& count = push_count_;
    count.assign(n, 0);
    for (const std::uint64_t row : gradients.rows) {
      check(row, "push");
      ++count[std::size_t(owner(row))];
    }
    byte_counts_.resize(n);
    push_ids_at_.resize(n);
    push_values_at_.resize(n);
    std::size_t at = 0;
    for (std::size_t d = 0; d < n; ++d) {
      byte_counts_[d] = sizeof(std::uint64_t) + count[d] * (sizeof(std::uint64_t) + row_bytes);
      push_ids_at_[d] = at + sizeof(std::uint64_t);
      push_values_at_[d] = push_ids_at_[d] + count[d] * sizeof(std::uint64_t);
      at += byte_counts_[d];
    }
    send_.resize(at);
    for (std::size_t d = 0; d < n; ++d)
      std::memcpy(send_.data() + push_ids_at_[d] - sizeof(std::uint64_t), &count[d],
                  sizeof(std::uint64_t));
    for (std::size_t i = 0; i < gradients.count(); ++i) {
      const std::size_t d = std::size_t(owner(gradients.rows[i]));
      std::memcpy(send_.data() + push_ids_at_[d], &gradients.rows[i], sizeof(std::uint64_t));
      push_ids_at_[d] += sizeof(std::uint64_t);
      std::memcpy(send_.data() + push_values_at_[d], gradients.gradient(i).data(), row_bytes);
      push_values_at_[d] += row_bytes;
    }
    comm_->all_to_all(send_, byte_counts_, incoming_);
    received_.width = width_;
    received_.clear();
    for (int s = 0; s < int(ranks_); ++s)
      append_deserialized(incoming_.of(s), s, received_);
    coalesce_in_order(received_, merged_);
    for (std::size_t i = 0; i < merged_.count(); ++i)
      step(merged_.rows[i], owned_row(merged_.rows[i]), std::span<const T>(merged_.gradient(i)));
    bytes_sent_ += sent_bytes(byte_counts_);
  }

  // Collective: the whole table, row-major, on `root` (left empty on the other ranks).
  void gather(std::vector<T>& table, int root) {
    std::vector<std::size_t> counts(std::size_t(ranks_), 0);
    counts[std::size_t(root)] = values_.size() * sizeof(T);
    comm_->all_to_all(std::as_bytes(std::span<const T>(values_)), counts, incoming_);
    table.clear();
    if (comm_->rank() != root) return;
    table.assign(rows_ * width_, T(0));
    for (int s = 0; s < int(ranks_); ++s) {
      const auto part = values_of<T>(incoming_, s);
      for (std::size_t i = 0; i * width_ < part.size(); ++i)
        std::memcpy(table.data() + (i * ranks_ + std::size_t(s)) * width_, part.data() + i * width_,
                    width_ * sizeof(T));
    }
  }

  // Bytes this rank has sent to other ranks (not to itself) so far.
  std::size_t bytes_sent() const noexcept { return bytes_sent_; }

 private:
  std::span<T> local(std::uint64_t i) { return {values_.data() + i * width_, width_}; }
  void check(std::uint64_t row, const char* call) const {
    if (row >= rows_)
      throw std::out_of_range("PartitionedRows::" + std::string(call) + ": row " +
                              std::to_string(row) + " of a table of " + std::to_string(rows_) +
                              " rows");
  }
  // request_ids_: the rows grouped by owner (stable), request_slot_: where each one's answer
  // goes, request_begin_[d]: the first of owner d's; flat arrays, reused between calls.
  void bucket_by_owner(std::span<const std::uint64_t> rows, const char* call) {
    const std::size_t n = std::size_t(ranks_);
    request_begin_.assign(n + 1, 0);
    for (const std::uint64_t row : rows) {
      check(row, call);
      ++request_begin_[std::size_t(owner(row)) + 1];
    }
    for (std::size_t d = 0; d < n; ++d)
      request_begin_[d + 1] += request_begin_[d];
    fill_.assign(request_begin_.begin(), request_begin_.end() - 1);
    request_ids_.resize(rows.size());
    request_slot_.resize(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::size_t at = fill_[std::size_t(owner(rows[i]))]++;
      request_ids_[at] = rows[i];
      request_slot_[at] = i;
    }
    byte_counts_.resize(n);
    for (std::size_t d = 0; d < n; ++d)
      byte_counts_[d] = (request_begin_[d + 1] - request_begin_[d]) * sizeof(std::uint64_t);
  }
  std::size_t sent_bytes(const std::vector<std::size_t>& counts) const {
    std::size_t total = 0;
    for (std::size_t d = 0; d < counts.size(); ++d)
      if (int(d) != comm_->rank()) total += counts[d];
    return total;
  }

  Communicator* comm_;
  std::uint64_t rows_;
  std::size_t width_;
  std::uint64_t ranks_;
  std::uint64_t owned_ = 0;
  std::vector<T> values_;
  // Reused buffers.
  std::vector<std::uint64_t> request_ids_;
  std::vector<std::size_t> request_slot_, request_begin_, fill_;
  std::vector<std::size_t> byte_counts_, answer_counts_;
  std::vector<T> answers_;
  std::vector<std::uint64_t> push_count_;
  std::vector<std::size_t> push_ids_at_, push_values_at_;
  std::vector<std::byte> send_;
  RowGradients<T> received_, merged_;
  Gathered incoming_;
  std::size_t bytes_sent_ = 0;
};

}  // namespace hyperbolic::distributed
