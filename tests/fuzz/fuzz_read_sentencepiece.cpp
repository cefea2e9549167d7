// libFuzzer target: the bytes as a SentencePiece .model file, loaded by
// text::SentencePieceTokenizer as the tokenizers and the fine-tuner load one,
// then used to encode and decode a short text. Contract: reader_fuzzing.hpp.
// (libsentencepiece itself is not instrumented; the target checks our wrapper
// and whatever of the library's parser ASan can see.)

#include <hyperbolic/text/sentencepiece_tokenizer.hpp>

#include "reader_fuzzing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path =
      reader_fuzzing::write_file("tok.model", reader_fuzzing::as_text(data, size));
  reader_fuzzing::expect_clean_or_named_error("fuzz_read_sentencepiece", {path}, [&] {
    const hyperbolic::text::SentencePieceTokenizer t(path);
    try {
      const auto ids = t.encode_ids("hello world");
      (void)t.decode_ids(ids);
    } catch (const std::exception&) {
      // A model that cannot encode refuses with a message: not a crash.
    }
  });
  return 0;
}
