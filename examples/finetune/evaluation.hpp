#pragma once
// Encoding the WordNet items for the model, and scoring a model on them:
//   hypernym    exact match of greedy decoding against the first hypernym's lemma
//   lexname     exact match of greedy decoding against the class name (26 classes)
//   choice      multiple choice: the gold hypernym against k distractors, the
//               candidate whose answer tokens (and the end token) have the highest
//               total log-likelihood after the hypernym prompt wins
// plus the answers of the trivial baselines on the same items. Every score is
// kept per item, so runs can be compared item by item (paired tests).

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "data.hpp"
#include "pipeline.hpp"

namespace finetune {

struct EncodedItem {
  EncodedExample hypernym, lexname;
  std::vector<std::vector<int>> choices;  // answer tokens + eos of each candidate (gold first)
};

inline EncodedExample encode_example(const Tokenizer& tok, const NounItem& it, Task t,
                                     long max_prompt_tokens, long max_answer_tokens) {
  EncodedExample x;
  x.prompt = tok.encode(it.prompt(t));
  if (long(x.prompt.size()) > max_prompt_tokens) {  // keep the answer marker at the end
    const auto marker = tok.encode(answer_marker(t));
    x.prompt.resize(max_prompt_tokens - marker.size());
    x.prompt.insert(x.prompt.end(), marker.begin(), marker.end());
  }
  x.answer = tok.encode(it.target(t));
  if (long(x.answer.size()) > max_answer_tokens - 1) x.answer.resize(max_answer_tokens - 1);
  x.answer.push_back(tok.eos());
  return x;
}

inline EncodedItem encode_item(const Tokenizer& tok, const NounItem& it, long max_prompt_tokens,
                               long max_answer_tokens) {
  EncodedItem e;
  e.hypernym = encode_example(tok, it, Task::hypernym, max_prompt_tokens, max_answer_tokens);
  e.lexname = encode_example(tok, it, Task::lexname, max_prompt_tokens, max_answer_tokens);
  for (const auto& c : it.choices) {
    auto ids = tok.encode(c);
    if (long(ids.size()) > max_answer_tokens - 1) ids.resize(max_answer_tokens - 1);
    ids.push_back(tok.eos());
    e.choices.push_back(std::move(ids));
  }
  return e;
}

// Per-item scores of one model on one set of items (1 correct, 0 not).
struct ItemScores {
  std::vector<int> hypernym, lexname, choice;
  std::vector<std::string> hypernym_generated, lexname_generated;  // decoded answers
};

inline double mean_of(const std::vector<int>& v) {
  if (v.empty()) return 0;
  double s = 0;
  for (int x : v)
    s += x;
  return s / double(v.size());
}

// Sum of log p(continuation tokens) after each prompt, for a batch of
// (prompt, continuation) pairs in one forward pass.
inline std::vector<double> continuation_logprobs(
    Transformer<float>& model, const std::vector<const std::vector<int>*>& prompts,
    const std::vector<const std::vector<int>*>& continuations, int pad) {
  const std::size_t n = prompts.size();
  long len = 0;
  for (std::size_t i = 0; i < n; ++i)
    len = std::max<long>(len, long(prompts[i]->size() + continuations[i]->size()) - 1);
  std::vector<int> tokens;
  std::vector<long> rows;
  std::vector<int> targets;
  std::vector<std::size_t> owner;
  tokens.reserve(n * len);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<int> seq = *prompts[i];
    seq.insert(seq.end(), continuations[i]->begin(), continuations[i]->end());
    for (long t = 0; t < len; ++t)
      tokens.push_back(t + 1 < long(seq.size()) ? seq[t] : pad);
    const long first = long(prompts[i]->size()) - 1;
    for (std::size_t j = 0; j < continuations[i]->size(); ++j) {
      rows.push_back(long(i) * len + first + long(j));
      targets.push_back((*continuations[i])[j]);
      owner.push_back(i);
    }
  }
  const Matrix<float> logits = model.logits_at(tokens, long(n), len, rows);
  std::vector<double> out(n, 0.0);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto row = logits.row(long(r));
    const double mx = row.maxCoeff();
    double sum = 0;
    for (long v = 0; v < row.size(); ++v)
      sum += std::exp(double(row(v)) - mx);
    out[owner[r]] += double(row(targets[r])) - mx - std::log(sum);
  }
  return out;
}

// Scores the model on the given items (indices into items / encoded).
inline ItemScores score_items(Transformer<float>& model, const std::vector<EncodedItem>& encoded,
                              const std::vector<std::size_t>& which, const Tokenizer& tok,
                              long max_answer_tokens, long chunk = 64) {
  ItemScores s;
  for (std::size_t at = 0; at < which.size(); at += chunk) {
    const std::size_t end = std::min(which.size(), at + chunk);
    for (Task t : {Task::hypernym, Task::lexname}) {
      std::vector<const EncodedExample*> ex;
      for (std::size_t i = at; i < end; ++i) {
        const auto& e = encoded[which[i]];
        ex.push_back(t == Task::hypernym ? &e.hypernym : &e.lexname);
      }
      const auto gen = greedy_decode(model, ex, max_answer_tokens, tok.eos());
      for (std::size_t i = 0; i < ex.size(); ++i) {
        const std::vector<int> want(ex[i]->answer.begin(), ex[i]->answer.end() - 1);
        const int ok = gen[i] == want;
        (t == Task::hypernym ? s.hypernym : s.lexname).push_back(ok);
        (t == Task::hypernym ? s.hypernym_generated : s.lexname_generated)
            .push_back(tok.decode(gen[i]));
      }
    }
    // Multiple choice: every candidate of every item of the chunk, in batches of `chunk`.
    std::vector<const std::vector<int>*> prompts, conts;
    std::vector<std::size_t> item_of;
    for (std::size_t i = at; i < end; ++i)
      for (const auto& c : encoded[which[i]].choices) {
        prompts.push_back(&encoded[which[i]].hypernym.prompt);
        conts.push_back(&c);
        item_of.push_back(i - at);
      }
    std::vector<double> lp;
    for (std::size_t b = 0; b < prompts.size(); b += std::size_t(chunk)) {
      const std::size_t e = std::min(prompts.size(), b + std::size_t(chunk));
      const auto part =
          continuation_logprobs(model, {prompts.begin() + long(b), prompts.begin() + long(e)},
                                {conts.begin() + long(b), conts.begin() + long(e)}, tok.eos());
      lp.insert(lp.end(), part.begin(), part.end());
    }
    std::vector<double> best(end - at, -INFINITY), gold(end - at, -INFINITY);
    std::vector<int> first(end - at, 1);
    for (std::size_t j = 0; j < lp.size(); ++j) {
      const auto i = item_of[j];
      if (first[i]) {
        gold[i] = lp[j];  // the gold answer is each item's first candidate
        first[i] = 0;
      } else {
        best[i] = std::max(best[i], lp[j]);
      }
    }
    // Ties count as wrong: a model that cannot separate the gold from a
    // distractor has not answered.
    for (std::size_t i = 0; i < end - at; ++i)
      s.choice.push_back(gold[i] > best[i]);
  }
  return s;
}

// ---- trivial baselines ---------------------------------------------------------
// Expected accuracy of the constant answer `majority` (the most frequent
// training answer), and of a guess drawn from the training answer distribution
// (sum over answers of p_train(a) * share of test items with answer a).
struct ConstantBaselines {
  std::string majority;
  std::vector<int> majority_correct;  // per evaluated item
  double frequency_weighted_guess = 0;
};

inline ConstantBaselines constant_baselines(const std::vector<NounItem>& items,
                                            const std::vector<std::size_t>& train,
                                            const std::vector<std::size_t>& evaluated, Task t) {
  std::map<std::string, double> counts;
  for (auto i : train)
    counts[items[i].target(t)] += 1;
  ConstantBaselines b;
  double best = -1;
  for (const auto& [a, n] : counts)
    if (n > best) best = n, b.majority = a;
  for (auto i : evaluated) {
    const auto& a = items[i].target(t);
    b.majority_correct.push_back(a == b.majority);
    const auto f = counts.find(a);
    b.frequency_weighted_guess += f == counts.end() ? 0.0 : f->second / double(train.size());
  }
  if (!evaluated.empty()) b.frequency_weighted_guess /= double(evaluated.size());
  return b;
}

// Multiple-choice baselines: a uniform guess (1 / candidates), the candidate
// most often seen as a training answer (the frequency prior; ties resolved
// against the gold), and a guess drawn in proportion to those training counts
// (expected accuracy, add-one smoothed so unseen candidates can be drawn).
struct ChoiceBaselines {
  double uniform = 0, frequency_weighted_guess = 0;
  std::vector<int> most_frequent_correct;
};

inline ChoiceBaselines choice_baselines(const std::vector<NounItem>& items,
                                        const std::vector<std::size_t>& train,
                                        const std::vector<std::size_t>& evaluated) {
  std::map<std::string, double> counts;
  for (auto i : train)
    counts[items[i].answer] += 1;
  const auto count = [&](const std::string& a) {
    const auto f = counts.find(a);
    return f == counts.end() ? 0.0 : f->second;
  };
  ChoiceBaselines b;
  for (auto i : evaluated) {
    const auto& ch = items[i].choices;
    b.uniform += 1.0 / double(ch.size());
    double best_distractor = -1, total = 0;
    for (std::size_t j = 0; j < ch.size(); ++j) {
      total += count(ch[j]) + 1;
      if (j > 0) best_distractor = std::max(best_distractor, count(ch[j]));
    }
    b.most_frequent_correct.push_back(count(ch[0]) > best_distractor);
    b.frequency_weighted_guess += (count(ch[0]) + 1) / total;
  }
  if (!evaluated.empty()) {
    b.uniform /= double(evaluated.size());
    b.frequency_weighted_guess /= double(evaluated.size());
  }
  return b;
}

}  // namespace finetune
