// libFuzzer target: the bytes as fastText's text word vectors (.vec), read by
// finetune::read_word_vectors as the fine-tuner's analysis reads them.
// Contract: reader_fuzzing.hpp.

#include "reader_fuzzing.hpp"
#include "word_vectors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path =
      reader_fuzzing::write_file("words.vec", reader_fuzzing::as_text(data, size));
  reader_fuzzing::expect_clean_or_named_error("fuzz_read_word_vectors", {path}, [&] {
    const auto wv = finetune::read_word_vectors(path);
    if (wv.table.size() != wv.words.size() * wv.dim)
      reader_fuzzing::contract_violated("fuzz_read_word_vectors", "table != words x dim");
  });
  return 0;
}
