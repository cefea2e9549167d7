#pragma once
// Checks a run's output paths before any work starts, so that a bad path fails in a second
// instead of after the training, and an output can never overwrite an input:
//   - no output is a folder or a special file (a rename would replace a device node);
//   - each output's folder, or the nearest existing folder above it, takes a new file (probed by
//     creating and removing one: permissions, read-only mounts and root are all covered);
//   - no output is the same file as an input, or as another output (same canonical path, or
//     the same inode through hard links and bind mounts).
// Messages follow the CLI contract "<what>, <value>, <what is allowed>", naming each path by
// the flag it came from ("--checkpoint", "--out (.json)").

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <system_error>

namespace hyperbolic::io {

class PathError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct NamedPath {
  std::string name;  // how the user gave it: "--data", "--out (.json)"
  std::filesystem::path path;
};

// Whether a and b name one file: the same inode when both exist, else the same canonical path.
inline bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(a, ec) && fs::exists(b, ec)) {
    const bool equivalent = fs::equivalent(a, b, ec);
    if (!ec) return equivalent;
  }
  auto canonical = [](const fs::path& p) {
    std::error_code error;
    fs::path c = fs::weakly_canonical(p, error);
    return error ? fs::absolute(p, error).lexically_normal() : c;
  };
  return canonical(a) == canonical(b);
}

namespace detail {

// Appended piece by piece: g++ 12 warns (-Wrestrict, falsely) about "'" + s + "'".
inline std::string in_quotes(const std::filesystem::path& p) {
  std::string out(1, '\'');
  out += p.string();
  out += '\'';
  return out;
}

// The reason a new file cannot be created in `folder`, or "" if it can.
inline std::string cannot_create_in(const std::filesystem::path& folder) {
  const std::filesystem::path probe = folder / (".hyperbolic-probe-" + std::to_string(::getpid()));
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int code = errno;
    if (code == EEXIST) return "";  // a probe of this process is already there: creatable
    return std::generic_category().message(code);
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return "";
}

inline void check_one_output(const NamedPath& output) {
  namespace fs = std::filesystem;
  const fs::path& p = output.path;
  if (p.empty() || !p.has_filename())
    throw PathError(output.name + " is not a file name, " + in_quotes(p) +
                    ", an output must name a file");
  std::error_code ec;
  const fs::file_status status = fs::status(p, ec);
  if (fs::is_directory(status))
    throw PathError(output.name + " is a folder, " + in_quotes(p) +
                    ", an output must be a file (or not exist yet)");
  if (fs::exists(status) && !fs::is_regular_file(status))
    throw PathError(output.name + " is not a regular file, " + in_quotes(p) +
                    ", an output must be a regular file (or not exist yet)");
  // The nearest folder that exists: where the file, or the folders above it, will be created.
  fs::path folder = p.parent_path();
  while (!folder.empty() && !fs::exists(folder, ec) && folder.parent_path() != folder)
    folder = folder.parent_path();
  if (folder.empty()) folder = ".";
  if (!fs::is_directory(folder, ec))
    throw PathError("the folder of " + output.name + " is not a folder, " + in_quotes(folder) +
                    ", an output must be inside a folder");
  if (const std::string why = cannot_create_in(folder); !why.empty())
    throw PathError("the folder of " + output.name + " is not writable, " + in_quotes(folder) +
                    ", an output needs a folder where files can be created (" + why + ")");
}

}  // namespace detail

// Throws PathError for the first problem found.
inline void check_output_paths(std::span<const NamedPath> inputs,
                               std::span<const NamedPath> outputs) {
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const NamedPath& out = outputs[i];
    detail::check_one_output(out);
    for (const NamedPath& in : inputs)
      if (!in.path.empty() && same_file(out.path, in.path))
        throw PathError(out.name + " would overwrite the input " + in.name + ", " +
                        detail::in_quotes(out.path) +
                        ", an output must be a different file from every input");
    for (std::size_t k = 0; k < i; ++k)
      if (same_file(out.path, outputs[k].path))
        throw PathError(outputs[k].name + " and " + out.name + " are the same file, " +
                        detail::in_quotes(out.path) + ", each output needs a file of its own");
  }
}

}  // namespace hyperbolic::io
