#pragma once
// Rows<T>: the batch argument of every batched function - N rows of d
// elements, row-major, with a row stride (in elements). It converts
// implicitly from
//   - hyperbolic::MatrixView<T> (and a mutable view to a const one),
//   - any Eigen dense expression that is row-major with unit inner stride
//     (Matrix<T, Dynamic, Dynamic, RowMajor>, Map<..., OuterStride<>>, a
//     block of either) - detected by its members, so Eigen is not included,
//   - {std::span<T>, rows, cols, stride} or {std::span<T>, cols} (contiguous),
//     checked against the span's size.
// An input with stride 0 repeats one row for every row of the batch (a
// broadcast); outputs must not overlap (stride >= cols).

#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "../core/row_view.hpp"

namespace hyperbolic::cpu {

namespace detail {
template <class E, class T>
concept RowMajorEigenLike = requires(E& e) {
  { std::remove_cvref_t<E>::IsRowMajor } -> std::convertible_to<bool>;
  { e.data() } -> std::convertible_to<T*>;
  { e.rows() } -> std::convertible_to<index_t>;
  { e.cols() } -> std::convertible_to<index_t>;
  { e.outerStride() } -> std::convertible_to<index_t>;
  { e.innerStride() } -> std::convertible_to<index_t>;
};

[[noreturn]] inline void bad_shape(const std::string& what) {
  throw std::invalid_argument("hyperbolic::cpu: " + what);
}
}  // namespace detail

template <class T>
class Rows {
 public:
  using value_type = std::remove_const_t<T>;

  Rows(MatrixView<T> v) : Rows(v.data(), v.rows(), v.cols(), v.stride()) {}  // NOLINT
  template <class U>
  requires(std::is_same_v<const U, T> && !std::is_same_v<U, T>) Rows(MatrixView<U> v)  // NOLINT
      : Rows(v.data(), v.rows(), v.cols(), v.stride()) {}

  template <class U>
  requires(std::is_same_v<const U, T> && !std::is_same_v<U, T>) Rows(const Rows<U>& r)  // NOLINT
      : Rows(r.data(), r.rows(), r.cols(), r.stride()) {}

  template <class E>
  requires(detail::RowMajorEigenLike<E, T> && !std::is_same_v<std::remove_cvref_t<E>, Rows>)
      Rows(E&& e)  // NOLINT: implicit by design
      : Rows(e.data(), index_t(e.rows()), index_t(e.cols()), index_t(e.outerStride())) {
    static_assert(std::remove_cvref_t<E>::IsRowMajor,
                  "hyperbolic::cpu: batches are row-major (points are rows)");
    if (e.innerStride() != 1 && e.cols() > 1)
      detail::bad_shape("Eigen argument has inner stride " + std::to_string(e.innerStride()) +
                        "; rows must be contiguous");
  }

  Rows(std::span<T> data, index_t rows, index_t cols, index_t stride)
      : Rows(data.data(), rows, cols, stride) {
    const index_t need = rows > 0 ? (rows - 1) * stride + cols : 0;
    if (need > static_cast<index_t>(data.size()))
      detail::bad_shape("span of " + std::to_string(data.size()) + " elements is too small for " +
                        std::to_string(rows) + " x " + std::to_string(cols) + " rows with stride " +
                        std::to_string(stride) + " (needs " + std::to_string(need) + ")");
  }
  Rows(std::span<T> data, index_t cols) : Rows(data.data(), 0, cols, cols) {
    if (cols <= 0 || static_cast<index_t>(data.size()) % cols != 0)
      detail::bad_shape("span of " + std::to_string(data.size()) +
                        " elements is not a whole number of rows of " + std::to_string(cols));
    rows_ = static_cast<index_t>(data.size()) / cols;
  }

  Rows(T* data, index_t rows, index_t cols, index_t stride)
      : data_(data), rows_(rows), cols_(cols), stride_(stride) {
    if (rows < 0 || cols < 0 || stride < 0)
      detail::bad_shape("negative shape " + std::to_string(rows) + " x " + std::to_string(cols) +
                        " (stride " + std::to_string(stride) + ")");
  }

  index_t rows() const noexcept { return rows_; }
  index_t cols() const noexcept { return cols_; }
  index_t stride() const noexcept { return stride_; }
  T* data() const noexcept { return data_; }
  T* ptr(index_t i) const noexcept { return data_ + i * stride_; }
  RowView<T> row(index_t i) const noexcept { return RowView<T>(ptr(i), cols_); }
  MatrixView<T> view() const noexcept { return MatrixView<T>(data_, rows_, cols_, stride_); }

 private:
  T* data_ = nullptr;
  index_t rows_ = 0, cols_ = 0, stride_ = 0;
};

}  // namespace hyperbolic::cpu
