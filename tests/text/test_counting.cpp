// Streaming counting over files, folders and globs.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "hyperbolic/text/input_files.hpp"
#include "hyperbolic/text/token_counter.hpp"
#include "hyperbolic/text/word_tokenizer.hpp"

using namespace hyperbolic::text;
namespace fs = std::filesystem;

namespace {

struct TempFolder {
  fs::path path =
      fs::temp_directory_path() / ("hyperbolic-text-test-" + std::to_string(::getpid()));
  TempFolder() { fs::create_directories(path / "sub"); }
  ~TempFolder() { fs::remove_all(path); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
  }
};

}  // namespace

TEST_CASE("counting over files, folders and globs with tiny chunks matches in-memory counts") {
  TempFolder dir;
  std::string big;
  for (int i = 0; i < 2000; ++i)
    big += "the cat sat on the mat line " + std::to_string(i % 7) + "\n";
  dir.write("a.txt", big);
  dir.write("sub/b.txt", "The CAT and the dog\nno newline at end");
  dir.write("sub/c.json", "{\"ignored\": true}");

  WordTokenizer words;
  CountingOptions options;
  options.threads = 3;
  options.chunk_bytes = 64;  // many chunks: pieces must never be cut
  std::size_t progress_calls = 0;
  options.progress = [&](std::uint64_t done, std::uint64_t total) {
    ++progress_calls;
    CHECK(done <= total);
  };
  InputFileOptions only_txt;
  only_txt.extensions = {".txt"};
  const auto files = expand_inputs({dir.path.string()}, only_txt);
  REQUIRE(files.size() == 2);
  const auto counts = count_tokens(files, words, options);
  const auto expected =
      count_tokens_in_text(big + "\n" + "The CAT and the dog\nno newline at end", words);
  CHECK(counts.counts == expected.counts);
  CHECK(counts.total_tokens == expected.total_tokens);
  CHECK(counts.counts.at("the") == 4002);
  CHECK(counts.bytes == big.size() + 37);
  CHECK(progress_calls > 10);
  CHECK(counts.megabytes_per_second() > 0);

  const auto globbed =
      expand_inputs({(dir.path / "sub" / "*.txt").string(), (dir.path / "a.txt").string()});
  CHECK(globbed.size() == 2);
  CHECK(expand_inputs({dir.path.string()}).size() == 3);
  CHECK_THROWS_AS(expand_inputs({(dir.path / "missing.txt").string()}), std::invalid_argument);
  CHECK_THROWS_AS(expand_inputs({(dir.path / "*.nothing").string()}), std::invalid_argument);

  const auto sorted = counts.sorted();
  CHECK(sorted.front().first == "the");
  const auto f = frequencies(counts);
  CHECK(f.size() == counts.counts.size());
}
