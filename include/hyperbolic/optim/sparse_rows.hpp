#pragma once
// Validation and coalescing of the row indices of a sparse-row step.

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "../core/row_view.hpp"

namespace hyperbolic::optim {

// The distinct rows of a sparse step, ascending, and for each the positions
// (into the caller's index list) of the gradient rows to add, in the order
// given. Duplicates are summed in that order, as an embedding table's
// backward pass would accumulate them; the result does not depend on how the
// caller ordered distinct rows.
struct CoalescedRows {
  std::vector<index_t> rows;     // distinct row ids, ascending
  std::vector<index_t> offsets;  // rows.size() + 1 entries into `sources`
  std::vector<index_t> sources;  // positions into the caller's lists
};

inline void coalesce_rows(std::span<const index_t> indices, index_t num_rows, CoalescedRows& out) {
  for (std::size_t k = 0; k < indices.size(); ++k)
    if (indices[k] < 0 || indices[k] >= num_rows)
      throw std::out_of_range("sparse step: row index " + std::to_string(indices[k]) +
                              " at position " + std::to_string(k) + " is outside [0, " +
                              std::to_string(num_rows) + ")");
  out.sources.resize(indices.size());
  std::iota(out.sources.begin(), out.sources.end(), index_t(0));
  std::stable_sort(out.sources.begin(), out.sources.end(),
                   [&](index_t a, index_t b) { return indices[a] < indices[b]; });
  out.rows.clear();
  out.offsets.clear();
  for (std::size_t k = 0; k < out.sources.size(); ++k) {
    const index_t r = indices[out.sources[k]];
    if (out.rows.empty() || out.rows.back() != r) {
      out.rows.push_back(r);
      out.offsets.push_back(static_cast<index_t>(k));
    }
  }
  out.offsets.push_back(static_cast<index_t>(out.sources.size()));
}

}  // namespace hyperbolic::optim
