#pragma once
// Host-side argument checks of the launchers. They run before any CUDA call
// and throw std::invalid_argument naming the function, the argument and the
// bad value, so that they are testable without a GPU.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "../core/row_view.hpp"
#include "../manifolds/euclidean.hpp"
#include "../manifolds/lorentz/lorentz.hpp"
#include "../manifolds/poincare/poincare_ball.hpp"

namespace hyperbolic::cuda::detail {

[[noreturn]] inline void bad_argument(const char* fn, const std::string& what) {
  throw std::invalid_argument(std::string("hyperbolic::cuda::") + fn + ": " + what);
}

inline std::string shape_string(index_t rows, index_t cols, index_t stride) {
  return std::to_string(rows) + " x " + std::to_string(cols) + " (row stride " +
         std::to_string(stride) + ")";
}

// A batch view: non-negative shape, stride >= cols, data present when non-empty.
template <class T>
void check_view(const char* fn, const char* name, MatrixView<T> v) {
  if (v.rows() < 0 || v.cols() < 1 || v.stride() < v.cols())
    bad_argument(fn, std::string(name) + " has invalid shape " +
                         shape_string(v.rows(), v.cols(), v.stride()) +
                         " (need rows >= 0, cols >= 1, stride >= cols)");
  if (v.rows() > 0 && v.data() == nullptr)
    bad_argument(
        fn, std::string(name) + " is a null pointer with " + std::to_string(v.rows()) + " rows");
}

// `b` must have the shape (rows and cols) of `a`.
template <class A, class B>
void check_same_shape(const char* fn, const char* na, MatrixView<A> a, const char* nb,
                      MatrixView<B> b) {
  check_view(fn, nb, b);
  if (a.rows() != b.rows() || a.cols() != b.cols())
    bad_argument(fn, std::string(nb) + " is " + std::to_string(b.rows()) + " x " +
                         std::to_string(b.cols()) + " but " + na + " is " +
                         std::to_string(a.rows()) + " x " + std::to_string(a.cols()));
}

// Whether every row of v starts 16-byte aligned: the data pointer and the
// row stride in bytes are multiples of 16 (the 16-byte path, vector_slot.cuh).
template <class T>
bool rows_aligned_16(MatrixView<T> v) {
  return reinterpret_cast<std::uintptr_t>(v.data()) % 16 == 0 &&
         static_cast<std::size_t>(v.stride()) * sizeof(T) % 16 == 0;
}

template <class T>
void check_vector_out(const char* fn, const char* name, const T* p, index_t rows) {
  if (rows > 0 && p == nullptr)
    bad_argument(fn,
                 std::string(name) + " is a null pointer with " + std::to_string(rows) + " rows");
}

// Curvature: the ball takes c >= 0 (c = 0 is its exact Euclidean limit), the
// hyperboloid c > 0; both finite.
template <class T>
void check_manifold(const char* fn, const PoincareBall<T>& m) {
  if (!(m.c() >= T(0)) || !std::isfinite(static_cast<double>(m.c())))
    bad_argument(fn,
                 "PoincareBall curvature c = " + std::to_string(m.c()) + " (need finite c >= 0)");
}
template <class T>
void check_manifold(const char* fn, const Lorentz<T>& m) {
  if (!(m.c() > T(0)) || !std::isfinite(static_cast<double>(m.c())))
    bad_argument(fn, "Lorentz curvature c = " + std::to_string(m.c()) + " (need finite c > 0)");
}
template <class T>
void check_manifold(const char*, const Euclidean<T>&) {}

}  // namespace hyperbolic::cuda::detail
