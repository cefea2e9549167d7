#pragma once
// Non-owning views of one point or tangent vector (a contiguous row), usable
// on host and device. Host code can build them from anything contiguous:
// std::vector, std::array, std::span, Eigen vectors and matrix rows with unit
// inner stride.

#include <cassert>
#include <type_traits>

#include "config.hpp"

#ifndef HYP_DEVICE_COMPILE
#include <ranges>
#endif

namespace hyperbolic {

template <class T>
class RowView {
 public:
  using value_type = std::remove_const_t<T>;

  constexpr RowView() = default;
  HYP_HD constexpr RowView(T* data, index_t size) : data_(data), size_(size) {}

  // A mutable view converts to a const one.
  template <class U>
  requires(std::is_const_v<T>&& std::is_same_v<const U, T>) HYP_HD
      constexpr RowView(RowView<U> other)  // NOLINT: implicit by design
      : data_(other.data()), size_(other.size()) {}

#ifndef HYP_DEVICE_COMPILE
  // Host-only: any contiguous range of the right element type.
  template <class Range>
  requires(
      !std::is_same_v<std::remove_cvref_t<Range>, RowView> &&
      std::ranges::contiguous_range<Range> && std::ranges::sized_range<Range> &&
      std::is_convertible_v<std::remove_reference_t<std::ranges::range_reference_t<Range>> (*)[],
                            T (*)[]>) constexpr RowView(Range&& r)  // NOLINT: implicit by design
      : data_(std::ranges::data(r)), size_(static_cast<index_t>(std::ranges::size(r))) {}
#endif

  HYP_HD constexpr T* data() const {
    return data_;
  }
  HYP_HD constexpr index_t size() const {
    return size_;
  }
  HYP_HD constexpr T& operator[](index_t i) const {
    assert(i >= 0 && i < size_);
    return data_[i];
  }
  HYP_HD constexpr T* begin() const {
    return data_;
  }
  HYP_HD constexpr T* end() const {
    return data_ + size_;
  }
  // The row without its first coordinate (the space part of a Lorentz point).
  HYP_HD constexpr RowView tail() const {
    return RowView(data_ + 1, size_ - 1);
  }

 private:
  T* data_ = nullptr;
  index_t size_ = 0;
};

template <class T>
using Row = RowView<T>;

// A row-major matrix (rows x cols, row stride >= cols): a batch of points, a
// weight matrix for mobius_matvec, or a gradient of one.
template <class T>
class MatrixView {
 public:
  constexpr MatrixView() = default;
  HYP_HD constexpr MatrixView(T* data, index_t rows, index_t cols)
      : data_(data), rows_(rows), cols_(cols), stride_(cols) {}
  HYP_HD constexpr MatrixView(T* data, index_t rows, index_t cols, index_t stride)
      : data_(data), rows_(rows), cols_(cols), stride_(stride) {}
  template <class U>
  requires(std::is_const_v<T>&& std::is_same_v<const U, T>) HYP_HD
      constexpr MatrixView(MatrixView<U> o)  // NOLINT: implicit by design
      : data_(o.data()), rows_(o.rows()), cols_(o.cols()), stride_(o.stride()) {}

  HYP_HD constexpr T* data() const { return data_; }
  HYP_HD constexpr index_t rows() const { return rows_; }
  HYP_HD constexpr index_t cols() const { return cols_; }
  HYP_HD constexpr index_t stride() const { return stride_; }
  HYP_HD constexpr RowView<T> row(index_t i) const {
    assert(i >= 0 && i < rows_);
    return RowView<T>(data_ + i * stride_, cols_);
  }
  HYP_HD constexpr T& operator()(index_t i, index_t j) const { return data_[i * stride_ + j]; }

 private:
  T* data_ = nullptr;
  index_t rows_ = 0, cols_ = 0, stride_ = 0;
};

template <class T>
using ConstMatrixView = MatrixView<const T>;

// Free functions take their scalar type from a scalar argument and wrap row
// parameters in NoDeduce, so that mutable and const rows both convert.
template <class V>
using NoDeduce = std::type_identity_t<V>;
template <class T>
using ConstRow = RowView<const T>;

}  // namespace hyperbolic
