#pragma once
// One committed accuracy bound: the largest error, in ULPs of the result,
// that a table row may show. accuracy_bounds.hpp holds the table (generated
// by `hyperbolic-accuracy --write-bounds`); the program's --check mode and
// tests/accuracy both read it.

#include <optional>
#include <string_view>

namespace hyperbolic::accuracy {

struct BoundEntry {
  const char* model;
  const char* primitive;
  const char* type;
  const char* band;
  double max_ulps;
};

template <std::size_t N>
std::optional<double> find_bound(const BoundEntry (&table)[N], std::string_view model,
                                 std::string_view primitive, std::string_view type,
                                 std::string_view band) {
  for (const auto& b : table)
    if (model == b.model && primitive == b.primitive && type == b.type && band == b.band)
      return b.max_ulps;
  return std::nullopt;
}

}  // namespace hyperbolic::accuracy
