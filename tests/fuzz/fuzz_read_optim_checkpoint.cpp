// libFuzzer target: the bytes as an optimizer checkpoint (optim/checkpoint.hpp),
// read by CheckpointReader::read_file and loaded into a model the way
// tests/optim/checkpoint_test.cpp resumes one: Lorentz embeddings with AMSGrad
// Adam, Euclidean weights with SGD, a learnable curvature with Adam. Each input
// is read as is and with its header and FNV-1a checksum rewritten to match, so
// the fuzzer reaches the record parser and the loaders. Contract:
// reader_fuzzing.hpp (every loader error must name the file too).

#include <hyperbolic/hyperbolic.hpp>
#include <hyperbolic/optim/optim.hpp>

#include <cstring>

#include "reader_fuzzing.hpp"

namespace {

using namespace hyperbolic;
using namespace hyperbolic::optim;

struct Model {
  using L = Lorentz<double>;
  ManifoldParameter<L> emb{L(1.0), 3, 3};
  EuclideanParameter<double> w{Euclidean<double>(), 2, 2};
  CurvatureParameter<double> curv{1.0};
  RiemannianAdam<L> emb_opt{emb, adam()};
  RiemannianSGD<Euclidean<double>> w_opt{w, SgdOptions<double>{}};
  RiemannianAdam<Euclidean<double>> c_opt{curv.raw(), adam()};

  static AdamOptions<double> adam() {
    AdamOptions<double> o;
    o.amsgrad = true;
    return o;
  }
  void load(const CheckpointReader& r) {
    emb.load(r, "emb");
    emb_opt.load(r, "emb.adam");
    w.load(r, "w");
    w_opt.load(r, "w.sgd");
    curv.load(r, "curv");
    c_opt.load(r, "curv.adam");
  }
};

void read_one(const std::string& bytes) {
  const std::string path = reader_fuzzing::write_file("model.ckpt", bytes);
  reader_fuzzing::expect_clean_or_named_error("fuzz_read_optim_checkpoint", {path}, [&] {
    const auto r = CheckpointReader::read_file(path);
    Model m;
    m.load(r);
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reader_fuzzing::as_text(data, size));
  read_one(bytes);
  constexpr std::size_t header = checkpoint_header_size, trailer = checkpoint_trailer_size;
  if (bytes.size() >= header + 4 + trailer) {
    std::memcpy(bytes.data(), checkpoint_magic, 8);
    std::memcpy(bytes.data() + 8, &checkpoint_version, 4);
    std::memcpy(bytes.data() + 12, &checkpoint_byte_order_mark, 4);
    const std::uint64_t payload = bytes.size() - header - trailer;
    std::memcpy(bytes.data() + 16, &payload, 8);
    const std::size_t end = bytes.size() - trailer;
    const std::uint64_t sum = fnv1a64(reinterpret_cast<const unsigned char*>(bytes.data()), end);
    std::memcpy(bytes.data() + end, &sum, 8);
    read_one(bytes);
  }
  return 0;
}
