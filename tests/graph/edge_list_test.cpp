#include <doctest/doctest.h>

#include <unistd.h>
#include <filesystem>
#include <sstream>
#include <string>

#include "hyperbolic/graph/edge_list.hpp"

using namespace hyperbolic::graph;

TEST_CASE("edge list: parses child<TAB>parent lines, comments and blank lines") {
  const std::string text =
      "# a comment\n"
      "dog\tanimal\n"
      "\n"
      "cat\tanimal\r\n"
      "   \n"
      "animal\tentity";
  const EdgeList g = parse_edge_list_tsv(text, "toy.tsv");
  CHECK(g.names == std::vector<std::string>{"dog", "animal", "cat", "entity"});
  REQUIRE(g.edge_count() == 3);
  CHECK(g.edges[0] == Edge{0, 1});
  CHECK(g.edges[1] == Edge{2, 1});
  CHECK(g.edges[2] == Edge{1, 3});
}

TEST_CASE("edge list: malformed lines name file, line number and content") {
  CHECK_THROWS_WITH_AS(parse_edge_list_tsv("a\tb\n# c\nonly_one_column\n", "bad.tsv"),
                       doctest::Contains("bad.tsv:3:"), std::runtime_error);
  CHECK_THROWS_WITH_AS(parse_edge_list_tsv("a\tb\n# c\nonly_one_column\n", "bad.tsv"),
                       doctest::Contains("\"only_one_column\""), std::runtime_error);
  CHECK_THROWS_WITH_AS(parse_edge_list_tsv("a\tb\tc\n", "x.tsv"),
                       doctest::Contains("x.tsv:1: expected two tab-separated columns"),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(parse_edge_list_tsv("\tb\n", "x.tsv"), doctest::Contains("x.tsv:1:"),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(parse_edge_list_tsv("a\t\n", "x.tsv"), doctest::Contains("x.tsv:1:"),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(parse_edge_list_tsv("a b\n", "x.tsv"), doctest::Contains("\"a b\""),
                       std::runtime_error);
}

TEST_CASE("edge list: a missing file names the path") {
  CHECK_THROWS_WITH_AS(read_edge_list_tsv("/nonexistent/edges.tsv"),
                       doctest::Contains("/nonexistent/edges.tsv"), std::runtime_error);
}

TEST_CASE("edge list: TSV round trip through a file") {
  EdgeListBuilder builder;
  builder.add_edge("dog.n.01", "canine.n.02");
  builder.add_edge("canine.n.02", "carnivore.n.01");
  builder.add_edge("dog.n.01", "carnivore.n.01");
  const EdgeList g = std::move(builder).build();

  const auto path = std::filesystem::temp_directory_path() /
                    ("hyperbolic_edge_list_test_" + std::to_string(::getpid()) + ".tsv");
  write_edge_list_tsv(g, path.string());
  const EdgeList back = read_edge_list_tsv(path.string());
  std::filesystem::remove(path);
  CHECK(back.names == g.names);
  CHECK(back.edges == g.edges);

  std::ostringstream text;
  write_edge_list_tsv(g, text);
  CHECK(text.str() ==
        "dog.n.01\tcanine.n.02\ncanine.n.02\tcarnivore.n.01\ndog.n.01\tcarnivore.n.01\n");
}
