// libFuzzer target: the bytes as a safetensors checkpoint, read by
// finetune::load_safetensors as the fine-tuner reads pretrained.safetensors.
// Contract: reader_fuzzing.hpp; a clean parse must hold exactly the values its
// shapes promise, all finite.

#include <cmath>

#include "reader_fuzzing.hpp"
#include "safetensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path =
      reader_fuzzing::write_file("model.safetensors", reader_fuzzing::as_text(data, size));
  reader_fuzzing::expect_clean_or_named_error("fuzz_read_safetensors", {path}, [&] {
    const finetune::TensorFile f = finetune::load_safetensors(path);
    for (const auto& [name, t] : f.tensors) {
      std::size_t count = 1;
      for (auto s : t.shape)
        count *= static_cast<std::size_t>(s);
      if (count != t.data.size())
        reader_fuzzing::contract_violated("fuzz_read_safetensors", "shape != value count");
      for (float v : t.data)
        if (!std::isfinite(v))
          reader_fuzzing::contract_violated("fuzz_read_safetensors", "non-finite value accepted");
    }
  });
  return 0;
}
