#pragma once
// Word vectors trained by fastText (a shallow baseline next to the
// transformer's token embeddings): run Debian's /usr/bin/fasttext on a text
// corpus, read its text `.vec` output, count corpus frequencies the way
// fastText splits words.

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace finetune {

struct WordVectors {
  std::vector<std::string> words;  // row order of the file (fastText: most frequent first)
  std::vector<float> table;        // words.size() x dim, row-major
  std::size_t dim = 0;
};

namespace word_vectors_detail {

// fastText's word delimiters (Dictionary::readWord).
inline bool is_fasttext_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\0';
}

inline std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_fasttext_space(line[i]))
      ++i;
    const std::size_t b = i;
    while (i < line.size() && !is_fasttext_space(line[i]))
      ++i;
    if (i > b) out.push_back(line.substr(b, i - b));
  }
  return out;
}

template <class T>
bool parse_number(std::string_view s, T& value) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc() && end == s.data() + s.size();
}

// Single quotes for /bin/sh: nothing inside is special except ' itself.
inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace word_vectors_detail

// Reads fastText's text format: a header "count dim", then one line per word,
// "word v1 ... vdim" (fastText ends each line with a space). Errors name the
// file and line.
inline WordVectors read_word_vectors(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("read_word_vectors: cannot open '" + path + "'");
  auto fail = [&](std::size_t line, const std::string& what) {
    return std::runtime_error("read_word_vectors: " + path + ":" + std::to_string(line) + ": " +
                              what);
  };
  std::string line;
  if (!std::getline(in, line)) throw fail(1, "empty file, expected a header 'count dim'");
  const auto header = word_vectors_detail::split_fields(line);
  std::size_t count = 0;
  WordVectors wv;
  if (header.size() != 2 || !word_vectors_detail::parse_number(header[0], count) ||
      !word_vectors_detail::parse_number(header[1], wv.dim) || wv.dim == 0)
    throw fail(1, "expected a header 'count dim' with dim > 0, got '" + line + "'");
  // The header's numbers are file content: reserve only the rows the file's
  // bytes can hold (a row is at least a word and dim values, two bytes each).
  std::error_code size_error;
  const auto bytes = std::filesystem::file_size(path, size_error);
  if (!size_error && wv.dim < bytes) {
    const std::size_t rows_that_fit = static_cast<std::size_t>(bytes) / (2 * (wv.dim + 1));
    const std::size_t rows = count < rows_that_fit ? count : rows_that_fit;
    wv.words.reserve(rows);
    wv.table.reserve(rows * wv.dim);
  }
  std::size_t number = 1;
  while (std::getline(in, line)) {
    ++number;
    const auto fields = word_vectors_detail::split_fields(line);
    if (fields.empty()) throw fail(number, "empty line");
    if (fields.size() != wv.dim + 1)
      throw fail(number, "expected the word and " + std::to_string(wv.dim) + " values, got " +
                             std::to_string(fields.size() - 1) + " values after '" +
                             std::string(fields[0]) + "'");
    if (wv.words.size() == count)
      throw fail(number, "more words than the header's " + std::to_string(count));
    wv.words.emplace_back(fields[0]);
    for (std::size_t k = 1; k < fields.size(); ++k) {
      float v = 0;
      if (!word_vectors_detail::parse_number(fields[k], v) || !std::isfinite(v))
        throw fail(number, "value " + std::to_string(k) + " ('" + std::string(fields[k]) +
                               "') is not a finite number");
      wv.table.push_back(v);
    }
  }
  if (wv.words.size() != count)
    throw fail(number, "the header promises " + std::to_string(count) + " words, the file has " +
                           std::to_string(wv.words.size()));
  return wv;
}

// Word -> row.
inline std::unordered_map<std::string, int> word_index(const WordVectors& wv) {
  std::unordered_map<std::string, int> index;
  for (std::size_t i = 0; i < wv.words.size(); ++i)
    index.emplace(wv.words[i], static_cast<int>(i));
  return index;
}

// The rows of the words of `text` that have a vector, in order (fastText's
// split; words below minCount have no vector and are dropped).
inline std::vector<int> word_ids(const std::unordered_map<std::string, int>& index,
                                 std::string_view text) {
  std::vector<int> ids;
  for (auto w : word_vectors_detail::split_fields(text))
    if (const auto it = index.find(std::string(w)); it != index.end()) ids.push_back(it->second);
  return ids;
}

// Count of each row's word in the corpus, split as fastText splits it; the
// end-of-line token "</s>" counts once per line, as fastText adds it.
inline std::vector<double> corpus_frequencies(const WordVectors& wv,
                                              const std::string& corpus_path) {
  std::ifstream in(corpus_path);
  if (!in) throw std::runtime_error("corpus_frequencies: cannot open '" + corpus_path + "'");
  const auto index = word_index(wv);
  std::vector<double> f(wv.words.size(), 0.0);
  const auto eos = index.find("</s>");
  std::string line;
  while (std::getline(in, line)) {
    for (int id : word_ids(index, line))
      f[static_cast<std::size_t>(id)] += 1;
    if (eos != index.end()) f[static_cast<std::size_t>(eos->second)] += 1;
  }
  return f;
}

// Trains skip-gram vectors with Debian's fastText (apt-get install fasttext):
//   fasttext skipgram -input corpus -output prefix -dim dim -epoch epochs
//                     -thread threads -minCount 5 -seed seed
//                     -bucket buckets
// and reads <prefix>.vec. fastText is deterministic for a seed only with
// threads = 1: its threads update shared vectors without locks (Hogwild).
// buckets: rows of the hashed character n-gram table; fastText's default 2M
// costs 8 * dim MB, and fewer make small runs fast. Its log goes to
// <prefix>.log; the <prefix>.bin model (words and n-gram table) is deleted
// unless keep_binary. Each run costs about a second whatever the corpus
// (fastText's negative-sampling table).
inline WordVectors train_fasttext(const std::string& corpus_path, const std::string& out_prefix,
                                  int dim, int epochs, int threads, int seed,
                                  std::size_t buckets = 2000000, bool keep_binary = false,
                                  const std::string& binary = "/usr/bin/fasttext") {
  namespace fs = std::filesystem;
  if (!fs::exists(binary))
    throw std::runtime_error("train_fasttext: " + binary +
                             " not found; install it with `apt-get install fasttext`");
  if (!fs::is_regular_file(corpus_path))
    throw std::runtime_error("train_fasttext: corpus '" + corpus_path + "' is not a file");
  if (dim <= 0 || epochs <= 0 || threads <= 0)
    throw std::invalid_argument("train_fasttext: dim, epochs and threads must be > 0, got " +
                                std::to_string(dim) + ", " + std::to_string(epochs) + ", " +
                                std::to_string(threads));
  const std::string log = out_prefix + ".log";
  const std::string command = word_vectors_detail::shell_quote(binary) + " skipgram -input " +
                              word_vectors_detail::shell_quote(corpus_path) + " -output " +
                              word_vectors_detail::shell_quote(out_prefix) + " -dim " +
                              std::to_string(dim) + " -epoch " + std::to_string(epochs) +
                              " -thread " + std::to_string(threads) + " -minCount 5 -seed " +
                              std::to_string(seed) + " -bucket " + std::to_string(buckets) + " > " +
                              word_vectors_detail::shell_quote(log) + " 2>&1";
  if (const int status = std::system(command.c_str()); status != 0) {
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    std::string tail = text.str();
    if (tail.size() > 2000) tail = "..." + tail.substr(tail.size() - 2000);
    throw std::runtime_error("train_fasttext: `" + command + "` failed (status " +
                             std::to_string(status) + "):\n" + tail);
  }
  auto wv = read_word_vectors(out_prefix + ".vec");
  if (!keep_binary) {
    std::error_code ignored;
    fs::remove(out_prefix + ".bin", ignored);
  }
  return wv;
}

}  // namespace finetune
