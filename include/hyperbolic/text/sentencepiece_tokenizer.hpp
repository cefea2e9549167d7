#pragma once
// SentencePiece (Kudo & Richardson 2018) through the C++ library of Debian's
// libsentencepiece-dev: load a trained .model, or train one (unigram or BPE)
// on a corpus. Needs -lsentencepiece (and -lsentencepiece_train to train).
// Pieces are lines: SentencePiece handles whitespace itself ("▁" marks it).

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "hyperbolic/text/tokenizer.hpp"

namespace hyperbolic::text {

class SentencePieceTokenizer final : public Tokenizer {
 public:
  explicit SentencePieceTokenizer(const std::string& model_path)
      : processor_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {
    sentencepiece::util::Status status;
    try {
      status = processor_->Load(model_path);
    } catch (const std::exception& e) {
      // The library's trie builder throws on some malformed models (an empty
      // piece) instead of returning a status.
      throw std::runtime_error("SentencePieceTokenizer: cannot load " + model_path + ": " +
                               e.what());
    }
    if (!status.ok())
      throw std::runtime_error("SentencePieceTokenizer: cannot load " + model_path + ": " +
                               status.ToString());
  }

  std::string name() const override { return "sentencepiece"; }

  void split(std::string_view text, const TokenSink& emit_piece) const override {
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      if (end > start) emit_piece(text.substr(start, end - start));
      start = end + 1;
    }
  }

  void encode_piece(std::string_view piece, const TokenSink& emit_token) const override {
    std::vector<std::string> pieces;
    const auto status = processor_->Encode(piece, &pieces);
    if (!status.ok()) throw std::runtime_error("SentencePieceTokenizer: " + status.ToString());
    for (const auto& p : pieces)
      emit_token(p);
  }

  std::vector<int> encode_ids(std::string_view text) const {
    std::vector<int> ids;
    const auto status = processor_->Encode(text, &ids);
    if (!status.ok()) throw std::runtime_error("SentencePieceTokenizer: " + status.ToString());
    return ids;
  }

  // Text of a sequence of ids (inverse of encode_ids for text the model covers).
  // An id outside [0, vocabulary_size()) is an error naming it.
  std::string decode_ids(const std::vector<int>& ids) const {
    for (std::size_t i = 0; i < ids.size(); ++i)
      if (ids[i] < 0 || ids[i] >= vocabulary_size())
        throw std::out_of_range("SentencePieceTokenizer::decode_ids: id " + std::to_string(ids[i]) +
                                " at position " + std::to_string(i) + " is outside [0, " +
                                std::to_string(vocabulary_size()) + ")");
    std::string text;
    const auto status = processor_->Decode(ids, &text);
    if (!status.ok()) throw std::runtime_error("SentencePieceTokenizer: " + status.ToString());
    return text;
  }

  int vocabulary_size() const { return processor_->GetPieceSize(); }

 private:
  std::unique_ptr<sentencepiece::SentencePieceProcessor> processor_;
};

struct SentencePieceTrainingOptions {
  int vocabulary_size = 8000;
  std::string model_type = "unigram";  // or "bpe", "word", "char"
  double character_coverage = 0.9995;
  std::size_t input_sentence_size = 1000000;  // lines sampled from the corpus
  std::size_t max_sentence_bytes = 1 << 16;   // longer lines are skipped by the trainer
};

// Trains a model on the text files `inputs`; writes <model_prefix>.model and
// .vocab and returns the .model path.
inline std::string train_sentencepiece(const std::vector<std::string>& inputs,
                                       const std::string& model_prefix,
                                       const SentencePieceTrainingOptions& options = {}) {
  if (inputs.empty()) throw std::invalid_argument("train_sentencepiece: no input files");
  std::string joined;
  for (const auto& f : inputs) {
    if (f.find(',') != std::string::npos)
      throw std::invalid_argument("train_sentencepiece: file name contains ',': " + f);
    if (!joined.empty()) joined += ',';
    joined += f;
  }
  const std::string args =
      "--input=" + joined + " --model_prefix=" + model_prefix +
      " --vocab_size=" + std::to_string(options.vocabulary_size) +
      " --model_type=" + options.model_type +
      " --character_coverage=" + std::to_string(options.character_coverage) +
      " --input_sentence_size=" + std::to_string(options.input_sentence_size) +
      " --max_sentence_length=" + std::to_string(options.max_sentence_bytes) +
      " --shuffle_input_sentence=true --hard_vocab_limit=false --minloglevel=2";
  const auto status = sentencepiece::SentencePieceTrainer::Train(args);
  if (!status.ok()) throw std::runtime_error("train_sentencepiece: " + status.ToString());
  return model_prefix + ".model";
}

}  // namespace hyperbolic::text
