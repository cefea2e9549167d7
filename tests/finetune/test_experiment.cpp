// The experiment harness of the fine-tuner: the WordNet split and the
// multiple-choice candidates (on the real WordNet when installed), the trivial
// baselines, answer scoring by log-likelihood, and the report's statistics.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <unordered_set>

#include "data.hpp"
#include "evaluation.hpp"
#include "report.hpp"

namespace {

const char* wordnet_dir = "/usr/share/wordnet";

bool have_wordnet() {
  return std::filesystem::exists(std::string(wordnet_dir) + "/data.noun");
}

finetune::NounItem item(const std::string& answer, int lexname, finetune::Split s) {
  finetune::NounItem it;
  it.answer = answer;
  it.lexname = lexname;
  it.split = s;
  return it;
}

}  // namespace

TEST_CASE("WordNet split: stratified, seeded, held-out glosses never in pretraining") {
  if (!have_wordnet()) {
    MESSAGE("skipped: wordnet-base is not installed");
    return;
  }
  const std::size_t k = 4;
  const auto w = finetune::load_wordnet(wordnet_dir, 1, k);
  REQUIRE(w.items.size() > 70000);
  // Every class in every split, each split's share within one item of 10%.
  std::vector<std::array<std::size_t, 3>> per_class(finetune::lexname_count, {0, 0, 0});
  for (const auto& it : w.items)
    ++per_class[it.lexname][int(it.split)];
  for (int cls = 0; cls < finetune::lexname_count; ++cls) {
    CAPTURE(cls);
    const auto& n = per_class[cls];
    const double total = double(n[0] + n[1] + n[2]);
    CHECK(n[int(finetune::Split::test)] > 0);
    CHECK(n[int(finetune::Split::validation)] > 0);
    CHECK(std::abs(double(n[int(finetune::Split::test)]) - 0.1 * total) <= 1.0);
    CHECK(std::abs(double(n[int(finetune::Split::validation)]) - 0.1 * total) <= 1.0);
  }
  // A seeded sample of 500 test items spreads over the classes (the old bug:
  // data.noun is grouped by class, and the first 500 in file order were 99%
  // noun.act). noun.Tops has 5 test items, so it may be missing from 500.
  std::map<int, std::size_t> sample_classes;
  for (auto i : finetune::seeded_sample(finetune::items_in(w, finetune::Split::test), 500, 3))
    ++sample_classes[w.items[i].lexname];
  CHECK(sample_classes.size() >= 22);
  for (const auto& [cls, n] : sample_classes)
    CHECK(n < 150);  // the largest class (artifact) is ~15% of nouns
  // Held-out definitions never in the pretraining text.
  std::unordered_set<std::string> pretraining;
  for (const auto& l : w.train_text)
    pretraining.insert(finetune::definition_of(l));
  for (const auto& l : w.validation_text)
    pretraining.insert(finetune::definition_of(l));
  std::size_t leaked = 0, checked = 0;
  for (const auto& it : w.items)
    if (it.split != finetune::Split::train) {
      ++checked;
      // Another synset may share the definition text; count only exact leaks of
      // held-out synsets whose definition is unique to them.
      leaked += pretraining.count(it.definition);
    }
  CHECK(checked > 14000);
  CHECK(double(leaked) / double(checked) < 0.01);  // identical glosses of other synsets only
  // Candidates: k + 1 distinct texts, gold first; most from the gold's own cell.
  std::size_t same_cell = 0;
  for (const auto& it : w.items) {
    REQUIRE(it.choices.size() == k + 1);
    CHECK(it.choices[0] == it.answer);
    CHECK(std::set<std::string>(it.choices.begin(), it.choices.end()).size() == k + 1);
    same_cell += it.distractor_widening == 0;
  }
  CHECK(double(same_cell) / double(w.items.size()) > 0.8);
  // Seeded: the same seed repeats the split and the candidates, another seed does not.
  const auto again = finetune::load_wordnet(wordnet_dir, 1, k);
  const auto other = finetune::load_wordnet(wordnet_dir, 2, k);
  std::size_t same_split = 0, same_choices = 0, other_split = 0;
  for (std::size_t i = 0; i < w.items.size(); ++i) {
    same_split += again.items[i].split == w.items[i].split;
    same_choices += again.items[i].choices == w.items[i].choices;
    other_split += other.items[i].split == w.items[i].split;
  }
  CHECK(same_split == w.items.size());
  CHECK(same_choices == w.items.size());
  CHECK(other_split < w.items.size() * 9 / 10);  // two independent 80/10/10 splits agree on ~66%
}

TEST_CASE("distractors are never ancestors of the item or share their text") {
  if (!have_wordnet()) {
    MESSAGE("skipped: wordnet-base is not installed");
    return;
  }
  const auto nouns = hyperbolic::graph::wordnet::read_nouns(wordnet_dir);
  const auto w = finetune::load_wordnet(wordnet_dir, 1, 4);
  for (std::size_t i = 0; i < w.items.size(); i += 97) {  // a spread of items
    const auto& it = w.items[i];
    std::unordered_set<std::size_t> up;
    finetune::detail::ancestors(nouns, it.node, up);
    std::unordered_set<std::string> ancestor_texts;
    for (auto a : up)
      ancestor_texts.insert(finetune::lemma_text(nouns.synsets[a].lemmas.at(0)));
    for (std::size_t j = 1; j < it.choices.size(); ++j) {
      CAPTURE(it.lemma);
      CAPTURE(it.choices[j]);
      CHECK(ancestor_texts.count(it.choices[j]) == 0);
      CHECK(it.choices[j] != it.lemma);
    }
  }
}

TEST_CASE("constant baselines") {
  using finetune::Split;
  std::vector<finetune::NounItem> items{item("a", 1, Split::train), item("a", 1, Split::train),
                                        item("b", 2, Split::train), item("a", 2, Split::test),
                                        item("b", 1, Split::test),  item("c", 3, Split::test)};
  const std::vector<std::size_t> train{0, 1, 2}, test{3, 4, 5};
  const auto b = finetune::constant_baselines(items, train, test, finetune::Task::hypernym);
  CHECK(b.majority == "a");
  CHECK(b.majority_correct == std::vector<int>{1, 0, 0});
  CHECK(b.frequency_weighted_guess == doctest::Approx((2.0 / 3 + 1.0 / 3 + 0) / 3));
  const auto l = finetune::constant_baselines(items, train, test, finetune::Task::lexname);
  CHECK(l.majority == finetune::lexname_of_class(1));
  CHECK(l.majority_correct == std::vector<int>{0, 1, 0});
  // Multiple choice: gold first. Item 3: gold "a" (seen twice) vs "b" (once):
  // the frequency prior is right; item 4: gold "b" vs "a": wrong; item 5: gold
  // "c" unseen vs "a": wrong.
  items[3].choices = {"a", "b"};
  items[4].choices = {"b", "a"};
  items[5].choices = {"c", "a"};
  const auto c = finetune::choice_baselines(items, train, test);
  CHECK(c.uniform == doctest::Approx(0.5));
  CHECK(c.most_frequent_correct == std::vector<int>{1, 0, 0});
  // Add-one smoothed: (3/5 + 2/5 + 1/4) / 3.
  CHECK(c.frequency_weighted_guess == doctest::Approx((3.0 / 5 + 2.0 / 5 + 1.0 / 4) / 3));
}

TEST_CASE("answer log-likelihood agrees with the training loss") {
  finetune::ModelConfig mc;
  mc.vocab = 30;
  mc.dim = 16;
  mc.layers = 2;
  mc.heads = 2;
  mc.mlp = 32;
  mc.max_len = 16;
  finetune::Transformer<float> model(mc);
  const std::vector<int> p1{3, 4, 5, 6}, c1{7, 8, 1}, p2{9, 10}, c2{11, 1};
  const auto lp = finetune::continuation_logprobs(model, {&p1, &p2}, {&c1, &c2}, /*pad=*/0);
  // The same sequences through the loss: mean cross-entropy over answer rows.
  for (int which = 0; which < 2; ++which) {
    const auto& p = which ? p2 : p1;
    const auto& c = which ? c2 : c1;
    finetune::EncodedExample e{p, c};
    const auto b = finetune::task_batch({&e}, 0);
    const double loss = model.forward(b.tokens, b.batch, b.len, b.targets, b.weights);
    CHECK(lp[which] == doctest::Approx(-loss * double(c.size())).epsilon(1e-4));
  }
  // Batched with padding gives the same numbers as one at a time.
  const auto alone = finetune::continuation_logprobs(model, {&p2}, {&c2}, 0);
  CHECK(alone[0] == doctest::Approx(lp[1]).epsilon(1e-5));
}

TEST_CASE("report: per-mode intervals and paired comparisons") {
  // 100 test items; HypLoRA right on items 0..59, LoRA on 20..59 (+ 3 seeds,
  // identical): HypLoRA - LoRA = 0.2, the only discordant items favour HypLoRA.
  const auto run = [](const std::string& mode, int seed, int first_right) {
    std::vector<int> per(100, 0);
    for (int i = first_right; i < 60; ++i)
      per[i] = 1;
    const double acc = (60.0 - first_right) / 100.0 + 0.01 * seed;  // seeds differ a little
    nlohmann::json scores = {{"hypernym", acc},
                             {"lexname", acc},
                             {"choice", acc},
                             {"per_item", {{"hypernym", per}, {"lexname", per}, {"choice", per}}}};
    return nlohmann::json{{"mode", mode},
                          {"label", mode},
                          {"seed", seed},
                          {"lr", 0.01},
                          {"trainable_parameters", 10},
                          {"validation", scores},
                          {"test", scores}};
  };
  finetune::ReportInputs in;
  in.modes = {"lora", "hyplora:c=0.1"};
  for (int s = 1; s <= 3; ++s) {
    in.runs["lora"].push_back(run("lora", s, 20));
    in.runs["hyplora:c=0.1"].push_back(run("hyplora:c=0.1", s, 0));
  }
  for (const auto& m : in.modes) {
    in.sweeps[m] = nlohmann::json::array();
    in.chosen_lr[m] = 0.01;
  }
  in.depth_bucket_of.assign(100, 0);
  in.frequency_bucket_of.assign(100, 1);
  for (int i = 50; i < 100; ++i)
    in.depth_bucket_of[i] = 3;
  const auto r = finetune::build_report(in);
  CHECK(r["best_hyplora"] == "hyplora:c=0.1");
  const auto& lora = r["modes"]["lora"]["test"]["choice"];
  CHECK(lora["mean"].get<double>() == doctest::Approx(0.42));
  // t interval of {0.41, 0.42, 0.43}: sd 0.01, t(0.975, 2) = 4.3027.
  CHECK(lora["half_width"].get<double>() == doctest::Approx(4.302653 * 0.01 / std::sqrt(3.0)));
  const auto& cmp = r["comparisons"][0];
  CHECK(cmp["a"] == "hyplora:c=0.1");
  CHECK(cmp["b"] == "lora");
  CHECK(cmp["choice"]["difference"].get<double>() == doctest::Approx(0.2));
  CHECK(cmp["choice"]["lo"].get<double>() > 0.1);
  CHECK(cmp["choice"]["p_bootstrap"].get<double>() < 0.01);
  CHECK(cmp["choice"]["mcnemar_per_seed"][0]["only_a"] == 20);
  // By depth: every discordant item is in bucket 0.
  CHECK(cmp["by_depth"]["choice"]["depth <= 5"]["difference"].get<double>() ==
        doctest::Approx(0.4));
  CHECK(cmp["by_depth"]["choice"]["depth >= 10"]["difference"].get<double>() == 0.0);
  CHECK(r["modes"]["hyplora:c=0.1"]["by_depth"]["choice"]["depth <= 5"].get<double>() ==
        doctest::Approx(1.0));
}
