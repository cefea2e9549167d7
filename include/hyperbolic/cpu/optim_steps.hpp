#pragma once
// Threaded optimizer steps: the optimizers of optim/ (RiemannianSGD,
// RiemannianAdam) stepped over all rows (dense) or a set of rows (sparse)
// with threads across blocks of rows. On the library's models each block
// runs the optimizer's update rule with SIMD passes over every row and the
// coefficient step on SIMD registers across the block (cpu/optim_rows.hpp);
// rows outside the common case, and every row of a user-defined manifold,
// take the optimizer's own per-row kernel (sgd_step_row / adam_step_row).
// Both read and write the optimizer's own state, so batched and scalar
// steps can be mixed; a row's result equals the scalar step's up to
// rounding (bound in tests/cpu/optim_steps.cpp) and does not depend on the
// thread count. Sparse steps sum repeated indices first, in the order given,
// exactly as the scalar step_rows does.
//
// Allocates per call one scratch per thread (O(threads d)) and, for sparse
// steps, the coalesced index lists (O(nnz)); nothing per row.

#include <algorithm>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "../optim/adam.hpp"
#include "../optim/sgd.hpp"
#include "optim_rows.hpp"
#include "parallel.hpp"
#include "shape_checks.hpp"

namespace hyperbolic::cpu {

namespace detail {
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
  const index_t n = x.rows(), d = x.cols(), block = detail::step_block;
  const detail::RowStepper<Opt> stepper(opt, x);
  const index_t ws = stepper.scratch_size(d);
  std::vector<T> scratch(std::size_t(max_threads() * ws));
  for_each_row((n + block - 1) / block, block * d, [&](index_t bi) {
    detail::StepBlock<T> b;
    b.count = std::min(block, n - bi * block);
    for (index_t k = 0; k < b.count; ++k) {
      b.rows[k] = bi * block + k;
      b.grad[k] = egrad.ptr(b.rows[k]);
    }
    stepper.run(b, scratch.data() + thread_index() * ws);
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
  const index_t n = static_cast<index_t>(rows.rows.size()), d = x.cols(),
                block = detail::step_block;
  const detail::RowStepper<Opt> stepper(opt, x);
  const index_t ws = stepper.scratch_size(d) + block * d;  // + the sums of repeated rows
  std::vector<T> scratch(std::size_t(max_threads() * ws));
  for_each_row((n + block - 1) / block, block * d, [&](index_t bi) {
    T* w = scratch.data() + thread_index() * ws;
    T* sums = w + (ws - block * d);
    detail::StepBlock<T> b;
    b.count = std::min(block, n - bi * block);
    for (index_t k = 0; k < b.count; ++k) {
      const std::size_t j = std::size_t(bi * block + k);
      const index_t first = rows.offsets[j], end = rows.offsets[j + 1];
      b.rows[k] = rows.rows[j];
      b.grad[k] = egrad_rows.ptr(rows.sources[std::size_t(first)]);
      if (end - first > 1) {  // summed in the order given, as the scalar step_rows does
        T* sum = sums + k * d;
        std::fill(sum, sum + d, T(0));
        for (index_t s = first; s < end; ++s) {
          const T* g = egrad_rows.ptr(rows.sources[std::size_t(s)]);
          simd::combine_row(d, sum, [&](auto at) { return at(sum) + at(g); });
        }
        b.grad[k] = sum;
      }
    }
    stepper.run(b, w);
  });
  opt.count_step();
}

}  // namespace hyperbolic::cpu
