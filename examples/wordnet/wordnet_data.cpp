// hyperbolic-wordnet-data: WordNet 3.0 noun hierarchy datasets as TSV edge lists
// (child<TAB>parent).
//
//   hyperbolic-wordnet-data counts                      print synset and edge counts
//   hyperbolic-wordnet-data nouns   -o nouns.tsv        the noun hypernym closure
//   hyperbolic-wordnet-data mammals -o mammals.tsv      the mammal subtree of the closure
//   hyperbolic-wordnet-data split   -i nouns.tsv --train train.tsv --test test.tsv
//                                                       a link-prediction split of any edge list
//
// Common options: --dict DIR (default /usr/share/wordnet), --instances every-level|leading-only.

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../common/cli_contract.hpp"
#include "hyperbolic/graph/edge_list.hpp"
#include "hyperbolic/graph/link_prediction.hpp"
#include "hyperbolic/graph/wordnet.hpp"
#include "hyperbolic/graph/wordnet_closure.hpp"
#include "hyperbolic/io/output_paths.hpp"
#include "hyperbolic/io/output_set.hpp"

namespace graph = hyperbolic::graph;
namespace wordnet = hyperbolic::graph::wordnet;
namespace io = hyperbolic::io;

namespace {

class Stopwatch {
 public:
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

struct DictionaryOptions {
  std::string dictionary = wordnet::default_dictionary_dir;
  wordnet::InstanceHypernyms instances = wordnet::InstanceHypernyms::every_level;
};

void add_dictionary_options(CLI::App& command, DictionaryOptions& options) {
  command
      .add_option("--dict", options.dictionary, "WordNet dictionary folder (data.noun, index.noun)")
      ->capture_default_str();
  const std::map<std::string, wordnet::InstanceHypernyms> rules = {
      {"every-level", wordnet::InstanceHypernyms::every_level},
      {"leading-only", wordnet::InstanceHypernyms::leading_only}};
  command
      .add_option("--instances", options.instances,
                  "instance hypernyms (@i): every-level = followed at every step (the paper's "
                  "743,241 edges); leading-only = only before the first plain hypernym (the "
                  "reference script's 743,086)")
      ->transform(CLI::CheckedTransformer(rules, CLI::ignore_case))
      ->default_str("every-level");
}

wordnet::Nouns load(const DictionaryOptions& options) {
  Stopwatch clock;
  wordnet::Nouns nouns = wordnet::read_nouns(options.dictionary);
  std::fprintf(stderr, "read %zu noun synsets from %s in %.2f s\n", nouns.synsets.size(),
               options.dictionary.c_str(), clock.seconds());
  return nouns;
}

// Adds `path` to `files`; nothing is on disk before files.commit().
void write(const graph::EdgeList& edges, const std::string& path, const char* what,
           io::OutputSet& files) {
  Stopwatch clock;
  std::ostringstream text;
  graph::write_edge_list_tsv(edges, text);
  files.write(path, text.str());
  std::printf("%s: %zu nodes, %zu edges -> %s (%.2f s)\n", what, edges.node_count(),
              edges.edge_count(), path.c_str(), clock.seconds());
}

// Nodes that appear in at least one edge (isolated synsets do not exist in WordNet 3.0 nouns,
// but a TSV has no way to list them, so report what the file holds).
std::size_t nodes_with_edges(const graph::EdgeList& g) {
  std::vector<char> used(g.node_count(), 0);
  for (const graph::Edge& e : g.edges)
    used[e.from] = used[e.to] = 1;
  std::size_t count = 0;
  for (char u : used)
    count += u;
  return count;
}

void print_counts(const DictionaryOptions& options) {
  const wordnet::Nouns nouns = load(options);
  std::printf("noun synsets                         %zu\n", nouns.synsets.size());
  std::printf("direct hypernym edges (@ and @i)     %zu\n", nouns.direct_hypernym_edge_count());
  for (auto [rule, label] : {std::pair{wordnet::InstanceHypernyms::every_level, "every-level "},
                             std::pair{wordnet::InstanceHypernyms::leading_only, "leading-only"}}) {
    Stopwatch clock;
    const graph::EdgeList closure = wordnet::hypernym_closure(nouns, rule);
    const double closure_seconds = clock.seconds();
    const graph::EdgeList mammals = wordnet::mammal_closure(closure);
    const graph::EdgeList all_mammals = wordnet::mammal_closure(closure, {});
    std::printf("closure, instances %s     %zu edges, %zu nodes (%.2f s)\n", label,
                closure.edge_count(), nodes_with_edges(closure), closure_seconds);
    std::printf("  mammals (reference filter)         %zu nodes, %zu edges\n", mammals.node_count(),
                mammals.edge_count());
    std::printf("  mammals (all descendants)          %zu nodes, %zu edges\n",
                all_mammals.node_count(), all_mammals.edge_count());
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"WordNet 3.0 noun hierarchy datasets (hypernym closure, mammal subtree) as TSV"};
  app.require_subcommand(1);

  DictionaryOptions counts_options;
  CLI::App* counts = app.add_subcommand("counts", "print synset and edge counts of both closures");
  add_dictionary_options(*counts, counts_options);

  DictionaryOptions nouns_options;
  std::string nouns_out;
  CLI::App* nouns = app.add_subcommand("nouns", "write the noun hypernym closure as TSV");
  add_dictionary_options(*nouns, nouns_options);
  nouns->add_option("-o,--out", nouns_out, "output TSV (child<TAB>parent)")->required();

  DictionaryOptions mammals_options;
  std::string mammals_out;
  bool keep_all_mammals = false;
  CLI::App* mammals = app.add_subcommand("mammals", "write the mammal subtree closure as TSV");
  add_dictionary_options(*mammals, mammals_options);
  mammals->add_option("-o,--out", mammals_out, "output TSV (child<TAB>parent)")->required();
  mammals->add_flag("--keep-all", keep_all_mammals,
                    "keep female_mammal.n.01 and tusker.n.01, which the reference dataset drops");

  std::string split_in, split_train, split_test;
  graph::EdgeSplitOptions split_options;
  CLI::App* split = app.add_subcommand(
      "split",
      "hold out edges of a TSV edge list for link prediction (only edges implied by "
      "the remaining ones)");
  split->add_option("-i,--in", split_in, "input TSV edge list")->required();
  split->add_option("--train", split_train, "output TSV of training edges")->required();
  split->add_option("--test", split_test, "output TSV of held-out edges")->required();
  split->add_option("--fraction", split_options.held_out_fraction, "fraction of edges held out")
      ->check(CLI::Range(0.0, 0.999999))
      ->capture_default_str();
  split->add_option("--seed", split_options.seed, "random seed")->capture_default_str();

  return hyperbolic::cli::run_main("hyperbolic-wordnet-data", app, argc, argv, [&]() -> int {
    io::OutputSet files;
    if (*counts) {
      print_counts(counts_options);
    } else if (*nouns) {
      io::check_output_paths({}, std::vector<io::NamedPath>{{"-o", nouns_out}});
      const wordnet::Nouns parsed = load(nouns_options);
      write(wordnet::hypernym_closure(parsed, nouns_options.instances), nouns_out, "noun closure",
            files);
    } else if (*mammals) {
      io::check_output_paths({}, std::vector<io::NamedPath>{{"-o", mammals_out}});
      const wordnet::Nouns parsed = load(mammals_options);
      const graph::EdgeList closure = wordnet::hypernym_closure(parsed, mammals_options.instances);
      write(keep_all_mammals ? wordnet::mammal_closure(closure, {})
                             : wordnet::mammal_closure(closure),
            mammals_out, "mammal closure", files);
    } else if (*split) {
      // CLI11's Range lets NaN through (every comparison with it is false).
      const double fraction = split_options.held_out_fraction;
      hyperbolic::cli::require_number("--fraction", fraction, fraction >= 0 && fraction < 1,
                                      "a fraction in [0, 1)");
      io::check_output_paths(
          std::vector<io::NamedPath>{{"-i", split_in}},
          std::vector<io::NamedPath>{{"--train", split_train}, {"--test", split_test}});
      const graph::EdgeList input = graph::read_edge_list_tsv(split_in);
      const graph::EdgeSplit parts = graph::split_edges(input, split_options);
      graph::EdgeList train{input.names, parts.train};
      graph::EdgeList test{input.names, parts.held_out};
      write(train, split_train, "training edges", files);
      write(test, split_test, "held-out edges", files);
    }
    files.commit();  // both halves of a split, or neither
    return 0;
  });
}
