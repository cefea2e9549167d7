#pragma once
// Turns command-line style inputs into a sorted list of regular files: a file
// is taken as is, a folder is walked recursively, and a pattern with * ? or [
// is expanded by POSIX glob(3) (each match again a file or a folder).
// An input that names nothing is an error naming that input.

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace hyperbolic::text {

struct InputFileOptions {
  // Keep only files with one of these extensions (".txt"); empty keeps all.
  std::vector<std::string> extensions;
};

namespace detail {

inline bool wanted_extension(const std::filesystem::path& p, const InputFileOptions& options) {
  if (options.extensions.empty()) return true;
  const std::string ext = p.extension().string();
  return std::find(options.extensions.begin(), options.extensions.end(), ext) !=
         options.extensions.end();
}

inline void add_path(const std::filesystem::path& p, const InputFileOptions& options,
                     std::vector<std::filesystem::path>& files) {
  namespace fs = std::filesystem;
  if (fs::is_directory(p)) {
    for (const auto& entry :
         fs::recursive_directory_iterator(p, fs::directory_options::follow_directory_symlink |
                                                 fs::directory_options::skip_permission_denied)) {
      if (entry.is_regular_file() && wanted_extension(entry.path(), options))
        files.push_back(entry.path());
    }
  } else if (fs::is_regular_file(p)) {
    files.push_back(p);  // named explicitly: no extension filter
  } else {
    throw std::invalid_argument("input not found or not a file/folder: " + p.string());
  }
}

}  // namespace detail

inline std::vector<std::filesystem::path> expand_inputs(const std::vector<std::string>& inputs,
                                                        const InputFileOptions& options = {}) {
  std::vector<std::filesystem::path> files;
  for (const auto& input : inputs) {
    if (input.find_first_of("*?[") == std::string::npos) {
      detail::add_path(input, options, files);
      continue;
    }
    glob_t matches{};
    const int rc = ::glob(input.c_str(), 0, nullptr, &matches);
    if (rc != 0) {
      globfree(&matches);
      throw std::invalid_argument("pattern matches no file: " + input);
    }
    for (std::size_t i = 0; i < matches.gl_pathc; ++i) {
      const std::filesystem::path p(matches.gl_pathv[i]);
      if (std::filesystem::is_directory(p) || detail::wanted_extension(p, options))
        detail::add_path(p, options, files);
    }
    globfree(&matches);
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  if (files.empty()) throw std::invalid_argument("no input files");
  return files;
}

}  // namespace hyperbolic::text
