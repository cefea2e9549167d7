#pragma once
// Scalar-path row reductions. The batched CPU and CUDA backends replace these
// loops with SIMD / warp reductions and reuse the same coefficient code.
// Templated on the views' element types so const and mutable rows mix freely.

#include <type_traits>

#include "row_view.hpp"

namespace hyperbolic {

template <class A, class B>
HYP_HD_INLINE std::remove_const_t<A> dot(RowView<A> a, RowView<B> b) {
  std::remove_const_t<A> s(0);
  for (index_t i = 0; i < a.size(); ++i)
    s += a[i] * b[i];
  return s;
}

template <class A>
HYP_HD_INLINE std::remove_const_t<A> squared_norm(RowView<A> a) {
  return dot(a, a);
}

// |a - b|^2 computed from the differences (no cancellation for close rows).
template <class A, class B>
HYP_HD_INLINE std::remove_const_t<A> squared_distance(RowView<A> a, RowView<B> b) {
  std::remove_const_t<A> s(0);
  for (index_t i = 0; i < a.size(); ++i) {
    const auto d = a[i] - b[i];
    s += d * d;
  }
  return s;
}

// <a - b, w>, again from the differences.
template <class A, class B, class C>
HYP_HD_INLINE std::remove_const_t<A> difference_dot(RowView<A> a, RowView<B> b, RowView<C> w) {
  std::remove_const_t<A> s(0);
  for (index_t i = 0; i < a.size(); ++i)
    s += (a[i] - b[i]) * w[i];
  return s;
}

}  // namespace hyperbolic
