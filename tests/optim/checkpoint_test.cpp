// Checkpoints: round trip, bit-identical resume, rejection of bad files.

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "optim_test_support.hpp"

using namespace hyperbolic;
using namespace hyperbolic::optim;
using namespace hyperbolic::optim::testing;

namespace {

namespace fs = std::filesystem;

fs::path temp_dir() {
  const fs::path d = fs::temp_directory_path() / ("hyp_optim_ckpt_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

std::vector<unsigned char> read_all(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}
void write_all(const fs::path& p, const std::vector<unsigned char>& b) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

// A small training state: Lorentz embeddings (Adam, sparse steps), Euclidean
// weights (SGD, dense steps), a learnable curvature (Adam).
struct Model {
  using L = Lorentz<double>;
  ManifoldParameter<L> emb{L(1.0), 8, 4};
  EuclideanParameter<double> w{Euclidean<double>(), 2, 3};
  CurvatureParameter<double> curv{1.0};
  RiemannianAdam<L> emb_opt;
  RiemannianSGD<Euclidean<double>> w_opt;
  RiemannianAdam<Euclidean<double>> c_opt;

  static AdamOptions<double> adam() {
    AdamOptions<double> o;
    o.lr = 0.05, o.amsgrad = true, o.weight_decay = 1e-3, o.decay = WeightDecay::decoupled;
    return o;
  }
  static SgdOptions<double> sgd() {
    SgdOptions<double> o;
    o.lr = 0.05, o.momentum = 0.9, o.nesterov = true;
    return o;
  }
  Model() : emb_opt(emb, adam()), w_opt(w, sgd()), c_opt(curv.raw(), AdamOptions<double>{}) {
    emb.data() = point_cloud(L(1.0), 8, 4, point_at_radius(L(1.0), 4, 0.5), 0.5, 1);
    for (std::size_t i = 0; i < w.data().size(); ++i)
      w.data()[i] = 0.1 * double(i);
  }

  // One training step; everything derived from the step index.
  void step(std::int64_t s) {
    const auto sched = schedule::warmup_cosine(0.05, 10, 300, 0.001);
    emb_opt.set_lr(sched(emb_opt.steps()));
    std::mt19937_64 rng(std::uint64_t(1000 + s));
    std::uniform_int_distribution<index_t> pick(0, 7);
    std::normal_distribution<double> n(0.0, 1.0);
    const L m(curv.c());
    emb_opt.set_manifold(m);
    // Pull two random rows together (sparse).
    const index_t a = pick(rng), b = pick(rng);
    std::vector<double> g(8), gy(4);
    const std::vector<index_t> idx = {a, b};
    const double dl_dc = m.dist_backward(emb.row(a), emb.row(b), 1.0, Row<double>(g.data(), 4),
                                         Row<double>(g.data() + 4, 4));
    emb_opt.step_rows(emb, idx, ConstMatrixView<double>(g.data(), 2, 4));
    std::vector<double> gw(6);
    for (auto& v : gw)
      v = n(rng) + w.data()[0];
    w_opt.step(w, gw);
    const std::vector<double> gc = {curv.grad_rho(dl_dc - 0.1)};
    c_opt.step(curv.raw(), gc);
  }

  void save(const fs::path& p) const {
    CheckpointWriter wr;
    emb.save(wr, "emb");
    emb_opt.save(wr, "emb.adam");
    w.save(wr, "w");
    w_opt.save(wr, "w.sgd");
    curv.save(wr, "curv");
    c_opt.save(wr, "curv.adam");
    wr.write_file(p);
  }
  void load(const fs::path& p) {
    const auto r = CheckpointReader::read_file(p);
    emb.load(r, "emb");
    emb_opt.load(r, "emb.adam");
    w.load(r, "w");
    w_opt.load(r, "w.sgd");
    curv.load(r, "curv");
    c_opt.load(r, "curv.adam");
  }
};

std::string load_error(const fs::path& p) {
  try {
    Model m;
    m.load(p);
  } catch (const CheckpointError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("checkpoint: a resumed run is bit-identical to an uninterrupted one") {
  const fs::path dir = temp_dir();
  const fs::path file = dir / "state.ckpt";
  Model straight;
  for (int s = 0; s < 300; ++s)
    straight.step(s);

  Model first;
  for (int s = 0; s < 137; ++s)
    first.step(s);
  first.save(file);
  // Nothing but the checkpoint is left in the directory.
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    (void)e;
    ++entries;
  }
  CHECK(entries == 1);

  Model resumed;  // fresh objects, different in-memory state
  resumed.load(file);
  CHECK(same_bits(resumed.emb.data(), first.emb.data()));
  CHECK(resumed.emb_opt.steps() == 137);
  for (int s = 137; s < 300; ++s)
    resumed.step(s);

  CHECK(same_bits(resumed.emb.data(), straight.emb.data()));
  CHECK(same_bits(resumed.w.data(), straight.w.data()));
  CHECK(resumed.curv.rho() == straight.curv.rho());
  CHECK(resumed.curv.c() != 1.0);  // the curvature did train
  // Saving the resumed state reproduces the uninterrupted run's file.
  straight.save(dir / "a.ckpt");
  resumed.save(dir / "b.ckpt");
  CHECK(read_all(dir / "a.ckpt") == read_all(dir / "b.ckpt"));
  fs::remove_all(dir);
}

TEST_CASE("checkpoint: bad files are rejected with a clear error") {
  const fs::path dir = temp_dir();
  const fs::path good = dir / "good.ckpt", bad = dir / "bad.ckpt";
  Model m;
  for (int s = 0; s < 5; ++s)
    m.step(s);
  m.save(good);
  const auto bytes = read_all(good);
  REQUIRE(bytes.size() > 100);
  auto contains = [](const std::string& s, const char* what) {
    return s.find(what) != std::string::npos;
  };

  SUBCASE("missing file") {
    CHECK(contains(load_error(dir / "nope.ckpt"), "cannot open"));
  }
  SUBCASE("truncated") {
    for (std::size_t n : {std::size_t(0), std::size_t(5), std::size_t(20), std::size_t(30),
                          bytes.size() / 2, bytes.size() - 1}) {
      write_all(bad, std::vector<unsigned char>(bytes.begin(), bytes.begin() + long(n)));
      const auto e = load_error(bad);
      CAPTURE(n);
      CAPTURE(e);
      CHECK((n < 8 ? contains(e, "bad magic") : contains(e, "truncated")));
    }
  }
  SUBCASE("flipped byte in the payload or in the checksum") {
    for (std::size_t at :
         {std::size_t(40), bytes.size() / 2, bytes.size() - 20, bytes.size() - 1}) {
      auto b = bytes;
      b[at] ^= 0x10;
      write_all(bad, b);
      const auto e = load_error(bad);
      CAPTURE(at);
      CHECK(contains(e, "checksum mismatch"));
    }
  }
  SUBCASE("wrong magic (a foreign file)") {
    auto b = bytes;
    b[0] = 'X';
    write_all(bad, b);
    CHECK(contains(load_error(bad), "bad magic"));
    write_all(bad,
              std::vector<unsigned char>{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'});
    CHECK(contains(load_error(bad), "bad magic"));
  }
  SUBCASE("wrong version") {
    auto b = bytes;
    const std::uint32_t v = 2;
    std::memcpy(b.data() + 8, &v, 4);
    write_all(bad, b);
    CHECK(contains(load_error(bad), "unsupported format version 2"));
  }
  SUBCASE("trailing bytes") {
    auto b = bytes;
    b.push_back(0);
    write_all(bad, b);
    CHECK(contains(load_error(bad), "trailing"));
  }
  SUBCASE("valid file, wrong contents") {
    using L = Lorentz<double>;
    // Shape mismatch.
    ManifoldParameter<L> other(L(1.0), 9, 4);
    const auto r = CheckpointReader::read_file(good);
    CHECK_THROWS_WITH_AS(other.load(r, "emb"), doctest::Contains("shape 8 x 4, expected 9 x 4"),
                         CheckpointError);
    // Another optimizer kind under that name.
    RiemannianSGD<L> sgd(L(1.0), 8, 4);
    CHECK_THROWS_WITH_AS(sgd.load(r, "emb.adam"), doctest::Contains("saved by RiemannianAdam"),
                         CheckpointError);
    // Another manifold.
    ManifoldParameter<PoincareBall<double>> ball(PoincareBall<double>(1.0), 8, 4);
    CHECK_THROWS_WITH_AS(ball.load(r, "emb"), doctest::Contains("saved on Lorentz"),
                         CheckpointError);
    // Another scalar type.
    ManifoldParameter<Lorentz<float>> f(Lorentz<float>(1.0f), 8, 4);
    CHECK_THROWS_WITH_AS(f.load(r, "emb"), doctest::Contains("expected 4-byte float"),
                         CheckpointError);
    CHECK_THROWS_WITH_AS(other.load(r, "nothing"), doctest::Contains("missing record"),
                         CheckpointError);
  }
  fs::remove_all(dir);
}

// Found by fuzz_read_optim_checkpoint (docs/reliability.md, "Fuzzing"): hyperparameters saved in
// a checkpoint were validated without saying which file held them.
TEST_CASE("checkpoint: invalid saved optimizer hyperparameters are refused naming the file") {
  using E = Euclidean<double>;
  CheckpointWriter wr;
  wr.put_string("opt.kind", RiemannianAdam<E>::kind);
  wr.put_string("opt.manifold", E::name);
  wr.put("opt.shape", std::vector<std::int64_t>{1, 1});
  wr.put_value("opt.steps", std::int64_t{0});
  wr.put("opt.row_steps", std::vector<std::int64_t>{0});
  wr.put("opt.hyper", std::vector<double>{1e-3, 0.9, 0.999, 1e-8, 0.0});
  wr.put("opt.flags", std::vector<std::int64_t>{0, 0, 99, 0, 0});  // step map 99: no such map
  const fs::path p = temp_dir() / "bad_hyper.ckpt";
  wr.write_file(p);
  RiemannianAdam<E> opt(E(), 1, 1);
  const auto r = CheckpointReader::read_file(p);
  try {
    opt.load(r, "opt");
    FAIL("accepted");
  } catch (const CheckpointError& e) {
    CHECK(std::string(e.what()).find(p.string()) != std::string::npos);
  }
}
