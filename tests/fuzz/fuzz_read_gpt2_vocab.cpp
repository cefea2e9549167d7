// libFuzzer target: the bytes as GPT-2's encoder.json, then a NUL byte, then
// vocab.bpe, read by text::load_gpt2_tokenizer as hyperbolic-powerlaw reads
// them, then used to tokenize a short text. Contract: reader_fuzzing.hpp.

#include <hyperbolic/text/gpt2_bpe_tokenizer.hpp>

#include "reader_fuzzing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = reader_fuzzing::as_text(data, size);
  const std::size_t split = bytes.find('\0');
  const std::string encoder = reader_fuzzing::write_file("encoder.json", bytes.substr(0, split));
  const std::string merges = reader_fuzzing::write_file(
      "vocab.bpe", split == std::string_view::npos ? std::string_view{} : bytes.substr(split + 1));
  reader_fuzzing::expect_clean_or_named_error("fuzz_read_gpt2_vocab", {encoder, merges}, [&] {
    const auto t = hyperbolic::text::load_gpt2_tokenizer(encoder, merges);
    try {
      t.tokenize("hello world", [](std::string_view) {});
    } catch (const std::exception&) {
      // A vocabulary without a byte's token refuses to encode: not a crash.
    }
  });
  return 0;
}
