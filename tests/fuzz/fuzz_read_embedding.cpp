// libFuzzer target: the bytes as a trainer embedding (.emb), read by
// read_embedding_binary as hyperbolic-wordnet-ranks reads --embedding. Besides
// the contract in reader_fuzzing.hpp, a clean parse must be self-consistent.

#include "checkpoint_io.hpp"
#include "reader_fuzzing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path =
      reader_fuzzing::write_file("run.emb", reader_fuzzing::as_text(data, size));
  reader_fuzzing::expect_clean_or_named_error("fuzz_read_embedding", {path}, [&] {
    const auto e = hyperbolic::wordnet_train::read_embedding_binary(path);
    if (e.x.size() != e.names.size() * e.row_size)
      reader_fuzzing::contract_violated("fuzz_read_embedding", "row count != name count");
  });
  return 0;
}
