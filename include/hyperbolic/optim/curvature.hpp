#pragma once
// A learnable curvature -c, kept positive by a parametrization c = f(rho).
//
// The optimizer sees rho, an unconstrained Euclidean scalar (a 1 x 1
// EuclideanParameter, so any optimizer steps it). Backward passes of the
// manifolds return dL/dc; dL/drho = dL/dc * f'(rho), computed exactly:
//   softplus: c = log(1 + e^rho),  dc/drho = 1 / (1 + e^-rho)   (default:
//             gradients neither vanish nor explode for large c, and c moves
//             linearly in rho once c >> 1)
//   exp:      c = e^rho,           dc/drho = c                  (steps are
//             relative changes of c; scale-free)
// Both are evaluated without overflow for any finite rho. After each step
// rebuild the manifold from c() (PoincareBall<T>(curv.c())) and hand it to
// the parameters and optimizers that use it.

#include <cstdint>
#include <stdexcept>
#include <string>

#include "../core/scalar_math.hpp"
#include "parameter.hpp"

namespace hyperbolic::optim {

enum class CurvatureMap : std::uint8_t { softplus = 0, exp = 1 };

template <class T>
HYP_HD_INLINE T softplus(T x) {
  // log(1 + e^x) = max(x, 0) + log1p(e^-|x|)
  return (x > T(0) ? x : T(0)) + math::log1p(math::exp(-math::fabs(x)));
}
template <class T>
HYP_HD_INLINE T sigmoid(T x) {
  if (x >= T(0)) return T(1) / (T(1) + math::exp(-x));
  const T e = math::exp(x);
  return e / (T(1) + e);
}
// Inverse of softplus for y > 0: log(e^y - 1) = y + log(-expm1(-y)).
template <class T>
HYP_HD_INLINE T softplus_inverse(T y) {
  return y + math::log(-math::expm1(-y));
}

template <class T>
class CurvatureParameter {
 public:
  explicit CurvatureParameter(T c = T(1), CurvatureMap map = CurvatureMap::softplus)
      : map_(map), rho_(Euclidean<T>(), 1, 1) {
    set_c(c);
  }

  CurvatureMap map() const { return map_; }
  T rho() const { return rho_.data()[0]; }
  T c() const {
    const T r = rho();
    return map_ == CurvatureMap::exp ? math::exp(r) : softplus(r);
  }
  void set_c(T c) {
    if (!(c > T(0)) || !math::isfinite(c))
      throw std::invalid_argument("CurvatureParameter: c must be positive and finite, got " +
                                  std::to_string(static_cast<double>(c)));
    rho_.data()[0] = map_ == CurvatureMap::exp ? math::log(c) : softplus_inverse(c);
  }
  // dc/drho at the current rho.
  T dc_drho() const { return map_ == CurvatureMap::exp ? c() : sigmoid(rho()); }
  // Chain rule from the dL/dc returned by the backward passes.
  T grad_rho(T dl_dc) const { return dl_dc * dc_drho(); }

  // The unconstrained parameter the optimizer steps (1 x 1, Euclidean).
  EuclideanParameter<T>& raw() { return rho_; }
  const EuclideanParameter<T>& raw() const { return rho_; }

  void save(CheckpointWriter& w, std::string_view prefix) const {
    w.put_value(std::string(prefix) + ".map", static_cast<std::int64_t>(map_));
    rho_.save(w, std::string(prefix) + ".rho");
  }
  void load(const CheckpointReader& r, std::string_view prefix) {
    const auto m = r.get_value<std::int64_t>(std::string(prefix) + ".map");
    if (m != static_cast<std::int64_t>(map_))
      r.fail("curvature '" + std::string(prefix) + "' uses another parametrization");
    rho_.load(r, std::string(prefix) + ".rho");
  }

 private:
  CurvatureMap map_;
  EuclideanParameter<T> rho_;
};

}  // namespace hyperbolic::optim
