#pragma once
// Threaded optimizer steps: the optimizers of optim/ (RiemannianSGD,
// RiemannianAdam) stepped over all rows (dense) or a set of rows (sparse)
// with threads across rows. Each row runs the optimizer's own per-row kernel
// (sgd_step_row / adam_step_row) on the optimizer's own state, so a batched
// step gives bit for bit what opt.step / opt.step_rows give, and the two can
// be mixed. Sparse steps sum repeated indices first, in the order given,
// exactly as the scalar step_rows does.
//
// Allocates per call one workspace per thread (O(threads d)) and, for
// sparse steps, the coalesced index lists (O(nnz)); nothing per row.

#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "../optim/adam.hpp"
#include "../optim/sgd.hpp"
#include "parallel.hpp"
#include "shape_checks.hpp"

namespace hyperbolic::cpu {

namespace detail {
template <class M>
auto row_update(optim::RiemannianAdam<M>& opt) {
  using T = typename M::scalar;
  const index_t d = opt.dim(), width = opt.second_moment_width();
  return [&opt, d, width, m = opt.manifold(), h = opt.options(), avg = opt.exp_avg(),
          avg_sq = opt.exp_avg_sq(), max_sq = opt.max_exp_avg_sq(),
          steps = opt.row_step_counters()](index_t r, Row<T> x, ConstRow<T> g, Row<T> work) {
    const Row<T> vmax = max_sq.rows() > 0 ? Row<T>(max_sq.data() + r * width, width) : Row<T>();
    optim::adam_step_row(m, h, x, g, avg.row(r), Row<T>(avg_sq.data() + r * width, width), vmax,
                         steps[std::size_t(r)], work);
  };
}
template <class M>
index_t work_size(const optim::RiemannianAdam<M>& opt) {
  return optim::adam_work_size(opt.dim());
}

template <class M>
auto row_update(optim::RiemannianSGD<M>& opt) {
  using T = typename M::scalar;
  return [m = opt.manifold(), h = opt.options(), mom = opt.momentum(),
          steps = opt.row_step_counters()](index_t r, Row<T> x, ConstRow<T> g, Row<T> work) {
    const Row<T> b = mom.rows() > 0 ? mom.row(r) : Row<T>();
    optim::sgd_step_row(m, h, x, g, b, steps[std::size_t(r)], work);
  };
}
template <class M>
index_t work_size(const optim::RiemannianSGD<M>& opt) {
  return optim::sgd_work_size(opt.dim());
}

template <class Opt>
void check_parameter(const char* op, const Opt& opt, index_t rows, index_t cols) {
  if (rows != opt.rows() || cols != opt.dim())
    throw std::invalid_argument(std::string("hyperbolic::cpu::") + op + ": parameter is " +
                                std::to_string(rows) + " x " + std::to_string(cols) +
                                " but the optimizer has " + std::to_string(opt.rows()) + " x " +
                                std::to_string(opt.dim()));
}
}  // namespace detail

// Dense step: every row of x moves with its gradient row.
template <class Opt>
void step(Opt& opt, Rows<typename Opt::T> x, Rows<const typename Opt::T> egrad) {
  using T = typename Opt::T;
  detail::check_parameter("step", opt, x.rows(), x.cols());
  detail::check_batch("step", {detail::out("x", x), detail::in("egrad", egrad)});
  const index_t d = x.cols(), ws = detail::work_size(opt);
  std::vector<T> work(std::size_t(max_threads() * ws));
  const auto update = detail::row_update(opt);
  for_each_row(x.rows(), 8 * d, [&](index_t r) {
    update(r, x.row(r), egrad.row(r), Row<T>(work.data() + thread_index() * ws, ws));
  });
  opt.count_step();
}

// Sparse step: egrad_rows.row(k) is the gradient of row indices[k]; only
// those rows and their state change.
template <class Opt>
void step_rows(Opt& opt, Rows<typename Opt::T> x, std::span<const index_t> indices,
               Rows<const typename Opt::T> egrad_rows) {
  using T = typename Opt::T;
  detail::check_parameter("step_rows", opt, x.rows(), x.cols());
  if (egrad_rows.rows() != static_cast<index_t>(indices.size()) || egrad_rows.cols() != x.cols())
    throw std::invalid_argument(
        "hyperbolic::cpu::step_rows: gradient rows are " + std::to_string(egrad_rows.rows()) +
        " x " + std::to_string(egrad_rows.cols()) + " but there are " +
        std::to_string(indices.size()) + " indices of rows of " + std::to_string(x.cols()));
  optim::CoalescedRows rows;
  optim::coalesce_rows(indices, x.rows(), rows);  // throws std::out_of_range on a bad index
  const index_t d = x.cols(), ws = detail::work_size(opt) + d;  // + d: sum of repeated rows
  std::vector<T> work(std::size_t(max_threads() * ws));
  const auto update = detail::row_update(opt);
  for_each_row(static_cast<index_t>(rows.rows.size()), 8 * d, [&](index_t k) {
    T* w = work.data() + thread_index() * ws;
    const index_t r = rows.rows[std::size_t(k)];
    const index_t b = rows.offsets[std::size_t(k)], e = rows.offsets[std::size_t(k) + 1];
    ConstRow<T> g = egrad_rows.row(rows.sources[std::size_t(b)]);
    if (e - b > 1) {
      T* sum = w + (ws - d);
      for (index_t i = 0; i < d; ++i)
        sum[i] = T(0);
      for (index_t j = b; j < e; ++j) {
        const ConstRow<T> gj = egrad_rows.row(rows.sources[std::size_t(j)]);
        for (index_t i = 0; i < d; ++i)
          sum[i] += gj[i];
      }
      g = ConstRow<T>(sum, d);
    }
    update(r, x.row(r), g, Row<T>(w, ws - d));
  });
  opt.count_step();
}

}  // namespace hyperbolic::cpu
