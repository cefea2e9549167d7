#pragma once
// The part shared by every row-wise optimizer: shapes, per-row step counters,
// the global step counter, dense and sparse loops over rows.
//
// Derived must provide  void update_row(index_t r, Row<T> x, ConstRow<T> g)
// which runs its HYP_HD per-row kernel on row r (state row r, counter r).

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "../manifolds/concepts.hpp"
#include "checkpoint.hpp"
#include "parameter.hpp"
#include "sparse_rows.hpp"

namespace hyperbolic::optim {

template <class Derived, Manifold M>
class RowwiseOptimizer {
 public:
  using manifold_type = M;
  using T = typename M::scalar;

  const M& manifold() const { return manifold_; }
  void set_manifold(const M& m) { manifold_ = m; }
  index_t rows() const { return rows_; }
  index_t dim() const { return dim_; }

  // Number of step()/step_rows() calls so far (drives LR schedules).
  std::int64_t steps() const { return steps_; }
  // Steps row r has taken (its bias-correction count).
  std::int64_t row_steps(index_t r) const { return row_steps_[static_cast<std::size_t>(r)]; }
  std::span<std::int64_t> row_step_counters() { return row_steps_; }
  // For batched backends that ran the per-row kernel themselves.
  void count_step() { ++steps_; }
  // As if n dense steps had been taken: the global and every row's counter
  // become n. For state restored from outside a CheckpointReader (the moments
  // through the state views); n drives the bias corrections of the next step.
  void set_step_counts(std::int64_t n) {
    if (n < 0)
      throw std::invalid_argument(std::string(Derived::kind) + ": step count " + std::to_string(n) +
                                  " must be >= 0");
    steps_ = n;
    row_steps_.assign(row_steps_.size(), n);
  }

  // Dense step: every row moves with its gradient row.
  void step(MatrixView<T> x, ConstMatrixView<T> egrad) {
    check_matrix("parameter", x.rows(), x.cols(), rows_);
    check_matrix("gradient", egrad.rows(), egrad.cols(), rows_);
    for (index_t r = 0; r < rows_; ++r)
      self().update_row(r, x.row(r), egrad.row(r));
    ++steps_;
  }
  void step(ManifoldParameter<M>& p, ConstMatrixView<T> egrad) { step(p.view(), egrad); }
  void step(ManifoldParameter<M>& p, const std::vector<T>& egrad) {
    step(p.view(), ConstMatrixView<T>(egrad.data(), rows_, dim_));
  }

  // Sparse step: egrad_rows.row(k) is the gradient of row indices[k]. Only
  // those rows (and their state) change; repeated indices are summed first.
  void step_rows(MatrixView<T> x, std::span<const index_t> indices, ConstMatrixView<T> egrad_rows) {
    check_matrix("parameter", x.rows(), x.cols(), rows_);
    check_matrix("gradient rows", egrad_rows.rows(), egrad_rows.cols(),
                 static_cast<index_t>(indices.size()));
    coalesce_rows(indices, rows_, coalesced_);
    sum_.resize(static_cast<std::size_t>(dim_));
    for (std::size_t k = 0; k + 1 < coalesced_.offsets.size(); ++k) {
      const index_t r = coalesced_.rows[k];
      const index_t b = coalesced_.offsets[k], e = coalesced_.offsets[k + 1];
      if (e - b == 1) {
        self().update_row(r, x.row(r), egrad_rows.row(coalesced_.sources[b]));
        continue;
      }
      const Row<T> s(sum_.data(), dim_);
      for (index_t i = 0; i < dim_; ++i)
        s[i] = T(0);
      for (index_t j = b; j < e; ++j) {
        const ConstRow<T> g = egrad_rows.row(coalesced_.sources[j]);
        for (index_t i = 0; i < dim_; ++i)
          s[i] += g[i];
      }
      self().update_row(r, x.row(r), ConstRow<T>(s));
    }
    ++steps_;
  }
  void step_rows(ManifoldParameter<M>& p, std::span<const index_t> indices,
                 ConstMatrixView<T> egrad_rows) {
    step_rows(p.view(), indices, egrad_rows);
  }

 protected:
  RowwiseOptimizer(const M& m, index_t rows, index_t dim) : manifold_(m), rows_(rows), dim_(dim) {
    if (rows < 0 || dim <= 0)
      throw std::invalid_argument(std::string(Derived::kind) + ": bad shape " +
                                  std::to_string(rows) + " x " + std::to_string(dim));
    row_steps_.assign(static_cast<std::size_t>(rows), 0);
  }

  void save_common(CheckpointWriter& w, const std::string& p) const {
    w.put_string(p + ".kind", Derived::kind);
    w.put_string(p + ".manifold", M::name);
    w.put(p + ".shape", std::vector<std::int64_t>{rows_, dim_});
    w.put_value(p + ".steps", steps_);
    w.put(p + ".row_steps", row_steps_);
  }
  void load_common(const CheckpointReader& r, const std::string& p) {
    const auto kind = r.get_string(p + ".kind");
    if (kind != Derived::kind)
      r.fail("optimizer '" + p + "' was saved by " + kind + ", loading into " + Derived::kind);
    const auto name = r.get_string(p + ".manifold");
    if (name != M::name)
      r.fail("optimizer '" + p + "' was saved on " + name + ", loading into " + M::name);
    const auto shape = r.get<std::int64_t>(p + ".shape", 2);
    if (shape[0] != rows_ || shape[1] != dim_)
      r.fail("optimizer '" + p + "' has shape " + std::to_string(shape[0]) + " x " +
             std::to_string(shape[1]) + ", expected " + std::to_string(rows_) + " x " +
             std::to_string(dim_));
    steps_ = r.get_value<std::int64_t>(p + ".steps");
    row_steps_ = r.get<std::int64_t>(p + ".row_steps", rows_);
  }

  M manifold_;
  index_t rows_, dim_;
  std::int64_t steps_ = 0;
  std::vector<std::int64_t> row_steps_;

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
  void check_matrix(const char* what, index_t rows, index_t cols, index_t want_rows) const {
    if (rows != want_rows || cols != dim_)
      throw std::invalid_argument(std::string(Derived::kind) + ": " + what + " is " +
                                  std::to_string(rows) + " x " + std::to_string(cols) +
                                  ", expected " + std::to_string(want_rows) + " x " +
                                  std::to_string(dim_));
  }

  CoalescedRows coalesced_;
  std::vector<T> sum_;
};

}  // namespace hyperbolic::optim
