// TensorAdamW (AdamW with global-norm clipping over named tensors) against a
// textbook AdamW written here, its flags (decay, trainable), clipping that
// leaves the caller's gradients alone, bit-identical resume from exported
// state, and its errors; plus the two RiemannianAdam additions it rests on
// (set_options, set_step_counts).

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "hyperbolic/hyperbolic.hpp"
#include "hyperbolic/optim/optim.hpp"

using namespace hyperbolic;
using namespace hyperbolic::optim;

namespace {

// Tensors the test owns, as a model's layers would.
template <class T>
struct Net {
  struct Spec {
    std::string name;
    long rows, cols;
    bool decay;
  };
  // 1 x 1, a column, and sizes that fill TensorAdamW's 512-wide rows 0, 1
  // and 2 times with a shorter rest (600 = 512 + 88, 1200 = 2 * 512 + 176).
  static std::vector<Spec> specs() {
    return {{"scalar", 1, 1, false},
            {"column", 7, 1, true},
            {"gain", 1, 600, false},
            {"weight", 40, 30, true},
            {"square", 32, 32, true}};
  }
  std::vector<std::vector<T>> values, grads;
  std::vector<TensorRef<T>> refs;

  explicit Net(unsigned seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> n01;
    for (const auto& s : specs()) {
      std::vector<T> v(static_cast<std::size_t>(s.rows * s.cols));
      for (auto& x : v)
        x = T(n01(rng));
      values.push_back(v);
      grads.emplace_back(v.size(), T(0));
    }
    // refs point into values/grads, which no longer reallocate.
    for (std::size_t k = 0; k < values.size(); ++k) {
      const Spec s = specs()[k];
      refs.push_back({s.name, values[k].data(), grads[k].data(), s.rows, s.cols, true, s.decay});
    }
  }
  Net(const Net&) = delete;

  // Gradients of widely different scales per tensor (Adam's normalization and
  // the clipping both matter), new each step.
  void draw_grads(std::mt19937_64& rng) {
    std::normal_distribution<double> n01;
    for (std::size_t k = 0; k < grads.size(); ++k)
      for (auto& g : grads[k])
        g = T(std::pow(10.0, double(k) - 2.0) * n01(rng));
  }
};

// Textbook AdamW with clip_grad_norm_, per tensor. The decay -lr wd x and the
// Adam step are applied in one update, as the library does; PyTorch's
// p *= 1 - lr wd first rounds p twice per step, a float drift of about half
// an ulp a step (14 ulp over these 50 steps) that the test would measure instead.
template <class T>
struct ReferenceAdamW {
  T lr, b1, b2, eps, wd, clip;
  struct S {
    std::vector<T> m, v;
    long t = 0;
  };
  std::map<std::string, S> state{};
  void step(std::vector<TensorRef<T>>& ps) {
    double sq = 0;
    for (auto& p : ps)
      for (long i = 0; p.trainable && i < p.size(); ++i)
        sq += double(p.grad[i]) * double(p.grad[i]);
    const double norm = std::sqrt(sq);
    const T c = norm > double(clip) ? T(double(clip) / norm) : T(1);
    for (auto& p : ps) {
      if (!p.trainable) continue;
      S& s = state[p.name];
      if (s.m.empty()) s.m.assign(std::size_t(p.size()), T(0)), s.v = s.m;
      ++s.t;
      const T bc1 = T(1) - std::pow(b1, T(s.t)), bc2 = T(1) - std::pow(b2, T(s.t));
      for (std::size_t i = 0; i < s.m.size(); ++i) {
        const T g = p.grad[i] * c;
        s.m[i] = b1 * s.m[i] + (T(1) - b1) * g;
        s.v[i] = b2 * s.v[i] + (T(1) - b2) * g * g;
        p.value[i] -= lr / bc1 * s.m[i] / (std::sqrt(s.v[i]) / std::sqrt(bc2) + eps) +
                      (p.decay ? lr * wd * p.value[i] : T(0));
      }
    }
  }
};

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

template <class T>
TensorAdamW<T> configured() {
  TensorAdamW<T> opt;
  opt.lr = T(1e-2), opt.beta1 = T(0.9), opt.beta2 = T(0.99), opt.eps = T(1e-8);
  opt.weight_decay = T(0.1), opt.clip_norm = T(2);
  return opt;
}

}  // namespace

TEST_CASE_TEMPLATE("TensorAdamW is textbook AdamW with clipping, step for step", T, float, double) {
  Net<T> lib(1), ref(1);
  TensorAdamW<T> opt = configured<T>();
  ReferenceAdamW<T> textbook{opt.lr,  opt.beta1,        opt.beta2,
                             opt.eps, opt.weight_decay, opt.clip_norm};
  std::mt19937_64 rng(2);
  int clipped = 0;
  for (int s = 0; s < 50; ++s) {
    // "square" joins at step 10: its own step count (bias correction) starts then.
    lib.refs.back().trainable = ref.refs.back().trainable = s >= 10;
    lib.draw_grads(rng);
    ref.grads = lib.grads;
    const T norm = opt.step(lib.refs);
    textbook.step(ref.refs);
    clipped += norm > opt.clip_norm;
  }
  CHECK(clipped >= 40);  // the clip is active on (almost) every step
  CHECK(opt.steps("weight") == 50);
  CHECK(opt.steps("square") == 40);
  // Rounding differs (b^t by squaring, decay folded into the step): a few ulp
  // of values of order 1, after 50 steps.
  const double tol = std::is_same_v<T, float> ? 1e-6 : 1e-12;
  double worst = 0;
  for (std::size_t k = 0; k < lib.values.size(); ++k)
    for (std::size_t i = 0; i < lib.values[k].size(); ++i)
      worst = std::max(worst, std::abs(double(lib.values[k][i]) - double(ref.values[k][i])) /
                                  std::max(1.0, std::abs(double(ref.values[k][i]))));
  CHECK(worst <= tol);
  MESSAGE("max relative difference from textbook AdamW over 50 steps: " << worst);
}

TEST_CASE("TensorAdamW: decay flag, trainable flag, gradients left untouched") {
  Net<double> net(3);
  TensorAdamW<double> opt = configured<double>();
  for (auto& g : net.grads)
    std::fill(g.begin(), g.end(), 0.0);
  net.refs[2].trainable = false;
  const auto before = net.values;
  opt.step(net.refs);
  // Zero gradient: no Adam step (m = 0), only the decoupled decay -lr wd x.
  for (std::size_t k = 0; k < net.values.size(); ++k) {
    CAPTURE(net.refs[k].name);
    for (std::size_t i = 0; i < net.values[k].size(); ++i) {
      const double x = before[k][i];
      const double want = net.refs[k].decay && net.refs[k].trainable ? x - 1e-2 * 0.1 * x : x;
      REQUIRE(net.values[k][i] == doctest::Approx(want).epsilon(1e-15));
    }
  }
  CHECK(same_bits(net.values[2], before[2]));  // not trainable: untouched
  CHECK_FALSE(opt.has_state("gain"));
  CHECK(opt.has_state("weight"));

  std::mt19937_64 rng(4);
  net.draw_grads(rng);
  const auto grads = net.grads;
  const double norm = opt.step(net.refs);
  CHECK(norm > 10 * opt.clip_norm);  // clipping active ...
  for (std::size_t k = 0; k < grads.size(); ++k)
    CHECK(same_bits(net.grads[k], grads[k]));  // ... on a scaled copy
  CHECK(same_bits(net.values[2], before[2]));
}

TEST_CASE("TensorAdamW: export, restore into a new optimizer, continue bit for bit") {
  Net<float> a(5), b(5);
  TensorAdamW<float> run = configured<float>(), first = configured<float>();
  std::mt19937_64 ra(6), rb(6);
  for (int s = 0; s < 20; ++s) {
    a.draw_grads(ra), run.step(a.refs);
    b.draw_grads(rb), first.step(b.refs);
  }
  // Through plain vectors, as a checkpoint file would hold them.
  std::map<std::string, std::vector<float>> m, v;
  for (const auto& t : b.refs) {
    m[t.name] = first.exp_avg(t.name), v[t.name] = first.exp_avg_sq(t.name);
    CHECK(first.steps(t.name) == 20);
    CHECK(long(m[t.name].size()) == t.size());
  }
  TensorAdamW<float> resumed = configured<float>();
  for (const auto& t : b.refs)
    resumed.restore(t, m[t.name], v[t.name], 20);
  for (int s = 0; s < 30; ++s) {
    a.draw_grads(ra), run.step(a.refs, 0.5f);
    b.draw_grads(rb), resumed.step(b.refs, 0.5f);
  }
  for (std::size_t k = 0; k < a.values.size(); ++k) {
    CAPTURE(a.refs[k].name);
    CHECK(same_bits(a.values[k], b.values[k]));
    CHECK(same_bits(run.exp_avg(a.refs[k].name), resumed.exp_avg(b.refs[k].name)));
    CHECK(same_bits(run.exp_avg_sq(a.refs[k].name), resumed.exp_avg_sq(b.refs[k].name)));
    CHECK(resumed.steps(b.refs[k].name) == 50);
  }
}

TEST_CASE("TensorAdamW: errors name the tensor and change nothing") {
  Net<double> net(7);
  TensorAdamW<double> opt = configured<double>();
  std::mt19937_64 rng(8);
  net.draw_grads(rng);
  opt.step(net.refs);
  const auto values = net.values;
  const std::vector<double> short_m(5), full(1200);
  CHECK_THROWS_WITH_AS(opt.restore(net.refs[3], short_m, full, 1),
                       "TensorAdamW: restoring 'weight': first moment has 5 values, the tensor "
                       "has 40 x 30 = 1200",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(opt.restore(net.refs[3], full, short_m, 1),
                       doctest::Contains("'weight': second moment has 5 values"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(opt.restore(net.refs[3], full, full, -1),
                       doctest::Contains("'weight': step count -1"), std::invalid_argument);
  CHECK(opt.steps("weight") == 1);  // a failed restore keeps the old state
  CHECK_THROWS_WITH_AS(opt.exp_avg("nothing"), "TensorAdamW: no state for tensor 'nothing'",
                       std::invalid_argument);

  // Every check runs before the first tensor moves.
  auto reshaped = net.refs;
  reshaped[3].rows = 20;
  CHECK_THROWS_WITH_AS(opt.step(reshaped),
                       "TensorAdamW: tensor 'weight' has 600 values, its optimizer state 1200",
                       std::invalid_argument);
  auto twice = net.refs;
  twice.push_back(net.refs[1]);
  CHECK_THROWS_WITH_AS(opt.step(twice), "TensorAdamW: two tensors are named 'column'",
                       std::invalid_argument);
  opt.beta1 = 1;
  CHECK_THROWS_WITH_AS(opt.step(net.refs), "TensorAdamW: beta1 must be in [0, 1)",
                       std::invalid_argument);
  opt.beta1 = 0.9, opt.clip_norm = -1;
  CHECK_THROWS_WITH_AS(opt.step(net.refs), "TensorAdamW: clip_norm must be >= 0",
                       std::invalid_argument);
  for (std::size_t k = 0; k < values.size(); ++k)
    CHECK(same_bits(net.values[k], values[k]));
  CHECK(opt.steps("weight") == 1);
}

TEST_CASE_TEMPLATE("TensorAdamW: non-finite gradients do not throw", T, float, double) {
  Net<T> net(9);
  TensorAdamW<T> opt = configured<T>();
  std::mt19937_64 rng(10);
  net.draw_grads(rng);
  net.grads[1][3] = std::numeric_limits<T>::quiet_NaN();
  const T norm = opt.step(net.refs);
  CHECK(std::isnan(norm));
  CHECK(std::isnan(net.values[1][3]));
  // No clipping with an undefined norm: the other tensors take a normal step.
  for (std::size_t k : {0, 2, 3, 4})
    for (T x : net.values[k])
      REQUIRE(std::isfinite(x));
  net.grads[1][3] = std::numeric_limits<T>::infinity();
  CHECK(std::isinf(opt.step(net.refs)));
}

TEST_CASE("RiemannianAdam::set_options takes effect at the next step, state kept") {
  using E = Euclidean<double>;
  AdamOptions<double> o1, o2;
  o2.lr = 0.05, o2.beta2 = 0.9, o2.weight_decay = 0.2, o2.decay = WeightDecay::decoupled;
  std::vector<double> x1{0.5, -1.0, 2.0, 0.1, 0.3, -0.7}, x2 = x1;
  const std::vector<double> g{0.3, -0.2, 0.1, 0.0, 1.0, -4.0};
  RiemannianAdam<E> a(E(), 2, 3, o1), b(E(), 2, 3, o2);
  a.set_options(o2);
  for (int s = 0; s < 5; ++s) {
    a.step(MatrixView<double>(x1.data(), 2, 3), ConstMatrixView<double>(g.data(), 2, 3));
    b.step(MatrixView<double>(x2.data(), 2, 3), ConstMatrixView<double>(g.data(), 2, 3));
  }
  CHECK(same_bits(x1, x2));
  CHECK(a.options().beta2 == 0.9);
  o2.amsgrad = true;
  CHECK_THROWS_WITH_AS(a.set_options(o2), "RiemannianAdam: amsgrad is fixed at construction",
                       std::invalid_argument);
  o2.amsgrad = false, o2.eps = -1;
  CHECK_THROWS_WITH_AS(a.set_options(o2), "RiemannianAdam: eps must be >= 0",
                       std::invalid_argument);
  CHECK(a.options().eps == o1.eps);
}

TEST_CASE("RiemannianAdam: moments and set_step_counts restore a run bit for bit (ball)") {
  using B = PoincareBall<double>;
  const B ball(1.0);
  AdamOptions<double> o;
  o.lr = 0.02, o.weight_decay = 0.01, o.decay = WeightDecay::decoupled;
  std::vector<double> x{0.1, 0.2, -0.3, 0.0, 0.4, 0.1};
  const std::vector<double> g{0.3, -0.2, 0.1, -0.5, 1.0, 0.2};
  const auto step = [&](RiemannianAdam<B>& opt, std::vector<double>& p) {
    opt.step(MatrixView<double>(p.data(), 2, 3), ConstMatrixView<double>(g.data(), 2, 3));
  };
  RiemannianAdam<B> run(ball, 2, 3, o), copy(ball, 2, 3, o);
  for (int s = 0; s < 7; ++s)
    step(run, x);
  const auto src_m = run.exp_avg(), src_v = run.exp_avg_sq();
  std::copy(src_m.data(), src_m.data() + 6, copy.exp_avg().data());
  std::copy(src_v.data(), src_v.data() + 2, copy.exp_avg_sq().data());
  copy.set_step_counts(7);
  CHECK(copy.steps() == 7);
  CHECK(copy.row_steps(1) == 7);
  std::vector<double> y = x;
  for (int s = 0; s < 5; ++s)
    step(run, x), step(copy, y);
  CHECK(same_bits(x, y));
  CHECK_THROWS_WITH_AS(copy.set_step_counts(-2), "RiemannianAdam: step count -2 must be >= 0",
                       std::invalid_argument);
}
