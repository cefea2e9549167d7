#pragma once
// The byte-pair-encoding merge loop shared by GPT-2 and tiktoken: start from
// single bytes and repeatedly merge the adjacent pair with the lowest rank
// (leftmost on ties) until no adjacent pair has a rank. Pieces are short
// (pre-tokenized words), so the simple quadratic loop is the fast one.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

namespace hyperbolic::text {

inline constexpr std::uint32_t kNoRank = std::numeric_limits<std::uint32_t>::max();

// pair_rank(left, right) returns the merge rank of two adjacent parts or
// kNoRank. Returns the final parts as views into piece.
template <class PairRank>
std::vector<std::string_view> byte_pair_merge(std::string_view piece, PairRank&& pair_rank) {
  std::vector<std::size_t> bounds(piece.size() + 1);
  for (std::size_t i = 0; i <= piece.size(); ++i)
    bounds[i] = i;
  auto part = [&](std::size_t k) { return piece.substr(bounds[k], bounds[k + 1] - bounds[k]); };
  std::vector<std::uint32_t> ranks;  // ranks[k]: merging part k with part k+1
  auto refresh = [&](std::size_t k) {
    ranks[k] = k + 2 < bounds.size() ? pair_rank(part(k), part(k + 1)) : kNoRank;
  };
  ranks.resize(bounds.size() > 1 ? bounds.size() - 1 : 0);
  for (std::size_t k = 0; k < ranks.size(); ++k)
    refresh(k);
  while (ranks.size() > 1) {
    std::size_t best = 0;
    for (std::size_t k = 1; k < ranks.size(); ++k)
      if (ranks[k] < ranks[best]) best = k;
    if (ranks[best] == kNoRank) break;
    bounds.erase(bounds.begin() + static_cast<std::ptrdiff_t>(best) + 1);
    ranks.erase(ranks.begin() + static_cast<std::ptrdiff_t>(best) + 1);
    refresh(best);
    if (best > 0) refresh(best - 1);
  }
  std::vector<std::string_view> parts;
  parts.reserve(bounds.size() - 1);
  for (std::size_t k = 0; k + 1 < bounds.size(); ++k)
    parts.push_back(part(k));
  return parts;
}

}  // namespace hyperbolic::text
