#pragma once
// Parameters an optimizer updates: a set of rows (points) on one manifold.
//
// ManifoldParameter<M> owns an N x d row-major matrix; d is the number of
// STORED coordinates (M::ambient_dim(n): n + 1 on Lorentz). Plain Euclidean
// weights and biases are ManifoldParameter<Euclidean<T>> (EuclideanParameter).
// Optimizers step any MatrixView as well, so a parameter can also live in
// memory the caller owns.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "../manifolds/concepts.hpp"
#include "../manifolds/euclidean.hpp"
#include "checkpoint.hpp"

namespace hyperbolic::optim {

template <Manifold M>
class ManifoldParameter {
 public:
  using manifold_type = M;
  using scalar = typename M::scalar;
  using T = scalar;

  // rows x dim points, each set to the manifold's origin.
  ManifoldParameter(M m, index_t rows, index_t dim)
      : manifold_(m), rows_(rows), dim_(dim), data_(checked_size(rows, dim)) {
    for (index_t r = 0; r < rows_; ++r)
      manifold_.origin(row(r));
  }

  const M& manifold() const { return manifold_; }
  // Replace the manifold (e.g. after a curvature update); the caller decides
  // whether to re-project the rows (project_all).
  void set_manifold(const M& m) { manifold_ = m; }
  void project_all() {
    for (index_t r = 0; r < rows_; ++r)
      manifold_.projx(ConstRow<T>(row(r)), row(r));
  }

  index_t rows() const { return rows_; }
  index_t dim() const { return dim_; }
  std::vector<T>& data() { return data_; }
  const std::vector<T>& data() const { return data_; }
  MatrixView<T> view() { return MatrixView<T>(data_.data(), rows_, dim_); }
  ConstMatrixView<T> view() const { return ConstMatrixView<T>(data_.data(), rows_, dim_); }
  Row<T> row(index_t r) { return view().row(r); }
  ConstRow<T> row(index_t r) const { return view().row(r); }

  // Records "<prefix>.shape", "<prefix>.manifold", "<prefix>.values".
  void save(CheckpointWriter& w, std::string_view prefix) const {
    const std::string p(prefix);
    w.put(p + ".shape", std::vector<std::int64_t>{rows_, dim_});
    w.put_string(p + ".manifold", M::name);
    w.put(p + ".values", data_);
  }
  void load(const CheckpointReader& r, std::string_view prefix) {
    const std::string p(prefix);
    const auto name = r.get_string(p + ".manifold");
    if (name != M::name)
      r.fail("parameter '" + p + "' was saved on " + name + ", loading into " + M::name);
    const auto shape = r.get<std::int64_t>(p + ".shape", 2);
    if (shape[0] != rows_ || shape[1] != dim_)
      r.fail("parameter '" + p + "' has shape " + std::to_string(shape[0]) + " x " +
             std::to_string(shape[1]) + ", expected " + std::to_string(rows_) + " x " +
             std::to_string(dim_));
    data_ = r.get<T>(p + ".values", rows_ * dim_);
  }

 private:
  static std::size_t checked_size(index_t rows, index_t dim) {
    if (rows < 0 || dim <= 0)
      throw std::invalid_argument("ManifoldParameter: bad shape " + std::to_string(rows) + " x " +
                                  std::to_string(dim));
    return static_cast<std::size_t>(rows) * static_cast<std::size_t>(dim);
  }

  M manifold_;
  index_t rows_, dim_;
  std::vector<T> data_;
};

template <class T>
using EuclideanParameter = ManifoldParameter<Euclidean<T>>;

}  // namespace hyperbolic::optim
