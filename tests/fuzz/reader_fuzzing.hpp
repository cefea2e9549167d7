#pragma once
// Shared by the reader fuzz targets (fuzz_read_*.cpp). Each target hands the
// fuzzer's bytes to a reader through the entry point a user's file takes (a
// file on disk when the reader takes a path) and checks the reader contract:
// a clean parse, or a std::exception whose message names the file. Anything
// else aborts with the message so libFuzzer records the input: a crash, a
// sanitizer report, an allocation over -malloc_limit_mb, a hang (-timeout), a
// non-std exception, or an error message without the file's name.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <string_view>

namespace reader_fuzzing {

// A per-process scratch folder (parallel fuzzing jobs must not share files).
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() /
             ("hyperbolic-fuzz-" + std::to_string(static_cast<long>(::getpid())));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

// Writes `bytes` to <scratch>/<name> and returns the path.
inline std::string write_file(const std::string& name, std::string_view bytes) {
  const auto path = scratch_dir() / name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "fuzz harness: cannot write %s\n", path.c_str());
    std::abort();
  }
  return path.string();
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void contract_violated(const char* target, const std::string& why) {
  std::fprintf(stderr, "%s: reader contract violated: %s\n", target, why.c_str());
  std::abort();
}

// Runs `parse`; a clean return or a std::exception whose message contains one
// of `names` (the files it read) passes, anything else aborts.
template <class Parse>
void expect_clean_or_named_error(const char* target, std::initializer_list<std::string> names,
                                 Parse&& parse) {
  try {
    parse();
  } catch (const std::exception& e) {
    const std::string what = e.what();
    for (const std::string& name : names)
      if (what.find(name) != std::string::npos) return;
    contract_violated(target, "error message does not name the file: \"" + what + "\"");
  } catch (...) {
    contract_violated(target, "a non-std::exception escaped the reader");
  }
}

}  // namespace reader_fuzzing
