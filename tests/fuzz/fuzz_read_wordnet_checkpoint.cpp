// libFuzzer target: the bytes as a WordNet trainer checkpoint, read by
// read_checkpoint as hyperbolic-wordnet-train --checkpoint reads it. Each input
// is read twice: as is, and with the header's payload size and FNV-1a checksum
// rewritten to match, so that the fuzzer reaches the payload parser rather than
// stopping at the checksum. Contract: reader_fuzzing.hpp.

#include <cstring>

#include "checkpoint_io.hpp"
#include "reader_fuzzing.hpp"

namespace {

void read_one(const std::string& bytes) {
  namespace wt = hyperbolic::wordnet_train;
  const std::string path = reader_fuzzing::write_file("run.ckpt", bytes);
  reader_fuzzing::expect_clean_or_named_error("fuzz_read_wordnet_checkpoint", {path}, [&] {
    const wt::Checkpoint ck = wt::read_checkpoint(path);
    if (ck.embedding.size() != ck.node_count * ck.config.row_size())
      reader_fuzzing::contract_violated("fuzz_read_wordnet_checkpoint",
                                        "embedding size != nodes x row size");
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reader_fuzzing::as_text(data, size));
  read_one(bytes);
  constexpr std::size_t header = 32;
  if (bytes.size() >= header) {
    std::memcpy(bytes.data(), hyperbolic::wordnet_train::checkpoint_magic, 8);
    const std::uint64_t payload = bytes.size() - header;
    const std::uint64_t sum = hyperbolic::wordnet_train::fnv1a(bytes.data() + header, payload);
    std::memcpy(bytes.data() + 16, &payload, 8);
    std::memcpy(bytes.data() + 24, &sum, 8);
    read_one(bytes);
  }
  return 0;
}
