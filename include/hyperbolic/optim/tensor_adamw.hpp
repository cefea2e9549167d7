#pragma once
// AdamW (Loshchilov & Hutter: Adam with decoupled weight decay) over a list of
// named tensors the caller owns (TensorRef), with optional global
// gradient-norm clipping: the usual optimizer of a neural network.
//
// It adds no update rule of its own. Each tensor's update is the library's
// RiemannianAdam on Euclidean<T>, which is textbook Adam / AdamW (one second
// moment per coordinate; tests/optim/euclidean_textbook_test.cpp), with
// WeightDecay::decoupled and the tensor's own weight decay (0 if decay is
// false). A tensor's state is created on its first step, keyed by its name,
// and counts that tensor's own steps (its bias correction), as PyTorch does;
// a tensor that is not trainable is skipped and keeps its state.
//
// Because the Euclidean update is elementwise, the tensor is stepped as a
// flat array cut into rows of kRowWidth values (and one shorter last row):
// the result does not depend on the cut, and its cost does not depend on the
// tensor's shape (an n x 1 column is as fast as a 1 x n row).
//
// Clipping: with clip_norm > 0 and a global norm ||g|| = sqrt(sum over the
// trainable tensors of g_i^2) (summed in double) above clip_norm, every
// gradient is multiplied by clip_norm / ||g|| before the update. The caller's
// gradients are left untouched: the scaled copy goes into a scratch buffer.
// A non-finite gradient is not an error; it makes the norm, and the values it
// reaches, non-finite (an infinite norm scales every gradient by 0, as
// torch.nn.utils.clip_grad_norm_ does).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../manifolds/euclidean.hpp"
#include "adam.hpp"
#include "tensor_ref.hpp"

namespace hyperbolic::optim {

template <class T>
class TensorAdamW {
 public:
  static constexpr const char* kind = "TensorAdamW";
  // Long enough that the per-row work (bias corrections) is amortized, short
  // enough that a row's values, gradient, moments and workspace stay in L1.
  static constexpr long kRowWidth = 512;

  T lr = T(1e-3);
  T beta1 = T(0.9), beta2 = T(0.999), eps = T(1e-8);
  T weight_decay = T(0.01);  // applied to tensors with decay = true
  T clip_norm = T(0);        // 0: no clipping

  // One step of every trainable tensor with learning rate lr * lr_scale.
  // Returns the global gradient norm before clipping. Throws
  // std::invalid_argument, before changing anything, on an invalid option, a
  // tensor whose size differs from its saved state, two tensors with one name.
  T step(std::vector<TensorRef<T>>& tensors, T lr_scale = T(1)) {
    if (!(clip_norm >= T(0)))
      throw std::invalid_argument(std::string(kind) + ": clip_norm must be >= 0");
    AdamOptions<T> h = options(lr * lr_scale);
    check_adam_options(h, kind);
    ++pass_;
    active_.clear();
    double sq = 0;
    for (auto& t : tensors) {
      if (!t.trainable) continue;
      State& s = state_for(t);
      if (s.pass == pass_)
        throw std::invalid_argument(std::string(kind) + ": two tensors are named '" + t.name + "'");
      s.pass = pass_;
      active_.emplace_back(&t, &s);
      for (long i = 0; i < t.size(); ++i)
        sq += double(t.grad[i]) * double(t.grad[i]);
    }
    const double norm = std::sqrt(sq);
    const bool clip = clip_norm > T(0) && norm > double(clip_norm);
    const T scale = T(double(clip_norm) / norm);
    for (auto [t, s] : active_) {
      const T* g = t->grad;
      if (clip) {
        scaled_.resize(static_cast<std::size_t>(t->size()));
        for (long i = 0; i < t->size(); ++i)
          scaled_[static_cast<std::size_t>(i)] = g[i] * scale;
        g = scaled_.data();
      }
      h.weight_decay = t->decay ? weight_decay : T(0);
      s->step(t->value, g, h);
    }
    return T(norm);
  }

  // ---- state, for checkpoints: per tensor name, both moments in the
  // tensor's own layout and the tensor's step count --------------------------
  bool has_state(const std::string& name) const { return states_.count(name) != 0; }
  std::vector<T> exp_avg(const std::string& name) const { return saved(name).gather(true); }
  std::vector<T> exp_avg_sq(const std::string& name) const { return saved(name).gather(false); }
  std::int64_t steps(const std::string& name) const { return saved(name).steps(); }

  // Replaces (or creates) the state of tensor t: as if it had taken
  // step_count steps that left moments m and v. Throws std::invalid_argument
  // naming the tensor when m or v does not have t.size() values or
  // step_count < 0; the old state is then kept.
  void restore(const TensorRef<T>& t, std::span<const T> m, std::span<const T> v,
               std::int64_t step_count) {
    auto check = [&](std::span<const T> s, const char* what) {
      if (static_cast<long>(s.size()) != t.size())
        throw std::invalid_argument(std::string(kind) + ": restoring '" + t.name + "': " + what +
                                    " has " + std::to_string(s.size()) +
                                    " values, the tensor has " + std::to_string(t.rows) + " x " +
                                    std::to_string(t.cols) + " = " + std::to_string(t.size()));
    };
    check(m, "first moment");
    check(v, "second moment");
    if (step_count < 0)
      throw std::invalid_argument(std::string(kind) + ": restoring '" + t.name + "': step count " +
                                  std::to_string(step_count) + " must be >= 0");
    State s(checked_size(t));
    s.scatter(m, v, step_count);
    states_.insert_or_assign(t.name, std::move(s));
  }

 private:
  using Adam = RiemannianAdam<Euclidean<T>>;

  // The optimizers of one tensor: a (size / kRowWidth) x kRowWidth block and
  // a 1 x (size % kRowWidth) rest, each present only if non-empty.
  struct State {
    explicit State(long n) : size(n) {
      if (n >= kRowWidth) parts.emplace_back(Euclidean<T>(), n / kRowWidth, kRowWidth);
      if (n % kRowWidth != 0) parts.emplace_back(Euclidean<T>(), 1, n % kRowWidth);
    }
    void step(T* x, const T* g, const AdamOptions<T>& h) {
      for (Adam& a : parts) {
        a.set_options(h);
        a.step(MatrixView<T>(x, a.rows(), a.dim()), ConstMatrixView<T>(g, a.rows(), a.dim()));
        x += a.rows() * a.dim();
        g += a.rows() * a.dim();
      }
    }
    std::vector<T> gather(bool first) const {
      std::vector<T> out;
      out.reserve(static_cast<std::size_t>(size));
      for (const Adam& a : parts) {
        const ConstMatrixView<T> src = first ? a.exp_avg() : a.exp_avg_sq();
        out.insert(out.end(), src.data(), src.data() + src.rows() * src.cols());
      }
      return out;
    }
    void scatter(std::span<const T> m, std::span<const T> v, std::int64_t n) {
      std::size_t off = 0;
      for (Adam& a : parts) {
        const MatrixView<T> dm = a.exp_avg(), dv = a.exp_avg_sq();
        const auto k = static_cast<std::size_t>(a.rows() * a.dim());
        std::copy(m.begin() + off, m.begin() + off + k, dm.data());
        std::copy(v.begin() + off, v.begin() + off + k, dv.data());
        a.set_step_counts(n);
        off += k;
      }
      empty_steps = n;
    }
    // Every part steps together, so every row counter equals every other.
    std::int64_t steps() const { return parts.empty() ? empty_steps : parts.front().steps(); }

    long size;
    std::vector<Adam> parts;
    std::int64_t empty_steps = 0;  // only for a 0-value tensor, which has no parts
    std::uint64_t pass = 0;        // the step() call that last saw it (duplicate names)
  };

  AdamOptions<T> options(T step_lr) const {
    AdamOptions<T> h;
    h.lr = step_lr, h.beta1 = beta1, h.beta2 = beta2, h.eps = eps, h.weight_decay = weight_decay;
    h.decay = WeightDecay::decoupled;
    h.policy.project = false;  // projx is a copy on flat space: skip it
    return h;
  }

  long checked_size(const TensorRef<T>& t) const {
    if (t.rows < 0 || t.cols < 0 || (t.size() > 0 && (!t.value || !t.grad)))
      throw std::invalid_argument(std::string(kind) + ": tensor '" + t.name + "' is " +
                                  std::to_string(t.rows) + " x " + std::to_string(t.cols) +
                                  (t.value && t.grad ? "" : " with a null value or gradient"));
    return t.size();
  }

  State& state_for(const TensorRef<T>& t) {
    const long n = checked_size(t);
    auto it = states_.find(t.name);
    if (it == states_.end()) it = states_.emplace(t.name, State(n)).first;
    if (it->second.size != n)
      throw std::invalid_argument(std::string(kind) + ": tensor '" + t.name + "' has " +
                                  std::to_string(n) + " values, its optimizer state " +
                                  std::to_string(it->second.size));
    return it->second;
  }

  const State& saved(const std::string& name) const {
    const auto it = states_.find(name);
    if (it == states_.end())
      throw std::invalid_argument(std::string(kind) + ": no state for tensor '" + name + "'");
    return it->second;
  }

  std::unordered_map<std::string, State> states_;
  std::vector<std::pair<TensorRef<T>*, State*>> active_;
  std::vector<T> scaled_;
  std::uint64_t pass_ = 0;
};

}  // namespace hyperbolic::optim
