// io::OutputSet: outputs replaced together or not at all, no temporaries left behind.

#include <doctest/doctest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "hyperbolic/io/output_set.hpp"

namespace fs = std::filesystem;
using hyperbolic::io::OutputError;
using hyperbolic::io::OutputSet;

namespace {

struct Folder {
  fs::path path;
  explicit Folder(const std::string& name)
      : path(fs::temp_directory_path() / ("hyp_io_" + name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Folder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  std::set<std::string> names() const {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(path))
      out.insert(e.path().filename().string());
    return out;
  }
};

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void put(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

// Lowers the file-size limit for the scope: a write past it fails with EFBIG, as a full disk
// fails with ENOSPC, without needing a small file system.
struct FileSizeLimit {
  rlimit saved{};
  void (*saved_handler)(int) = nullptr;
  explicit FileSizeLimit(rlim_t bytes) {
    saved_handler = std::signal(SIGXFSZ, SIG_IGN);  // the default action kills the process
    ::getrlimit(RLIMIT_FSIZE, &saved);
    rlimit lowered = saved;
    lowered.rlim_cur = bytes;
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &lowered) == 0);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, saved_handler);
  }
};

}  // namespace

TEST_CASE("OutputSet: commit replaces every output, no temporaries remain") {
  Folder dir("commit");
  put(dir.path / "run.json", "old json");
  OutputSet set;
  set.write(dir.path / "run.json", "new json");
  set.write(dir.path / "sub" / "run.emb", std::string_view("new emb"));
  CHECK(read(dir.path / "run.json") == "old json");  // nothing replaced before commit
  CHECK_FALSE(fs::exists(dir.path / "sub" / "run.emb"));
  set.commit();
  CHECK(read(dir.path / "run.json") == "new json");
  CHECK(read(dir.path / "sub" / "run.emb") == "new emb");
  CHECK(dir.names() == std::set<std::string>{"run.json", "sub"});
  CHECK(fs::directory_iterator(dir.path / "sub")->path().filename() == "run.emb");
}

TEST_CASE("OutputSet: without commit every previous output stays and temporaries go") {
  Folder dir("abandon");
  put(dir.path / "a.tsv", "old a");
  {
    OutputSet set;
    set.write(dir.path / "a.tsv", "new a");
    set.write(dir.path / "b.tsv", "new b");
    CHECK(dir.names().size() == 3);  // a.tsv and two temporaries
  }
  CHECK(read(dir.path / "a.tsv") == "old a");
  CHECK(dir.names() == std::set<std::string>{"a.tsv"});
}

TEST_CASE("OutputSet: a failed write names the file and replaces nothing") {
  Folder dir("full");
  put(dir.path / "run.emb", "old emb");
  put(dir.path / "run.tsv", "old tsv");
  const std::string big(64 * 1024, 'x');
  std::string message;
  {
    OutputSet set;
    set.write(dir.path / "run.emb", "new emb");
    FileSizeLimit limit(16 * 1024);
    try {
      set.write(dir.path / "run.tsv", big);
      set.commit();
    } catch (const OutputError& e) {
      message = e.what();
    }
  }
  CHECK(message.find("run.tsv") != std::string::npos);
  CHECK(message.find("File too large") != std::string::npos);
  CHECK(read(dir.path / "run.emb") == "old emb");
  CHECK(read(dir.path / "run.tsv") == "old tsv");
  CHECK(dir.names() == std::set<std::string>{"run.emb", "run.tsv"});
}

TEST_CASE("OutputSet: an external file that was not produced fails the commit") {
  Folder dir("external");
  put(dir.path / "plot.png", "old png");
  put(dir.path / "run.json", "old json");
  {
    OutputSet set;
    set.write(dir.path / "run.json", "new json");
    const fs::path temporary = set.external(dir.path / "plot.png");
    CHECK(temporary.parent_path() == dir.path);
    CHECK_THROWS_AS(set.commit(), OutputError);
  }
  CHECK(read(dir.path / "plot.png") == "old png");
  CHECK(read(dir.path / "run.json") == "old json");
  CHECK(dir.names() == std::set<std::string>{"plot.png", "run.json"});

  OutputSet set;
  put(set.external(dir.path / "plot.png"), "new png");
  set.write(dir.path / "run.json", "new json");
  set.commit();
  CHECK(read(dir.path / "plot.png") == "new png");
  CHECK(dir.names() == std::set<std::string>{"plot.png", "run.json"});
}

TEST_CASE("OutputSet: discard keeps the previous file") {
  Folder dir("discard");
  put(dir.path / "plot.png", "old png");
  OutputSet set;
  put(set.external(dir.path / "plot.png"), "half a png");
  set.write(dir.path / "run.json", "new json");
  set.discard(dir.path / "plot.png");
  set.commit();
  CHECK(read(dir.path / "plot.png") == "old png");
  CHECK(read(dir.path / "run.json") == "new json");
  CHECK(dir.names() == std::set<std::string>{"plot.png", "run.json"});
}

TEST_CASE("OutputSet: a target that became a folder fails before anything is replaced") {
  Folder dir("folder");
  put(dir.path / "a.txt", "old a");
  OutputSet set;
  set.write(dir.path / "a.txt", "new a");
  set.write(dir.path / "b", "new b");
  fs::create_directory(dir.path / "b");  // after the temporaries, before the commit
  CHECK_THROWS_WITH_AS(set.commit(), doctest::Contains("is a folder"), OutputError);
  set.abandon();
  CHECK(read(dir.path / "a.txt") == "old a");
  CHECK(dir.names() == std::set<std::string>{"a.txt", "b"});
}

TEST_CASE("OutputSet: a target opened twice is a programming error") {
  Folder dir("twice");
  OutputSet set;
  set.write(dir.path / "a", "1");
  CHECK_THROWS_AS(set.write(dir.path / "a", "2"), std::logic_error);
}
