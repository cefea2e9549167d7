// hyperbolic-powerlaw: count tokens of a corpus with a real tokenizer, fit a
// discrete power law to the token frequencies (Clauset, Shalizi & Newman
// 2009), test it (bootstrap p-value, likelihood ratios against the usual
// alternatives) and plot it. See docs/powerlaw.md.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "../common/cli_contract.hpp"
#include "gnuplot_plots.hpp"
#include "hyperbolic/io/output_paths.hpp"
#include "hyperbolic/io/output_set.hpp"
#include "hyperbolic/text/bpe_tokenizer.hpp"
#include "hyperbolic/text/cache_paths.hpp"
#include "hyperbolic/text/gpt2_bpe_tokenizer.hpp"
#include "hyperbolic/text/input_files.hpp"
#include "hyperbolic/text/power_law.hpp"
#include "hyperbolic/text/sentencepiece_tokenizer.hpp"
#include "hyperbolic/text/token_counter.hpp"
#include "hyperbolic/text/utf8.hpp"
#include "hyperbolic/text/word_tokenizer.hpp"

namespace fs = std::filesystem;
using namespace hyperbolic::text;

namespace {

struct Settings {
  std::vector<std::string> inputs;
  std::vector<std::string> extensions;
  std::string tokenizer = "words";
  std::string sentencepiece_model;
  int sentencepiece_vocabulary = 8000;
  std::string sentencepiece_type = "unigram";
  fs::path output_dir = ".";
  std::string name = "powerlaw";
  std::string title;
  std::size_t bootstrap = 100;
  std::uint64_t seed = 1;
  unsigned threads = 0;
  std::size_t top = 25;
  std::size_t min_tail = 10;
  bool plots = true;
  bool likelihood_ratios = true;
  bool quiet = false;
};

std::unique_ptr<Tokenizer> make_tokenizer(const Settings& s, const std::vector<fs::path>& files) {
  auto require = [](const fs::path& p) {
    if (!fs::exists(p))
      throw std::runtime_error(
          "tokenizer file " + p.string() +
          " not found; run scripts/fetch-corpora.sh (or set HYPERBOLIC_CACHE)");
    return p.string();
  };
  if (s.tokenizer == "words") return std::make_unique<WordTokenizer>();
  if (s.tokenizer == "gpt2")
    return std::make_unique<BpeTokenizer>(
        load_gpt2_tokenizer(require(gpt2_encoder_json_path()), require(gpt2_vocab_bpe_path())));
  if (s.tokenizer == "cl100k_base" || s.tokenizer == "o200k_base" || s.tokenizer == "r50k_base" ||
      s.tokenizer == "p50k_base")
    return std::make_unique<BpeTokenizer>(
        make_tiktoken_tokenizer(s.tokenizer, require(tiktoken_rank_path(s.tokenizer))));
  if (s.tokenizer == "sentencepiece") {
    if (!s.sentencepiece_model.empty())
      return std::make_unique<SentencePieceTokenizer>(require(s.sentencepiece_model));
    // Train on the inputs themselves; the model lands next to the report.
    std::vector<std::string> inputs;
    for (const auto& f : files)
      inputs.push_back(f.string());
    SentencePieceTrainingOptions options;
    options.vocabulary_size = s.sentencepiece_vocabulary;
    options.model_type = s.sentencepiece_type;
    const auto prefix = (s.output_dir / (s.name + "-sp")).string();
    if (!s.quiet)
      std::cerr << "training SentencePiece (" << options.model_type << ", "
                << options.vocabulary_size << " pieces) -> " << prefix << ".model\n";
    return std::make_unique<SentencePieceTokenizer>(train_sentencepiece(inputs, prefix, options));
  }
  throw std::logic_error("unknown tokenizer '" + s.tokenizer + "' passed validate()");
}

nlohmann::json to_json(const LikelihoodRatioTest& t) {
  const auto names = parameter_names(t.alternative);
  nlohmann::json params;
  for (int i = 0; i < 2; ++i)
    if (*names[i]) params[names[i]] = t.alternative_parameters[i];
  return {{"alternative", to_string(t.alternative)},
          {"parameters", params},
          {"log_likelihood_ratio", t.log_likelihood_ratio},
          {"normalized_ratio", t.normalized_ratio},
          {"p_value", t.p_value},
          {"nested", t.nested},
          {"favoured", t.favoured}};
}

// Every setting checked before any file is read (docs/reliability.md, the error contract).
void validate(const Settings& s) {
  using hyperbolic::cli::require;
  using hyperbolic::cli::text;
  const auto& t = s.tokenizer;
  require(t == "words" || t == "gpt2" || t == "cl100k_base" || t == "o200k_base" ||
              t == "r50k_base" || t == "p50k_base" || t == "sentencepiece",
          "--tokenizer is unknown", text(t),
          "one of words, gpt2, cl100k_base, o200k_base, r50k_base, p50k_base, sentencepiece");
  // An empty tail has nothing to fit (0 used to pass to the fit).
  require(s.min_tail >= 1, "--min-tail is too small", text(s.min_tail),
          "at least 1 token in the tail");
  require(s.bootstrap <= 1000000, "--bootstrap is too large", text(s.bootstrap),
          "at most 1000000 replicates (0: skip)");
  require(s.threads <= 4096, "--threads is too large", text(s.threads), "0 (all cores) to 4096");
  require(!s.name.empty() && s.name.find('/') == std::string::npos, "--name is not a file stem",
          text(s.name), "a non-empty name without '/'");
}

int run(const Settings& s) {
  validate(s);
  const auto wall_start = std::chrono::steady_clock::now();
  InputFileOptions input_options;
  input_options.extensions = s.extensions;
  const auto files = expand_inputs(s.inputs, input_options);
  {  // before the counting: a bad output path must not cost it, nor overwrite a corpus file
    std::vector<hyperbolic::io::NamedPath> inputs, outputs;
    for (const auto& f : files)
      inputs.push_back({"input", f});
    const std::string flags = "--output-dir/--name";
    outputs.push_back({flags + " (.json)", s.output_dir / (s.name + ".json")});
    if (s.plots)
      for (const char* suffix : {"-rank.png", "-ccdf.png", "-rank.svg", "-ccdf.svg"})
        outputs.push_back({flags + " (" + suffix + ")", s.output_dir / (s.name + suffix)});
    hyperbolic::io::check_output_paths(inputs, outputs);
  }
  // Before the tokenizer (SentencePiece may train on the inputs) and the counting: text that
  // is not UTF-8 is refused with its file and byte offset (docs/reliability.md).
  for (const auto& f : files)
    require_valid_utf8_file(f);
  fs::create_directories(s.output_dir);
  auto tokenizer = make_tokenizer(s, files);

  CountingOptions counting;
  counting.threads = s.threads;
  counting.check_utf8 = false;  // checked above
  int last_percent = -1;
  if (!s.quiet) {
    counting.progress = [&](std::uint64_t done, std::uint64_t total) {
      const int percent = total ? static_cast<int>(100 * done / total) : 100;
      if (percent / 10 != last_percent / 10) {
        std::cerr << "\rcounting " << tokenizer->name() << ": " << percent << "% of " << total / 1e6
                  << " MB" << std::flush;
        last_percent = percent;
      }
    };
  }
  const TokenCounts counts = count_tokens(files, *tokenizer, counting);
  if (!s.quiet)
    std::cerr << "\rcounted " << counts.total_tokens << " tokens (" << counts.counts.size()
              << " distinct) in " << files.size() << " files, " << counts.bytes / 1e6 << " MB at "
              << counts.megabytes_per_second() << " MB/s\n";
  const auto sorted = counts.sorted();
  std::vector<std::int64_t> freq;
  for (const auto& [token, c] : sorted)
    freq.push_back(static_cast<std::int64_t>(c));

  PowerLawFitOptions fit_options;
  fit_options.min_tail = s.min_tail;
  const auto fit = fit_discrete_power_law(freq, fit_options);
  if (!s.quiet)
    std::cerr << "fit: alpha = " << fit.alpha << " +/- " << fit.sigma << ", x_min = " << fit.x_min
              << ", n_tail = " << fit.n_tail << "\n";

  nlohmann::json report;
  report["tokenizer"] = tokenizer->name();
  report["inputs"] = s.inputs;
  report["files"] = files.size();
  report["bytes"] = counts.bytes;
  report["counting_seconds"] = counts.seconds;
  report["counting_mb_per_s"] = counts.megabytes_per_second();
  report["threads"] = s.threads ? s.threads : std::thread::hardware_concurrency();
  report["tokens_total"] = counts.total_tokens;
  report["distinct_tokens"] = counts.counts.size();
  report["fit"] = {{"model", "discrete_power_law"},
                   {"alpha", fit.alpha},
                   {"sigma", fit.sigma},
                   {"x_min", fit.x_min},
                   {"n_tail", fit.n_tail},
                   {"n", fit.n},
                   {"ks_distance", fit.ks_distance},
                   {"log_likelihood", fit.log_likelihood}};
  if (s.bootstrap > 0) {
    BootstrapOptions boot;
    boot.replicates = s.bootstrap;
    boot.seed = s.seed;
    boot.threads = s.threads;
    boot.fit = fit_options;
    if (!s.quiet) {
      boot.progress = [&](std::size_t done, std::size_t total) {
        std::cerr << "\rbootstrap " << done << "/" << total << std::flush;
      };
    }
    const auto result = bootstrap_discrete_power_law(freq, fit, boot);
    if (!s.quiet) std::cerr << "\rbootstrap p-value = " << result.p_value << "\n";
    report["bootstrap"] = {{"p_value", result.p_value},
                           {"replicates", result.replicates},
                           {"at_least_as_far", result.at_least_as_far},
                           {"seed", s.seed}};
  }
  if (s.likelihood_ratios) {
    nlohmann::json tests = nlohmann::json::array();
    for (const auto& t : compare_discrete_power_law(freq, fit))
      tests.push_back(to_json(t));
    report["likelihood_ratio_tests"] = tests;
  }
  nlohmann::json top = nlohmann::json::array();
  for (std::size_t i = 0; i < std::min(s.top, sorted.size()); ++i)
    top.push_back({{"token", printable_utf8(sorted[i].first)}, {"count", sorted[i].second}});
  report["top_tokens"] = top;

  hyperbolic::io::OutputSet outputs;  // the report and its plots replaced together
  if (s.plots) {
    powerlaw_cli::PlotRequest plot;
    plot.frequencies_descending = freq;
    plot.fit = fit;
    plot.title = s.title.empty() ? s.name + " (" + tokenizer->name() + ")" : s.title;
    plot.output_stem = s.output_dir / s.name;
    nlohmann::json images = nlohmann::json::array();
    for (const auto& p : powerlaw_cli::draw_plots(plot, outputs))
      images.push_back(p.string());
    report["plots"] = images;
  }
  report["wall_seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const fs::path json_path = s.output_dir / (s.name + ".json");
  outputs.write(json_path, report.dump(2) + "\n");
  outputs.commit();
  std::cout << report.dump(2) << "\n";
  if (!s.quiet) std::cerr << "wrote " << json_path.string() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  CLI::App app{
      "hyperbolic-powerlaw: fit a discrete power law (Clauset-Shalizi-Newman) to the token "
      "frequencies of a corpus, test it against alternatives and plot it.\n"
      "Tokenizer files and default corpora: scripts/fetch-corpora.sh (cache: $HYPERBOLIC_CACHE "
      "or ~/.cache/hyperbolic)."};
  app.add_option("inputs", s.inputs, "Files, folders (recursive) or glob patterns")->required();
  app.add_option("-t,--tokenizer", s.tokenizer,
                 "words | gpt2 | cl100k_base | o200k_base | r50k_base | p50k_base | sentencepiece")
      ->capture_default_str();
  app.add_option("-e,--ext", s.extensions,
                 "Only files with these extensions inside folders/globs, e.g. --ext .txt");
  app.add_option("--sp-model", s.sentencepiece_model,
                 "SentencePiece .model to load (default: train one on the inputs)");
  app.add_option("--sp-vocab-size", s.sentencepiece_vocabulary, "Pieces when training")
      ->capture_default_str()
      ->check(CLI::Range(100, 1000000));
  app.add_option("--sp-model-type", s.sentencepiece_type, "unigram | bpe when training")
      ->capture_default_str()
      ->check(CLI::IsMember({"unigram", "bpe"}));
  app.add_option("-o,--output-dir", s.output_dir, "Folder for the report and plots")
      ->capture_default_str();
  app.add_option("-n,--name", s.name,
                 "Stem of the output files (<name>.json, <name>-rank.png, ...)")
      ->capture_default_str();
  app.add_option("--title", s.title, "Plot title (default: name and tokenizer)");
  app.add_option("-b,--bootstrap", s.bootstrap, "Bootstrap replicates for the p-value (0: skip)")
      ->capture_default_str()
      ->check(hyperbolic::cli::non_negative("0 or more replicates (0: skip)"));
  app.add_option("--seed", s.seed, "Bootstrap seed")
      ->capture_default_str()
      ->check(hyperbolic::cli::non_negative("a seed in 0..2^64-1"));
  app.add_option("-j,--threads", s.threads, "Worker threads (0: all cores)")->capture_default_str();
  app.add_option("--top", s.top, "Most frequent tokens in the report")
      ->capture_default_str()
      ->check(hyperbolic::cli::non_negative("0 or more tokens"));
  app.add_option("--min-tail", s.min_tail, "Smallest tail an x_min may leave")
      ->capture_default_str()
      ->check(hyperbolic::cli::non_negative("at least 1 token in the tail"));
  app.add_flag("--no-plots{false}", s.plots, "Skip the gnuplot figures");
  app.add_flag("--no-lr{false}", s.likelihood_ratios, "Skip the likelihood-ratio tests");
  app.add_flag("-q,--quiet", s.quiet, "No progress output on stderr");
  return hyperbolic::cli::run_main("hyperbolic-powerlaw", app, argc, argv, [&] { return run(s); });
}
