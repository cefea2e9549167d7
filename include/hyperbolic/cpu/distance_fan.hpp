#pragma once
// One source row against many target rows: d(x, y_j) for j = 0..K-1 with the
// partials their gradients need, and the backward pass for upstream gradients
// g_j. This is the inner loop of softmax-over-negatives losses (hierarchy
// embeddings: one positive and ~50 sampled negatives per edge).
//
// Why a separate kernel: calling the manifold's dist_partials per pair runs
// three reductions over the row as one serial add chain each and loads each
// target row just before its arithmetic, so a scattered target (an L3 or DRAM
// load) stalls the pair behind it. Here the targets are first gathered into a
// transposed block (independent loads the core overlaps), then the reductions
// run across targets, j innermost, which vectorises without reordering any
// sum: each pair's reductions add their terms in coordinate order, as the
// scalar code does. The coefficients come from the manifold's own
// dist_partials_from_reductions, so the math is the scalar code's; distances
// agree with dist_partials to rounding (tested), and usually bit for bit.
//
// Models: PoincareBall (reductions |x|^2, |y|^2, |x-y|^2), Lorentz (the
// Minkowski square <x-y, x-y>_L, time coordinate first), Euclidean (|x-y|^2).

#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "../core/combine.hpp"
#include "../core/dist_partials.hpp"
#include "../manifolds/euclidean.hpp"
#include "../manifolds/lorentz/lorentz.hpp"
#include "../manifolds/poincare/poincare_ball.hpp"
#include "boundary_factor.hpp"
#include "lorentz_rows.hpp"

namespace hyperbolic::cpu {

// Which reductions a model's distance needs.
template <class M>
struct FanModel;
template <class T>
struct FanModel<PoincareBall<T>> {
  static constexpr bool uses_norms = true;  // |x|^2 and |y|^2 enter the distance
  static constexpr bool minkowski = false;  // coordinate 0 is an ordinary coordinate
};
template <class T>
struct FanModel<Lorentz<T>> {
  static constexpr bool uses_norms = false;
  static constexpr bool minkowski = true;  // <v, v>_L = -v0^2 + |v_1..|^2
};
template <class T>
struct FanModel<Euclidean<T>> {
  static constexpr bool uses_norms = false;
  static constexpr bool minkowski = false;
};

template <class M>
class DistanceFan {
 public:
  using T = typename M::scalar;

  // Gathers x and the rows targets[j] (dim scalars each) and evaluates every
  // d(x, y_j) with its partials. Reuses its buffers across calls.
  void evaluate(const M& m, const T* x, std::span<const T* const> targets, index_t dim) {
    if (dim <= 0)
      throw std::invalid_argument("DistanceFan: dim must be positive, got " + std::to_string(dim));
    dim_ = dim;
    count_ = static_cast<index_t>(targets.size());
    stride_ = (count_ + 7) / 8 * 8;  // columns start on 64-byte boundaries
    block_.resize(std::size_t(dim_ * stride_));
    x_.assign(x, x + dim_);
    for (index_t j = 0; j < count_; ++j) {
      const T* y = targets[std::size_t(j)];
      for (index_t c = 0; c < dim_; ++c)
        block_[std::size_t(c * stride_ + j)] = y[c];
    }
    reduce();
    partials_.resize(std::size_t(count_));
    const T xx = squared_norm_x();
    T bx = T(0);  // the ball's 1 - c|x|^2, compensated near the boundary
    if constexpr (model_kind_v<M> == ModelKind::poincare) bx = boundary_factor(m.c(), xx, x, dim_);
    for (index_t j = 0; j < count_; ++j) {
      const std::size_t k = std::size_t(j);
      const T* y = targets[k];
      if constexpr (model_kind_v<M> == ModelKind::poincare) {
        // The boundary factors compensated near the boundary (boundary_factor.hpp),
        // |x - y| rescaled where its square lost bits (robust_norm.hpp).
        const T n =
            sum_of_squares_suspect(dd_[k]) ? robust_distance<T>(x, y, 0, dim_) : math::sqrt(dd_[k]);
        partials_[k] =
            m.dist_partials_from_boundaries(bx, boundary_factor(m.c(), yy_[k], y, dim_), n);
      } else if constexpr (model_kind_v<M> == ModelKind::lorentz) {
        // The chord form of reduce() (time gap from the space coordinates) where it
        // loses at most a bit; elsewhere the chord of lorentz/chord.hpp.
        const T t = gap_[k];
        if (t * t <= space_[k] / T(2) && !sum_of_squares_suspect(space_[k]))
          partials_[k] = m.dist_partials_from_chord({math::sqrt(space_[k] - t * t), t});
        else
          partials_[k] = m.dist_partials_from_chord(RowKernels<M>::chord_and_gap(m, x, y, dim_));
      } else {
        partials_[k] = m.dist_partials_from_reductions(xx, yy_[k], dd_[k]);
      }
    }
  }

  index_t size() const noexcept { return count_; }
  const DistPartials<T>& partials(index_t j) const noexcept { return partials_[std::size_t(j)]; }
  T distance(index_t j) const noexcept { return partials_[std::size_t(j)].value; }

  // Backward pass of L = sum_j g_j d(x, y_j): adds dL/dx to gx (dim scalars)
  // and writes dL/dy_j to gy + j * dim (count * dim scalars, row-major). Rows
  // with g_j == 0 and finite partials get zeros. The same formula as the models'
  // dist_backward_from:
  //   dd/dx = 2 d_xx x + (d_norm / n) J (x - y),  dd/dy = 2 d_yy y - (d_norm / n) J (x - y),
  // J flipping the sign of the time coordinate on the hyperboloid.
  void backward(std::span<const T> g, T* gx, T* gy) {
    if (static_cast<index_t>(g.size()) != count_)
      throw std::invalid_argument("DistanceFan::backward: " + std::to_string(g.size()) +
                                  " upstream gradients for " + std::to_string(count_) +
                                  " distances");
    coef_x_.resize(std::size_t(count_));
    coef_y_.resize(std::size_t(count_));
    coef_n_.resize(std::size_t(count_));
    inv_n_.resize(std::size_t(count_));
    for (index_t j = 0; j < count_; ++j) {
      const DistPartials<T>& p = partials_[std::size_t(j)];
      const T gj = g[std::size_t(j)];
      coef_x_[std::size_t(j)] = T(2) * gj * p.d_xx;
      coef_y_[std::size_t(j)] = T(2) * gj * p.d_yy;
      // (d_norm / n) as two factors (core/combine.hpp): far out on the
      // hyperboloid the one-factor quotient underflows to a zero gradient.
      const auto k = per_norm_split(gj * p.d_norm, p.norm);
      coef_n_[std::size_t(j)] = k.outer;
      inv_n_[std::size_t(j)] = k.inner;
    }
    for (index_t c = 0; c < dim_; ++c) {
      const T xc = x_[std::size_t(c)];
      const T* col = block_.data() + c * stride_;
      const bool flip = FanModel<M>::minkowski && c == 0;
      T sum = gx[c];
      for (index_t j = 0; j < count_; ++j) {
        // Hyperboloid: the time component from the gap read through the space
        // coordinates, as the model's dist_backward_from does.
        const DistPartials<T>& p = partials_[std::size_t(j)];
        const T diff = flip ? -(p.has_time_gap ? p.time_gap : xc - col[j]) : xc - col[j];
        const T kd = coef_n_[std::size_t(j)] * (inv_n_[std::size_t(j)] * diff);
        sum += coef_x_[std::size_t(j)] * xc + kd;
        gy[j * dim_ + c] = coef_y_[std::size_t(j)] * col[j] - kd;
      }
      gx[c] = sum;
    }
  }

 private:
  // dd_[j] = the model's squared norm of x - y_j, yy_[j] = |y_j|^2 (ball only); j innermost.
  void reduce() {
    dd_.assign(std::size_t(count_), T(0));
    yy_.assign(std::size_t(count_), T(0));
    T* dd = dd_.data();
    T* yy = yy_.data();
    const index_t first = FanModel<M>::minkowski ? 1 : 0;  // time handled after the space sum
    for (index_t c = first; c < dim_; ++c) {
      const T xc = x_[std::size_t(c)];
      const T* col = block_.data() + c * stride_;
      for (index_t j = 0; j < count_; ++j) {
        const T d = xc - col[j];
        dd[j] += d * d;
      }
      if constexpr (FanModel<M>::uses_norms)
        for (index_t j = 0; j < count_; ++j)
          yy[j] += col[j] * col[j];
    }
    if constexpr (FanModel<M>::minkowski) {
      // The time gap x0 - y0 = <xs - ys, xs + ys> / (x0 + y0) (lorentz/chord.hpp):
      // dd holds |xs - ys|^2 here.
      space_.assign(dd_.begin(), dd_.end());
      gap_.assign(std::size_t(count_), T(0));
      T* sd = gap_.data();
      for (index_t c = 1; c < dim_; ++c) {
        const T xc = x_[std::size_t(c)];
        const T* col = block_.data() + c * stride_;
        for (index_t j = 0; j < count_; ++j)
          sd[j] += (xc - col[j]) * (xc + col[j]);
      }
      const T x0 = x_[0];
      for (index_t j = 0; j < count_; ++j) {
        sd[j] = lorentz::chord_gap(sd[j], x0, block_[std::size_t(j)], T(1));
        dd[j] -= sd[j] * sd[j];
      }
    }
  }
  T squared_norm_x() const noexcept {
    if constexpr (!FanModel<M>::uses_norms) return T(0);
    T s = T(0);
    for (index_t c = 0; c < dim_; ++c)
      s += x_[std::size_t(c)] * x_[std::size_t(c)];
    return s;
  }

  index_t dim_ = 0, count_ = 0, stride_ = 0;
  std::vector<T> block_, x_, dd_, yy_, space_, gap_;  // space_, gap_: hyperboloid only
  std::vector<DistPartials<T>> partials_;
  std::vector<T> coef_x_, coef_y_, coef_n_, inv_n_;  // per-target factors of the backward pass
};

}  // namespace hyperbolic::cpu
