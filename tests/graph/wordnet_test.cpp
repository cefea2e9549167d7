#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <utility>

#include "hyperbolic/graph/wordnet_closure.hpp"
#include "test_data.hpp"

using namespace hyperbolic::graph;
using hyperbolic::graph::testing::data_dir;

namespace {

std::set<std::pair<std::string, std::string>> named_edges(const EdgeList& g) {
  std::set<std::pair<std::string, std::string>> out;
  for (const Edge& e : g.edges)
    out.emplace(g.names[e.from], g.names[e.to]);
  return out;
}

std::set<std::string> parents_of(const EdgeList& g, const std::string& child) {
  std::set<std::string> out;
  for (const Edge& e : g.edges)
    if (g.names[e.from] == child) out.insert(g.names[e.to]);
  return out;
}

}  // namespace

TEST_CASE("wordnet: parses synsets, lemmas, pointers and names of a small wndb file") {
  const wordnet::Nouns nouns = wordnet::read_nouns(data_dir());
  REQUIRE(nouns.synsets.size() == 10);
  CHECK(nouns.direct_hypernym_edge_count() == 10);

  const wordnet::Synset& animal = nouns.at("animal.n.01");
  CHECK(animal.offset == 200);
  CHECK(animal.lemmas == std::vector<std::string>{"animal", "beast"});
  REQUIRE(animal.hypernyms.size() == 1);
  CHECK(nouns.synsets[animal.hypernyms[0]].name == "entity.n.01");

  // index.noun lists the person sense of "dog" first, so it is dog.n.01 although it comes later
  // in data.noun.
  CHECK(nouns.at("dog.n.01").offset == 700);
  CHECK(nouns.at("dog.n.02").offset == 400);
  CHECK(nouns.at("dog.n.02").hypernyms.size() == 2);

  // Names are lowercased; lemmas keep their case.
  const wordnet::Synset& einstein = nouns.at("einstein.n.01");
  CHECK(einstein.lemmas.front() == "Einstein");
  CHECK(einstein.hypernyms.empty());
  REQUIRE(einstein.instance_hypernyms.size() == 1);
  CHECK(nouns.synsets[einstein.instance_hypernyms[0]].name == "person.n.01");
  CHECK(nouns.find("rex_junior.n.01").has_value());
  CHECK_FALSE(nouns.find("cat.n.01").has_value());
  CHECK_THROWS_AS(nouns.at("cat.n.01"), std::out_of_range);
}

TEST_CASE("wordnet: closure following instance hypernyms at every level") {
  const auto nouns = wordnet::read_nouns(data_dir());
  const EdgeList closure =
      wordnet::hypernym_closure(nouns, wordnet::InstanceHypernyms::every_level);
  CHECK(closure.node_count() == 10);
  CHECK(closure.edge_count() == 25);
  CHECK(named_edges(closure).size() == 25);  // no duplicates
  for (const Edge& e : closure.edges)
    CHECK(e.from != e.to);  // no reflexive edges
  CHECK(parents_of(closure, "entity.n.01").empty());
  CHECK(parents_of(closure, "dog.n.02") ==
        std::set<std::string>{"animal.n.01", "pet.n.01", "entity.n.01"});
  CHECK(parents_of(closure, "rex_junior.n.01") ==
        std::set<std::string>{"rex.n.01", "dog.n.02", "animal.n.01", "pet.n.01", "entity.n.01"});
  CHECK(parents_of(closure, "mascot.n.01") ==
        std::set<std::string>{"rex.n.01", "dog.n.02", "animal.n.01", "pet.n.01", "entity.n.01"});
  CHECK(std::is_sorted(closure.edges.begin(), closure.edges.end()));
}

TEST_CASE("wordnet: closure following instance hypernyms only before plain hypernyms") {
  const auto nouns = wordnet::read_nouns(data_dir());
  const EdgeList closure =
      wordnet::hypernym_closure(nouns, wordnet::InstanceHypernyms::leading_only);
  CHECK(closure.edge_count() == 21);
  // A chain of instance pointers is still followed (as NLTK's closure over instance_hypernyms).
  CHECK(parents_of(closure, "rex_junior.n.01") ==
        std::set<std::string>{"rex.n.01", "dog.n.02", "animal.n.01", "pet.n.01", "entity.n.01"});
  // ...but not an instance pointer after a plain hypernym.
  CHECK(parents_of(closure, "mascot.n.01") == std::set<std::string>{"rex.n.01"});
  CHECK(parents_of(closure, "einstein.n.01") ==
        std::set<std::string>{"person.n.01", "entity.n.01"});
}

TEST_CASE("wordnet: direct hypernym graph") {
  const auto nouns = wordnet::read_nouns(data_dir());
  const EdgeList direct = wordnet::direct_hypernyms(nouns);
  CHECK(direct.edge_count() == 10);
  CHECK(named_edges(direct).contains({"rex_junior.n.01", "rex.n.01"}));
}

TEST_CASE("subtree_closure: descendants of a root with their edges, exclusions removed") {
  const auto nouns = wordnet::read_nouns(data_dir());
  const EdgeList closure = wordnet::hypernym_closure(nouns);
  const EdgeList animals = subtree_closure(closure, "animal.n.01");
  CHECK(animals.node_count() == 6);
  CHECK(animals.edge_count() == 14);
  CHECK(std::find(animals.names.begin(), animals.names.end(), "entity.n.01") ==
        animals.names.end());

  const EdgeList without_pets = subtree_closure(closure, "animal.n.01", {"pet.n.01"});
  CHECK(without_pets.node_count() == 5);
  CHECK(without_pets.edge_count() == 9);

  CHECK_THROWS_WITH_AS(subtree_closure(closure, "cat.n.01"), doctest::Contains("cat.n.01"),
                       std::invalid_argument);
}

TEST_CASE("wordnet: clear errors for a missing directory and malformed lines") {
  CHECK_THROWS_WITH_AS(wordnet::read_nouns("/nonexistent/wordnet"),
                       doctest::Contains("/nonexistent/wordnet/data.noun"), std::runtime_error);

  const std::string index = "entity n 1 0 1 0 00000100  \n";
  CHECK_NOTHROW(wordnet::parse_nouns("00000100 03 n 01 entity 0 000 | root  \n", index));
  // Bad word count (not hex), on line 2.
  CHECK_THROWS_WITH_AS(
      wordnet::parse_nouns("  license\n00000100 03 n zz entity 0 000 | root\n", index),
      doctest::Contains("data.noun:2: bad w_cnt 'zz'"), std::runtime_error);
  // Truncated pointer list.
  CHECK_THROWS_WITH_AS(
      wordnet::parse_nouns("00000100 03 n 01 entity 0 001 @ 00000200 | x\n", index),
      doctest::Contains("missing pointer pos"), std::runtime_error);
  // Pointer to a synset that does not exist.
  CHECK_THROWS_WITH_AS(
      wordnet::parse_nouns("00000100 03 n 01 entity 0 001 @ 00000200 n 0000 | x\n", index),
      doctest::Contains("unknown noun synset offset 200"), std::runtime_error);
  // Lemma missing from the index: the synset cannot be named.
  CHECK_THROWS_WITH_AS(wordnet::parse_nouns("00000100 03 n 01 thing 0 000 | x\n", index),
                       doctest::Contains("'thing'"), std::runtime_error);
}

TEST_CASE("wordnet: counts of WordNet 3.0 (Debian wordnet-base)") {
  const std::string dir = wordnet::default_dictionary_dir;
  if (!std::filesystem::exists(dir + "/data.noun") ||
      !std::filesystem::exists(dir + "/index.noun")) {
    MESSAGE("skipped: " << dir << "/data.noun not installed (apt install wordnet-base)");
    return;
  }
  const wordnet::Nouns nouns = wordnet::read_nouns(dir);
  CHECK(nouns.synsets.size() == 82115);
  CHECK(nouns.direct_hypernym_edge_count() == 84427);
  CHECK(nouns.at("dog.n.01").lemmas.front() == "dog");
  CHECK(nouns.at("mammal.n.01").lemmas.front() == "mammal");

  const EdgeList every_level = wordnet::hypernym_closure(nouns);
  CHECK(every_level.edge_count() == 743241);
  const EdgeList leading_only =
      wordnet::hypernym_closure(nouns, wordnet::InstanceHypernyms::leading_only);
  CHECK(leading_only.edge_count() == 743086);

  for (const EdgeList* closure : {&every_level, &leading_only}) {
    const EdgeList mammals = wordnet::mammal_closure(*closure);
    CHECK(mammals.node_count() == 1180);
    CHECK(mammals.edge_count() == 6540);
    const EdgeList all_mammals = wordnet::mammal_closure(*closure, {});
    CHECK(all_mammals.node_count() == 1182);
    CHECK(all_mammals.edge_count() == 6542);
  }
}

// Found by fuzz_read_wordnet (docs/reliability.md, "Fuzzing"): a damaged synset_cnt sized a
// vector before the offsets were read (16 GiB for 4294967295).
TEST_CASE("wordnet: an absurd synset_cnt in index.noun is refused naming the file and value") {
  const std::string data = "00000100 03 n 01 entity 0 000 | that which exists\n";
  const std::string index = "entity n 4294967295 0 1 0 00000100\n";
  try {
    (void)hyperbolic::graph::wordnet::parse_nouns(data, index, "d/data.noun", "d/index.noun");
    FAIL("accepted");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    CHECK(what.find("d/index.noun:1") != std::string::npos);
    CHECK(what.find("4294967295") != std::string::npos);
  }
}
