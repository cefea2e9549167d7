#pragma once
// A small decoder-only transformer with hand-written forward and backward:
// token + learned position embedding, pre-norm blocks
//   x += o(attn(q, k, v of RMSNorm(x)));  x += down(gelu(up(RMSNorm(x))))
// a final RMSNorm and an output head tied to the token embedding. Linear
// layers are bias-free and named q, k, v, o, up, down: the targets of the
// LoRA / HypLoRA adapters.

#include <cmath>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "attention.hpp"
#include "rmsnorm.hpp"

namespace finetune {

struct ModelConfig {
  long vocab = 3000, dim = 128, layers = 4, heads = 4, mlp = 512, max_len = 96;
  unsigned seed = 1;
  void validate() const {
    const auto positive = [](long v, const char* name) {
      if (v <= 0)
        throw std::invalid_argument(std::string("model.") + name + " must be positive, got " +
                                    std::to_string(v));
    };
    positive(vocab, "vocab");
    positive(dim, "dim");
    positive(layers, "layers");
    positive(heads, "heads");
    positive(mlp, "mlp");
    positive(max_len, "max_len");
    if (dim % heads != 0)
      throw std::invalid_argument("model.dim (" + std::to_string(dim) +
                                  ") must be divisible by model.heads (" + std::to_string(heads) +
                                  ")");
  }
};

enum class AdapterKind { none, lora, hyplora };

struct AdapterConfig {
  AdapterKind kind = AdapterKind::none;
  long rank = 8;
  double alpha = 16;
  double curvature = 1.0;
  bool learn_curvature = true;
  // HypLoRA only: divide the adapter input by s = sqrt(d_in) of the layer
  // before expmap0, as the reference code does; s learnable (as log s) or fixed.
  bool input_scale = false;
  bool learn_input_scale = true;
  std::set<std::string> targets{"q", "k", "v", "o", "up", "down"};
};

// tanh-approximated GELU, on whole arrays so Eigen vectorizes the tanh (a
// scalar std::tanh per element was ~20% of a training step). forward keeps
// t = tanh(k (u + a u^3)) for the derivative
//   0.5 (1 + t) + 0.5 u (1 - t^2) k (1 + 3 a u^2).
template <class T>
struct Gelu {
  static constexpr T k = T(0.7978845608028654), a = T(0.044715);
  static void forward(const Matrix<T>& u, Matrix<T>& t, Matrix<T>& y) {
    t = (k * (u.array() + a * u.array().cube())).tanh().matrix();
    y = (T(0.5) * u.array() * (T(1) + t.array())).matrix();
  }
  // dy (in) -> dL/du (out), in place.
  static void backward(const Matrix<T>& u, const Matrix<T>& t, Matrix<T>& dy) {
    dy.array() *= T(0.5) * (T(1) + t.array()) + T(0.5) * k * u.array() *
                                                    (T(1) - t.array().square()) *
                                                    (T(1) + T(3) * a * u.array().square());
  }
};

template <class T>
class Block {
 public:
  Block() = default;
  template <class Rng>
  Block(const ModelConfig& c, Rng& rng)
      : norm1(c.dim),
        attn(c.dim, c.heads, T(1) / std::sqrt(T(c.dim)), T(1) / std::sqrt(T(2 * c.dim * c.layers)),
             rng),
        norm2(c.dim),
        up(c.dim, c.mlp, T(1) / std::sqrt(T(c.dim)), rng),
        down(c.mlp, c.dim, T(1) / std::sqrt(T(2 * c.mlp * c.layers)), rng) {}

  // X <- block(X) in place; caches what backward needs.
  void forward(Matrix<T>& X, long batch, long len) {
    x0_ = X;
    norm1.forward(x0_, n1_);
    attn.forward(n1_, batch, len, a_);
    x1_ = x0_ + a_;
    norm2.forward(x1_, n2_);
    up.forward(n2_, u_);
    Gelu<T>::forward(u_, t_, g_);
    down.forward(g_, X);
    X += x1_;
  }
  // dX: dL/d(output) in, dL/d(input) out.
  void backward(Matrix<T>& dX, long batch, long len) {
    down.backward(g_, dX, dg_);
    Gelu<T>::backward(u_, t_, dg_);
    up.backward(n2_, dg_, dn_);
    norm2.backward(x1_, dn_, tmp_);
    dX += tmp_;  // dL/dx1
    attn.backward(n1_, batch, len, dX, dn_);
    norm1.backward(x0_, dn_, tmp_);
    dX += tmp_;  // dL/dx0
  }
  std::vector<Linear<T>*> linears() { return {&attn.q, &attn.k, &attn.v, &attn.o, &up, &down}; }
  static std::vector<std::string> linear_names() { return {"q", "k", "v", "o", "up", "down"}; }

  RMSNorm<T> norm1;
  CausalSelfAttention<T> attn;
  RMSNorm<T> norm2;
  Linear<T> up, down;

 private:
  Matrix<T> x0_, n1_, a_, x1_, n2_, u_, t_, g_, dg_, dn_, tmp_;
};

template <class T>
class Transformer {
 public:
  explicit Transformer(const ModelConfig& c) : config(c), norm_f(c.dim) {
    c.validate();
    std::mt19937_64 rng(c.seed);
    embedding.resize(c.vocab, c.dim);
    hyperbolic::nn::fill_normal(embedding, T(0.05), rng);
    position.resize(c.max_len, c.dim);
    hyperbolic::nn::fill_normal(position, T(0.02), rng);
    grad_embedding = Matrix<T>::Zero(c.vocab, c.dim);
    grad_position = Matrix<T>::Zero(c.max_len, c.dim);
    blocks.reserve(c.layers);
    for (long l = 0; l < c.layers; ++l)
      blocks.emplace_back(c, rng);
  }

  // Mean cross-entropy of targets[i] at row i over rows with weight[i] > 0,
  // weighted; tokens/targets/weights are batch*len, row-major by sequence.
  // Caches activations for backward(). Rows with weight 0 get no logits.
  T forward(const std::vector<int>& tokens, long batch, long len, const std::vector<int>& targets,
            const std::vector<T>& weights) {
    hidden(tokens, batch, len);
    rows_.clear();
    weight_sum_ = 0;
    for (long i = 0; i < batch * len; ++i)
      if (weights[i] > T(0)) {
        rows_.push_back(i);
        weight_sum_ += weights[i];
      }
    if (rows_.empty())
      throw std::invalid_argument("Transformer::forward: no row has a positive weight");
    Hsel_.resize(static_cast<long>(rows_.size()), config.dim);
    for (size_t r = 0; r < rows_.size(); ++r)
      Hsel_.row(static_cast<long>(r)) = hf_.row(rows_[r]);
    gemm([&] { logits_.noalias() = Hsel_ * embedding.transpose(); });
    T loss = 0;
    for (size_t r = 0; r < rows_.size(); ++r) {
      auto row = logits_.row(static_cast<long>(r));
      const int target = targets[rows_[r]];
      if (target < 0 || target >= config.vocab)
        throw std::out_of_range("Transformer::forward: target id " + std::to_string(target) +
                                " outside the vocabulary");
      const T mx = row.maxCoeff();
      row = (row.array() - mx).exp();
      const T sum = row.sum();
      row /= sum;  // logits_ now holds probabilities
      const T w = weights[rows_[r]] / weight_sum_;
      loss += w * -(std::log(std::max(row(target), std::numeric_limits<T>::min())));
      row *= w;
      row(target) -= w;  // dL/dlogits
    }
    return loss;
  }

  void backward() {
    const long n = tokens_.size();
    if (train_embedding) gemm([&] { grad_embedding.noalias() += logits_.transpose() * Hsel_; });
    gemm([&] { dHsel_.noalias() = logits_ * embedding; });
    dhf_ = Matrix<T>::Zero(n, config.dim);
    for (size_t r = 0; r < rows_.size(); ++r)
      dhf_.row(rows_[r]) = dHsel_.row(static_cast<long>(r));
    norm_f.backward(hL_, dhf_, dX_);
    for (long l = config.layers - 1; l >= 0; --l)
      blocks[l].backward(dX_, batch_, len_);
    if (train_embedding) {
      for (long i = 0; i < n; ++i) {
        grad_embedding.row(tokens_[i]) += dX_.row(i);
        grad_position.row(i % len_) += dX_.row(i);
      }
    }
  }

  // Logits (rows.size() x vocab) at the given rows after a forward pass over
  // tokens (no loss, no caches needed afterwards): greedy decoding.
  Matrix<T> logits_at(const std::vector<int>& tokens, long batch, long len,
                      const std::vector<long>& rows) {
    hidden(tokens, batch, len);
    Matrix<T> h(static_cast<long>(rows.size()), config.dim);
    for (size_t r = 0; r < rows.size(); ++r)
      h.row(static_cast<long>(r)) = hf_.row(rows[r]);
    Matrix<T> out;
    gemm([&] { out.noalias() = h * embedding.transpose(); });
    return out;
  }

  void zero_grad() {
    grad_embedding.setZero();
    grad_position.setZero();
    norm_f.zero_grad();
    for (auto& b : blocks) {
      b.norm1.zero_grad();
      b.norm2.zero_grad();
      for (auto* lin : b.linears())
        lin->zero_grad();
    }
  }

  // Freeze (or unfreeze) every base weight; adapters stay trainable.
  void set_base_trainable(bool on) {
    train_embedding = on;
    norm_f.train = on;
    for (auto& b : blocks) {
      b.norm1.train = on;
      b.norm2.train = on;
      for (auto* lin : b.linears())
        lin->train_W = on;
    }
  }

  void attach_adapters(const AdapterConfig& a, unsigned seed) {
    if (a.kind == AdapterKind::none) return;
    std::mt19937_64 rng(seed);
    for (auto& b : blocks) {
      const auto names = Block<T>::linear_names();
      const auto lins = b.linears();
      for (size_t i = 0; i < lins.size(); ++i) {
        if (!a.targets.count(names[i])) continue;
        Linear<T>& lin = *lins[i];
        if (a.kind == AdapterKind::lora)
          lin.lora = std::make_unique<hyperbolic::nn::LoraAdapter<T>>(lin.W.cols(), lin.W.rows(),
                                                                      a.rank, T(a.alpha), rng);
        else
          lin.hyplora = std::make_unique<hyperbolic::nn::HypLoraAdapter<T>>(
              lin.W.cols(), lin.W.rows(), a.rank, T(a.alpha), T(a.curvature), a.learn_curvature,
              rng);
        if (lin.hyplora) {
          lin.hyplora->gemm_seconds = &GemmClock::seconds();
          if (a.input_scale)
            lin.hyplora->enable_input_scale(std::sqrt(T(lin.W.cols())), a.learn_input_scale);
        }
      }
    }
  }

  std::vector<Parameter<T>> parameters() {
    std::vector<Parameter<T>> ps;
    ps.push_back({"embedding", embedding.data(), grad_embedding.data(), embedding.rows(),
                  embedding.cols(), train_embedding, true});
    ps.push_back({"position", position.data(), grad_position.data(), position.rows(),
                  position.cols(), train_embedding, false});
    for (long l = 0; l < config.layers; ++l) {
      const std::string p = "blocks." + std::to_string(l) + ".";
      Block<T>& b = blocks[l];
      b.norm1.collect(p + "norm1", ps);
      b.norm2.collect(p + "norm2", ps);
      const auto names = Block<T>::linear_names();
      const auto lins = b.linears();
      for (size_t i = 0; i < lins.size(); ++i)
        lins[i]->collect(p + names[i], ps);
    }
    norm_f.collect("norm_f", ps);
    return ps;
  }

  const Matrix<T>& final_hidden() const { return hf_; }

  ModelConfig config;
  Matrix<T> embedding, position, grad_embedding, grad_position;
  std::vector<Block<T>> blocks;
  RMSNorm<T> norm_f;
  bool train_embedding = true;

 private:
  void hidden(const std::vector<int>& tokens, long batch, long len) {
    if (len > config.max_len)
      throw std::invalid_argument("Transformer: sequence length " + std::to_string(len) +
                                  " exceeds max_len " + std::to_string(config.max_len));
    if (static_cast<long>(tokens.size()) != batch * len)
      throw std::invalid_argument("Transformer: " + std::to_string(tokens.size()) +
                                  " tokens for batch " + std::to_string(batch) + " x len " +
                                  std::to_string(len));
    tokens_ = tokens;
    batch_ = batch;
    len_ = len;
    X_.resize(batch * len, config.dim);
    for (long i = 0; i < batch * len; ++i) {
      if (tokens[i] < 0 || tokens[i] >= config.vocab)
        throw std::out_of_range("Transformer: token id " + std::to_string(tokens[i]) +
                                " outside the vocabulary");
      X_.row(i) = embedding.row(tokens[i]) + position.row(i % len);
    }
    for (auto& b : blocks)
      b.forward(X_, batch, len);
    hL_ = X_;
    norm_f.forward(hL_, hf_);
  }

  std::vector<int> tokens_;
  long batch_ = 0, len_ = 0;
  std::vector<long> rows_;
  T weight_sum_ = 0;
  Matrix<T> X_, hL_, hf_, Hsel_, logits_, dHsel_, dhf_, dX_;
};

}  // namespace finetune
