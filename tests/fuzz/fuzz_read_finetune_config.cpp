// libFuzzer target: the bytes as the fine-tuner's --config JSON, read by
// finetune::load_config_file and then validated as main.cpp does. Contract:
// reader_fuzzing.hpp; a validation error (Config::validate) need not name the
// file, every error of the reading itself must.

#include "config.hpp"
#include "reader_fuzzing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path =
      reader_fuzzing::write_file("config.json", reader_fuzzing::as_text(data, size));
  finetune::Config c;
  bool read = false;
  reader_fuzzing::expect_clean_or_named_error("fuzz_read_finetune_config", {path}, [&] {
    finetune::load_config_file(c, path);
    read = true;
  });
  if (!read) return 0;
  try {
    c.validate();
  } catch (const std::exception&) {
    // Refused with a message: the contract holds.
  }
  return 0;
}
