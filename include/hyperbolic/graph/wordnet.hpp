#pragma once
// Reader for the noun part of the WordNet 3.0 database files (format: `man 5 wndb`), as shipped
// by Debian's wordnet-base in /usr/share/wordnet. Only what hierarchy embeddings need: synsets,
// their lemmas, hypernym (`@`) and instance-hypernym (`@i`) pointers, and the usual synset names
// `dog.n.01`.
//
// Naming (as NLTK does it): the first lemma of the synset, lowercased, then `.n.`, then the
// two-digit 1-based position of the synset among that lemma's synsets in index.noun (the index
// lists a lemma's synsets in sense order).

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hyperbolic/graph/edge_list.hpp"

namespace hyperbolic::graph::wordnet {

inline constexpr const char* default_dictionary_dir = "/usr/share/wordnet";

struct Synset {
  std::uint32_t offset = 0;                // byte offset in data.noun: WordNet's synset id
  std::string name;                        // e.g. "dog.n.01"
  std::vector<std::string> lemmas;         // as written in data.noun (case kept)
  std::vector<NodeId> hypernyms;           // `@` targets, as indices into Nouns::synsets
  std::vector<NodeId> instance_hypernyms;  // `@i` targets, as indices into Nouns::synsets
};

struct Nouns {
  std::vector<Synset> synsets;  // in data.noun order
  std::unordered_map<std::uint32_t, NodeId> index_of_offset;
  std::unordered_map<std::string, NodeId> index_of_name;

  std::size_t direct_hypernym_edge_count() const {
    std::size_t count = 0;
    for (const Synset& s : synsets)
      count += s.hypernyms.size() + s.instance_hypernyms.size();
    return count;
  }
  std::optional<NodeId> find(std::string_view name) const {
    auto it = index_of_name.find(std::string(name));
    if (it == index_of_name.end()) return std::nullopt;
    return it->second;
  }
  const Synset& at(std::string_view name) const {
    auto id = find(name);
    if (!id) throw std::out_of_range("wordnet: no noun synset named '" + std::string(name) + "'");
    return synsets[*id];
  }
};

namespace detail {

// Splits a line into space-separated fields (wndb separates every field by one space).
class FieldCursor {
 public:
  FieldCursor(std::string_view line, const std::string& file, std::size_t line_number)
      : rest_(line), line_(line), file_(file), line_number_(line_number) {}

  std::string_view next(std::string_view what) {
    const std::size_t start = rest_.find_first_not_of(' ');
    if (start == std::string_view::npos) fail("missing " + std::string(what));
    rest_.remove_prefix(start);
    const std::size_t end = rest_.find(' ');
    std::string_view field = rest_.substr(0, end);
    rest_.remove_prefix(end == std::string_view::npos ? rest_.size() : end);
    return field;
  }
  std::uint32_t next_number(std::string_view what, int base) {
    std::string_view field = next(what);
    std::uint32_t value = 0;
    auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value, base);
    if (error != std::errc{} || end != field.data() + field.size()) {
      fail("bad " + std::string(what) + " '" + std::string(field) + "'");
    }
    return value;
  }
  [[noreturn]] void fail(const std::string& message) const {
    throw std::runtime_error(file_ + ":" + std::to_string(line_number_) + ": " + message +
                             " in line " + graph::detail::quote_line(line_));
  }

 private:
  std::string_view rest_;
  std::string_view line_;
  const std::string& file_;
  std::size_t line_number_;
};

// The license header of every wndb file: lines that start with two spaces.
inline bool is_license_line(std::string_view line) {
  return line.starts_with("  ");
}

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

struct RawPointers {
  std::vector<std::uint32_t> hypernym_offsets;
  std::vector<std::uint32_t> instance_offsets;
};

// lemma -> synset offsets in sense order, from index.noun.
inline std::unordered_map<std::string, std::vector<std::uint32_t>> parse_index(
    std::string_view text, const std::string& file) {
  std::unordered_map<std::string, std::vector<std::uint32_t>> senses;
  graph::detail::for_each_line(text, [&](std::size_t line_number, std::string_view line) {
    if (is_license_line(line) || graph::detail::is_blank(line)) return;
    FieldCursor fields(line, file, line_number);
    std::string lemma(fields.next("lemma"));
    fields.next("pos");
    const std::uint32_t synset_count = fields.next_number("synset_cnt", 10);
    const std::uint32_t pointer_count = fields.next_number("p_cnt", 10);
    for (std::uint32_t i = 0; i < pointer_count; ++i)
      fields.next("ptr_symbol");
    fields.next_number("sense_cnt", 10);
    fields.next_number("tagsense_cnt", 10);
    // Each offset takes at least two bytes of the line: a larger count is damage, refused
    // before it sizes an allocation.
    if (synset_count > line.size() / 2)
      fields.fail("synset_cnt " + std::to_string(synset_count) + " exceeds the fields in the line");
    std::vector<std::uint32_t> offsets(synset_count);
    for (auto& offset : offsets)
      offset = fields.next_number("synset_offset", 10);
    senses.emplace(std::move(lemma), std::move(offsets));
  });
  return senses;
}

}  // namespace detail

// Parses data.noun and index.noun given as text; the file names are used in error messages.
inline Nouns parse_nouns(std::string_view data_text, std::string_view index_text,
                         const std::string& data_file = "data.noun",
                         const std::string& index_file = "index.noun") {
  Nouns nouns;
  std::vector<detail::RawPointers> pointers;
  std::vector<std::size_t> line_numbers;
  graph::detail::for_each_line(data_text, [&](std::size_t line_number, std::string_view line) {
    if (detail::is_license_line(line) || graph::detail::is_blank(line)) return;
    // Everything after " | " is the gloss, which may contain any characters.
    const std::size_t gloss = line.find(" | ");
    detail::FieldCursor fields(line.substr(0, gloss), data_file, line_number);
    Synset synset;
    synset.offset = fields.next_number("synset_offset", 10);
    fields.next("lex_filenum");
    const std::string_view type = fields.next("ss_type");
    if (type != "n") fields.fail("synset type '" + std::string(type) + "' is not a noun ('n')");
    const std::uint32_t word_count = fields.next_number("w_cnt", 16);
    if (word_count == 0) fields.fail("synset without words");
    for (std::uint32_t i = 0; i < word_count; ++i) {
      synset.lemmas.emplace_back(fields.next("word"));
      fields.next("lex_id");
    }
    const std::uint32_t pointer_count = fields.next_number("p_cnt", 10);
    detail::RawPointers raw;
    for (std::uint32_t i = 0; i < pointer_count; ++i) {
      const std::string_view symbol = fields.next("pointer_symbol");
      const std::uint32_t target = fields.next_number("pointer synset_offset", 10);
      const std::string_view pos = fields.next("pointer pos");
      fields.next("pointer source/target");
      if (pos != "n") continue;  // hypernyms of nouns are nouns; other pointers do not matter
      if (symbol == "@") raw.hypernym_offsets.push_back(target);
      if (symbol == "@i") raw.instance_offsets.push_back(target);
    }
    const auto id = static_cast<NodeId>(nouns.synsets.size());
    if (!nouns.index_of_offset.emplace(synset.offset, id).second)
      fields.fail("duplicate synset offset " + std::to_string(synset.offset));
    nouns.synsets.push_back(std::move(synset));
    pointers.push_back(std::move(raw));
    line_numbers.push_back(line_number);
  });

  const auto resolve = [&](std::uint32_t offset, std::size_t from) -> NodeId {
    auto it = nouns.index_of_offset.find(offset);
    if (it == nouns.index_of_offset.end()) {
      throw std::runtime_error(data_file + ":" + std::to_string(line_numbers[from]) +
                               ": pointer to unknown noun synset offset " + std::to_string(offset));
    }
    return it->second;
  };
  for (std::size_t i = 0; i < nouns.synsets.size(); ++i) {
    for (auto offset : pointers[i].hypernym_offsets)
      nouns.synsets[i].hypernyms.push_back(resolve(offset, i));
    for (auto offset : pointers[i].instance_offsets)
      nouns.synsets[i].instance_hypernyms.push_back(resolve(offset, i));
  }

  const auto senses = detail::parse_index(index_text, index_file);
  for (std::size_t i = 0; i < nouns.synsets.size(); ++i) {
    Synset& synset = nouns.synsets[i];
    const std::string lemma = detail::ascii_lower(synset.lemmas.front());
    auto it = senses.find(lemma);
    std::size_t sense = 0;
    if (it != senses.end()) {
      const auto& offsets = it->second;
      for (std::size_t k = 0; k < offsets.size(); ++k)
        if (offsets[k] == synset.offset) sense = k + 1;
    }
    if (sense == 0) {
      throw std::runtime_error(index_file + ": lemma '" + lemma + "' does not list synset " +
                               std::to_string(synset.offset) + " (" + data_file + ":" +
                               std::to_string(line_numbers[i]) + "), so it cannot be named");
    }
    synset.name = lemma + (sense < 10 ? ".n.0" : ".n.") + std::to_string(sense);
    if (!nouns.index_of_name.emplace(synset.name, static_cast<NodeId>(i)).second)
      throw std::runtime_error(data_file + ":" + std::to_string(line_numbers[i]) +
                               ": a second synset named '" + synset.name + "' (" + index_file +
                               " lists its lemma's senses)");
  }
  return nouns;
}

// Reads <dictionary_dir>/data.noun and <dictionary_dir>/index.noun.
inline Nouns read_nouns(const std::string& dictionary_dir = default_dictionary_dir) {
  const std::string data_file = dictionary_dir + "/data.noun";
  const std::string index_file = dictionary_dir + "/index.noun";
  const std::string data = graph::detail::read_whole_file(data_file, "wordnet");
  const std::string index = graph::detail::read_whole_file(index_file, "wordnet");
  return parse_nouns(data, index, data_file, index_file);
}

}  // namespace hyperbolic::graph::wordnet
