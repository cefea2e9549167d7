// The HypLoRA embedding analysis on inputs with known answers (a line and a
// tree: delta 0; a square: 2 - sqrt 2), the base-point bounds, the norm
// analysis' resampled ranks; fastText's .vec reader and a tiny fastText run.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <hyperbolic/stats/splitmix64.hpp>
#include <hyperbolic/text/norm_frequency_analysis.hpp>

#include "embedding_analysis.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
fs::path temp_dir() {
  const fs::path d =
      fs::temp_directory_path() / ("hyp-embedding-test-" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}
finetune::EmbeddingAnalysisOptions quick() {
  finetune::EmbeddingAnalysisOptions o;
  o.resamples = 200;
  o.top_frequent = 60;
  o.sampled_quadruples = 20000;
  o.threads = 1;
  return o;
}
std::vector<float> gaussian_table(std::size_t rows, std::size_t dim, std::uint64_t seed) {
  hyperbolic::stats::SplitMix64 g(seed);
  std::vector<float> t(rows * dim);
  for (auto& v : t)
    v = static_cast<float>(g.normal());
  return t;
}
// Prompts of 5..20 random ids (with repeats) from [0, rows).
std::vector<std::vector<int>> random_prompts(std::size_t count, std::size_t rows,
                                             std::uint64_t seed) {
  hyperbolic::stats::SplitMix64 g(seed);
  std::vector<std::vector<int>> p(count);
  for (auto& prompt : p) {
    const auto len = 5 + g.below(16);
    for (std::size_t k = 0; k < len; ++k)
      prompt.push_back(static_cast<int>(g.below(rows)));
  }
  return p;
}
}  // namespace

TEST_CASE("collinear rows (a path, a tree metric) have relative delta 0; controls behave") {
  // 30 points on a line in R^8 at random positions.
  const std::size_t rows = 30, dim = 8;
  hyperbolic::stats::SplitMix64 g(5);
  std::vector<double> direction(dim);
  for (auto& v : direction)
    v = g.normal();
  std::vector<float> table(rows * dim);
  for (std::size_t r = 0; r < rows; ++r) {
    const double t = 10 * g.open01();
    for (std::size_t k = 0; k < dim; ++k)
      table[r * dim + k] = static_cast<float>(t * direction[k]);
  }
  std::vector<double> f(rows, 1.0);
  const auto prompts = random_prompts(20, rows, 9);
  const json j = finetune::analyze_embeddings(table.data(), rows, dim, f, prompts, quick());
  const auto& rd = j["prompts"]["relative_delta"];
  CHECK(j["prompts"]["used"].get<std::size_t>() == 20);
  // Float coordinates put the points off the line by ~1e-7 of their spread.
  CHECK(rd["exact"]["max"].get<double>() < 1e-5);
  CHECK(rd["base_point"]["max"].get<double>() < 1e-5);
  // Tree control: 0 up to double rounding; the Gaussian cloud is far from a tree.
  const auto& c = j["prompts"]["controls"];
  CHECK(c["tree"]["exact"]["max"].get<double>() < 1e-12);
  CHECK(c["tree"]["base_point"]["max"].get<double>() < 1e-12);
  CHECK(c["tree"]["exact"]["n"].get<std::size_t>() == 20);
  CHECK(c["gaussian"]["exact"]["mean"].get<double>() > 0.1);
  CHECK(c["gaussian"]["base_point"]["mean"].get<double>() > 0.05);
}

TEST_CASE("a square has relative delta 2 - sqrt 2 by both methods") {
  // Unit square: pair sums 2, 2 and 2 sqrt 2, delta = sqrt 2 - 1, diameter sqrt 2.
  const std::vector<float> table = {0, 0, 1, 0, 1, 1, 0, 1};
  const std::vector<double> f = {4, 3, 2, 1};
  const std::vector<std::vector<int>> prompts = {{0, 1, 2, 3}, {2, 2, 0, 3, 1, 0}};
  const json j = finetune::analyze_embeddings(table.data(), 4, 2, f, prompts, quick());
  const auto& rd = j["prompts"]["relative_delta"];
  const double expected = 2 - std::sqrt(2.0);
  CHECK(rd["exact"]["mean"].get<double>() == doctest::Approx(expected).epsilon(1e-12));
  CHECK(rd["base_point"]["mean"].get<double>() == doctest::Approx(expected).epsilon(1e-12));
  CHECK(rd["base_point_over_exact"]["mean"].get<double>() == doctest::Approx(1.0).epsilon(1e-12));
  CHECK(rd["exact"]["half_width"].get<double>() == doctest::Approx(0.0));
  CHECK(j["top_frequent"]["relative_delta"]["base_point"].get<double>() ==
        doctest::Approx(expected).epsilon(1e-12));
}

TEST_CASE("base-point delta lies between exact/2 and exact on every prompt") {
  const std::size_t rows = 200, dim = 16;
  const auto table = gaussian_table(rows, dim, 1);
  std::vector<double> f(rows);
  for (std::size_t i = 0; i < rows; ++i)
    f[i] = static_cast<double>(i % 17);  // some zeros
  const auto prompts = random_prompts(40, rows, 2);
  const json j = finetune::analyze_embeddings(table.data(), rows, dim, f, prompts, quick());
  const auto exact = j["prompts"]["per_prompt"]["exact"].get<std::vector<double>>();
  const auto base = j["prompts"]["per_prompt"]["base_point"].get<std::vector<double>>();
  REQUIRE(exact.size() == 40);
  bool some_strict = false;
  for (std::size_t i = 0; i < exact.size(); ++i) {
    CAPTURE(i);
    CHECK(exact[i] > 0);
    CHECK(base[i] <= exact[i] * (1 + 1e-12));
    CHECK(base[i] >= 0.5 * exact[i] * (1 - 1e-12));
    some_strict = some_strict || base[i] < exact[i] * (1 - 1e-6);
  }
  CHECK(some_strict);  // the estimator is a genuine lower bound, not always exact
  const auto& ratio = j["prompts"]["relative_delta"]["base_point_over_exact"];
  CHECK(ratio["mean"].get<double>() >= 0.5);
  CHECK(ratio["mean"].get<double>() <= 1.0);
  // Mean and interval agree with a direct t interval of the per-prompt values.
  const auto ci = hyperbolic::stats::mean_confidence_interval(exact);
  CHECK(j["prompts"]["relative_delta"]["exact"]["lo"].get<double>() == doctest::Approx(ci.lo));
  // Frequent-token set: sampled (a lower bound) <= exact, and base-point >= exact / 2,
  // hence sampled <= 2 base_point.
  const auto& top = j["top_frequent"];
  CHECK(top["count"].get<std::size_t>() == 60);
  CHECK(top["relative_delta"]["sampled"].get<double>() <=
        2 * top["relative_delta"]["base_point"].get<double>() + 1e-12);
  CHECK(top["gaussian_control"]["base_point"].get<double>() > 0);
}

TEST_CASE("prompts: ids deduplicated, short prompts skipped, long ones truncated, bad ids named") {
  const std::size_t rows = 50, dim = 4;
  const auto table = gaussian_table(rows, dim, 3);
  const std::vector<double> f(rows, 2.0);
  auto o = quick();
  o.max_prompt_points = 6;
  const std::vector<std::vector<int>> prompts = {
      {1, 1, 2, 2, 3, 3, 3},         // 3 distinct: skipped
      {4, 5, 4, 6, 7, 5},            // 4 distinct
      {0, 1, 2, 3, 4, 5, 6, 7, 8}};  // 9 distinct: first 6 kept
  const json j = finetune::analyze_embeddings(table.data(), rows, dim, f, prompts, o);
  CHECK(j["prompts"]["used"].get<std::size_t>() == 2);
  CHECK(j["prompts"]["skipped_fewer_than_4_distinct_ids"].get<std::size_t>() == 1);
  CHECK(j["prompts"]["truncated_to_max_prompt_points"].get<std::size_t>() == 1);
  CHECK(j["prompts"]["per_prompt"]["points"].get<std::vector<double>>() ==
        std::vector<double>{4, 6});
  const std::vector<std::vector<int>> bad = {{1, 2, 3, 50}};
  CHECK_THROWS_WITH_AS(finetune::analyze_embeddings(table.data(), rows, dim, f, bad, o),
                       doctest::Contains("prompt 0 has id 50"), std::invalid_argument);
  const std::vector<double> short_f(rows - 1, 1.0);
  CHECK_THROWS_WITH_AS(finetune::analyze_embeddings(table.data(), rows, dim, short_f, prompts, o),
                       doctest::Contains("49 frequencies for 50 rows"), std::invalid_argument);
}

TEST_CASE(
    "norm against frequency: a strictly decreasing relation gives Spearman -1 in every "
    "resample; zero-frequency ids excluded") {
  const std::size_t rows = 300, dim = 3;
  std::vector<float> table(rows * dim, 0.0f);
  std::vector<double> f(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    f[i] = i < 20 ? 0.0 : static_cast<double>(1000 - 3 * i);  // distinct, decreasing in i
    table[i * dim] = static_cast<float>(1 + 0.01 * i);        // norm increasing in i
  }
  const json j = finetune::analyze_embeddings(table.data(), rows, dim, f, {}, quick());
  const auto& n = j["norm_vs_frequency"];
  CHECK(n["tokens"].get<std::size_t>() == 280);
  CHECK(n["excluded_zero_frequency"].get<std::size_t>() == 20);
  CHECK(n["spearman_frequency_norm"]["estimate"].get<double>() == doctest::Approx(-1.0));
  CHECK(n["spearman_frequency_norm"]["lo"].get<double>() == doctest::Approx(-1.0));
  CHECK(n["spearman_frequency_norm"]["hi"].get<double>() == doctest::Approx(-1.0));
  CHECK(n["pearson_log1p_frequency_norm"]["estimate"].get<double>() < -0.8);
  const auto bins = n["frequency_bins"];
  REQUIRE(bins.size() == 10);
  std::size_t total = 0;
  double previous = INFINITY;
  for (const auto& b : bins) {
    total += b["count"].get<std::size_t>();
    const double m = b["mean_norm"].get<double>();
    CHECK(b["lo"].get<double>() <= m);
    CHECK(m <= b["hi"].get<double>());
    CHECK(m < previous);  // rarest bin first, and rare tokens have the largest norms here
    previous = m;
  }
  CHECK(total == 280);
  CHECK(j["prompts"]["used"].get<std::size_t>() == 0);
}

TEST_CASE("resampled Spearman equals Spearman of the explicitly resampled data, ties included") {
  hyperbolic::stats::SplitMix64 g(12);
  const std::size_t n = 200;
  std::vector<double> x(n), y(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = static_cast<double>(g.below(15));  // heavy ties, as word counts have
    y[i] = x[i] * 0.3 + g.normal();
  }
  finetune::embedding_detail::ResampledSpearman s(x, y);
  std::vector<std::size_t> idx(n);
  for (std::size_t i = 0; i < n; ++i)
    idx[i] = i;
  CHECK(s(idx) == doctest::Approx(hyperbolic::text::spearman_correlation(x, y)).epsilon(1e-12));
  for (int rep = 0; rep < 5; ++rep) {
    std::vector<double> rx, ry;
    for (auto& i : idx) {
      i = g.below(n);
      rx.push_back(x[i]);
      ry.push_back(y[i]);
    }
    CHECK(s(idx) == doctest::Approx(hyperbolic::text::spearman_correlation(rx, ry)).epsilon(1e-12));
  }
}

TEST_CASE(".vec reader: round trip and malformed files named by line") {
  const fs::path dir = temp_dir();
  const fs::path good = dir / "good.vec";
  std::ofstream(good) << "3 4\n</s> 0.1 0.2 0.3 0.4 \nthe -1 2.5e-3 0 7 \ncafé 1 2 3 4\n";
  const auto wv = finetune::read_word_vectors(good.string());
  CHECK(wv.dim == 4);
  CHECK(wv.words == std::vector<std::string>{"</s>", "the", "café"});
  REQUIRE(wv.table.size() == 12);
  CHECK(wv.table[4] == -1.0f);
  CHECK(wv.table[5] == 2.5e-3f);
  CHECK(wv.table[11] == 4.0f);
  const auto index = finetune::word_index(wv);
  CHECK(finetune::word_ids(index, "the cat café  the") == std::vector<int>{1, 2, 1});

  const fs::path bad = dir / "bad.vec";
  auto rejects = [&](const std::string& text, const std::string& message) {
    std::ofstream(bad, std::ios::trunc) << text;
    CAPTURE(text);
    CHECK_THROWS_WITH_AS(finetune::read_word_vectors(bad.string()),
                         doctest::Contains(message.c_str()), std::runtime_error);
  };
  rejects("2 3\na 1 2 3\nb 1 2\n", "bad.vec:3: expected the word and 3 values, got 2");
  rejects("2 3\na 1 x 3\nb 1 2 3\n", "bad.vec:2: value 2 ('x')");
  rejects("2 3\na 1 2 3\n", "header promises 2 words, the file has 1");
  rejects("1 3\na 1 2 3\nb 1 2 3\n", "bad.vec:3: more words than the header's 1");
  rejects("two 3\n", "bad.vec:1: expected a header");
  rejects("2 3\na 1 2 nan\n", "bad.vec:2: value 3 ('nan') is not a finite number");
  CHECK_THROWS_WITH_AS(finetune::read_word_vectors((dir / "missing.vec").string()),
                       doctest::Contains("cannot open"), std::runtime_error);
}

TEST_CASE("a tiny fastText run gives vectors for the frequent words") {
  if (!fs::exists("/usr/bin/fasttext")) {
    MESSAGE("skipped: /usr/bin/fasttext missing (apt-get install fasttext)");
    return;
  }
  const fs::path dir = temp_dir();
  const fs::path corpus = dir / "corpus's text.txt";  // a quote in the path tests the quoting
  const std::vector<std::string> common = {"tree", "root", "leaf", "branch", "node", "edge"};
  hyperbolic::stats::SplitMix64 g(4);
  {
    std::ofstream out(corpus);
    for (int line = 0; line < 300; ++line) {
      for (int w = 0; w < 8; ++w)
        out << common[g.below(common.size())] << ' ';
      out << "rare" << line << '\n';  // each once: below minCount 5
    }
  }
  const auto wv =
      finetune::train_fasttext(corpus.string(), (dir / "ft").string(), 10, 1, 1, 7, 1000);
  CHECK(wv.dim == 10);
  CHECK(wv.table.size() == wv.words.size() * 10);
  const auto index = finetune::word_index(wv);
  for (const auto& w : common)
    CHECK(index.count(w) == 1);
  CHECK(index.count("rare7") == 0);
  CHECK(index.count("</s>") == 1);
  CHECK(wv.words.size() == common.size() + 1);
  CHECK(!fs::exists(dir / "ft.bin"));
  const auto f = finetune::corpus_frequencies(wv, corpus.string());
  double total = 0;
  for (double v : f)
    total += v;
  CHECK(total == 300 * 9);  // 8 common words and one "</s>" per line
  CHECK(f[static_cast<std::size_t>(index.at("</s>"))] == 300);
}
