#pragma once
// Riemannian Adam / AMSGrad / AdamW. The update rule is adam_row.hpp; this
// class owns the state: first moment (one tangent row per parameter row,
// parallel-transported), second moment (one scalar per point on curved
// manifolds, one per coordinate on Euclidean ones; see second_moment.hpp),
// its running maximum for AMSGrad, and one step counter per row.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "adam_row.hpp"
#include "rowwise_optimizer.hpp"

namespace hyperbolic::optim {

template <class T>
using AdamOptions = AdamHyper<T>;

// Throws std::invalid_argument "<who>: <option> must be ..." on the first
// invalid option. Shared with optimizers built on RiemannianAdam so that they
// can reject bad options before touching any state.
template <class T>
void check_adam_options(const AdamOptions<T>& o, std::string_view who) {
  auto bad = [&](const char* what) { throw std::invalid_argument(std::string(who) + ": " + what); };
  if (!(o.lr >= T(0))) bad("lr must be >= 0");
  if (!(o.beta1 >= T(0) && o.beta1 < T(1))) bad("beta1 must be in [0, 1)");
  if (!(o.beta2 >= T(0) && o.beta2 < T(1))) bad("beta2 must be in [0, 1)");
  if (!(o.eps >= T(0))) bad("eps must be >= 0");
  if (!(o.weight_decay >= T(0))) bad("weight_decay must be >= 0");
  if (o.decay != WeightDecay::coupled && o.decay != WeightDecay::decoupled)
    bad("unknown weight-decay mode");
  if (o.policy.stabilize_every < 0) bad("stabilize_every must be >= 0");
  if (o.policy.step_map != StepMap::exponential && o.policy.step_map != StepMap::retraction)
    bad("unknown step map");
}

template <Manifold M>
class RiemannianAdam : public RowwiseOptimizer<RiemannianAdam<M>, M> {
  using Base = RowwiseOptimizer<RiemannianAdam<M>, M>;
  friend Base;

 public:
  using T = typename M::scalar;
  static constexpr const char* kind = "RiemannianAdam";

  RiemannianAdam(const M& m, index_t rows, index_t dim, AdamOptions<T> options = {})
      : Base(m, rows, dim),
        h_(validated(options)),
        width_(optim::second_moment_width<M>(dim)),
        exp_avg_(static_cast<std::size_t>(rows * dim), T(0)),
        exp_avg_sq_(static_cast<std::size_t>(rows * width_), T(0)),
        work_(adam_work_size(dim)) {
    if (h_.amsgrad) max_exp_avg_sq_.assign(exp_avg_sq_.size(), T(0));
  }
  explicit RiemannianAdam(const ManifoldParameter<M>& p, AdamOptions<T> options = {})
      : RiemannianAdam(p.manifold(), p.rows(), p.dim(), options) {}

  const AdamOptions<T>& options() const { return h_; }
  T lr() const { return h_.lr; }
  void set_lr(T lr) { h_.lr = lr; }
  // Replace every option between steps (a schedule on beta2 or weight_decay,
  // or an owner that keeps its own copy of the options). The state is kept.
  // amsgrad cannot change: its running maximum is allocated at construction.
  void set_options(const AdamOptions<T>& o) {
    if (o.amsgrad != h_.amsgrad)
      throw std::invalid_argument(std::string(kind) + ": amsgrad is fixed at construction");
    h_ = validated(o);
  }

  // State for batched backends and tests.
  index_t second_moment_width() const { return width_; }
  MatrixView<T> exp_avg() { return MatrixView<T>(exp_avg_.data(), this->rows_, this->dim_); }
  MatrixView<T> exp_avg_sq() { return MatrixView<T>(exp_avg_sq_.data(), this->rows_, width_); }
  MatrixView<T> max_exp_avg_sq() {
    return MatrixView<T>(max_exp_avg_sq_.empty() ? nullptr : max_exp_avg_sq_.data(),
                         max_exp_avg_sq_.empty() ? 0 : this->rows_, width_);
  }
  ConstMatrixView<T> exp_avg() const {
    return ConstMatrixView<T>(exp_avg_.data(), this->rows_, this->dim_);
  }
  ConstMatrixView<T> exp_avg_sq() const {
    return ConstMatrixView<T>(exp_avg_sq_.data(), this->rows_, width_);
  }

  void save(CheckpointWriter& w, std::string_view prefix) const {
    const std::string p(prefix);
    this->save_common(w, p);
    w.put(p + ".hyper", std::vector<T>{h_.lr, h_.beta1, h_.beta2, h_.eps, h_.weight_decay});
    w.put(p + ".flags", std::vector<std::int64_t>{std::int64_t(h_.decay), h_.amsgrad,
                                                  std::int64_t(h_.policy.step_map),
                                                  h_.policy.project, h_.policy.stabilize_every});
    w.put(p + ".exp_avg", exp_avg_);
    w.put(p + ".exp_avg_sq", exp_avg_sq_);
    w.put(p + ".max_exp_avg_sq", max_exp_avg_sq_);
  }
  // Restores the state AND the hyperparameters saved with it.
  void load(const CheckpointReader& r, std::string_view prefix) {
    const std::string p(prefix);
    this->load_common(r, p);
    const auto hv = r.get<T>(p + ".hyper", 5);
    const auto fl = r.get<std::int64_t>(p + ".flags", 5);
    AdamOptions<T> o;
    o.lr = hv[0], o.beta1 = hv[1], o.beta2 = hv[2], o.eps = hv[3], o.weight_decay = hv[4];
    o.decay = static_cast<WeightDecay>(fl[0]);
    o.amsgrad = fl[1] != 0;
    o.policy.step_map = static_cast<StepMap>(fl[2]);
    o.policy.project = fl[3] != 0;
    o.policy.stabilize_every = fl[4];
    try {
      h_ = validated(o);
    } catch (const std::exception& e) {  // saved hyperparameters are file content: name the file
      r.fail("optimizer '" + p + "': " + e.what());
    }
    exp_avg_ = r.get<T>(p + ".exp_avg", this->rows_ * this->dim_);
    exp_avg_sq_ = r.get<T>(p + ".exp_avg_sq", this->rows_ * width_);
    max_exp_avg_sq_ =
        r.get<T>(p + ".max_exp_avg_sq", h_.amsgrad ? this->rows_ * width_ : std::int64_t(0));
  }

 private:
  void update_row(index_t r, Row<T> x, ConstRow<T> g) {
    const index_t d = this->dim_;
    const Row<T> vmax =
        max_exp_avg_sq_.empty() ? Row<T>() : Row<T>(max_exp_avg_sq_.data() + r * width_, width_);
    adam_step_row(this->manifold_, h_, x, g, Row<T>(exp_avg_.data() + r * d, d),
                  Row<T>(exp_avg_sq_.data() + r * width_, width_), vmax,
                  this->row_steps_[static_cast<std::size_t>(r)],
                  Row<T>(work_.data(), static_cast<index_t>(work_.size())));
  }

  static AdamOptions<T> validated(const AdamOptions<T>& o) {
    check_adam_options(o, kind);
    return o;
  }

  AdamOptions<T> h_;
  index_t width_;
  std::vector<T> exp_avg_, exp_avg_sq_, max_exp_avg_sq_;
  std::vector<T> work_;
};

}  // namespace hyperbolic::optim
