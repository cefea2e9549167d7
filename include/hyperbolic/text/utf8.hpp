#pragma once
// UTF-8 helpers: encode a code point, validate (strictly: Unicode Table 3-7) and decode a
// string or a file, and make arbitrary bytes printable (BPE tokens may hold partial UTF-8
// sequences).

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hyperbolic::text {

inline void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Well-formed UTF-8 is exactly the byte sequences of Unicode's Table 3-7: no overlong forms
// (C0, C1, E0 80..9F, F0 80..8F), no surrogates (ED A0..BF: U+D800..U+DFFF), nothing above
// U+10FFFF (F4 90.., F5..FF), no stray continuation bytes, no sequence cut short. Tokenizers
// and JSON writers downstream assume it, so text is checked against this before any work.
struct Utf8Problem {
  std::size_t offset = 0;  // of the first byte of the bad sequence
  const char* reason = "";
  bool truncated_at_end = false;  // a sequence that the end of the bytes cut short
  std::size_t length = 1;         // bytes of the bad sequence (to show them)
};

// The first problem in s, or none; `offset` is relative to s.
inline std::optional<Utf8Problem> find_invalid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    // Eight ASCII bytes at a time: most text is mostly ASCII.
    if (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char b = p[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      const char* why = b <= 0xBF   ? "a continuation byte (80..BF) without a lead byte"
                        : b <= 0xC1 ? "byte C0 or C1 (an overlong 2-byte form)"
                                    : "byte F5..FF (never in UTF-8)";
      return Utf8Problem{i, why, false, 1};
    }
    for (std::size_t k = 1; k < len; ++k) {
      if (i + k >= n) return Utf8Problem{i, "a sequence cut short by the end", true, k};
      const unsigned char c = p[i + k];
      const unsigned char first_lo = k == 1 ? lo : 0x80, first_hi = k == 1 ? hi : 0xBF;
      if (c < first_lo || c > first_hi) {
        if (k == 1 && c >= 0x80 && c <= 0xBF) {
          if (b == 0xE0 || b == 0xF0) return Utf8Problem{i, "an overlong form", false, len};
          if (b == 0xED) return Utf8Problem{i, "a surrogate (U+D800..U+DFFF)", false, len};
          return Utf8Problem{i, "a code point above U+10FFFF", false, len};
        }
        return Utf8Problem{i, "a sequence cut short by a byte that does not continue it", false, k};
      }
    }
    i += len;
  }
  return std::nullopt;
}

inline bool is_valid_utf8(std::string_view s) {
  return !find_invalid_utf8(s);
}

// Length of the well-formed UTF-8 sequence starting at s[i], or 0 if there is none.
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  const std::size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  if (i + len > s.size()) return 0;
  return find_invalid_utf8(s.substr(i, len)) ? 0 : len;
}

// Checks a whole file, streaming, and throws std::runtime_error naming the file, the byte
// offset and the kind of bad sequence: refused, not repaired (docs/reliability.md).
inline void require_valid_utf8_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read '" + path.string() + "'");
  std::string buffer;
  std::size_t carried = 0;  // bytes of a sequence the previous block ended in
  std::uint64_t base = 0;   // file offset of buffer[0]
  constexpr std::size_t block = std::size_t(1) << 20;
  for (;;) {
    buffer.resize(carried + block);
    in.read(buffer.data() + carried, static_cast<std::streamsize>(block));
    const auto got = static_cast<std::size_t>(in.gcount());
    buffer.resize(carried + got);
    const bool at_eof = got < block;
    const auto problem = find_invalid_utf8(buffer);
    if (problem && !(problem->truncated_at_end && !at_eof)) {
      // The bad sequence as the user can find it (xxd, od).
      const std::size_t length = problem->length;
      std::string bytes = length == 1 ? "byte" : "bytes";
      for (std::size_t k = problem->offset; k < buffer.size() && k < problem->offset + length;
           ++k) {
        char hex[4];
        std::snprintf(hex, sizeof hex, " %02X", static_cast<unsigned char>(buffer[k]));
        bytes += hex;
      }
      throw std::runtime_error(
          "'" + path.string() + "' is not valid UTF-8 at byte " +
          std::to_string(base + problem->offset) + ": " + problem->reason + ", " + bytes +
          ", well-formed UTF-8 only: convert the file (iconv -f CHARSET -t UTF-8) or drop the "
          "bad bytes (iconv -f UTF-8 -t UTF-8 -c)");
    }
    if (at_eof) return;
    carried = problem ? buffer.size() - problem->offset : 0;  // at most 3 bytes
    base += buffer.size() - carried;
    buffer.erase(0, buffer.size() - carried);
  }
}

inline std::vector<char32_t> decode_utf8(std::string_view s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = utf8_sequence_length(s, i);
    if (len == 0)
      throw std::invalid_argument("decode_utf8: invalid UTF-8 at byte " + std::to_string(i));
    const auto b0 = static_cast<unsigned char>(s[i]);
    char32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
    for (std::size_t k = 1; k < len; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

// Valid UTF-8 copies through except control characters; each control
// character (U+0000-U+001F, U+007F) and each invalid byte becomes the text
// "\xNN" (a NUL would otherwise end the message of an exception).
inline std::string printable_utf8(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = utf8_sequence_length(s, i);
    const auto byte = static_cast<unsigned char>(s[i]);
    if (len == 0 || (len == 1 && (byte < 0x20 || byte == 0x7F))) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned char>(s[i]));
      out += buf;
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

}  // namespace hyperbolic::text
