#pragma once
// Dense batches for the nn layers: row-major Eigen matrices, one token (or
// point) per row, so a batch of N rows of width d is an N x d matrix and a
// linear layer y = W x is Y = X W^T with W stored d_out x d_in (the PyTorch
// layout). The nn headers need Eigen 3.4 (find_package(Eigen3)).

#include <Eigen/Core>
#include <random>

#include "../core/row_view.hpp"

// Row loops run on OpenMP threads when the including target links OpenMP.
#if defined(_OPENMP)
#define HYP_NN_OMP(directive) _Pragma(#directive)
#else
#define HYP_NN_OMP(directive)
#endif

namespace hyperbolic::nn {

template <class T>
using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T>
using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;

// Fills a dense matrix or vector with N(0, stddev^2) entries from rng.
template <class Dense, class Rng>
void fill_normal(Eigen::PlainObjectBase<Dense>& m, typename Dense::Scalar stddev, Rng& rng) {
  using T = typename Dense::Scalar;
  std::normal_distribution<double> normal(0.0, static_cast<double>(stddev));
  for (Eigen::Index i = 0; i < m.size(); ++i)
    m.data()[i] = static_cast<T>(normal(rng));
}

namespace detail {
// Row i of a row-major matrix as the core's row view.
template <class T>
Row<T> row_of(Matrix<T>& m, Eigen::Index i) {
  return Row<T>(m.data() + i * m.cols(), m.cols());
}
template <class T>
ConstRow<T> row_of(const Matrix<T>& m, Eigen::Index i) {
  return ConstRow<T>(m.data() + i * m.cols(), m.cols());
}
}  // namespace detail

}  // namespace hyperbolic::nn
