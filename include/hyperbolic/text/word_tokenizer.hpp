#pragma once
// Plain words: maximal runs of letters, digits and inner apostrophes, ASCII
// lower-cased. Every byte >= 0x80 counts as a letter, so UTF-8 words stay whole
// without a Unicode table (the dependency-free baseline tokenizer).

#include <string>
#include <string_view>

#include "hyperbolic/text/tokenizer.hpp"

namespace hyperbolic::text {

class WordTokenizer final : public Tokenizer {
 public:
  explicit WordTokenizer(bool lowercase = true) : lowercase_(lowercase) {}

  std::string name() const override { return "words"; }

  void split(std::string_view text, const TokenSink& emit_piece) const override {
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
      while (i < n && !is_word_byte(text[i]))
        ++i;
      std::size_t j = i;
      while (j < n && (is_word_byte(text[j]) ||
                       (text[j] == '\'' && j > i && j + 1 < n && is_word_byte(text[j + 1])))) {
        ++j;
      }
      if (j > i) emit_piece(text.substr(i, j - i));
      i = j;
    }
  }

  void encode_piece(std::string_view piece, const TokenSink& emit_token) const override {
    if (!lowercase_) return emit_token(piece);
    std::string lowered(piece);
    for (char& c : lowered)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    emit_token(lowered);
  }

 private:
  static bool is_word_byte(char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u >= 0x80;
  }
  bool lowercase_;
};

}  // namespace hyperbolic::text
