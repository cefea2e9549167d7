#pragma once
// Riemannian optimizers: umbrella header and the step interface.
//
// ---- The step interface ------------------------------------------------------
// An optimizer updates a parameter made of rows (points of one manifold M,
// stored row-major, d stored coordinates each) from the EUCLIDEAN gradient of
// the loss with respect to those coordinates; it converts it with
// M::egrad2rgrad itself. All math lives in one per-row kernel per optimizer:
//
//   template <Manifold M> HYP_HD void sgd_step_row(
//       const M& m, const SgdHyper<T>& h, Row<T> x, ConstRow<T> egrad,
//       Row<T> momentum, std::int64_t& row_steps, Row<T> work);      // sgd_row.hpp
//   template <Manifold M> HYP_HD void adam_step_row(
//       const M& m, const AdamHyper<T>& h, Row<T> x, ConstRow<T> egrad,
//       Row<T> exp_avg, Row<T> exp_avg_sq, Row<T> max_exp_avg_sq,
//       std::int64_t& row_steps, Row<T> work);                        // adam_row.hpp
//
// A kernel reads and writes only row r of the parameter and of each state
// array, plus a private workspace of sgd_work_size(d) / adam_work_size(d)
// scalars; hyperparameters are plain data (SgdHyper / AdamHyper). Rows are
// therefore independent: the scalar classes RiemannianSGD / RiemannianAdam
// loop over rows on one thread, and a batched CPU or CUDA backend runs the
// same kernel for all rows in parallel (one workspace per thread / warp),
// reading the state through opt.momentum() / opt.exp_avg() / opt.exp_avg_sq()
// / opt.max_exp_avg_sq() / opt.row_step_counters(), the manifold through
// opt.manifold() and the hyperparameters through opt.options(), then calling
// opt.count_step(). Because every backend runs the same kernel, a fast step
// gives the same result as the scalar one up to the manifold's reductions.
//
// The kernels' coefficient step (Adam's moments and scale, SGD's momentum and
// tangent step, adam_row.hpp / sgd_row.hpp) is written over a value type
// (core/lanes.hpp), as are the models' coefficient functions. The CPU backend
// (cpu/optim_rows.hpp) runs the same update rule on the library's models with
// SIMD passes over each row and those same functions on SIMD registers across
// blocks of 16 rows; rows outside the common case take the kernel itself.
//
// Sparse-row steps (step_rows) run the kernel on the listed rows only; each
// row has its own step counter (bias correction, first-step momentum), so
// untouched rows keep their state unchanged ("lazy" moments) and a sparse
// step listing every row once is the dense step, bit for bit.
//
// TensorAdamW (tensor_adamw.hpp) runs RiemannianAdam on Euclidean<T> over a
// list of named caller-owned tensors (TensorRef, tensor_ref.hpp): AdamW with
// global gradient-norm clipping for neural-network weights.
//
// See docs/optimizers.md for the formulas, options and checkpoint format.

#include "adam.hpp"
#include "adam_row.hpp"
#include "checkpoint.hpp"
#include "checksum.hpp"
#include "curvature.hpp"
#include "parameter.hpp"
#include "schedule.hpp"
#include "second_moment.hpp"
#include "sgd.hpp"
#include "sgd_row.hpp"
#include "sparse_rows.hpp"
#include "step_policy.hpp"
#include "tensor_adamw.hpp"
#include "tensor_ref.hpp"
