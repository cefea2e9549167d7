// Checkpoints: round trip, corrupted files rejected with a message, a failed
// save never touches the existing file. Config: bad values and keys rejected.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "config.hpp"
#include "safetensors.hpp"
#include "word_vectors.hpp"

namespace fs = std::filesystem;

namespace {
fs::path temp_dir() {
  const fs::path d =
      fs::temp_directory_path() / ("hyp-finetune-test-" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}
finetune::TensorFile sample() {
  finetune::TensorFile f;
  f.tensors["a"] = {{2, 3}, {1, 2, 3, 4, 5, 6}};
  f.tensors["b.rho"] = {{1}, {0.5f}};
  f.metadata["step"] = "42";
  return f;
}
std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void write_all(const fs::path& p, const std::string& s) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << s;
}
}  // namespace

TEST_CASE("safetensors: round trip keeps names, shapes, values, metadata") {
  const fs::path p = temp_dir() / "rt.safetensors";
  finetune::save_safetensors(p.string(), sample());
  const auto f = finetune::load_safetensors(p.string());
  REQUIRE(f.tensors.size() == 2);
  CHECK(f.tensors.at("a").shape == std::vector<std::int64_t>{2, 3});
  CHECK(f.tensors.at("a").data == std::vector<float>{1, 2, 3, 4, 5, 6});
  CHECK(f.tensors.at("b.rho").data == std::vector<float>{0.5f});
  CHECK(f.metadata.at("step") == "42");
  for (const auto& e : fs::directory_iterator(p.parent_path()))  // no temporary left behind
    CHECK(e.path().filename().string().rfind(".rt.safetensors", 0) != 0);
  const std::string bytes = read_all(p);
  CHECK((static_cast<unsigned char>(bytes[0]) | static_cast<unsigned char>(bytes[1]) << 8) + 8 +
            28 ==
        bytes.size());
}

TEST_CASE("safetensors: corrupted files are rejected") {
  const fs::path dir = temp_dir();
  const fs::path good = dir / "good.safetensors";
  finetune::save_safetensors(good.string(), sample());
  const std::string bytes = read_all(good);
  const fs::path bad = dir / "bad.safetensors";
  SUBCASE("truncated data") {
    write_all(bad, bytes.substr(0, bytes.size() - 4));
  }
  SUBCASE("shorter than the length prefix") {
    write_all(bad, bytes.substr(0, 5));
  }
  SUBCASE("header length too large") {
    std::string b = bytes;
    b[7] = char(0x7f);
    write_all(bad, b);
  }
  SUBCASE("header not JSON") {
    std::string b = bytes;
    b[8] = '#';
    write_all(bad, b);
  }
  // Hand-made headers (8-byte little-endian length, JSON, data).
  const auto with_header = [&](const std::string& json, std::size_t data_bytes) {
    std::string b(8, '\0');
    for (int i = 0; i < 8; ++i)
      b[std::size_t(i)] = char((json.size() >> (8 * i)) & 0xff);
    write_all(bad, b + json + std::string(data_bytes, '\0'));
  };
  SUBCASE("a shape whose element count overflows 64 bits") {
    with_header(R"({"t":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}})", 8);
  }
  SUBCASE("a shape that is not a list") {
    with_header(R"({"t":{"dtype":"F32","shape":2,"data_offsets":[0,8]}})", 8);
  }
  SUBCASE("two tensors sharing bytes") {
    with_header(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                12);
  }
  SUBCASE("non-finite value") {
    std::string b = bytes;
    const float inf = std::numeric_limits<float>::infinity();
    std::memcpy(b.data() + b.size() - 4, &inf, 4);
    write_all(bad, b);
  }
  CHECK_THROWS_WITH_AS(finetune::load_safetensors(bad.string()),
                       doctest::Contains("corrupt checkpoint"), std::runtime_error);
  CHECK_THROWS_AS(finetune::load_safetensors((dir / "missing.safetensors").string()),
                  std::runtime_error);
}

TEST_CASE("safetensors: a failing save leaves the existing checkpoint intact") {
  const fs::path p = temp_dir() / "keep.safetensors";
  finetune::save_safetensors(p.string(), sample());
  const std::string before = read_all(p);
  finetune::TensorFile broken;
  broken.tensors["x"] = {{5}, {1, 2}};  // shape does not match the data
  CHECK_THROWS_AS(finetune::save_safetensors(p.string(), broken), std::invalid_argument);
  CHECK(read_all(p) == before);
}

TEST_CASE("config: defaults are valid; bad values and unknown keys are rejected") {
  finetune::Config c;
  CHECK_NOTHROW(c.validate());
  const auto rejects = [](const char* json, const char* what) {
    finetune::Config c2;
    CHECK_THROWS_WITH_AS(
        {
          finetune::apply_json(c2, nlohmann::json::parse(json));
          c2.validate();
        },
        doctest::Contains(what), std::invalid_argument);
  };
  rejects(R"({"model": {"dim": 30, "heads": 4}})", "divisible");
  rejects(R"({"model": {"layers": 0}})", "model.layers");
  rejects(R"({"pretrain": {"lr": -1}})", "pretrain.lr");
  rejects(R"({"finetune": {"modes": ["full", "magic"]}})", "magic");
  rejects(R"({"finetune": {"modes": ["hyplora:0"]}})", "hyplora:0");
  rejects(R"({"finetune": {"modes": ["hyplora:1x"]}})", "hyplora:1x");
  rejects(R"({"finetune": {"modes": ["hyplora:c=-1"]}})", "hyplora:c=-1");
  rejects(R"({"finetune": {"modes": ["hyplora:curved"]}})", "curved");
  rejects(R"({"finetune": {"modes": ["lora", "lora"]}})", "twice");
  rejects(R"({"finetune": {"lrs": []}})", "lrs");
  rejects(R"({"finetune": {"full_lrs": [0.001, -1]}})", "full_lrs");
  rejects(R"({"finetune": {"seeds": 0}})", "finetune.seeds");
  rejects(R"({"finetune": {"eval_test": -5}})", "eval_test");
  rejects(R"({"pretrain": {"sources": ["wikipedia"]}})", "wikipedia");
  CHECK(finetune::parse_variant("hyplora:0.01").curvature == 0.01);
  CHECK(finetune::parse_variant("hyplora").curvature == 0.0);
  const auto v = finetune::parse_variant("hyplora:c=0.5:fixed:scale");
  CHECK(v.curvature == 0.5);
  CHECK(!v.learn_curvature);
  CHECK(v.input_scale);
  CHECK(v.label() == "hyplora-c0.5-fixed-scale");
  CHECK(finetune::parse_variant("full").full);
  CHECK(finetune::parse_variant("frozen").frozen);
  rejects(R"({"finetune": {"adapter": {"targets": ["q", "gate"]}}})", "gate");
  rejects(R"({"finetune": {"adapter": {"curvature": 0}}})", "curvature");
  rejects(R"({"finetune": {"task": "synonyms"}})", "unknown key 'finetune.task'");
  rejects(R"({"vocab": "big"})", "wrong type");
  rejects(R"({"learning_rate": 1})", "unknown key 'learning_rate'");
  rejects(R"({"pretrain": {"seq_len": 500}})", "max_len");
  const fs::path p = temp_dir() / "bad.json";
  write_all(p, "{ not json");
  finetune::Config c3;
  CHECK_THROWS_WITH_AS(finetune::load_config_file(c3, p.string()),
                       doctest::Contains("not valid JSON"), std::invalid_argument);
  CHECK_THROWS_AS(finetune::load_config_file(c3, (temp_dir() / "none.json").string()),
                  std::runtime_error);
}

// Found by fuzz_read_finetune_config and fuzz_read_word_vectors (docs/reliability.md,
// "Fuzzing"): 1e300 for an integer setting was cast (undefined behaviour), a wrong key did not
// name the file, and a .vec header's word count sized an allocation.
TEST_CASE("config file: integer settings take only whole numbers in range; errors name the file") {
  const auto path = (temp_dir() / "fuzz-config.json").string();
  for (const std::string text : {R"({"threads": 1e300})", R"({"threads": 2.5})",
                                 R"({"finetune": {"seeds": 18446744073709551615}})",
                                 R"({"model": {"dim": "big"}})", R"({"nope": 1})"}) {
    CAPTURE(text);
    std::ofstream(path) << text;
    finetune::Config c;
    try {
      finetune::load_config_file(c, path);
      FAIL("accepted");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find(path) != std::string::npos);
    }
  }
  std::ofstream(path) << R"({"threads": 3, "finetune": {"split_seed": 7}})";
  finetune::Config c;
  finetune::load_config_file(c, path);
  CHECK(c.threads == 3);
  CHECK(c.finetune.split_seed == 7u);
}

TEST_CASE("word vectors: an absurd header count is refused by the lines, not by the allocator") {
  const auto path = (temp_dir() / "fuzz-words.vec").string();
  std::ofstream(path) << "999999999999 1000\nthe 1\n";
  try {
    (void)finetune::read_word_vectors(path);
    FAIL("accepted");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find(path) != std::string::npos);
  }
}
