#pragma once
// The WordNet side of the example, all from Debian's wordnet-base:
//  - noun items: every noun synset with a direct hypernym (`@`), its first
//    lemma, definition, lexicographer class, depth below the root and first
//    hypernym (the answer of the hypernym tasks);
//  - a train / validation / test split of the items by synset, stratified by
//    lexicographer class, from a seeded shuffle (so every class is in every
//    split, and the order of data.noun — grouped by class — plays no part);
//  - multiple-choice candidates: the gold hypernym and k distractors of the
//    same depth and class (construction below);
//  - the pretraining glosses: every gloss of data.{noun,verb,adj,adv} except
//    those of validation and test noun synsets.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <queue>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <hyperbolic/graph/wordnet.hpp>

namespace finetune {

enum class Split { train, validation, test };
enum class Task { hypernym, lexname };

// splitmix64: a platform-independent hash / random stream (std::shuffle and
// the std distributions are implementation-defined).
inline std::uint64_t splitmix64(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
struct SplitMix {
  std::uint64_t state;
  std::uint64_t next() { return splitmix64(state++); }
  std::size_t below(std::size_t n) { return n ? static_cast<std::size_t>(next() % n) : 0; }
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }
};
template <class V>
void seeded_shuffle(V& v, std::uint64_t seed) {
  SplitMix r{seed};
  for (std::size_t i = v.size(); i > 1; --i)
    std::swap(v[i - 1], v[r.below(i)]);
}

inline std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

struct Gloss {
  char pos = 'n';
  std::uint32_t offset = 0;
  int lex_file = 0;
  std::string text;
};

// All glosses of one data.<pos> file.
inline std::vector<Gloss> read_glosses(const std::string& dir, const std::string& pos_name) {
  const std::string path = dir + "/data." + pos_name;
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("missing WordNet file '" + path +
                             "' (install wordnet-base or pass --wordnet-dir)");
  std::vector<Gloss> out;
  std::string line;
  long number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == ' ') continue;  // license header
    const auto bar = line.find(" | ");
    if (bar == std::string::npos) continue;
    Gloss g;
    g.pos = pos_name[0];
    try {
      g.offset = static_cast<std::uint32_t>(std::stoul(line.substr(0, 8)));
      g.lex_file = std::stoi(line.substr(9, 2));
    } catch (const std::exception&) {
      throw std::runtime_error("WordNet file '" + path + "' line " + std::to_string(number) +
                               ": malformed synset line");
    }
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
  const auto paren = lemma.find('(');  // adjective markers such as "(a)"; never on nouns
  return trim(paren == std::string::npos ? lemma : lemma.substr(0, paren));
}

inline constexpr int lexname_count = 26;
// Noun lexicographer files 03..28 (noun.Tops .. noun.time), as class index 0..25.
inline const char* lexname_of_class(int cls) {
  static const char* names[lexname_count] = {
      "tops",          "act",    "animal",     "artifact",  "attribute",  "body",     "cognition",
      "communication", "event",  "feeling",    "food",      "group",      "location", "motive",
      "object",        "person", "phenomenon", "plant",     "possession", "process",  "quantity",
      "relation",      "shape",  "state",      "substance", "time"};
  return cls >= 0 && cls < lexname_count ? names[cls] : "unknown";
}

// Ends every prompt; made of words the glosses use, so the tokenizer knows them.
inline const char* answer_marker(Task t) {
  return t == Task::lexname ? " ; category:" : " ; is a kind of";
}
inline const char* task_name(Task t) {
  return t == Task::lexname ? "lexname" : "hypernym";
}

struct NounItem {
  std::uint32_t offset = 0;
  std::size_t node = 0;  // index into Nouns::synsets
  std::string lemma, definition;
  int lexname = 0;           // class index 0..25
  int depth = 0;             // shortest hypernym path to a root (entity: 0)
  std::size_t hypernym = 0;  // node of the first direct hypernym
  std::string answer;        // its first lemma
  Split split = Split::train;
  std::vector<std::string> choices;  // multiple choice: gold first, then distractors
  int distractor_widening = 0;       // 0: same depth and class; see make_choices

  std::string prompt(Task t) const { return lemma + ": " + definition + answer_marker(t); }
  std::string target(Task t) const {
    return t == Task::lexname ? lexname_of_class(lexname) : answer;
  }
};

struct SplitFractions {
  double validation = 0.1, test = 0.1;
};

struct WordNetData {
  std::vector<NounItem> items;
  std::vector<std::string> train_text, validation_text;  // pretraining glosses
  std::vector<std::string> held_out_definitions;         // validation + test noun definitions
  std::size_t choices_per_item = 0;
  std::map<int, std::size_t> widening_counts;  // how far make_choices had to widen
};

namespace detail {

// Shortest distance from a root along hyponym edges (hypernyms and instance
// hypernyms both count as parents).
inline std::vector<int> depths(const hyperbolic::graph::wordnet::Nouns& n) {
  const std::size_t count = n.synsets.size();
  std::vector<std::vector<std::size_t>> children(count);
  std::vector<int> depth(count, -1);
  std::queue<std::size_t> q;
  for (std::size_t i = 0; i < count; ++i) {
    const auto& s = n.synsets[i];
    for (auto p : s.hypernyms)
      children[p].push_back(i);
    for (auto p : s.instance_hypernyms)
      children[p].push_back(i);
    if (s.hypernyms.empty() && s.instance_hypernyms.empty()) {
      depth[i] = 0;
      q.push(i);
    }
  }
  while (!q.empty()) {
    const auto u = q.front();
    q.pop();
    for (auto v : children[u])
      if (depth[v] < 0) depth[v] = depth[u] + 1, q.push(v);
  }
  return depth;
}

inline void ancestors(const hyperbolic::graph::wordnet::Nouns& n, std::size_t node,
                      std::unordered_set<std::size_t>& out) {
  std::vector<std::size_t> stack{node};
  while (!stack.empty()) {
    const auto u = stack.back();
    stack.pop_back();
    for (auto p : n.synsets[u].hypernyms)
      if (out.insert(p).second) stack.push_back(p);
    for (auto p : n.synsets[u].instance_hypernyms)
      if (out.insert(p).second) stack.push_back(p);
  }
}

}  // namespace detail

// Multiple-choice candidates for every item: the gold hypernym and k
// distractors. The candidate pool is every synset that is some item's first
// hypernym (so distractors are, like the gold, inner nodes that serve as
// answers), keyed by (depth, class). Distractors are drawn without replacement
// with probability proportional to how many items have the candidate as their
// answer (over all splits: a fact of the WordNet graph), so they are as
// frequent as answers as golds are, and a frequency prior cannot pick the gold
// (with uniform draws the most frequent candidate was the gold for 43% of
// items against 20% chance). Distractors for an item come from the gold's
// (depth, class) cell; a candidate is excluded when it is an ancestor
// of the item (then it would also be a correct "kind of"), the item itself,
// or shares its answer text with the gold or another chosen candidate. Where
// the cell has too few, the search widens to depth +-1, +-2, ... within the
// class, then to any class at the gold's depth (distractor_widening records
// the step: 0 same cell, w > 0 depth +-w, 100 any class). Random draws come
// from a stream seeded by (seed, item offset), so the candidates of an item do
// not depend on the order of the others.
inline void make_choices(const hyperbolic::graph::wordnet::Nouns& nouns,
                         const std::vector<int>& depth, const std::vector<int>& lexname_of_node,
                         std::vector<NounItem>& items, std::size_t k, std::uint64_t seed,
                         std::map<int, std::size_t>& widening_counts) {
  std::map<std::pair<int, int>, std::vector<std::size_t>> cells;  // (depth, class) -> nodes
  std::unordered_map<std::size_t, double> answer_count;           // node -> items answering it
  for (const auto& it : items)
    answer_count[it.hypernym] += 1;
  {
    std::vector<std::size_t> sorted;
    for (const auto& [node, n] : answer_count)
      sorted.push_back(node);
    std::sort(sorted.begin(), sorted.end());
    for (auto node : sorted)
      cells[{depth[node], lexname_of_node[node]}].push_back(node);
  }
  const auto answer_of = [&](std::size_t node) {
    return lemma_text(nouns.synsets[node].lemmas.at(0));
  };
  for (auto& it : items) {
    std::unordered_set<std::size_t> banned{it.node};
    detail::ancestors(nouns, it.node, banned);
    // Texts of the item's ancestors are banned too: a different synset that
    // shares an ancestor's lemma would read as a correct answer.
    std::unordered_set<std::string> texts{it.answer};
    for (auto a : banned)
      texts.insert(answer_of(a));
    it.choices = {it.answer};
    SplitMix rng{splitmix64(seed ^ (std::uint64_t(it.offset) << 20))};
    const int d = depth[it.hypernym], cls = lexname_of_node[it.hypernym];
    int widening = 0;
    const auto draw_from = [&](const std::vector<std::size_t>& nodes) {
      // Weighted sampling without replacement (Efraimidis & Spirakis): sort by
      // -log(u) / weight.
      std::vector<std::pair<double, std::size_t>> keyed;
      for (auto node : nodes)
        keyed.push_back({-std::log(1.0 - rng.uniform()) / answer_count.at(node), node});
      std::sort(keyed.begin(), keyed.end());
      for (const auto& [key, node] : keyed) {
        if (it.choices.size() > k) return;
        if (banned.count(node)) continue;
        const auto text = answer_of(node);
        if (!texts.insert(text).second) continue;
        it.choices.push_back(text);
      }
    };
    const auto cell = [&](int dd, int cc) -> const std::vector<std::size_t>& {
      static const std::vector<std::size_t> none;
      const auto f = cells.find({dd, cc});
      return f == cells.end() ? none : f->second;
    };
    draw_from(cell(d, cls));
    for (int w = 1; it.choices.size() <= k && w <= 20; ++w) {
      widening = w;
      draw_from(cell(d - w, cls));
      draw_from(cell(d + w, cls));
    }
    if (it.choices.size() <= k) {
      widening = 100;
      for (int c2 = 0; c2 < lexname_count && it.choices.size() <= k; ++c2)
        draw_from(cell(d, c2));
    }
    if (it.choices.size() <= k)
      throw std::runtime_error("multiple choice: cannot find " + std::to_string(k) +
                               " distractors for synset " + std::to_string(it.offset));
    it.distractor_widening = widening;
    ++widening_counts[widening];
  }
}

// Items, stratified split and candidates. seed drives the split and the
// distractors; k distractors per item.
inline WordNetData load_wordnet(const std::string& dir, std::uint64_t seed, std::size_t k,
                                SplitFractions fractions = {}) {
  if (!std::filesystem::is_directory(dir))
    throw std::runtime_error("WordNet directory '" + dir +
                             "' does not exist (install wordnet-base or pass --wordnet-dir)");
  WordNetData w;
  const auto nouns = hyperbolic::graph::wordnet::read_nouns(dir);
  std::vector<std::vector<Gloss>> all;
  for (const char* pos : {"noun", "verb", "adj", "adv"})
    all.push_back(read_glosses(dir, pos));
  std::unordered_map<std::uint32_t, const Gloss*> noun_gloss;
  for (const auto& g : all[0])
    noun_gloss[g.offset] = &g;
  const auto depth = detail::depths(nouns);
  std::vector<int> lexname_of_node(nouns.synsets.size(), -1);
  for (std::size_t i = 0; i < nouns.synsets.size(); ++i) {
    const auto g = noun_gloss.find(nouns.synsets[i].offset);
    if (g != noun_gloss.end()) lexname_of_node[i] = g->second->lex_file - 3;
  }
  for (std::size_t i = 0; i < nouns.synsets.size(); ++i) {
    const auto& s = nouns.synsets[i];
    if (s.hypernyms.empty() || s.lemmas.empty()) continue;
    const auto g = noun_gloss.find(s.offset);
    if (g == noun_gloss.end()) continue;
    NounItem it;
    it.offset = s.offset;
    it.node = i;
    it.lemma = lemma_text(s.lemmas[0]);
    it.definition = definition_of(g->second->text);
    it.lexname = g->second->lex_file - 3;
    if (it.lexname < 0 || it.lexname >= lexname_count)
      throw std::runtime_error("WordNet: synset " + std::to_string(s.offset) +
                               " has lexicographer file " + std::to_string(g->second->lex_file) +
                               ", not a noun file (03..28)");
    it.depth = depth[i];
    it.hypernym = s.hypernyms[0];
    it.answer = lemma_text(nouns.synsets[it.hypernym].lemmas.at(0));
    w.items.push_back(std::move(it));
  }
  // Stratified split: shuffle each class (items in offset order first, so the
  // result depends only on the seed), then test, validation, train.
  std::vector<std::vector<std::size_t>> by_class(lexname_count);
  for (std::size_t i = 0; i < w.items.size(); ++i)
    by_class[w.items[i].lexname].push_back(i);
  for (int cls = 0; cls < lexname_count; ++cls) {
    auto& v = by_class[cls];
    std::sort(v.begin(), v.end(),
              [&](std::size_t a, std::size_t b) { return w.items[a].offset < w.items[b].offset; });
    seeded_shuffle(v, splitmix64(seed * 7919 + cls));
    const auto n_test = std::size_t(double(v.size()) * fractions.test + 0.5);
    const auto n_val = std::size_t(double(v.size()) * fractions.validation + 0.5);
    for (std::size_t j = 0; j < v.size(); ++j)
      w.items[v[j]].split = j < n_test           ? Split::test
                            : j < n_test + n_val ? Split::validation
                                                 : Split::train;
  }
  w.choices_per_item = k + 1;
  make_choices(nouns, depth, lexname_of_node, w.items, k, seed, w.widening_counts);

  std::unordered_set<std::uint32_t> held_out;
  for (const auto& it : w.items)
    if (it.split != Split::train) {
      held_out.insert(it.offset);
      w.held_out_definitions.push_back(it.definition);
    }
  for (const auto& file : all)
    for (const auto& g : file) {
      if (g.pos == 'n' && held_out.count(g.offset)) continue;  // never seen in pretraining
      // Pretraining validation lines: a fixed hash of (offset, part of speech).
      const bool validation = splitmix64(g.offset * 4ull + std::uint64_t(g.pos)) % 10 == 1;
      (validation ? w.validation_text : w.train_text).push_back(g.text);
    }
  return w;
}

// Indices of the items of one split, and a seeded uniform sample of at most n of them.
inline std::vector<std::size_t> items_in(const WordNetData& w, Split s) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < w.items.size(); ++i)
    if (w.items[i].split == s) out.push_back(i);
  return out;
}
inline std::vector<std::size_t> seeded_sample(std::vector<std::size_t> v, std::size_t n,
                                              std::uint64_t seed) {
  if (v.size() <= n) return v;
  seeded_shuffle(v, seed);
  v.resize(n);
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace finetune
