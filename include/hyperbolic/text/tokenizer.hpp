#pragma once
// What every tokenizer offers the counter: a cheap pre-tokenization into
// pieces (words, regex matches, lines) and the tokens of one piece. Counting
// pieces first and encoding each distinct piece once is what makes counting
// with real BPE tokenizers fast; tokenize() chains the two for one-off use.
// Tokens are reported as their byte strings (BPE tokens may be partial UTF-8).

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace hyperbolic::text {

using TokenSink = std::function<void(std::string_view)>;

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  virtual std::string name() const = 0;
  // Splits text into pieces that are encoded independently.
  virtual void split(std::string_view text, const TokenSink& emit_piece) const = 0;
  // Emits the tokens of one piece (as produced by split).
  virtual void encode_piece(std::string_view piece, const TokenSink& emit_token) const = 0;

  void tokenize(std::string_view text, const TokenSink& emit_token) const {
    split(text, [&](std::string_view piece) { encode_piece(piece, emit_token); });
  }
  std::vector<std::string> tokens(std::string_view text) const {
    std::vector<std::string> out;
    tokenize(text, [&](std::string_view t) { out.emplace_back(t); });
    return out;
  }
};

}  // namespace hyperbolic::text
