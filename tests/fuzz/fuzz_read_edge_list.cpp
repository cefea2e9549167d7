// libFuzzer target: the bytes as a child<TAB>parent edge-list file, read the way
// hyperbolic-wordnet-train --data FILE and hyperbolic-wordnet-data split -i FILE
// read it (graph::read_edge_list_tsv). Contract: reader_fuzzing.hpp.

#include <hyperbolic/graph/edge_list.hpp>

#include "reader_fuzzing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path =
      reader_fuzzing::write_file("edges.tsv", reader_fuzzing::as_text(data, size));
  reader_fuzzing::expect_clean_or_named_error("fuzz_read_edge_list", {path}, [&] {
    const auto g = hyperbolic::graph::read_edge_list_tsv(path);
    // Every edge must refer to a node that was read.
    for (const auto& e : g.edges)
      if (e.from >= g.node_count() || e.to >= g.node_count())
        reader_fuzzing::contract_violated("fuzz_read_edge_list", "edge to an unknown node id");
  });
  return 0;
}
