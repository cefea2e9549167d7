#pragma once
// The data of the example, all from Debian's wordnet-base:
//  - the pretraining corpus: every gloss of data.{noun,verb,adj,adv} (the text
//    after " | "), minus the glosses of the test-split noun synsets;
//  - the instruction task: for a noun synset with a direct hypernym, the
//    prompt "<lemma>: <definition> ; is a kind of" and the answer "<hypernym lemma>"
//    (task "hypernym") or its lexicographer class, e.g. "animal" (task
//    "lexname"). Split by synset offset (a fixed hash): 80% train, 10%
//    validation, 10% test.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include <hyperbolic/graph/wordnet.hpp>

namespace finetune {

enum class Split { train, validation, test };

// A fixed hash of the synset offset (splitmix64), so the split does not
// depend on the file order or the platform.
inline Split split_of(std::uint32_t offset) {
  std::uint64_t z = offset + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  const auto bucket = z % 10;
  return bucket == 0 ? Split::test : bucket == 1 ? Split::validation : Split::train;
}

struct Gloss {
  char pos = 'n';
  std::uint32_t offset = 0;
  int lex_file = 0;
  std::string text;
};

inline std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// All glosses of one data.<pos> file.
inline std::vector<Gloss> read_glosses(const std::string& dir, const std::string& pos_name) {
  const std::string path = dir + "/data." + pos_name;
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("missing WordNet file '" + path +
                             "' (install wordnet-base or pass --wordnet-dir)");
  std::vector<Gloss> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == ' ') continue;  // license header
    const auto bar = line.find(" | ");
    if (bar == std::string::npos) continue;
    Gloss g;
    g.pos = pos_name[0];
    g.offset = static_cast<std::uint32_t>(std::stoul(line.substr(0, 8)));
    g.lex_file = std::stoi(line.substr(9, 2));
    g.text = trim(line.substr(bar + 3));
    out.push_back(std::move(g));
  }
  if (out.empty()) throw std::runtime_error("WordNet file '" + path + "' has no glosses");
  return out;
}

// The definition part of a gloss: before the first "; \"" example.
inline std::string definition_of(const std::string& gloss) {
  const auto cut = gloss.find("; \"");
  return trim(cut == std::string::npos ? gloss : gloss.substr(0, cut));
}

inline std::string lemma_text(std::string lemma) {
  for (char& ch : lemma)
    if (ch == '_') ch = ' ';
  const auto paren =
      lemma.find('(');  // adjective markers like "(a)" never occur for nouns, but be safe
  return trim(paren == std::string::npos ? lemma : lemma.substr(0, paren));
}

inline const char* noun_lexname(int lex_file) {
  static const char* names[] = {
      "tops",          "act",    "animal",     "artifact",  "attribute",  "body",     "cognition",
      "communication", "event",  "feeling",    "food",      "group",      "location", "motive",
      "object",        "person", "phenomenon", "plant",     "possession", "process",  "quantity",
      "relation",      "shape",  "state",      "substance", "time"};
  return lex_file >= 3 && lex_file <= 28 ? names[lex_file - 3] : "unknown";
}

// Ends every prompt; made of words the glosses use, so the tokenizer knows them.
inline std::string answer_marker(const std::string& task) {
  return task == "lexname" ? " ; category:" : " ; is a kind of";
}

struct TaskExample {
  std::uint32_t offset = 0;
  std::string prompt, answer;
  Split split = Split::train;
};

struct Corpus {
  std::vector<std::string> train_text, validation_text;  // pretraining lines
  std::vector<TaskExample> examples;                     // the instruction task
};

inline Corpus build_corpus(const std::string& dir, const std::string& task) {
  if (!std::filesystem::is_directory(dir))
    throw std::runtime_error("WordNet directory '" + dir +
                             "' does not exist (install wordnet-base)");
  Corpus c;
  const auto nouns = hyperbolic::graph::wordnet::read_nouns(dir);
  std::unordered_map<std::uint32_t, const Gloss*> noun_gloss;
  std::vector<std::vector<Gloss>> all;
  for (const char* pos : {"noun", "verb", "adj", "adv"})
    all.push_back(read_glosses(dir, pos));
  for (const auto& g : all[0])
    noun_gloss[g.offset] = &g;
  for (const auto& file : all)
    for (const auto& g : file) {
      const Split s = split_of(g.offset * 4 +
                               std::uint32_t(g.pos));  // pos-specific: offsets repeat across files
      const bool held_out_noun = g.pos == 'n' && split_of(g.offset) == Split::test;
      if (held_out_noun) continue;  // test definitions are never seen in pretraining
      (s == Split::validation ? c.validation_text : c.train_text).push_back(g.text);
    }
  for (const auto& s : nouns.synsets) {
    if (s.hypernyms.empty() || s.lemmas.empty()) continue;
    const auto it = noun_gloss.find(s.offset);
    if (it == noun_gloss.end()) continue;
    TaskExample e;
    e.offset = s.offset;
    e.split = split_of(s.offset);
    e.prompt =
        lemma_text(s.lemmas[0]) + ": " + definition_of(it->second->text) + answer_marker(task);
    if (task == "lexname")
      e.answer = noun_lexname(it->second->lex_file);
    else
      e.answer = lemma_text(nouns.synsets[s.hypernyms[0]].lemmas[0]);
    c.examples.push_back(std::move(e));
  }
  return c;
}

}  // namespace finetune
