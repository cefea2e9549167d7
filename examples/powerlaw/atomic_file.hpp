#pragma once
// Write-then-rename, so an interrupted run never leaves a half-written output.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace powerlaw_cli {

inline std::filesystem::path temporary_sibling(const std::filesystem::path& target) {
  return target.parent_path() /
         ("." + target.filename().string() + ".tmp." + std::to_string(::getpid()));
}

inline void commit_file(const std::filesystem::path& temporary,
                        const std::filesystem::path& target) {
  std::error_code ec;
  std::filesystem::rename(temporary, target, ec);
  if (ec) {
    std::filesystem::remove(temporary);
    throw std::runtime_error("cannot write " + target.string() + ": " + ec.message());
  }
}

inline void write_file_atomically(const std::filesystem::path& target, const std::string& content) {
  const auto temporary = temporary_sibling(target);
  {
    std::ofstream out(temporary, std::ios::binary);
    out << content;
    out.close();
    if (!out) {
      std::filesystem::remove(temporary);
      throw std::runtime_error("cannot write " + target.string());
    }
  }
  commit_file(temporary, target);
}

}  // namespace powerlaw_cli
