#pragma once
// Versioned, checksummed binary checkpoints of parameters and optimizer state.
//
// File layout (all integers in the writer's native byte order, which the
// byte-order mark lets a reader on another machine detect and reject):
//   offset  size  field
//   0       8     magic "HYPOPTCK"
//   8       4     format version (u32), currently 1
//   12      4     byte-order mark 0x01020304 (u32)
//   16      8     payload size P in bytes (u64)
//   24      P     payload: u32 record count, then per record
//                   u32 name length, name bytes (UTF-8, no terminator),
//                   u8 kind (0 bytes, 1 signed integer, 2 IEEE float),
//                   u8 element size in bytes, u64 element count, the elements
//   24 + P  8     FNV-1a 64 of bytes [0, 24 + P) (u64)
// Values are stored bit for bit, so a restored run continues exactly.
//
// write_file writes a hidden temporary in the same directory, checks and
// fsyncs it, then renames it over <path> (io::OutputSet): a crash leaves either
// the old file or the new one, never a mix. read_file checks, in order: the file opens;
// the magic; the version; the byte order; the payload size against the file
// size (truncated or trailing bytes); the checksum; then the record layout.
// Every failure throws CheckpointError naming the file and the reason.

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "checksum.hpp"
#include "hyperbolic/io/output_set.hpp"

namespace hyperbolic::optim {

class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr char checkpoint_magic[8] = {'H', 'Y', 'P', 'O', 'P', 'T', 'C', 'K'};
inline constexpr std::uint32_t checkpoint_version = 1;
inline constexpr std::uint32_t checkpoint_byte_order_mark = 0x01020304u;
inline constexpr std::size_t checkpoint_header_size = 24;
inline constexpr std::size_t checkpoint_trailer_size = 8;

namespace detail {
enum class RecordKind : std::uint8_t { bytes = 0, integer = 1, floating = 2 };

template <class V>
constexpr RecordKind record_kind() {
  if constexpr (std::is_floating_point_v<V>)
    return RecordKind::floating;
  else if constexpr (std::is_integral_v<V> && std::is_signed_v<V>)
    return RecordKind::integer;
  else
    return RecordKind::bytes;
}

inline const char* kind_name(RecordKind k) {
  switch (k) {
    case RecordKind::integer:
      return "integer";
    case RecordKind::floating:
      return "float";
    default:
      return "byte";
  }
}

template <class V>
void append_pod(std::vector<unsigned char>& buf, const V& v) {
  const auto* p = reinterpret_cast<const unsigned char*>(&v);
  buf.insert(buf.end(), p, p + sizeof(V));
}
}  // namespace detail

// Collects named records in memory, then writes them in one go.
class CheckpointWriter {
 public:
  template <class V>
  requires std::is_trivially_copyable_v<V>
  void put(std::string_view name, std::span<const V> values) {
    if (!names_.insert(std::string(name)).second)
      throw CheckpointError("checkpoint: record '" + std::string(name) + "' written twice");
    detail::append_pod(payload_, static_cast<std::uint32_t>(name.size()));
    payload_.insert(payload_.end(), name.begin(), name.end());
    detail::append_pod(payload_, static_cast<std::uint8_t>(detail::record_kind<V>()));
    detail::append_pod(payload_, static_cast<std::uint8_t>(sizeof(V)));
    detail::append_pod(payload_, static_cast<std::uint64_t>(values.size()));
    const auto* p = reinterpret_cast<const unsigned char*>(values.data());
    payload_.insert(payload_.end(), p, p + values.size_bytes());
    ++count_;
  }
  template <class V>
  requires std::is_trivially_copyable_v<V>
  void put(std::string_view name, const std::vector<V>& values) {
    put(name, std::span<const V>(values));
  }
  template <class V>
  requires std::is_arithmetic_v<V>
  void put_value(std::string_view name, V v) { put(name, std::span<const V>(&v, 1)); }
  void put_string(std::string_view name, std::string_view s) {
    put(name, std::span<const char>(s.data(), s.size()));
  }

  // The complete file image (header, payload, checksum).
  std::vector<unsigned char> bytes() const {
    std::vector<unsigned char> out;
    out.reserve(checkpoint_header_size + 4 + payload_.size() + checkpoint_trailer_size);
    out.resize(8);
    std::memcpy(out.data(), checkpoint_magic, 8);
    detail::append_pod(out, checkpoint_version);
    detail::append_pod(out, checkpoint_byte_order_mark);
    detail::append_pod(out, static_cast<std::uint64_t>(4 + payload_.size()));
    detail::append_pod(out, count_);
    out.insert(out.end(), payload_.begin(), payload_.end());
    detail::append_pod(out, fnv1a64(out.data(), out.size()));
    return out;
  }

  // Atomic write (io::OutputSet): a checked, fsynced temporary beside <path>, then a rename.
  void write_file(const std::filesystem::path& path) const {
    const auto image = bytes();
    try {
      io::write_file_atomically(
          path, std::string_view(reinterpret_cast<const char*>(image.data()), image.size()));
    } catch (const io::OutputError& e) {
      throw CheckpointError(std::string("checkpoint: ") + e.what());
    }
  }

 private:
  std::vector<unsigned char> payload_;
  std::uint32_t count_ = 0;
  std::set<std::string> names_;
};

// A parsed, verified checkpoint.
class CheckpointReader {
 public:
  // Parses a file image; `origin` names it in error messages.
  static CheckpointReader from_bytes(std::vector<unsigned char> image,
                                     const std::string& origin = "checkpoint") {
    CheckpointReader r;
    r.origin_ = origin;
    r.image_ = std::move(image);
    r.verify_and_index();
    return r;
  }

  static CheckpointReader read_file(const std::filesystem::path& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw CheckpointError("checkpoint " + path.string() + ": cannot open for reading");
    std::vector<unsigned char> image;
    unsigned char buf[1 << 16];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
      image.insert(image.end(), buf, buf + n);
    const bool failed = std::ferror(f) != 0;
    std::fclose(f);
    if (failed) throw CheckpointError("checkpoint " + path.string() + ": read error");
    return from_bytes(std::move(image), "checkpoint " + path.string());
  }

  bool contains(std::string_view name) const { return find(name) != nullptr; }

  // The values of a record, which must hold elements of type V (and exactly
  // `expected_count` of them unless that is negative).
  template <class V>
  requires std::is_trivially_copyable_v<V> std::vector<V> get(std::string_view name,
                                                              std::int64_t expected_count = -1)
  const {
    const Record& rec = require(name);
    const auto kind = detail::record_kind<V>();
    if (rec.kind != static_cast<std::uint8_t>(kind) || rec.elem_size != sizeof(V))
      fail("record '" + std::string(name) + "' holds " + std::to_string(rec.elem_size) + "-byte " +
           detail::kind_name(static_cast<detail::RecordKind>(rec.kind)) + " values, expected " +
           std::to_string(sizeof(V)) + "-byte " + detail::kind_name(kind) + " values");
    if (expected_count >= 0 && rec.count != static_cast<std::uint64_t>(expected_count))
      fail("record '" + std::string(name) + "' holds " + std::to_string(rec.count) +
           " values, expected " + std::to_string(expected_count));
    std::vector<V> out(rec.count);
    if (rec.count) std::memcpy(out.data(), image_.data() + rec.offset, rec.count * sizeof(V));
    return out;
  }
  template <class V>
  requires std::is_arithmetic_v<V> V get_value(std::string_view name)
  const { return get<V>(name, 1)[0]; }
  std::string get_string(std::string_view name) const {
    const auto v = get<char>(name);
    return std::string(v.begin(), v.end());
  }

  [[noreturn]] void fail(const std::string& why) const {
    throw CheckpointError(origin_ + ": " + why);
  }

 private:
  struct Record {
    std::string name;
    std::uint8_t kind = 0, elem_size = 0;
    std::uint64_t count = 0;
    std::size_t offset = 0;
  };

  template <class V>
  V read_pod(std::size_t at) const {
    V v;
    std::memcpy(&v, image_.data() + at, sizeof(V));
    return v;
  }

  void verify_and_index() {
    const std::size_t n = image_.size();
    if (n < 8 || std::memcmp(image_.data(), checkpoint_magic, 8) != 0)
      fail("not a hyperbolic optimizer checkpoint (bad magic; expected \"HYPOPTCK\")");
    if (n < checkpoint_header_size)
      fail("truncated: " + std::to_string(n) + " bytes, shorter than the header");
    const auto version = read_pod<std::uint32_t>(8);
    if (version != checkpoint_version)
      fail("unsupported format version " + std::to_string(version) + " (this build reads " +
           std::to_string(checkpoint_version) + ")");
    if (read_pod<std::uint32_t>(12) != checkpoint_byte_order_mark)
      fail("written with another byte order (or corrupted header)");
    const auto payload = read_pod<std::uint64_t>(16);
    const std::uint64_t expected = checkpoint_header_size + payload + checkpoint_trailer_size;
    if (payload > n || n < expected)
      fail("truncated: " + std::to_string(n) + " bytes, the header announces " +
           std::to_string(expected));
    if (n > expected)
      fail("corrupted: " + std::to_string(n - expected) + " trailing bytes after the checksum");
    const std::size_t end = checkpoint_header_size + payload;
    const auto stored = read_pod<std::uint64_t>(end);
    if (stored != fnv1a64(image_.data(), end)) fail("checksum mismatch: the file is corrupted");
    // Record layout (only a writer bug can fail past the checksum).
    std::size_t at = checkpoint_header_size;
    auto need = [&](std::size_t k) {
      if (k > end - at) fail("malformed payload at byte " + std::to_string(at));
    };
    need(4);
    const auto count = read_pod<std::uint32_t>(at);
    at += 4;
    for (std::uint32_t i = 0; i < count; ++i) {
      Record rec;
      need(4);
      const auto len = read_pod<std::uint32_t>(at);
      at += 4;
      need(len);
      rec.name.assign(reinterpret_cast<const char*>(image_.data() + at), len);
      at += len;
      need(10);
      rec.kind = image_[at];
      rec.elem_size = image_[at + 1];
      rec.count = read_pod<std::uint64_t>(at + 2);
      at += 10;
      if (rec.elem_size == 0 || rec.count > (end - at) / rec.elem_size)
        fail("malformed record '" + rec.name + "'");
      rec.offset = at;
      at += rec.count * rec.elem_size;
      records_.push_back(std::move(rec));
    }
    if (at != end) fail("malformed payload: " + std::to_string(end - at) + " unread bytes");
  }

  const Record* find(std::string_view name) const {
    for (const auto& r : records_)
      if (r.name == name) return &r;
    return nullptr;
  }
  const Record& require(std::string_view name) const {
    const Record* r = find(name);
    if (!r) fail("missing record '" + std::string(name) + "'");
    return *r;
  }

  std::string origin_;
  std::vector<unsigned char> image_;
  std::vector<Record> records_;
};

}  // namespace hyperbolic::optim
