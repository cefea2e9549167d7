#pragma once
// The pipeline's glue around the text sources and the embedding analysis:
//  - the pretraining corpus from the configured sources, every non-WordNet
//    line checked against the validation and test definitions (8-word
//    shingles) so held-out glosses are never pretrained on;
//  - the HypLoRA paper's analysis (delta per prompt, both estimators, with
//    controls; norm vs frequency) on the pretrained token embeddings and on
//    fastText word vectors trained on the same corpus.

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config.hpp"
#include "embedding_analysis.hpp"
#include "experiment.hpp"
#include "pretraining_sources.hpp"
#include "word_vectors.hpp"

namespace finetune {

struct PretrainCorpus {
  std::vector<std::string> train, validation;
  nlohmann::json sources = nlohmann::json::object();  // per source: lines, dropped, ...

  std::string summary() const {
    std::string s;
    for (const auto& [name, v] : sources.items())
      s += (s.empty() ? "" : ", ") + name + " " + std::to_string(v.value("lines", 0L)) + " lines";
    return s + " (" + std::to_string(train.size()) + " training, " +
           std::to_string(validation.size()) + " validation)";
  }
  const nlohmann::json& sources_json() const { return sources; }
};

inline std::string default_cache_dir() {
  if (const char* e = std::getenv("HYPERBOLIC_CACHE"); e && *e) return e;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.cache/hyperbolic";
}

inline PretrainCorpus build_pretraining_corpus(const Config& c, const WordNetData& w) {
  PretrainCorpus corpus;
  const auto add_split = [&](std::vector<std::string>& lines) {
    // Validation lines of the extra sources: a fixed hash of the text.
    for (auto& l : lines) {
      std::uint64_t h = 1469598103934665603ull;
      for (unsigned char ch : l)
        h = (h ^ ch) * 1099511628211ull;
      (splitmix64(h) % 10 == 1 ? corpus.validation : corpus.train).push_back(std::move(l));
    }
  };
  std::unique_ptr<ShingleFilter> filter;
  const auto filtered = [&](std::vector<std::string>& lines) {
    // Held-out definitions under 4 words ("one species", "at this time") are
    // ordinary phrases, not copies of a gloss: only longer ones are checked whole.
    if (!filter) filter = std::make_unique<ShingleFilter>(w.held_out_definitions, 8, 4);
    return remove_contaminated(lines, *filter);
  };
  for (const auto& s : c.pretrain.sources) {
    if (s == "wordnet") {
      corpus.train.insert(corpus.train.end(), w.train_text.begin(), w.train_text.end());
      corpus.validation.insert(corpus.validation.end(), w.validation_text.begin(),
                               w.validation_text.end());
      corpus.sources["wordnet"] = {
          {"lines", w.train_text.size() + w.validation_text.size()},
          {"note", "glosses of all parts of speech minus validation and test noun synsets"}};
    } else if (s == "gcide") {
      const std::string path = "/usr/share/dictd/gcide.dict.dz";
      if (!std::filesystem::exists(path))
        throw std::runtime_error("pretrain source gcide: '" + path +
                                 "' is missing (apt-get install dict-gcide)");
      GcideStats st;
      auto lines = read_gcide_definitions(path, &st);
      const auto dropped = filtered(lines);
      corpus.sources["gcide"] = {{"lines", lines.size()},
                                 {"dropped_overlapping_held_out", dropped},
                                 {"dropped_wordnet_tagged", st.wordnet_dropped}};
      add_split(lines);
    } else if (s == "npm") {
      const std::string cache = c.cache_dir.empty() ? default_cache_dir() : c.cache_dir;
      NpmCorporaStats st;
      auto lines = read_npm_corpora(cache, &st);
      if (lines.empty())
        throw std::runtime_error("pretrain source npm: no corpus under '" + cache +
                                 "' (run scripts/fetch-corpora.sh)");
      const auto dropped = filtered(lines);
      nlohmann::json per = nlohmann::json::object();
      for (const auto& src : st.sources)
        per[src.name] = {{"found", src.found}, {"lines", src.lines}, {"words", src.words}};
      corpus.sources["npm"] = {
          {"lines", lines.size()}, {"dropped_overlapping_held_out", dropped}, {"per_source", per}};
      add_split(lines);
    }
  }
  return corpus;
}

// Random test prompts (seeded), as token ids, for the delta analysis.
inline std::vector<std::size_t> analysis_items(const ExperimentData& d, const Config& c) {
  return seeded_sample(items_in(d.wordnet, Split::test), std::size_t(c.analysis_prompts),
                       splitmix64(c.finetune.split_seed * 977 + 5));
}

inline nlohmann::json analyze_pretrained_embeddings(const Transformer<float>& model,
                                                    const ExperimentData& d,
                                                    const std::vector<double>& frequencies,
                                                    const Config& c) {
  // Eigen matrices are column-major: copy the table to rows.
  const auto& E = model.embedding;
  std::vector<float> table(std::size_t(E.rows() * E.cols()));
  for (long r = 0; r < E.rows(); ++r)
    for (long k = 0; k < E.cols(); ++k)
      table[std::size_t(r * E.cols() + k)] = E(r, k);
  std::vector<std::vector<int>> prompts;
  for (auto i : analysis_items(d, c))
    prompts.push_back(d.encoded[i].hypernym.prompt);
  EmbeddingAnalysisOptions o;
  o.threads = 1;
  return analyze_embeddings(table.data(), std::size_t(E.rows()), std::size_t(E.cols()), frequencies,
                            prompts, o);
}

// fastText skip-gram vectors of the same corpus (lower-cased, words of
// letters), analysed on the words of the same prompts.
inline std::string words_only(const std::string& text) {
  std::string out;
  bool space = true;
  for (unsigned char ch : text) {
    if (std::isalpha(ch)) {
      out += char(std::tolower(ch));
      space = false;
    } else if (!space) {
      out += ' ';
      space = true;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

inline nlohmann::json analyze_fasttext(const std::filesystem::path& corpus_file,
                                       const ExperimentData& d, const Config& c, bool resume) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(c.out_dir) / "fasttext";
  fs::create_directories(dir);
  const fs::path words = dir / "corpus-words.txt";
  {
    std::ifstream in(corpus_file);
    std::string text, line;
    while (std::getline(in, line))
      text += words_only(line) + '\n';
    write_text_atomically(words, text);
  }
  const auto t0 = std::chrono::steady_clock::now();
  // One thread: fastText is deterministic for a seed only single-threaded.
  // --resume reuses the vectors (the corpus file is reused with them).
  const bool reuse = resume && fs::exists(dir / "vectors.vec");
  if (!reuse)
    std::fprintf(stderr,
                 "[analysis] fastText skip-gram (dim 64, 5 epochs, 1 thread) on %s; its log: "
                 "%s\n",
                 words.c_str(), (dir / "vectors.log").c_str());
  const WordVectors wv =
      reuse ? read_word_vectors((dir / "vectors.vec").string())
            : train_fasttext(words.string(), (dir / "vectors").string(), 64, 5, 1, 1);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto freq = corpus_frequencies(wv, words.string());
  const auto index = word_index(wv);
  std::vector<std::vector<int>> prompts;
  for (auto i : analysis_items(d, c))
    prompts.push_back(word_ids(index, words_only(d.wordnet.items[i].prompt(Task::hypernym))));
  EmbeddingAnalysisOptions o;
  o.threads = 1;
  auto j = analyze_embeddings(wv.table.data(), wv.words.size(), wv.dim, freq, prompts, o);
  j["fasttext"] = {{"words", wv.words.size()},
                   {"dim", wv.dim},
                   {"epochs", 5},
                   {reuse ? "read_seconds" : "train_seconds", seconds},
                   {"model", "skipgram, minCount 5, seed 1, 1 thread"}};
  return j;
}

}  // namespace finetune
