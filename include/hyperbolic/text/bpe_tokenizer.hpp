#pragma once
// A byte-level BPE tokenizer: regex pre-tokenization (PCRE2) + BPE merges.
// Serves GPT-2 (gpt2_bpe_tokenizer.hpp) and tiktoken encodings
// (cl100k_base, o200k_base) alike. Needs PCRE2 (-lpcre2-8).

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hyperbolic/text/bpe_vocabulary.hpp"
#include "hyperbolic/text/pcre2_pretokenizer.hpp"
#include "hyperbolic/text/tokenizer.hpp"

namespace hyperbolic::text {

class BpeTokenizer final : public Tokenizer {
 public:
  BpeTokenizer(std::string name, BpeVocabulary vocabulary, std::string_view split_pattern)
      : name_(std::move(name)), vocabulary_(std::move(vocabulary)), split_(split_pattern) {}

  std::string name() const override { return name_; }

  void split(std::string_view text, const TokenSink& emit_piece) const override {
    split_.split(text, emit_piece);
  }

  void encode_piece(std::string_view piece, const TokenSink& emit_token) const override {
    std::vector<std::uint32_t> ids;
    vocabulary_.encode(piece, ids);
    for (auto id : ids)
      emit_token(vocabulary_.bytes_of[id]);
  }

  // Token ids of a whole text (special tokens are treated as plain text).
  std::vector<std::uint32_t> encode(std::string_view text) const {
    std::vector<std::uint32_t> ids;
    split_.split(text, [&](std::string_view piece) { vocabulary_.encode(piece, ids); });
    return ids;
  }

  std::string decode(const std::vector<std::uint32_t>& ids) const {
    std::string out;
    for (auto id : ids)
      out += vocabulary_.bytes_of.at(id);
    return out;
  }

  const BpeVocabulary& vocabulary() const { return vocabulary_; }

 private:
  std::string name_;
  BpeVocabulary vocabulary_;
  RegexPretokenizer split_;
};

// tiktoken encodings from their rank files.
inline BpeTokenizer make_tiktoken_tokenizer(const std::string& encoding_name,
                                            const std::string& rank_file) {
  std::string_view pattern;
  if (encoding_name == "cl100k_base") {
    pattern = kCl100kSplitPattern;
  } else if (encoding_name == "o200k_base") {
    pattern = kO200kSplitPattern;
  } else if (encoding_name == "r50k_base" || encoding_name == "p50k_base") {
    pattern = kGpt2SplitPattern;
  } else {
    throw std::invalid_argument("make_tiktoken_tokenizer: unknown encoding '" + encoding_name +
                                "' (known: cl100k_base, o200k_base, r50k_base, p50k_base)");
  }
  return BpeTokenizer(encoding_name, load_tiktoken_ranks(rank_file), pattern);
}

}  // namespace hyperbolic::text
