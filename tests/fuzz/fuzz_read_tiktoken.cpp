// libFuzzer target: the bytes as a tiktoken rank file ("base64 rank" lines),
// read by text::load_tiktoken_ranks as hyperbolic-powerlaw reads an encoding,
// then used to encode a short text. Contract: reader_fuzzing.hpp.

#include <hyperbolic/text/bpe_vocabulary.hpp>

#include "reader_fuzzing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path =
      reader_fuzzing::write_file("ranks.tiktoken", reader_fuzzing::as_text(data, size));
  reader_fuzzing::expect_clean_or_named_error("fuzz_read_tiktoken", {path}, [&] {
    const auto v = hyperbolic::text::load_tiktoken_ranks(path);
    std::vector<std::uint32_t> ids;
    try {
      v.encode("hello world", ids);
    } catch (const std::exception&) {
      // A vocabulary without a byte's token refuses to encode: not a crash.
    }
  });
  return 0;
}
