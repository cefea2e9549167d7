#pragma once
// A byte-level BPE vocabulary: token byte strings <-> ids, plus the merge
// rank of adjacent parts. tiktoken ranks a merge by the rank of the merged
// bytes; GPT-2 ranks it by the merge's line in vocab.bpe. Both fit here.
// Loading: tiktoken rank files here (dependency-free); GPT-2 files in
// gpt2_bpe_tokenizer.hpp (needs nlohmann-json).

#include <charconv>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hyperbolic/text/base64.hpp"
#include "hyperbolic/text/byte_pair_merge.hpp"

namespace hyperbolic::text {

struct BpeVocabulary {
  std::unordered_map<std::string, std::uint32_t> id_of;  // token bytes -> id
  std::vector<std::string> bytes_of;                     // id -> token bytes
  // GPT-2 style pair ranks, keyed by pair_key(left, right); empty for tiktoken.
  std::unordered_map<std::string, std::uint32_t> pair_rank;

  static std::string pair_key(std::string_view left, std::string_view right) {
    std::string key;
    key.reserve(left.size() + right.size() + 1);
    key += static_cast<char>(left.size());  // parts are < 256 bytes; length keeps keys unique
    key.append(left);
    key.append(right);
    return key;
  }

  void add_token(std::string bytes, std::uint32_t id) {
    if (bytes_of.size() <= id) bytes_of.resize(id + 1);
    bytes_of[id] = bytes;
    id_of.emplace(std::move(bytes), id);
  }

  // Encodes one pre-tokenized piece into ids.
  void encode(std::string_view piece, std::vector<std::uint32_t>& ids) const {
    // tiktoken takes a piece that is itself a token as is; GPT-2 always merges.
    if (pair_rank.empty()) {
      if (auto it = id_of.find(std::string(piece)); it != id_of.end()) {
        ids.push_back(it->second);
        return;
      }
    }
    std::string scratch;
    const auto parts = byte_pair_merge(piece, [&](std::string_view l, std::string_view r) {
      if (!pair_rank.empty()) {
        auto it = pair_rank.find(pair_key(l, r));
        return it == pair_rank.end() ? kNoRank : it->second;
      }
      scratch.assign(l);
      scratch.append(r);
      auto it = id_of.find(scratch);
      return it == id_of.end() ? kNoRank : it->second;
    });
    for (auto part : parts) {
      auto it = id_of.find(std::string(part));
      if (it == id_of.end())
        throw std::runtime_error("BpeVocabulary: no token for a merged part of " +
                                 std::to_string(part.size()) + " bytes");
      ids.push_back(it->second);
    }
  }
};

// Ranks are token ids and size the id table; published encodings stay below 2^21, so a larger
// rank in a file is damage, refused before it allocates.
inline constexpr std::uint32_t max_token_rank = 1u << 24;

// Reads a tiktoken rank file: one "base64(token bytes) rank" per line.
inline BpeVocabulary load_tiktoken_ranks(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("load_tiktoken_ranks: cannot open " + path);
  BpeVocabulary vocabulary;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    const auto space = line.find(' ');
    if (space == std::string::npos)
      throw std::runtime_error("load_tiktoken_ranks: " + path + ":" + std::to_string(line_number) +
                               ": expected 'token rank'");
    const std::string where = "load_tiktoken_ranks: " + path + ":" + std::to_string(line_number);
    const std::string_view rank_text = std::string_view(line).substr(space + 1);
    std::uint32_t rank = 0;
    const auto [end, error] =
        std::from_chars(rank_text.data(), rank_text.data() + rank_text.size(), rank);
    if (error != std::errc{} || end != rank_text.data() + rank_text.size() ||
        rank >= max_token_rank)
      throw std::runtime_error(where + ": rank '" + std::string(rank_text) +
                               "' is not a whole number below " + std::to_string(max_token_rank));
    std::string token;
    try {
      token = base64_decode(std::string_view(line).substr(0, space));
    } catch (const std::exception& e) {
      throw std::runtime_error(where + ": " + e.what());
    }
    vocabulary.add_token(std::move(token), rank);
  }
  if (vocabulary.id_of.size() < 256)
    throw std::runtime_error("load_tiktoken_ranks: " + path + " has only " +
                             std::to_string(vocabulary.id_of.size()) + " tokens");
  return vocabulary;
}

}  // namespace hyperbolic::text
