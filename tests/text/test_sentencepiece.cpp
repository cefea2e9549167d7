// SentencePiece: train small models on a fixed corpus, load them, encode.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "hyperbolic/text/sentencepiece_tokenizer.hpp"

using namespace hyperbolic::text;
namespace fs = std::filesystem;

TEST_CASE("SentencePiece trains, loads and encodes") {
  const fs::path dir =
      fs::temp_directory_path() / ("hyperbolic-sp-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path corpus = dir / "corpus.txt";
  {
    std::ofstream out(corpus);
    for (int i = 0; i < 200; ++i)
      out << "the cat sat on the mat\nthe dog sat on the log\na cat and a dog\n";
  }
  const std::string marker = "\xE2\x96\x81";  // U+2581, SentencePiece's space mark

  SentencePieceTrainingOptions word_model;
  word_model.model_type = "word";
  word_model.vocabulary_size = 14;
  const auto word_path =
      train_sentencepiece({corpus.string()}, (dir / "word").string(), word_model);
  const SentencePieceTokenizer words(word_path);
  // A word model keeps each whitespace-delimited word as one piece.
  CHECK(words.tokens("the cat sat") ==
        std::vector<std::string>{marker + "the", marker + "cat", marker + "sat"});
  CHECK(words.name() == "sentencepiece");

  SentencePieceTrainingOptions unigram;
  unigram.vocabulary_size = 30;
  const auto unigram_path = train_sentencepiece({corpus.string()}, (dir / "uni").string(), unigram);
  const SentencePieceTokenizer pieces(unigram_path);
  CHECK(pieces.vocabulary_size() <= 30);
  // Pieces concatenate back to the text, with the space mark for spaces.
  std::string joined;
  for (const auto& p : pieces.tokens("the dog sat on a mat"))
    joined += p;
  CHECK(joined == marker + "the" + marker + "dog" + marker + "sat" + marker + "on" + marker + "a" +
                      marker + "mat");
  CHECK(pieces.encode_ids("the cat").size() >= 2);
  // decode_ids inverts encode_ids on covered text; bad ids are named.
  for (const char* text : {"the cat sat on the mat", "a dog and a cat", "the log"})
    CHECK(pieces.decode_ids(pieces.encode_ids(text)) == text);
  CHECK(pieces.decode_ids({}).empty());
  CHECK_THROWS_AS(pieces.decode_ids({0, -1}), std::out_of_range);
  CHECK_THROWS_AS(pieces.decode_ids({pieces.vocabulary_size()}), std::out_of_range);

  CHECK_THROWS_AS(SentencePieceTokenizer((dir / "missing.model").string()), std::runtime_error);
  CHECK_THROWS_AS(train_sentencepiece({}, (dir / "none").string()), std::invalid_argument);
  fs::remove_all(dir);
}
