// A user's program against the installed hyperbolic::text alone: the regex pretokenizer (PCRE2),
// a SentencePiece processor, a JSON vocabulary header (nlohmann_json) and a power-law fit must
// compile and link with nothing but the component.
#include <hyperbolic/text/gpt2_bpe_tokenizer.hpp>
#include <hyperbolic/text/pcre2_pretokenizer.hpp>
#include <hyperbolic/text/power_law.hpp>
#include <hyperbolic/text/sentencepiece_tokenizer.hpp>
#include <hyperbolic/text/word_tokenizer.hpp>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

int main() {
  namespace text = hyperbolic::text;
  const text::RegexPretokenizer regex(text::kGpt2SplitPattern);
  std::vector<std::string> pieces;
  regex.split("Hello world, again", [&](std::string_view p) { pieces.emplace_back(p); });

  bool sentencepiece_refused = false;
  try {
    text::SentencePieceTokenizer missing("/nonexistent/model.spm");
  } catch (const std::exception&) {
    sentencepiece_refused = true;  // the library was linked and ran
  }

  const text::WordTokenizer words;
  const std::vector<std::string> tokens = words.tokens("a rose is a rose");
  std::vector<std::int64_t> counts;
  for (std::int64_t k = 1; k <= 200; ++k)
    counts.push_back(1000 / k);  // a Zipf-like tail
  const text::DiscretePowerLawFit fit = text::fit_discrete_power_law(counts);
  std::printf("%zu pieces, %zu words, alpha %.3f\n", pieces.size(), tokens.size(), fit.alpha);
  return pieces.size() == 4 && tokens.size() == 5 && sentencepiece_refused && fit.alpha > 1 ? 0 : 1;
}
