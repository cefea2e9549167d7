#pragma once
// The error contract of every command-line tool (docs/reliability.md): a bad flag, file or
// setting ends the run before any work with
//
//   <tool>: error: <what>, <value>, <what is allowed>
//
// on stderr and exit status 1, never with a library's internal message or CLI11's own exit
// codes. The pieces live here once: the error type, checked numbers, the main() wrapper and
// the run-folder lock.
#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace hyperbolic::cli {

// A refusal the user can act on; what() is "<what>, <value>, <what is allowed>".
class Error : public std::runtime_error {
 public:
  Error(std::string_view what, std::string_view value, std::string_view allowed)
      : std::runtime_error(std::string(what) + ", " + std::string(value) + ", " +
                           std::string(allowed)) {}
};

// A value as the message shows it: numbers in their shortest exact form (nan, inf included).
template <class T>
std::string text(T value) {
  if constexpr (std::is_arithmetic_v<T>) {
    if constexpr (std::is_floating_point_v<T>)
      if (!std::isfinite(value)) return std::isnan(value) ? "nan" : value > 0 ? "inf" : "-inf";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, r.ptr);
  } else {
    return "'" + std::string(value) + "'";
  }
}

inline void require(bool ok, std::string_view what, std::string_view value,
                    std::string_view allowed) {
  if (!ok) throw Error(what, value, allowed);
}

// A flag's number: finite and `in_range` (the caller's test, so NaN fails it either way).
inline void require_number(std::string_view flag, double value, bool in_range,
                           std::string_view allowed) {
  const bool finite = std::isfinite(value);
  require(finite && in_range,
          std::string(flag) + (finite ? " is out of range" : " is not a finite number"),
          text(value), allowed);
}

// Parses all of `s` as a number of type T (no sign for unsigned types, finite for floating
// point); `what` names the flag or field in the message.
template <class T>
T parse_number(std::string_view what, std::string_view s, std::string_view allowed) {
  T value{};
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (!s.empty() && s.front() == '+') ++first;  // from_chars takes no '+'
  const bool negative_unsigned = std::is_unsigned_v<T> && first != last && *first == '-';
  const auto r = std::from_chars(first, last, value);
  const bool ok = first != last && !negative_unsigned && r.ec == std::errc() && r.ptr == last;
  if constexpr (std::is_floating_point_v<T>)
    require(ok && std::isfinite(value), std::string(what) + " is not a finite number",
            "'" + std::string(s) + "'", allowed);
  else
    require(ok, std::string(what) + " is not a whole number in range", "'" + std::string(s) + "'",
            allowed);
  return value;
}

// CLI11 reads "-1" into a 64-bit unsigned option as 2^64 - 1; this check refuses the sign
// first. Its message starts with "is " so that run_main can print it as "--flag is ...".
inline CLI::Validator non_negative(std::string allowed) {
  return CLI::Validator(
      [allowed](std::string& s) -> std::string {
        if (s.find('-') == std::string::npos) return {};
        return "is negative, '" + s + "', " + allowed;
      },
      "");
}

// Runs a tool's main: parses the command line (help and version exit 0; every other CLI11
// error becomes the contract's exit 1, not CLI11's 105/109/...), then `body`, mapping what
// escapes it to one "<tool>: error:" line and exit 1.
template <class Body>
int run_main(std::string_view tool, CLI::App& app, int argc, char** argv, Body&& body) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    if (const auto at = message.find(": is "); at != std::string::npos)
      message.replace(at, 2, " ");  // "--flag: is negative, ..." from non_negative()
    std::cerr << tool << ": error: " << message << "\n";
    return 1;
  }
  try {
    return body();
  } catch (const std::bad_alloc&) {
    // The data or a setting asks for more memory than the machine gives this process.
    std::cerr << "\n"
              << tool
              << ": error: out of memory, std::bad_alloc, smaller settings or inputs "
                 "(or more memory)\n";
  } catch (const std::length_error& e) {
    std::cerr << "\n"
              << tool << ": error: a size is too large, " << e.what()
              << ", smaller settings or inputs\n";
  } catch (const std::exception& e) {
    std::cerr << "\n" << tool << ": error: " << e.what() << "\n";
  }
  return 1;
}

// Holds an exclusive flock on FOLDER/.lock for the life of the object: a second run into the
// same folder stops at once instead of interleaving its files with the first one's. The lock
// ends with the process (also on SIGKILL), so a stale .lock file never blocks a later run.
class FolderLock {
 public:
  FolderLock(const std::filesystem::path& folder, std::string_view flag) {
    const auto path = folder / ".lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
      throw Error("cannot create the lock file of " + std::string(flag), text(path.string()),
                  std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      char buf[32] = {};
      const auto got = ::pread(fd_, buf, sizeof buf - 1, 0);
      const std::string pid = got > 0 ? std::string(buf, static_cast<std::size_t>(got)) : "";
      ::close(fd_);
      fd_ = -1;
      throw Error(std::string(flag) + " is in use by another run" +
                      (pid.empty() ? std::string() : " (pid " + pid + ")"),
                  text(folder.string()), "one run per folder at a time: wait or use another one");
    }
    const std::string pid = std::to_string(::getpid());
    if (::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
      // The pid is only for the other run's message; the lock holds without it.
    }
  }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;
  ~FolderLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  int fd_ = -1;
};

}  // namespace hyperbolic::cli
