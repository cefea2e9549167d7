#pragma once
// Standard base64 decoding (RFC 4648 alphabet, '=' padding), for tiktoken rank files.

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>

namespace hyperbolic::text {

inline std::string base64_decode(std::string_view encoded) {
  static const std::array<signed char, 256> table = [] {
    std::array<signed char, 256> t{};
    t.fill(-1);
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i)
      t[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
    return t;
  }();
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : encoded) {
    if (c == '=') break;
    const int v = table[static_cast<unsigned char>(c)];
    if (v < 0)
      throw std::invalid_argument(std::string("base64_decode: invalid character '") + c + "'");
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace hyperbolic::text
