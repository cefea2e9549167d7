// libFuzzer target: the bytes as a WordNet dictionary folder (data.noun, then a
// NUL byte, then index.noun), read by graph::wordnet::read_nouns as the WordNet
// tools read --dict, then closed as they do (hypernym closure, mammal subtree).
// Contract: reader_fuzzing.hpp; the closures must not crash or hang on cycles.

#include <hyperbolic/graph/wordnet.hpp>
#include <hyperbolic/graph/wordnet_closure.hpp>

#include "reader_fuzzing.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = reader_fuzzing::as_text(data, size);
  const std::size_t split = bytes.find('\0');
  const std::string_view data_noun = bytes.substr(0, split);
  const std::string_view index_noun =
      split == std::string_view::npos ? std::string_view{} : bytes.substr(split + 1);
  const std::string data_path = reader_fuzzing::write_file("data.noun", data_noun);
  reader_fuzzing::write_file("index.noun", index_noun);
  const std::string dir = reader_fuzzing::scratch_dir().string();
  namespace wn = hyperbolic::graph::wordnet;
  wn::Nouns nouns;
  bool parsed = false;
  reader_fuzzing::expect_clean_or_named_error("fuzz_read_wordnet", {"data.noun", "index.noun"},
                                              [&] {
                                                nouns = wn::read_nouns(dir);
                                                parsed = true;
                                              });
  if (!parsed) return 0;
  for (const auto& s : nouns.synsets)
    for (auto p : s.hypernyms)
      if (p >= nouns.synsets.size())
        reader_fuzzing::contract_violated("fuzz_read_wordnet", "hypernym out of range");
  const auto every = wn::hypernym_closure(nouns);
  const auto leading = wn::hypernym_closure(nouns, wn::InstanceHypernyms::leading_only);
  if (nouns.find("mammal.n.01")) {
    try {
      (void)wn::mammal_closure(every);
    } catch (const std::exception&) {
      // A subtree that cannot be cut is a clean refusal; only crashes count here.
    }
  }
  (void)leading;
  return 0;
}
