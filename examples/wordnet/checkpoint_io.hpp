#pragma once
// Checkpoints and embedding files of the WordNet trainer.
//
// Checkpoint (binary, host byte order = little-endian on every platform we build for):
//   "HYPWNCKP"  8 bytes magic
//   u32 version (6), u32 zero, u64 payload bytes, u64 FNV-1a of the payload
//   payload: the TrainConfig fields (in declaration order), u64 graph fingerprint, u64 nodes,
//            u32 epochs done, f64 training seconds so far, u64 + bytes history (JSON text),
//            u64 + f64[] embedding (row-major, nodes x row size),
//            then under Adam: u64 + f64[] first moments, u64 + f64[] second moments,
//            u64 + i64[] per-row step counts,
//            then f64 curvature c and f64 rho (c = softplus(rho)) after the epochs done
// Versions 1 (no lr schedule), 2 (no optimizer fields: SGD), 3 (no switch to SGD), 4 (no
// subtree negatives, no direct-parent repeats) and 5 (no curvature: c = 1, fixed) still load.
// Written through io::OutputSet (a checked temporary renamed over `path`), so a crash never
// leaves a torn checkpoint.
//
// Embedding (binary, ".emb"): "HYPWNEMB", u32 version (1), u32 model (0 Poincare, 1 Lorentz
// time-first, 2 Euclidean), u64 nodes, u64 row size, f64 curvature c (> 0; 1 for Euclidean and
// for files of trainers before --curvature), then nodes x row size
// f64 row-major, then for each node u32 name length + UTF-8 name bytes.
// Embedding (text, ".tsv"): one line per node: name<TAB>x0<TAB>x1... (%.17g).
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "hyperbolic/io/output_set.hpp"

#include "trainer.hpp"

namespace hyperbolic::wordnet_train {

class ByteWriter {
 public:
  template <class T>
  void put(const T& v) {
    const auto* p = reinterpret_cast<const char*>(&v);
    bytes.insert(bytes.end(), p, p + sizeof(T));
  }
  void put_bytes(const void* data, std::size_t n) {
    const auto* p = static_cast<const char*>(data);
    bytes.insert(bytes.end(), p, p + n);
  }
  std::vector<char> bytes;
};

class ByteReader {
 public:
  ByteReader(std::span<const char> bytes, std::string source)
      : bytes_(bytes), source_(std::move(source)) {}
  template <class T>
  T get() {
    T v;
    get_bytes(&v, sizeof(T));
    return v;
  }
  void get_bytes(void* out, std::size_t n) {
    if (n == 0) return;  // `out` may be an empty vector's null data()
    if (n > bytes_.size() - pos_)
      throw std::runtime_error(source_ + ": truncated (needed " + std::to_string(n) +
                               " bytes at offset " + std::to_string(pos_) + ")");
    std::memcpy(out, bytes_.data() + pos_, n);
    pos_ += n;
  }
  bool done() const { return pos_ == bytes_.size(); }
  std::size_t remaining() const { return bytes_.size() - pos_; }
  const std::string& source() const { return source_; }
  // A count of `element_size`-byte values read from the file: refused (naming the file and the
  // value) unless that many bytes remain, so that a damaged count never sizes an allocation.
  std::uint64_t get_count(std::size_t element_size, const char* what) {
    const auto count = get<std::uint64_t>();
    if (count > remaining() / element_size)
      throw std::runtime_error(source_ + ": " + what + " count " + std::to_string(count) +
                               " exceeds the " + std::to_string(remaining()) +
                               " bytes left in the file");
    return count;
  }

 private:
  std::span<const char> bytes_;
  std::size_t pos_ = 0;
  std::string source_;
};

struct Checkpoint {
  TrainConfig config;
  std::uint64_t graph_fingerprint = 0;
  std::uint64_t node_count = 0;
  std::uint32_t epochs_done = 0;
  double train_seconds = 0;
  std::string history_json;
  std::vector<double> embedding;
  AdamState adam;  // empty under SGD
  // The curvature after epochs_done (version >= 6; older files: 1) and its parameter rho (NaN
  // when the file has none: derive it from c).
  double curvature = 1.0;
  double curvature_rho = std::numeric_limits<double>::quiet_NaN();
};

inline constexpr char checkpoint_magic[8] = {'H', 'Y', 'P', 'W', 'N', 'C', 'K', 'P'};
// Version 2 added the lr schedule, version 3 the optimizer (and Adam's state) and the Lorentz
// max radius, version 4 the switch from Adam to SGD, version 5 the subtree negatives and
// the direct-parent repeats, version 6 the curvature (fixed or learned, and its current value).
inline constexpr std::uint32_t checkpoint_version = 6;

inline void put_config(ByteWriter& w, const TrainConfig& c) {
  w.put(static_cast<std::uint32_t>(c.model));
  w.put(c.dim);
  w.put(c.lr);
  w.put(c.burnin_epochs);
  w.put(c.burnin_lr_factor);
  w.put(c.negatives);
  w.put(c.burnin_negatives);
  w.put(c.degree_power);
  w.put(c.batch);
  w.put(c.sync_batches);
  w.put(c.seed);
  w.put(c.init_range);
  w.put(c.max_norm);
  w.put(c.lorentz_step_clip);
  w.put(c.lr_decay_start);
  w.put(c.lr_decay_end);
  w.put(c.lr_final_factor);
  w.put(static_cast<std::uint32_t>(c.optimizer));
  w.put(c.adam_beta1);
  w.put(c.adam_beta2);
  w.put(c.adam_eps);
  w.put(c.lorentz_max_radius);
  w.put(c.sgd_from_epoch);
  w.put(c.sgd_lr);
  w.put(c.subtree_negatives);
  w.put(c.subtree_negatives_from);
  w.put(c.parent_edge_repeats);
  w.put(c.parent_edge_repeats_from);
  w.put(c.curvature);
  w.put(static_cast<std::uint32_t>(c.learn_curvature));
  w.put(c.curvature_lr);
}

inline TrainConfig get_config(ByteReader& r, std::uint32_t version) {
  TrainConfig c;
  const auto model = r.get<std::uint32_t>();
  if (model > 2) throw std::runtime_error(r.source() + ": unknown model " + std::to_string(model));
  c.model = static_cast<Model>(model);
  c.dim = r.get<std::uint32_t>();
  c.lr = r.get<double>();
  c.burnin_epochs = r.get<std::uint32_t>();
  c.burnin_lr_factor = r.get<double>();
  c.negatives = r.get<std::uint32_t>();
  c.burnin_negatives = r.get<std::uint32_t>();
  c.degree_power = r.get<double>();
  c.batch = r.get<std::uint32_t>();
  c.sync_batches = r.get<std::uint32_t>();
  c.seed = r.get<std::uint64_t>();
  c.init_range = r.get<double>();
  c.max_norm = r.get<double>();
  c.lorentz_step_clip = r.get<double>();
  if (version >= 2) {
    c.lr_decay_start = r.get<std::uint32_t>();
    c.lr_decay_end = r.get<std::uint32_t>();
    c.lr_final_factor = r.get<double>();
  }
  if (version >= 3) {
    const auto optimizer = r.get<std::uint32_t>();
    if (optimizer > 1)
      throw std::runtime_error(r.source() + ": unknown optimizer " + std::to_string(optimizer));
    c.optimizer = static_cast<Optimizer>(optimizer);
    c.adam_beta1 = r.get<double>();
    c.adam_beta2 = r.get<double>();
    c.adam_eps = r.get<double>();
    c.lorentz_max_radius = r.get<double>();
  }
  if (version >= 4) {
    c.sgd_from_epoch = r.get<std::uint32_t>();
    c.sgd_lr = r.get<double>();
  }
  if (version >= 5) {
    c.subtree_negatives = r.get<std::uint32_t>();
    c.subtree_negatives_from = r.get<std::uint32_t>();
    c.parent_edge_repeats = r.get<std::uint32_t>();
    c.parent_edge_repeats_from = r.get<std::uint32_t>();
  }
  if (version >= 6) {
    c.curvature = r.get<double>();
    const auto learned = r.get<std::uint32_t>();
    if (learned > 1)
      throw std::runtime_error(r.source() + ": bad learned-curvature flag " +
                               std::to_string(learned));
    c.learn_curvature = learned == 1;
    c.curvature_lr = r.get<double>();
    if (!(c.curvature > 0) || !std::isfinite(c.curvature))
      throw std::runtime_error(r.source() + ": curvature " + std::to_string(c.curvature) +
                               " is not positive and finite");
  }
  return c;
}

inline void write_checkpoint(const std::string& path, const Checkpoint& ck) {
  ByteWriter payload;
  put_config(payload, ck.config);
  payload.put(ck.graph_fingerprint);
  payload.put(ck.node_count);
  payload.put(ck.epochs_done);
  payload.put(ck.train_seconds);
  payload.put(static_cast<std::uint64_t>(ck.history_json.size()));
  payload.put_bytes(ck.history_json.data(), ck.history_json.size());
  payload.put(static_cast<std::uint64_t>(ck.embedding.size()));
  payload.put_bytes(ck.embedding.data(), ck.embedding.size() * sizeof(double));
  if (ck.config.optimizer == Optimizer::adam) {
    auto put_array = [&](const auto& values) {
      payload.put(static_cast<std::uint64_t>(values.size()));
      payload.put_bytes(values.data(), values.size() * sizeof(values[0]));
    };
    put_array(ck.adam.exp_avg);
    put_array(ck.adam.exp_avg_sq);
    put_array(ck.adam.steps);
  }
  payload.put(ck.curvature);
  payload.put(ck.curvature_rho);
  ByteWriter file;
  file.put_bytes(checkpoint_magic, sizeof checkpoint_magic);
  file.put(checkpoint_version);
  file.put(std::uint32_t{0});
  file.put(static_cast<std::uint64_t>(payload.bytes.size()));
  file.put(fnv1a(payload.bytes.data(), payload.bytes.size()));
  file.put_bytes(payload.bytes.data(), payload.bytes.size());
  io::write_file_atomically(path, std::string_view(file.bytes.data(), file.bytes.size()));
}

inline std::vector<char> read_binary_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(what + ": cannot open '" + path + "'");
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error(what + ": error reading '" + path + "'");
  return bytes;
}

inline Checkpoint read_checkpoint(const std::string& path) {
  const std::vector<char> bytes = read_binary_file(path, "checkpoint");
  const std::string source = "checkpoint '" + path + "'";
  ByteReader header(bytes, source);
  char magic[8];
  header.get_bytes(magic, sizeof magic);
  if (std::memcmp(magic, checkpoint_magic, sizeof magic) != 0)
    throw std::runtime_error(source + ": not a trainer checkpoint (bad magic)");
  const auto version = header.get<std::uint32_t>();
  if (version < 1 || version > checkpoint_version)
    throw std::runtime_error(source + ": version " + std::to_string(version) + ", expected 1 to " +
                             std::to_string(checkpoint_version));
  header.get<std::uint32_t>();
  const auto size = header.get<std::uint64_t>();
  const auto sum = header.get<std::uint64_t>();
  constexpr std::size_t header_bytes = 8 + 4 + 4 + 8 + 8;
  if (bytes.size() - header_bytes != size)
    throw std::runtime_error(source + ": payload is " +
                             std::to_string(bytes.size() - header_bytes) + " bytes, header says " +
                             std::to_string(size));
  if (fnv1a(bytes.data() + header_bytes, size) != sum)
    throw std::runtime_error(source + ": checksum mismatch (corrupt file)");
  ByteReader r(std::span<const char>(bytes).subspan(header_bytes), source);
  Checkpoint ck;
  ck.config = get_config(r, version);
  ck.graph_fingerprint = r.get<std::uint64_t>();
  ck.node_count = r.get<std::uint64_t>();
  ck.epochs_done = r.get<std::uint32_t>();
  ck.train_seconds = r.get<double>();
  ck.history_json.resize(r.get_count(1, "history byte"));
  r.get_bytes(ck.history_json.data(), ck.history_json.size());
  const auto values = r.get_count(sizeof(double), "embedding value");
  // Divided, not multiplied: a damaged node count must not wrap the product around.
  const std::uint64_t row = ck.config.row_size();
  if (row == 0 || values % row != 0 || values / row != ck.node_count)
    throw std::runtime_error(source + ": " + std::to_string(values) + " values for " +
                             std::to_string(ck.node_count) + " nodes");
  ck.embedding.resize(values);
  r.get_bytes(ck.embedding.data(), values * sizeof(double));
  if (ck.config.optimizer == Optimizer::adam) {
    auto get_array = [&](auto& out, const char* what) {
      const auto count = r.get_count(sizeof(out[0]), what);
      if (count > values)
        throw std::runtime_error(source + ": " + std::to_string(count) + " Adam " + what +
                                 " values for " + std::to_string(ck.node_count) + " nodes");
      out.resize(count);
      r.get_bytes(out.data(), count * sizeof(out[0]));
    };
    get_array(ck.adam.exp_avg, "first-moment");
    get_array(ck.adam.exp_avg_sq, "second-moment");
    get_array(ck.adam.steps, "step-count");
  }
  if (version >= 6) {
    ck.curvature = r.get<double>();
    ck.curvature_rho = r.get<double>();
    if (!(ck.curvature > 0) || !std::isfinite(ck.curvature))
      throw std::runtime_error(source + ": curvature " + std::to_string(ck.curvature) +
                               " is not positive and finite");
  } else {
    ck.curvature = 1.0;  // every trainer before version 6 trained at c = 1
  }
  if (!r.done()) throw std::runtime_error(source + ": trailing bytes");
  return ck;
}

// Throws naming the first field where a checkpoint's config differs from the requested one in a
// way that changes the first `epochs_done` epochs. The lr schedule may differ as long as it gives
// the same lr for every epoch already trained: a finished run can be resumed with annealing.
inline void require_same_trajectory(const TrainConfig& saved, const TrainConfig& asked,
                                    std::uint32_t epochs_done) {
  std::string diff;
  auto text = [](auto v) {
    if constexpr (std::is_floating_point_v<decltype(v)>) {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%.17g", v);
      return std::string(buffer);
    } else {
      return std::to_string(v);
    }
  };
  auto check = [&](const char* name, auto x, auto y) {
    if (x != y && diff.empty())
      diff = std::string(name) + " (checkpoint " + text(x) + ", asked " + text(y) + ")";
  };
  check("model", static_cast<int>(saved.model), static_cast<int>(asked.model));
  check("dim", saved.dim, asked.dim);
  check("lr", saved.lr, asked.lr);
  check("burnin", saved.burnin_epochs, asked.burnin_epochs);
  check("burnin lr factor", saved.burnin_lr_factor, asked.burnin_lr_factor);
  check("negatives", saved.negatives, asked.negatives);
  check("burnin negatives", saved.burnin_negatives, asked.burnin_negatives);
  check("degree power", saved.degree_power, asked.degree_power);
  check("batch", saved.batch, asked.batch);
  check("sync batches", saved.sync_batches, asked.sync_batches);
  check("seed", saved.seed, asked.seed);
  check("init range", saved.init_range, asked.init_range);
  check("max norm", saved.max_norm, asked.max_norm);
  check("lorentz step clip", saved.lorentz_step_clip, asked.lorentz_step_clip);
  check("lorentz max radius", saved.lorentz_max_radius, asked.lorentz_max_radius);
  check("curvature", saved.curvature, asked.curvature);
  check("learned curvature (0 fixed, 1 learned)", int(saved.learn_curvature),
        int(asked.learn_curvature));
  if (saved.learn_curvature && asked.learn_curvature)
    check("curvature lr", saved.curvature_lr, asked.curvature_lr);
  check("optimizer (0 sgd, 1 adam)", static_cast<int>(saved.optimizer),
        static_cast<int>(asked.optimizer));
  if (saved.optimizer == Optimizer::adam) {
    check("adam beta1", saved.adam_beta1, asked.adam_beta1);
    check("adam beta2", saved.adam_beta2, asked.adam_beta2);
    check("adam eps", saved.adam_eps, asked.adam_eps);
  }
  static const char* optimizer_names[] = {"sgd", "adam"};
  for (std::uint32_t e = 0; e < epochs_done && diff.empty(); ++e)
    if (saved.optimizer_at(e) != asked.optimizer_at(e))
      diff = "optimizer schedule (epoch " + std::to_string(e) + " was trained with " +
             optimizer_names[static_cast<int>(saved.optimizer_at(e))] + ", asked " +
             optimizer_names[static_cast<int>(asked.optimizer_at(e))] + ")";
    else if (saved.subtree_negatives_at(e) != asked.subtree_negatives_at(e))
      diff = "subtree negatives (epoch " + std::to_string(e) + " was trained with " +
             std::to_string(saved.subtree_negatives_at(e)) + ", asked " +
             std::to_string(asked.subtree_negatives_at(e)) + ")";
    else if (saved.parent_edge_repeats_at(e) != asked.parent_edge_repeats_at(e))
      diff = "direct-parent repeats (epoch " + std::to_string(e) + " was trained with " +
             std::to_string(saved.parent_edge_repeats_at(e)) + ", asked " +
             std::to_string(asked.parent_edge_repeats_at(e)) + ")";
    else if (saved.lr_at(e) != asked.lr_at(e))
      diff = "lr schedule (epoch " + std::to_string(e) + " was trained at lr " +
             text(saved.lr_at(e)) + ", asked " + text(asked.lr_at(e)) + ")";
  if (diff.empty()) return;
  throw std::runtime_error("resume: the checkpoint was trained with a different " + diff);
}

inline std::vector<char> embedding_binary(Model model, std::size_t row_size,
                                          std::span<const double> x,
                                          const std::vector<std::string>& names,
                                          double curvature = 1.0) {
  ByteWriter w;
  w.put_bytes("HYPWNEMB", 8);
  w.put(std::uint32_t{1});
  w.put(static_cast<std::uint32_t>(model));
  w.put(static_cast<std::uint64_t>(names.size()));
  w.put(static_cast<std::uint64_t>(row_size));
  w.put(curvature);
  w.put_bytes(x.data(), x.size_bytes());
  for (const std::string& name : names) {
    w.put(static_cast<std::uint32_t>(name.size()));
    w.put_bytes(name.data(), name.size());
  }
  return std::move(w.bytes);
}

inline void write_embedding_binary(const std::string& path, Model model, std::size_t row_size,
                                   std::span<const double> x, const std::vector<std::string>& names,
                                   double curvature = 1.0) {
  const std::vector<char> bytes = embedding_binary(model, row_size, x, names, curvature);
  io::write_file_atomically(path, std::string_view(bytes.data(), bytes.size()));
}

struct EmbeddingFile {
  Model model = Model::poincare;
  std::size_t row_size = 0;
  double curvature = 1.0;  // the model's c
  std::vector<double> x;   // nodes x row_size, row-major
  std::vector<std::string> names;
};

inline EmbeddingFile read_embedding_binary(const std::string& path) {
  const std::vector<char> bytes = read_binary_file(path, "embedding");
  const std::string source = "embedding '" + path + "'";
  ByteReader r(bytes, source);
  char magic[8];
  r.get_bytes(magic, sizeof magic);
  if (std::memcmp(magic, "HYPWNEMB", sizeof magic) != 0)
    throw std::runtime_error(source + ": not a trainer embedding (.emb) file (bad magic)");
  if (const auto version = r.get<std::uint32_t>(); version != 1)
    throw std::runtime_error(source + ": version " + std::to_string(version) + ", expected 1");
  EmbeddingFile e;
  const auto model = r.get<std::uint32_t>();
  if (model > 2) throw std::runtime_error(source + ": unknown model " + std::to_string(model));
  e.model = static_cast<Model>(model);
  const auto nodes = r.get<std::uint64_t>();
  e.row_size = r.get<std::uint64_t>();
  e.curvature = r.get<double>();
  if (!(e.curvature > 0) || !std::isfinite(e.curvature))
    throw std::runtime_error(source + ": curvature " + std::to_string(e.curvature) +
                             " is not positive and finite");
  // Both counts come from the file: check them against its size before allocating.
  if (e.row_size == 0 || nodes > bytes.size() / sizeof(double) / e.row_size)
    throw std::runtime_error(source + ": header claims " + std::to_string(nodes) + " rows of " +
                             std::to_string(e.row_size) + " values, more than the file holds");
  e.x.resize(nodes * e.row_size);
  r.get_bytes(e.x.data(), e.x.size() * sizeof(double));
  e.names.resize(nodes);
  for (std::string& name : e.names) {
    const auto length = r.get<std::uint32_t>();
    if (length > bytes.size())  // a damaged length: refuse before allocating
      throw std::runtime_error(source + ": a name of " + std::to_string(length) +
                               " bytes in a file of " + std::to_string(bytes.size()));
    name.resize(length);
    r.get_bytes(name.data(), name.size());
  }
  if (!r.done()) throw std::runtime_error(source + ": trailing bytes after the names");
  return e;
}

inline std::string embedding_tsv(std::size_t row_size, std::span<const double> x,
                                 const std::vector<std::string>& names) {
  std::string text;
  char number[32];
  for (std::size_t r = 0; r < names.size(); ++r) {
    text += names[r];
    for (std::size_t k = 0; k < row_size; ++k) {
      const int n = std::snprintf(number, sizeof number, "\t%.17g", x[r * row_size + k]);
      text.append(number, static_cast<std::size_t>(n));
    }
    text += '\n';
  }
  return text;
}

inline void write_embedding_tsv(const std::string& path, std::size_t row_size,
                                std::span<const double> x, const std::vector<std::string>& names) {
  io::write_file_atomically(path, embedding_tsv(row_size, x, names));
}

}  // namespace hyperbolic::wordnet_train
