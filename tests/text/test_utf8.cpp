// The UTF-8 validator (Unicode Table 3-7) and the file check the token counter runs first.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "hyperbolic/text/token_counter.hpp"
#include "hyperbolic/text/utf8.hpp"
#include "hyperbolic/text/word_tokenizer.hpp"

using namespace hyperbolic::text;
using namespace std::string_literals;

namespace {

// The offset and reason of the first problem; offset -1 when the text is valid.
std::pair<long, std::string> problem(std::string_view s) {
  const auto p = find_invalid_utf8(s);
  return p ? std::pair{static_cast<long>(p->offset), std::string(p->reason)}
           : std::pair{-1L, std::string()};
}

std::string encoded(char32_t cp) {
  std::string s;
  append_utf8(s, cp);
  return s;
}

}  // namespace

TEST_CASE("utf8: valid sequences of 1 to 4 bytes and the boundaries between them") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ASCII text, longer than eight bytes"));
  for (char32_t cp : {0x00u, 0x7Fu, 0x80u, 0x7FFu, 0x800u, 0xD7FFu, 0xE000u, 0xFFFDu, 0xFFFFu,
                      0x10000u, 0x10FFFFu}) {
    CAPTURE(static_cast<unsigned>(cp));
    const std::string s = encoded(cp);
    CHECK(s.size() == (cp < 0x80 ? 1u : cp < 0x800 ? 2u : cp < 0x10000 ? 3u : 4u));
    CHECK(is_valid_utf8(s));
    CHECK(utf8_sequence_length(s, 0) == s.size());
    CHECK(decode_utf8(s) == std::vector<char32_t>{cp});
  }
  CHECK(is_valid_utf8("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z"));  // é € 😀
}

TEST_CASE("utf8: every class of bad sequence, with its offset") {
  // overlong forms: C0/C1 leads, E0 below A0, F0 below 90
  CHECK(problem("ab\xC0\xAF") == std::pair{2L, "byte C0 or C1 (an overlong 2-byte form)"s});
  CHECK(problem("\xC1\xBF").first == 0);
  CHECK(problem("x\xE0\x9F\xBF") == std::pair{1L, "an overlong form"s});
  CHECK(problem("\xF0\x8F\xBF\xBF") == std::pair{0L, "an overlong form"s});
  // surrogates U+D800..U+DFFF (ED A0..BF xx); U+D7FF and U+E000 next to them are fine
  CHECK(problem("ok \xED\xA0\x80") == std::pair{3L, "a surrogate (U+D800..U+DFFF)"s});
  CHECK(problem("\xED\xBF\xBF").second == "a surrogate (U+D800..U+DFFF)");
  // above U+10FFFF: F4 90.. and the leads F5..FF
  CHECK(problem("\xF4\x90\x80\x80") == std::pair{0L, "a code point above U+10FFFF"s});
  for (unsigned b = 0xF5; b <= 0xFF; ++b)
    CHECK(problem(std::string(1, static_cast<char>(b)) + "\x80\x80\x80") ==
          std::pair{0L, "byte F5..FF (never in UTF-8)"s});
  // a continuation byte without a lead
  CHECK(problem("abc\x80") == std::pair{3L, "a continuation byte (80..BF) without a lead byte"s});
  // truncated: by the end, or by a byte that does not continue the sequence
  CHECK(problem("\xE2\x82") == std::pair{0L, "a sequence cut short by the end"s});
  CHECK(find_invalid_utf8("\xF0\x9F\x98")->truncated_at_end);
  CHECK(problem("\xE2\x82 x") ==
        std::pair{0L, "a sequence cut short by a byte that does not continue it"s});
  CHECK_FALSE(find_invalid_utf8("\xC3(")->truncated_at_end);
  // the bytes a message shows: the sequence, not what follows it
  CHECK(find_invalid_utf8("\xE2\x82 x")->length == 2);
  CHECK(find_invalid_utf8("\xED\xA0\x80 x")->length == 3);
  CHECK(find_invalid_utf8("\xFF x")->length == 1);
  // a bad byte after a run of ASCII longer than the eight-byte fast path
  CHECK(problem("0123456789abcdef\xFF").first == 16);
}

TEST_CASE("utf8: the helpers built on the validator agree with it") {
  CHECK(utf8_sequence_length("\xED\xA0\x80", 0) == 0);  // surrogate
  CHECK(utf8_sequence_length("\xC0\x80", 0) == 0);      // overlong NUL
  CHECK_THROWS_AS(decode_utf8("\xED\xA0\x80"), std::invalid_argument);
  // printable_utf8 escapes what a JSON writer would refuse (a surrogate used to pass through)
  CHECK(printable_utf8("a\xED\xA0\x80") == "a\\xED\\xA0\\x80");
  CHECK(printable_utf8("\xF4\x90\x80\x80") == "\\xF4\\x90\\x80\\x80");
  // control characters are escaped: a NUL would cut an exception's message short
  CHECK(printable_utf8(std::string_view("a\0b\n\x7F", 5)) == "a\\x00b\\x0A\\x7F");
  CHECK(printable_utf8("caf\xC3\xA9 \xE2\x96\x81") == "caf\xC3\xA9 \xE2\x96\x81");
}

TEST_CASE("utf8: a file is checked across read blocks, with the file offset in the message") {
  const auto dir = std::filesystem::temp_directory_path() / "hyperbolic_test_utf8";
  std::filesystem::create_directories(dir);
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name, std::ios::binary) << text;
    return dir / name;
  };
  // A 4-byte sequence straddling the 1 MiB block boundary is valid.
  const std::string pad((1u << 20) - 2, 'a');
  CHECK_NOTHROW(require_valid_utf8_file(write("straddle.txt", pad + "\xF0\x9F\x98\x80 end")));
  // A surrogate after it is reported at its offset in the file.
  const auto bad = write("surrogate.txt", pad + "\xF0\x9F\x98\x80 \xED\xA0\x80");
  std::string message;
  try {
    require_valid_utf8_file(bad);
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  CHECK(message.find("surrogate.txt' is not valid UTF-8 at byte " + std::to_string(pad.size() + 5) +
                     ": a surrogate") != std::string::npos);
  CHECK(message.find("bytes ED A0 80, well-formed") != std::string::npos);
  // A file cut inside a sequence.
  CHECK_THROWS_WITH_AS(
      require_valid_utf8_file(write("cut.txt", "ab\xE2\x82")),
      doctest::Contains("at byte 2: a sequence cut short by the end, bytes E2 82,"),
      std::runtime_error);
  // The counter refuses before counting, unless told the files were checked.
  const WordTokenizer words;
  CHECK_THROWS_WITH_AS(count_tokens({bad}, words), doctest::Contains("surrogate.txt"),
                       std::runtime_error);
  std::filesystem::remove_all(dir);
}
