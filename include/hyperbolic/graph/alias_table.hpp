#pragma once
// Walker's alias method (in Vose's stable form): O(1) draws from a fixed discrete distribution
// given by non-negative weights. Used for degree-proportional negative sampling.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "hyperbolic/graph/random.hpp"

namespace hyperbolic::graph {

class AliasTable {
 public:
  AliasTable() = default;

  explicit AliasTable(std::span<const double> weights)
      : threshold_(weights.size()), alias_(weights.size()) {
    const std::size_t n = weights.size();
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!(weights[i] >= 0) || !std::isfinite(weights[i]))
        throw std::invalid_argument("AliasTable: weight " + std::to_string(i) + " is " +
                                    std::to_string(weights[i]) + ", need finite and >= 0");
      total += weights[i];
    }
    if (n == 0 || !(total > 0)) throw std::invalid_argument("AliasTable: all weights are zero");

    std::vector<double> scaled(n);
    std::vector<std::uint32_t> small, large;
    for (std::size_t i = 0; i < n; ++i) {
      scaled[i] = weights[i] * static_cast<double>(n) / total;
      (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
    }
    while (!small.empty() && !large.empty()) {
      const std::uint32_t s = small.back();
      small.pop_back();
      const std::uint32_t l = large.back();
      threshold_[s] = scaled[s];
      alias_[s] = l;
      scaled[l] -= 1.0 - scaled[s];
      if (scaled[l] < 1.0) {
        large.pop_back();
        small.push_back(l);
      }
    }
    // What is left has probability mass 1 up to rounding; a zero weight must stay unreachable.
    std::uint32_t heaviest = 0;
    for (std::size_t i = 1; i < n; ++i)
      if (weights[i] > weights[heaviest]) heaviest = static_cast<std::uint32_t>(i);
    for (const auto* rest : {&large, &small}) {
      for (std::uint32_t i : *rest) {
        threshold_[i] = weights[i] > 0 ? 1.0 : 0.0;
        alias_[i] = weights[i] > 0 ? i : heaviest;
      }
    }
  }

  std::size_t size() const { return threshold_.size(); }

  std::uint32_t sample(Xoshiro256& rng) const {
    const auto column = static_cast<std::uint32_t>(rng.uniform_index(threshold_.size()));
    return rng.uniform_real() < threshold_[column] ? column : alias_[column];
  }

 private:
  std::vector<double> threshold_;
  std::vector<std::uint32_t> alias_;
};

}  // namespace hyperbolic::graph
