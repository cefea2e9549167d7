#pragma once
// Threads across rows: OpenMP where the translation unit is compiled with it
// (link OpenMP::OpenMP_CXX), a plain loop otherwise. Rows are independent, so
// a static schedule gives each thread one contiguous block of memory.

#include <algorithm>

#include "../core/config.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace hyperbolic::cpu {

// Below this many elements (rows x cols) starting threads costs more than it
// saves (a parallel region costs a few microseconds).
inline constexpr index_t min_parallel_elements = index_t(1) << 15;

inline int max_threads() noexcept {
#if defined(_OPENMP)
  return omp_get_max_threads();
#else
  return 1;
#endif
}

// Index of the calling thread inside for_each_row (0 when serial).
inline int thread_index() noexcept {
#if defined(_OPENMP)
  return omp_get_thread_num();
#else
  return 0;
#endif
}

namespace detail {
inline bool go_parallel(index_t rows, index_t cols) noexcept {
#if defined(_OPENMP)
  return rows > 1 && rows * std::max<index_t>(cols, 1) >= min_parallel_elements &&
         !omp_in_parallel() && omp_get_max_threads() > 1;
#else
  (void)rows;
  (void)cols;
  return false;
#endif
}
}  // namespace detail

// f(i) for every row i in [0, rows); cols only sizes the work.
template <class F>
void for_each_row(index_t rows, index_t cols, F&& f) noexcept {
  if (detail::go_parallel(rows, cols)) {  // never true without OpenMP
#if defined(_OPENMP)
#pragma omp parallel for schedule(static)
    for (index_t i = 0; i < rows; ++i)
      f(i);
    return;
#endif
  }
  for (index_t i = 0; i < rows; ++i)
    f(i);
}

// Sum of f(i) over the rows (the dL/dc of a batched backward pass). The
// order of the partial sums depends on the thread count.
template <class T, class F>
T sum_over_rows(index_t rows, index_t cols, F&& f) noexcept {
  T sum = T(0);
  if (detail::go_parallel(rows, cols)) {
#if defined(_OPENMP)
#pragma omp parallel for schedule(static) reduction(+ : sum)
    for (index_t i = 0; i < rows; ++i)
      sum += f(i);
    return sum;
#endif
  }
  for (index_t i = 0; i < rows; ++i)
    sum += f(i);
  return sum;
}

}  // namespace hyperbolic::cpu
