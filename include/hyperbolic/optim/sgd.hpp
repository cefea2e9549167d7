#pragma once
// Riemannian SGD with momentum (heavy ball or Nesterov), dampening, weight
// decay, exponential map or retraction, momentum carried by parallel
// transport. The update rule is sgd_row.hpp; this class owns the state
// (one momentum row per parameter row, one step counter per row) and runs
// the rule over all rows (step) or some rows (step_rows).

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "rowwise_optimizer.hpp"
#include "sgd_row.hpp"

namespace hyperbolic::optim {

template <class T>
using SgdOptions = SgdHyper<T>;

template <Manifold M>
class RiemannianSGD : public RowwiseOptimizer<RiemannianSGD<M>, M> {
  using Base = RowwiseOptimizer<RiemannianSGD<M>, M>;
  friend Base;

 public:
  using T = typename M::scalar;
  static constexpr const char* kind = "RiemannianSGD";

  RiemannianSGD(const M& m, index_t rows, index_t dim, SgdOptions<T> options = {})
      : Base(m, rows, dim), h_(validated(options)), work_(sgd_work_size(dim)) {
    if (h_.momentum != T(0)) momentum_.assign(static_cast<std::size_t>(rows * dim), T(0));
  }
  explicit RiemannianSGD(const ManifoldParameter<M>& p, SgdOptions<T> options = {})
      : RiemannianSGD(p.manifold(), p.rows(), p.dim(), options) {}

  const SgdOptions<T>& options() const { return h_; }
  T lr() const { return h_.lr; }
  void set_lr(T lr) { h_.lr = lr; }

  // State for batched backends: momentum rows (empty view without momentum).
  MatrixView<T> momentum() {
    return MatrixView<T>(momentum_.empty() ? nullptr : momentum_.data(),
                         momentum_.empty() ? 0 : this->rows_, this->dim_);
  }

  void save(CheckpointWriter& w, std::string_view prefix) const {
    const std::string p(prefix);
    this->save_common(w, p);
    w.put(p + ".hyper", std::vector<T>{h_.lr, h_.momentum, h_.dampening, h_.weight_decay});
    w.put(p + ".flags", std::vector<std::int64_t>{h_.nesterov, std::int64_t(h_.policy.step_map),
                                                  h_.policy.project, h_.policy.stabilize_every});
    w.put(p + ".momentum", momentum_);
  }
  // Restores the state AND the hyperparameters saved with it.
  void load(const CheckpointReader& r, std::string_view prefix) {
    const std::string p(prefix);
    this->load_common(r, p);
    const auto hv = r.get<T>(p + ".hyper", 4);
    const auto fl = r.get<std::int64_t>(p + ".flags", 4);
    SgdOptions<T> o;
    o.lr = hv[0], o.momentum = hv[1], o.dampening = hv[2], o.weight_decay = hv[3];
    o.nesterov = fl[0] != 0;
    o.policy.step_map = static_cast<StepMap>(fl[1]);
    o.policy.project = fl[2] != 0;
    o.policy.stabilize_every = fl[3];
    try {
      h_ = validated(o);
    } catch (const std::exception& e) {  // saved hyperparameters are file content: name the file
      r.fail("optimizer '" + p + "': " + e.what());
    }
    momentum_ =
        r.get<T>(p + ".momentum", h_.momentum != T(0) ? this->rows_ * this->dim_ : std::int64_t(0));
  }

 private:
  void update_row(index_t r, Row<T> x, ConstRow<T> g) {
    const Row<T> buf =
        momentum_.empty() ? Row<T>() : Row<T>(momentum_.data() + r * this->dim_, this->dim_);
    sgd_step_row(this->manifold_, h_, x, g, buf, this->row_steps_[static_cast<std::size_t>(r)],
                 Row<T>(work_.data(), static_cast<index_t>(work_.size())));
  }

  static SgdOptions<T> validated(const SgdOptions<T>& o) {
    auto bad = [](const std::string& what) {
      throw std::invalid_argument("RiemannianSGD: " + what);
    };
    if (!(o.lr >= T(0))) bad("lr must be >= 0");
    if (!(o.momentum >= T(0))) bad("momentum must be >= 0");
    if (!(o.dampening >= T(0) && o.dampening <= T(1))) bad("dampening must be in [0, 1]");
    if (!(o.weight_decay >= T(0))) bad("weight_decay must be >= 0");
    if (o.nesterov && (o.momentum <= T(0) || o.dampening != T(0)))
      bad("Nesterov momentum needs momentum > 0 and dampening = 0");
    if (o.policy.stabilize_every < 0) bad("stabilize_every must be >= 0");
    if (o.policy.step_map != StepMap::exponential && o.policy.step_map != StepMap::retraction)
      bad("unknown step map");
    return o;
  }

  SgdOptions<T> h_;
  std::vector<T> momentum_;
  std::vector<T> work_;
};

}  // namespace hyperbolic::optim
