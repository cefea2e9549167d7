#pragma once
// All the output files of one run, replaced together or not at all.
//
//   io::OutputSet outputs;
//   outputs.write("run.emb", emb_bytes);         // goes to a temporary beside run.emb
//   outputs.write("run.json", report_text);
//   outputs.commit();                            // only now are run.emb and run.json replaced
//
// Each output is written to a hidden temporary in its own folder (".run.emb.tmp-<pid>-<n>");
// every write, the fsync and the close are checked, and a failure throws OutputError naming
// the file and the system's reason. commit() renames the temporaries over their targets only
// after every one of them is complete; if a rename fails part-way, the targets already replaced
// get their previous contents back (kept as hard links until the end of the commit). A set that
// is destroyed without a successful commit (an exception, an early return) removes its
// temporaries and leaves every previous output as it was. After SIGKILL, at most the hidden
// temporaries remain; the targets hold either all old or all new contents, except when the
// kill lands between two renames of commit() itself.
//
// POSIX only (open/write/fsync/link/rename): the examples and the tools run on Linux and macOS.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace hyperbolic::io {

class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

// Appended piece by piece: g++ 12 warns (-Wrestrict, falsely) about "'" + s + "'".
inline std::string quoted(const std::filesystem::path& p) {
  std::string out(1, '\'');
  out += p.string();
  out += '\'';
  return out;
}

inline std::string errno_text(int code) {
  return std::generic_category().message(code);
}

// A per-process counter keeps temporaries of one process apart; the pid keeps processes apart.
inline std::filesystem::path sibling(const std::filesystem::path& target, const char* kind) {
  static std::atomic<std::size_t> counter{0};
  std::string name(1, '.');  // piece by piece, as quoted()
  name += target.filename().string();
  name += '.';
  name += kind;
  name += '-';
  name += std::to_string(::getpid());
  name += '-';
  name += std::to_string(++counter);
  return target.parent_path() / name;
}

// Best effort (a folder's fsync makes its renames durable): a path that cannot be opened for
// this is not an error, the writes themselves were checked.
inline void fsync_path(const std::filesystem::path& path) {
  const int fd = ::open(path.empty() ? "." : path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace detail

// One temporary being written. Writes go straight to the file descriptor, so a full disk is
// reported by the write that hits it.
class OutputFile {
 public:
  OutputFile(std::filesystem::path target, std::filesystem::path temporary)
      : target_(std::move(target)), temporary_(std::move(temporary)) {
    fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ < 0) fail("cannot create a temporary for", errno);
  }
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile() {
    if (fd_ >= 0) ::close(fd_);
  }

  void write(const void* data, std::size_t size) {
    if (fd_ < 0) throw OutputError("cannot write " + detail::quoted(target_) + ": already closed");
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
      const ::ssize_t n = ::write(fd_, p, size);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail("cannot write", n < 0 ? errno : ENOSPC);
      p += n;
      size -= static_cast<std::size_t>(n);
    }
  }
  void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
  template <class T>
  void write(std::span<const T> values) {
    write(values.data(), values.size_bytes());
  }

  // fsync and close; the data is on disk once this returns.
  void close() {
    if (fd_ < 0) return;
    const int fd = std::exchange(fd_, -1);
    if (::fsync(fd) != 0 && errno != EINVAL) {  // EINVAL: a file system without fsync
      const int code = errno;
      ::close(fd);
      fail("cannot write", code);
    }
    if (::close(fd) != 0) fail("cannot write", errno);
  }

  const std::filesystem::path& target() const { return target_; }
  const std::filesystem::path& temporary() const { return temporary_; }

 private:
  [[noreturn]] void fail(const char* what, int code) const {
    throw OutputError(std::string(what) + " " + detail::quoted(target_) + ": " +
                      detail::errno_text(code) + "; no output of this run was replaced");
  }

  std::filesystem::path target_, temporary_;
  int fd_ = -1;
};

class OutputSet {
 public:
  OutputSet() = default;
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;
  ~OutputSet() { abandon(); }

  // Starts `target`'s new contents in a temporary (creating missing parent folders) and returns
  // it for writing. Each target may be opened once per set.
  OutputFile& open(const std::filesystem::path& target) {
    return *add_entry(target, /*open_file=*/true).file;
  }

  // The whole contents of `target` in one call.
  void write(const std::filesystem::path& target, std::string_view bytes) {
    open(target).write(bytes);
  }
  template <class T>
  void write(const std::filesystem::path& target, std::span<const T> values) {
    open(target).write(values);
  }

  // For a file that another program produces (gnuplot): registers `target` and returns the
  // temporary path that program must write; commit() fails if it is missing.
  std::filesystem::path external(const std::filesystem::path& target) {
    return add_entry(target, /*open_file=*/false).temporary;
  }

  // Drops `target` from the set (e.g. an optional picture whose program failed); its
  // temporary, if any, is removed and the previous file is kept.
  void discard(const std::filesystem::path& target) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it)
      if (it->target == target) {
        it->file.reset();
        std::error_code ignored;
        std::filesystem::remove(it->temporary, ignored);
        entries_.erase(it);
        return;
      }
  }

  // Replaces every target by its new contents. Throws OutputError (and leaves every target as
  // it was) if any temporary is incomplete or any rename fails.
  void commit() {
    namespace fs = std::filesystem;
    if (committed_) throw std::logic_error("OutputSet: commit() called twice");
    for (Entry& e : entries_) {
      if (e.file)
        e.file->close();
      else
        detail::fsync_path(e.temporary);  // another program's file: on disk before the rename
      std::error_code ec;
      if (!fs::is_regular_file(e.temporary, ec))
        throw OutputError("cannot write " + detail::quoted(e.target) +
                          ": its program did not produce it; no output of this run was replaced");
      if (fs::is_directory(e.target, ec))
        throw OutputError("cannot write " + detail::quoted(e.target) +
                          ": it is a folder; no output of this run was replaced");
    }
    // Previous contents stay reachable through hard links until every rename succeeded.
    for (Entry& e : entries_) {
      const fs::path backup = detail::sibling(e.target, "old");
      if (::link(e.target.c_str(), backup.c_str()) == 0)
        e.backup = backup;
      else
        e.existed = errno != ENOENT;  // a file system without hard links: no way back for it
    }
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (::rename(entries_[i].temporary.c_str(), entries_[i].target.c_str()) == 0) continue;
      const int code = errno;
      for (std::size_t k = 0; k < i; ++k)
        restore(entries_[k]);
      remove_backups();
      throw OutputError("cannot replace " + detail::quoted(entries_[i].target) + ": " +
                        detail::errno_text(code) + "; no output of this run was replaced");
    }
    committed_ = true;
    remove_backups();
    std::vector<fs::path> folders;
    for (const Entry& e : entries_)
      if (std::find(folders.begin(), folders.end(), e.target.parent_path()) == folders.end())
        folders.push_back(e.target.parent_path());
    for (const fs::path& folder : folders)
      detail::fsync_path(folder);
  }

  // Removes every temporary; the previous outputs stay. The destructor calls it.
  void abandon() noexcept {
    if (committed_) return;
    for (Entry& e : entries_) {
      e.file.reset();
      std::error_code ignored;
      std::filesystem::remove(e.temporary, ignored);
    }
    entries_.clear();
  }

  std::vector<std::filesystem::path> targets() const {
    std::vector<std::filesystem::path> out;
    for (const Entry& e : entries_)
      out.push_back(e.target);
    return out;
  }

 private:
  struct Entry {
    std::filesystem::path target, temporary, backup;
    bool existed = false;  // without a backup: whether the target existed before the commit
    std::unique_ptr<OutputFile> file;  // null for external files
  };

  Entry& add_entry(const std::filesystem::path& target, bool open_file) {
    namespace fs = std::filesystem;
    if (committed_) throw std::logic_error("OutputSet: already committed");
    if (target.empty() || !target.has_filename())
      throw OutputError("cannot write " + detail::quoted(target) + ": not a file name");
    for (const Entry& e : entries_)
      if (e.target == target)
        throw std::logic_error("OutputSet: " + detail::quoted(target) + " added twice");
    if (target.has_parent_path()) {
      std::error_code ec;
      fs::create_directories(target.parent_path(), ec);
      if (ec)
        throw OutputError("cannot create the folder of " + detail::quoted(target) + ": " +
                          ec.message() + "; no output of this run was replaced");
    }
    Entry e{target, detail::sibling(target, "tmp"), {}, false, nullptr};
    if (open_file) e.file = std::make_unique<OutputFile>(e.target, e.temporary);
    entries_.push_back(std::move(e));
    return entries_.back();
  }

  // Puts back what `e.target` held before this commit.
  static void restore(Entry& e) noexcept {
    std::error_code ignored;
    if (!e.backup.empty()) {
      if (::rename(e.backup.c_str(), e.target.c_str()) == 0) e.backup.clear();
    } else if (!e.existed) {
      std::filesystem::remove(e.target, ignored);
    }
  }

  void remove_backups() noexcept {
    for (Entry& e : entries_) {
      std::error_code ignored;
      if (!e.backup.empty()) std::filesystem::remove(e.backup, ignored);
      e.backup.clear();
    }
  }

  std::vector<Entry> entries_;
  bool committed_ = false;
};

// One file, replaced atomically.
inline void write_file_atomically(const std::filesystem::path& target, std::string_view bytes) {
  OutputSet set;
  set.write(target, bytes);
  set.commit();
}

}  // namespace hyperbolic::io
