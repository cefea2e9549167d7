#pragma once
// Pre-tokenization by a regular expression with Unicode classes (\p{L},
// \p{N}, ...), as GPT-2 and tiktoken define it, through PCRE2 (JIT-compiled).
// Needs libpcre2-8 (Debian libpcre2-dev): link with -lpcre2-8.
//
// Invalid UTF-8 never matches (PCRE2_MATCH_INVALID_UTF); bytes between
// matches are emitted as pieces of their own so no input byte is lost.

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "hyperbolic/text/tokenizer.hpp"

namespace hyperbolic::text {

// Split patterns, copied from the tokenizers' definitions (GPT-2 encoder.py;
// tiktoken's cl100k_base and o200k_base as written in gpt-tokenizer 4.0.0).
inline constexpr const char* kGpt2SplitPattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
inline constexpr const char* kCl100kSplitPattern =
    R"('(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s+$|\s*[\r\n]|\s+(?!\S)|\s)";
inline constexpr const char* kO200kSplitPattern =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?:'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE]))?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?:'(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE]))?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

class RegexPretokenizer {
 public:
  explicit RegexPretokenizer(std::string_view pattern) {
    int error = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* code =
        pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                      PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY,
                      &error, &offset, nullptr);
    if (!code) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(error, message, sizeof message);
      throw std::invalid_argument("RegexPretokenizer: bad pattern at offset " +
                                  std::to_string(offset) + ": " +
                                  reinterpret_cast<const char*>(message));
    }
    code_.reset(code);
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter on failure
  }

  void split(std::string_view text, const TokenSink& emit_piece) const {
    std::unique_ptr<pcre2_match_data, MatchDataDeleter> match(
        pcre2_match_data_create_from_pattern(code_.get(), nullptr));
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    PCRE2_SIZE position = 0;
    while (position < text.size()) {
      const int rc =
          pcre2_match(code_.get(), subject, text.size(), position, 0, match.get(), nullptr);
      if (rc == PCRE2_ERROR_NOMATCH) break;
      if (rc < 0) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(rc, message, sizeof message);
        throw std::runtime_error(std::string("RegexPretokenizer: match failed: ") +
                                 reinterpret_cast<const char*>(message));
      }
      const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match.get());
      if (ovector[0] > position) emit_piece(text.substr(position, ovector[0] - position));
      if (ovector[1] == ovector[0]) {  // empty match: step over one byte
        emit_piece(text.substr(ovector[0], 1));
        position = ovector[0] + 1;
        continue;
      }
      emit_piece(text.substr(ovector[0], ovector[1] - ovector[0]));
      position = ovector[1];
    }
    if (position < text.size()) emit_piece(text.substr(position));
  }

 private:
  struct CodeDeleter {
    void operator()(pcre2_code* c) const { pcre2_code_free(c); }
  };
  struct MatchDataDeleter {
    void operator()(pcre2_match_data* m) const { pcre2_match_data_free(m); }
  };
  std::unique_ptr<pcre2_code, CodeDeleter> code_;
};

}  // namespace hyperbolic::text
