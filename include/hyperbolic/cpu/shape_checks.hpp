#pragma once
// Host-side validation of batched arguments: every batch of one call has the
// same N x d, per-row scalars have N entries, outputs do not overlap, and a
// row has at least one element. Failures throw std::invalid_argument naming
// the function, the argument and both shapes.

#include <initializer_list>
#include <span>
#include <stdexcept>
#include <string>

#include "rows.hpp"

namespace hyperbolic::cpu::detail {

struct Shape {
  const char* name;
  index_t rows, cols, stride;
  bool output;
};
template <class T>
Shape in(const char* name, const Rows<T>& r) noexcept {
  return {name, r.rows(), r.cols(), r.stride(), false};
}
template <class T>
Shape out(const char* name, const Rows<T>& r) noexcept {
  return {name, r.rows(), r.cols(), r.stride(), true};
}

struct Length {
  const char* name;
  index_t size;
};
template <class T>
Length len(const char* name, std::span<T> s) noexcept {
  return {name, static_cast<index_t>(s.size())};
}

inline std::string shape_string(const Shape& s) {
  return std::to_string(s.rows) + " x " + std::to_string(s.cols);
}

// Returns the common number of rows.
inline index_t check_batch(const char* op, std::initializer_list<Shape> shapes,
                           std::initializer_list<Length> lengths = {}) {
  const Shape& first = *shapes.begin();
  const std::string where = std::string("hyperbolic::cpu::") + op + ": ";
  if (first.cols < 1)
    throw std::invalid_argument(where + first.name + " is " + shape_string(first) +
                                "; rows need at least one element");
  for (const Shape& s : shapes) {
    if (s.rows != first.rows || s.cols != first.cols)
      throw std::invalid_argument(where + s.name + " is " + shape_string(s) + " but " + first.name +
                                  " is " + shape_string(first));
    if (s.output && s.rows > 1 && s.stride < s.cols)
      throw std::invalid_argument(where + "output " + s.name + " has row stride " +
                                  std::to_string(s.stride) + " < " + std::to_string(s.cols) +
                                  " columns: its rows would overlap");
  }
  for (const Length& l : lengths)
    if (l.size != first.rows)
      throw std::invalid_argument(where + l.name + " has " + std::to_string(l.size) +
                                  " entries but " + first.name + " has " +
                                  std::to_string(first.rows) + " rows");
  return first.rows;
}

}  // namespace hyperbolic::cpu::detail
