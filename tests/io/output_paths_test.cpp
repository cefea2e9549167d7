// io::check_output_paths: refused before any work, with the flag and the path in the message.

#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "hyperbolic/io/output_paths.hpp"

namespace fs = std::filesystem;
using hyperbolic::io::check_output_paths;
using hyperbolic::io::NamedPath;
using hyperbolic::io::PathError;

namespace {

struct Folder {
  fs::path path = fs::temp_directory_path() / ("hyp_io_paths_" + std::to_string(::getpid()));
  Folder() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Folder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

std::string refusal(const std::vector<NamedPath>& inputs, const std::vector<NamedPath>& outputs) {
  try {
    check_output_paths(inputs, outputs);
  } catch (const PathError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("output paths: distinct writable files pass") {
  Folder dir;
  std::ofstream(dir.path / "data.tsv") << "b\ta\n";
  std::ofstream(dir.path / "run.json") << "{}";  // an old output may be replaced
  CHECK(refusal({{"--data", dir.path / "data.tsv"}},
                {{"--out (.json)", dir.path / "run.json"},
                 {"--out (.emb)", dir.path / "new" / "deeper" / "run.emb"},
                 {"--checkpoint", dir.path / "run.ckpt"}}) == "");
  CHECK(refusal({}, {{"-o", "relative-and-new/x.tsv"}}) == "");
}

TEST_CASE("output paths: an output that is an input is refused, also through a hard link") {
  Folder dir;
  const fs::path data = dir.path / "x.tsv";
  std::ofstream(data) << "b\ta\n";
  const std::string same = refusal({{"--data", data}}, {{"--checkpoint", data}});
  CHECK(same.find("--checkpoint would overwrite the input --data") != std::string::npos);
  CHECK(same.find("x.tsv") != std::string::npos);
  // The same file under another spelling.
  CHECK(refusal({{"--data", data}}, {{"--checkpoint", dir.path / "." / "x.tsv"}}) != "");
  fs::create_hard_link(data, dir.path / "link.tsv");
  CHECK(refusal({{"-i", data}}, {{"--train", dir.path / "link.tsv"}}) != "");
}

TEST_CASE("output paths: two outputs that are one file are refused") {
  Folder dir;
  const std::string message =
      refusal({}, {{"--train", dir.path / "a.tsv"}, {"--test", dir.path / "sub" / ".." / "a.tsv"}});
  CHECK(message.find("--train and --test are the same file") != std::string::npos);
}

TEST_CASE("output paths: folders, special files and unwritable places are refused") {
  Folder dir;
  fs::create_directory(dir.path / "run.json");
  CHECK(refusal({}, {{"--out (.json)", dir.path / "run.json"}}).find("is a folder") !=
        std::string::npos);
  CHECK(refusal({}, {{"-o", "/dev/null"}}).find("not a regular file") != std::string::npos);
  std::ofstream(dir.path / "file") << "x";
  CHECK(refusal({}, {{"-o", dir.path / "file" / "run.emb"}}).find("is not a folder") !=
        std::string::npos);
  if (fs::is_directory("/proc/self"))  // no file can be created there, not even by root
    CHECK(refusal({}, {{"-o", "/proc/self/run.emb"}}).find("is not writable") != std::string::npos);
  CHECK(refusal({}, {{"-o", ""}}).find("not a file name") != std::string::npos);
}
