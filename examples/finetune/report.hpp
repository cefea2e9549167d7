#pragma once
// The report of an experiment: baselines, the learning-rate sweep, per-mode
// test accuracy (mean over seeds with a 95% t interval), paired tests over
// test items, breakdowns by depth and answer frequency; as JSON, markdown and
// gnuplot PNGs.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <hyperbolic/stats/mean_ci.hpp>
#include <hyperbolic/stats/paired_tests.hpp>
#include <hyperbolic/stats/proportion_ci.hpp>
#include <nlohmann/json.hpp>

#include "hyperbolic/io/output_set.hpp"

#include "data.hpp"
#include "experiment.hpp"
#include "pipeline.hpp"

namespace finetune {

inline const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> m{"lexname", "choice", "hypernym"};
  return m;
}
inline std::string metric_title(const std::string& m) {
  return m == "lexname"  ? "lexname (exact match, 26 classes)"
         : m == "choice" ? "hypernym multiple choice"
                         : "hypernym (exact match)";
}

inline int depth_bucket(int depth) {
  return depth <= 5 ? 0 : depth <= 7 ? 1 : depth <= 9 ? 2 : 3;
}
inline const char* depth_bucket_name(int b) {
  static const char* n[] = {"depth <= 5", "depth 6-7", "depth 8-9", "depth >= 10"};
  return n[b];
}
inline int frequency_bucket(double count) {
  return count < 1 ? 0 : count < 10 ? 1 : count < 100 ? 2 : 3;
}
inline const char* frequency_bucket_name(int b) {
  static const char* n[] = {"answer unseen in training", "seen 1-9 times", "seen 10-99 times",
                            "seen >= 100 times"};
  return n[b];
}

// Per-item scores of a mode on the test sample, averaged over its seeds.
inline std::vector<double> seed_average(const std::vector<nlohmann::json>& runs,
                                        const std::string& metric) {
  std::vector<double> avg;
  for (const auto& r : runs) {
    const auto v = r.at("test").at("per_item").at(metric).get<std::vector<int>>();
    if (avg.empty()) avg.assign(v.size(), 0.0);
    for (std::size_t i = 0; i < v.size(); ++i)
      avg[i] += double(v[i]) / double(runs.size());
  }
  return avg;
}

inline nlohmann::json ci_json(const hyperbolic::stats::MeanCI& c) {
  return {{"mean", c.mean}, {"lo", c.lo}, {"hi", c.hi}, {"half_width", c.half_width}, {"n", c.n}};
}

inline nlohmann::json compare(const std::vector<nlohmann::json>& a,
                              const std::vector<nlohmann::json>& b, const std::string& metric,
                              const std::vector<std::size_t>& subset, std::uint64_t seed) {
  const auto fa = seed_average(a, metric), fb = seed_average(b, metric);
  std::vector<double> xa, xb;
  for (auto i : subset)
    xa.push_back(fa[i]), xb.push_back(fb[i]);
  const auto boot = hyperbolic::stats::paired_bootstrap(xa, xb, 10000, seed);
  nlohmann::json j = {{"difference", boot.mean_difference},
                      {"lo", boot.lo},
                      {"hi", boot.hi},
                      {"p_bootstrap", boot.p_value},
                      {"items", boot.n}};
  // McNemar per seed pair (same seed index): exact, on 0/1 outcomes.
  nlohmann::json mc = nlohmann::json::array();
  for (std::size_t s = 0; s < std::min(a.size(), b.size()); ++s) {
    const auto va = a[s].at("test").at("per_item").at(metric).get<std::vector<int>>();
    const auto vb = b[s].at("test").at("per_item").at(metric).get<std::vector<int>>();
    std::vector<int> sa, sb;
    for (auto i : subset)
      sa.push_back(va[i]), sb.push_back(vb[i]);
    const auto m = hyperbolic::stats::mcnemar_exact(sa, sb);
    mc.push_back(
        {{"seed", a[s].at("seed")}, {"only_a", m.only_a}, {"only_b", m.only_b}, {"p", m.p_value}});
  }
  j["mcnemar_per_seed"] = mc;
  return j;
}

struct ReportInputs {
  nlohmann::json header;           // config, data, pretraining, analysis (already assembled)
  nlohmann::json baselines;        // per metric
  nlohmann::json frozen;           // the frozen model's run
  std::vector<std::string> modes;  // trained modes in order
  std::map<std::string, nlohmann::json> sweeps;             // mode -> [{lr, validation...}]
  std::map<std::string, double> chosen_lr;                  // mode -> lr
  std::map<std::string, std::vector<nlohmann::json>> runs;  // mode -> seed runs (with test)
  std::vector<int> depth_bucket_of, frequency_bucket_of;    // per test item
  std::vector<std::string> test_lexnames;                   // per test item
};

inline nlohmann::json build_report(const ReportInputs& in) {
  namespace st = hyperbolic::stats;
  nlohmann::json r = in.header;
  r["baselines"] = in.baselines;
  nlohmann::json fz = in.frozen;
  for (const char* split : {"test", "validation"})
    if (fz.contains(split)) fz[split].erase("per_item");
  r["frozen"] = fz;
  nlohmann::json modes = nlohmann::json::object();
  std::string best_hyplora;
  double best_hyplora_val = -1;
  for (const auto& m : in.modes) {
    const auto& runs = in.runs.at(m);
    nlohmann::json mj;
    mj["lr"] = in.chosen_lr.at(m);
    mj["sweep"] = in.sweeps.at(m);
    mj["trainable_parameters"] = runs.front().at("trainable_parameters");
    nlohmann::json seeds = nlohmann::json::array();
    double val_sum = 0;
    for (const auto& run : runs) {
      nlohmann::json s = {
          {"seed", run.at("seed")},
          {"validation_score", selection_score(run.at("validation"))},
          {"train_seconds", run.value("train_seconds", 0.0)},
          {"tokens_per_second", run.value("tokens_per_second", 0.0)},
          {"gemm_share", run.value("gemm_share", 0.0)},
          {"final_loss", run.value("final_loss", nlohmann::json(nullptr))},
          {"diverged_at_step", run.value("diverged_at_step", 0L)},
          {"ranks", run.value("ranks", 1L)},
          {"all_reduce_bytes_per_step", run.value("all_reduce_bytes_per_step", 0L)}};
      for (const auto& metric : metric_names())
        s[metric] = run.at("test").at(metric);
      if (run.contains("curvatures")) s["curvatures"] = run["curvatures"];
      if (run.contains("input_scales")) s["input_scales"] = run["input_scales"];
      seeds.push_back(s);
      val_sum += selection_score(run.at("validation"));
    }
    mj["seeds"] = seeds;
    mj["validation_score_mean"] = val_sum / double(runs.size());
    for (const auto& metric : metric_names()) {
      std::vector<double> v;
      for (const auto& run : runs)
        v.push_back(run.at("test").at(metric).get<double>());
      mj["test"][metric] = ci_json(st::mean_confidence_interval(v));
      // Breakdowns on the seed-averaged per-item scores.
      const auto avg = seed_average(runs, metric);
      std::vector<double> by_depth(4, 0), n_depth(4, 0), by_freq(4, 0), n_freq(4, 0);
      for (std::size_t i = 0; i < avg.size(); ++i) {
        by_depth[in.depth_bucket_of[i]] += avg[i], n_depth[in.depth_bucket_of[i]] += 1;
        by_freq[in.frequency_bucket_of[i]] += avg[i], n_freq[in.frequency_bucket_of[i]] += 1;
      }
      for (int b = 0; b < 4; ++b) {
        mj["by_depth"][metric][depth_bucket_name(b)] =
            n_depth[b] > 0 ? by_depth[b] / n_depth[b] : 0.0;
        mj["by_answer_frequency"][metric][frequency_bucket_name(b)] =
            n_freq[b] > 0 ? by_freq[b] / n_freq[b] : 0.0;
      }
    }
    if (m.rfind("hyplora", 0) == 0 && mj["validation_score_mean"].get<double>() > best_hyplora_val)
      best_hyplora_val = mj["validation_score_mean"], best_hyplora = m;
    modes[m] = mj;
  }
  r["modes"] = modes;
  r["best_hyplora"] = best_hyplora;

  // Paired comparisons over test items.
  std::vector<std::size_t> all(in.depth_bucket_of.size());
  for (std::size_t i = 0; i < all.size(); ++i)
    all[i] = i;
  nlohmann::json cmp = nlohmann::json::array();
  const auto add = [&](const std::string& a, const std::string& b) {
    if (!in.runs.count(a) || !in.runs.count(b)) return;
    nlohmann::json c = {{"a", a}, {"b", b}};
    for (const auto& metric : metric_names()) {
      c[metric] = compare(in.runs.at(a), in.runs.at(b), metric, all, 20261202);
      for (int bucket = 0; bucket < 4; ++bucket) {
        std::vector<std::size_t> sub;
        for (auto i : all)
          if (in.depth_bucket_of[i] == bucket) sub.push_back(i);
        if (sub.size() >= 20)
          c["by_depth"][metric][depth_bucket_name(bucket)] =
              compare(in.runs.at(a), in.runs.at(b), metric, sub, 20261202 + bucket);
      }
    }
    cmp.push_back(c);
  };
  if (!best_hyplora.empty()) add(best_hyplora, "lora");
  for (const auto& m : in.modes)
    if (m != "full" && m != "frozen") add(m, "full");
  r["comparisons"] = cmp;
  return r;
}

inline std::string pct(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", 100 * x);
  return b;
}

inline std::string interval_text(const nlohmann::json& j, const char* mean_key = "mean") {
  if (!j.is_object() || !j.contains(mean_key) || !j[mean_key].is_number()) return "n/a";
  char b[96];
  if (j.contains("lo") && j["lo"].is_number())
    std::snprintf(b, sizeof b, "%.3f [%.3f, %.3f]", j[mean_key].get<double>(),
                  j["lo"].get<double>(), j["hi"].get<double>());
  else
    std::snprintf(b, sizeof b, "%.3f", j[mean_key].get<double>());
  return b;
}

// "wordnet 102781 lines, gcide 182435 lines (289 dropped: ...)".
inline std::string sources_text(const nlohmann::json& pretrain) {
  if (!pretrain.contains("sources")) return "?";
  std::string out;
  for (const auto& [name, v] : pretrain["sources"].items()) {
    out += (out.empty() ? "" : ", ") + name + " " + std::to_string(v.value("lines", 0L)) + " lines";
    std::string dropped;
    if (v.contains("dropped_overlapping_held_out"))
      dropped += std::to_string(v["dropped_overlapping_held_out"].get<long>()) +
                 " dropped as sharing 8 words with a held-out definition";
    if (v.contains("dropped_wordnet_tagged"))
      dropped += ", " + std::to_string(v["dropped_wordnet_tagged"].get<long>()) +
                 " WordNet-derived definitions dropped";
    if (!dropped.empty()) out += " (" + dropped + ")";
  }
  return out;
}

// Stage 1 and the HypLoRA paper's analysis, on the pretrained transformer and
// (when run) on fastText vectors of the same corpus.
inline std::string pretraining_and_analysis_markdown(const nlohmann::json& r) {
  std::ostringstream md;
  const auto& p = r.at("pretrain");
  char b[1024];
  std::snprintf(b, sizeof b,
                "## Stage 1: pretraining\n\n%ld parameters; corpus %.2f M training tokens "
                "(validation %.2f M) from %s; %ld steps (%.2f M tokens seen); validation "
                "perplexity **%.1f** (loss %.3f) on the whole validation text, **%.1f** on its "
                "WordNet glosses alone; %.0f training tokens/s, %.0f%% of step time in GEMM.\n\n",
                p.value("parameters", 0L), p.value("tokens_in_corpus", 0.0) / 1e6,
                p.value("validation_tokens", 0.0) / 1e6, sources_text(p).c_str(),
                p.value("steps", 0L), p.value("tokens_seen", 0.0) / 1e6,
                p.value("validation_perplexity", 0.0), p.value("validation_loss", 0.0),
                p.value("wordnet_validation_perplexity", 0.0), p.value("tokens_per_second", 0.0),
                100 * p.value("gemm_share", 0.0));
  md << b;
  const auto& a = r.at("analysis");
  const auto& f = a.at("frequency");
  std::snprintf(
      b, sizeof b,
      "## Analysis (the HypLoRA paper's, like for like)\n\nToken frequencies: discrete "
      "power law alpha = %.3f +- %.3f, x_min = %lld, tail %lld of %lld types, KS %.4f.\n\n",
      f["alpha"].get<double>(), f["alpha_sigma"].get<double>(), (long long)f["x_min"].get<double>(),
      (long long)f["n_tail"].get<double>(), (long long)f["types_seen"].get<double>(),
      f["ks_distance"].get<double>());
  md << b;
  std::vector<std::pair<std::string, const nlohmann::json*>> cols{
      {"transformer tokens", &a.at("embeddings")}};
  if (a.contains("fasttext")) cols.push_back({"fastText words", &a.at("fasttext")});
  md << "| quantity (mean [95% CI]) |";
  for (const auto& c : cols)
    md << " " << c.first << " |";
  md << "\n|---|";
  for (std::size_t i = 0; i < cols.size(); ++i)
    md << "---|";
  md << "\n";
  const auto row = [&](const std::string& name, auto get) {
    md << "| " << name << " |";
    for (const auto& c : cols) {
      std::string v = "n/a";
      try {
        v = get(*c.second);
      } catch (const std::exception&) {
      }
      md << " " << v << " |";
    }
    md << "\n";
  };
  row("prompts analysed", [](const nlohmann::json& e) {
    return std::to_string(e.at("prompts").at("used").get<long>());
  });
  row("relative delta per prompt, exact four-point", [](const nlohmann::json& e) {
    return interval_text(e.at("prompts").at("relative_delta").at("exact"));
  });
  row("relative delta per prompt, base point (the paper's estimator)", [](const nlohmann::json& e) {
    return interval_text(e.at("prompts").at("relative_delta").at("base_point"));
  });
  row("ratio base point / exact", [](const nlohmann::json& e) {
    return interval_text(e.at("prompts").at("relative_delta").at("base_point_over_exact"));
  });
  row("control: tree metric, exact / base point (must be 0)", [](const nlohmann::json& e) {
    const auto& t = e.at("prompts").at("controls").at("tree");
    char x[64];
    std::snprintf(x, sizeof x, "%.1e / %.1e", t.at("exact").at("mean").get<double>(),
                  t.at("base_point").at("mean").get<double>());
    return std::string(x);
  });
  row("control: Gaussian cloud, exact", [](const nlohmann::json& e) {
    return interval_text(e.at("prompts").at("controls").at("gaussian").at("exact"));
  });
  row("control: Gaussian cloud, base point", [](const nlohmann::json& e) {
    return interval_text(e.at("prompts").at("controls").at("gaussian").at("base_point"));
  });
  row("1000 most frequent together: base point / sampled", [](const nlohmann::json& e) {
    const auto& t = e.at("top_frequent").at("relative_delta");
    const auto& g = e.at("top_frequent").at("gaussian_control");
    char x[128];
    std::snprintf(x, sizeof x, "%.3f / %.3f (Gaussian %.3f / %.3f)",
                  t.at("base_point").get<double>(), t.at("sampled").get<double>(),
                  g.at("base_point").get<double>(), g.at("sampled").get<double>());
    return std::string(x);
  });
  row("Spearman(frequency, norm)", [](const nlohmann::json& e) {
    return interval_text(e.at("norm_vs_frequency").at("spearman_frequency_norm"), "estimate");
  });
  row("Pearson(log(1+frequency), norm)", [](const nlohmann::json& e) {
    return interval_text(e.at("norm_vs_frequency").at("pearson_log1p_frequency_norm"), "estimate");
  });
  row("mean norm, rarest / most frequent decile", [](const nlohmann::json& e) {
    const auto& bins = e.at("norm_vs_frequency").at("frequency_bins");
    char x[160];
    std::snprintf(x, sizeof x, "%.3f [%.3f, %.3f] / %.3f [%.3f, %.3f]",
                  bins.front().at("mean_norm").get<double>(), bins.front().at("lo").get<double>(),
                  bins.front().at("hi").get<double>(), bins.back().at("mean_norm").get<double>(),
                  bins.back().at("lo").get<double>(), bins.back().at("hi").get<double>());
    return std::string(x);
  });
  md << "\n";
  return md.str();
}

inline std::string markdown_report(const nlohmann::json& r) {
  std::ostringstream md;
  const auto& data = r.at("data");
  md << "# hyperbolic-finetune report\n\n";
  md << "Preset `" << r.at("config").at("preset").get<std::string>() << "`; "
     << r.at("config").at("summary").get<std::string>() << "\n\n";
  md << "Test sample: " << data.at("test_evaluated") << " of " << data.at("test_items")
     << " test synsets (seeded uniform sample); validation sample "
     << data.at("validation_evaluated") << "; training synsets " << data.at("train_items")
     << ". Multiple choice: the gold hypernym and " << data.at("distractors")
     << " distractors.\n\n";
  md << pretraining_and_analysis_markdown(r);
  md << "## Baselines and results on the test sample\n\n"
     << "Mean over seeds with the 95% t interval over seeds (± half-width).\n\n"
     << "| mode | trainable | lr | seeds | lexname | multiple choice | hypernym exact |\n"
     << "|---|---:|---:|---:|---:|---:|---:|\n";
  const auto& b = r.at("baselines");
  md << "| majority / most frequent answer | 0 | – | – | "
     << pct(b["lexname"]["majority"].get<double>()) << " (`"
     << b["lexname"]["majority_answer"].get<std::string>() << "`) | "
     << pct(b["choice"]["most_frequent"].get<double>()) << " | "
     << pct(b["hypernym"]["majority"].get<double>()) << " (`"
     << b["hypernym"]["majority_answer"].get<std::string>() << "`) |\n";
  md << "| frequency-weighted random guess | 0 | – | – | "
     << pct(b["lexname"]["frequency_weighted_guess"].get<double>()) << " | "
     << pct(b["choice"]["frequency_weighted_guess"].get<double>()) << " | "
     << pct(b["hypernym"]["frequency_weighted_guess"].get<double>()) << " |\n";
  md << "| uniform guess | 0 | – | – | " << pct(1.0 / 26) << " | "
     << pct(b["choice"]["uniform"].get<double>()) << " | – |\n";
  const auto& fz = r.at("frozen").at("test");
  md << "| frozen pretrained model | 0 | – | – | " << pct(fz["lexname"].get<double>()) << " | "
     << pct(fz["choice"].get<double>()) << " | " << pct(fz["hypernym"].get<double>()) << " |\n";
  for (const auto& [m, mj] : r.at("modes").items()) {
    md << "| " << m << " | " << mj["trainable_parameters"] << " | " << mj["lr"].get<double>()
       << " | " << mj["seeds"].size();
    for (const auto& metric : {"lexname", "choice", "hypernym"}) {
      const auto& t = mj["test"][metric];
      md << " | " << pct(t["mean"].get<double>()) << " ± "
         << (t["half_width"].is_number() ? pct(t["half_width"].get<double>()) : "n/a");
    }
    md << " |\n";
  }
  md << "\n## Paired comparisons (test items; seed-averaged per-item scores, paired bootstrap, "
        "10,000 resamples)\n\n"
     << "| A vs B | metric | A − B (points) | 95% CI | p (bootstrap) | McNemar p per seed |\n"
     << "|---|---|---:|---:|---:|---|\n";
  for (const auto& c : r.at("comparisons")) {
    for (const auto& metric : metric_names()) {
      const auto& x = c[metric];
      md << "| " << c["a"].get<std::string>() << " vs " << c["b"].get<std::string>() << " | "
         << metric << " | " << pct(x["difference"].get<double>()) << " | ["
         << pct(x["lo"].get<double>()) << ", " << pct(x["hi"].get<double>()) << "] | ";
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.3g", x["p_bootstrap"].get<double>());
      md << buf << " | ";
      for (const auto& s : x["mcnemar_per_seed"]) {
        std::snprintf(buf, sizeof buf, "%.3g ", s["p"].get<double>());
        md << buf;
      }
      md << "|\n";
    }
  }
  if (!r.at("best_hyplora").get<std::string>().empty()) {
    md << "\n### " << r["best_hyplora"].get<std::string>()
       << " (best HypLoRA variant on validation) vs LoRA by depth\n\n"
       << "| depth | metric | A − B (points) | 95% CI | p |\n|---|---|---:|---:|---:|\n";
    for (const auto& c : r.at("comparisons"))
      if (c["a"] == r["best_hyplora"] && c["b"] == "lora" && c.contains("by_depth"))
        for (const auto& metric : metric_names())
          for (int bi = 0; bi < 4; ++bi) {
            const std::string bucket = depth_bucket_name(bi);
            if (!c["by_depth"][metric].contains(bucket)) continue;
            const auto& x = c["by_depth"][metric][bucket];
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.3g", x["p_bootstrap"].get<double>());
            md << "| " << bucket << " | " << metric << " | " << pct(x["difference"].get<double>())
               << " | [" << pct(x["lo"].get<double>()) << ", " << pct(x["hi"].get<double>())
               << "] | " << buf << " |\n";
          }
  }
  md << "\n## Accuracy by depth and by answer frequency (seed-averaged, test)\n\n";
  for (const auto& metric : metric_names()) {
    md << "**" << metric_title(metric) << "**\n\n| mode |";
    for (int bkt = 0; bkt < 4; ++bkt)
      md << " " << depth_bucket_name(bkt) << " |";
    for (int bkt = 0; bkt < 4; ++bkt)
      md << " " << frequency_bucket_name(bkt) << " |";
    md << "\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& [m, mj] : r.at("modes").items()) {
      md << "| " << m << " |";
      for (int bkt = 0; bkt < 4; ++bkt)
        md << " " << pct(mj["by_depth"][metric][depth_bucket_name(bkt)].get<double>()) << " |";
      for (int bkt = 0; bkt < 4; ++bkt)
        md << " "
           << pct(mj["by_answer_frequency"][metric][frequency_bucket_name(bkt)].get<double>())
           << " |";
      md << "\n";
    }
    md << "\n";
  }
  md << "Items per bucket: " << data.at("depth_buckets").dump() << "; "
     << data.at("frequency_buckets").dump() << "\n\n";
  md << "## Learning-rate sweep (seed 1, validation score = mean of the three accuracies)\n\n"
     << "| mode | lr | validation score | lexname | choice | hypernym "
        "|\n|---|---:|---:|---:|---:|---:|\n";
  for (const auto& [m, mj] : r.at("modes").items())
    for (const auto& s : mj["sweep"])
      md << "| " << m << (s["lr"] == mj["lr"] ? " (chosen)" : "") << " | " << s["lr"].get<double>()
         << " | " << pct(s["score"].get<double>()) << " | " << pct(s["lexname"].get<double>())
         << " | " << pct(s["choice"].get<double>()) << " | " << pct(s["hypernym"].get<double>())
         << " |\n";
  md << "\n## HypLoRA curvatures and input scales after training (per adapted layer, seed 1)\n\n";
  for (const auto& [m, mj] : r.at("modes").items()) {
    const auto& s0 = mj["seeds"][0];
    if (!s0.contains("curvatures")) continue;
    md << "- " << m << ": c =";
    char buf[32];
    for (const auto& v : s0["curvatures"]) {
      std::snprintf(buf, sizeof buf, " %.3g", v.get<double>());
      md << buf;
    }
    if (s0.contains("input_scales")) {
      md << "; s =";
      for (const auto& v : s0["input_scales"]) {
        std::snprintf(buf, sizeof buf, " %.3g", v.get<double>());
        md << buf;
      }
    }
    md << "\n";
  }
  md << "\n## Test sample: lexicographer classes\n\n"
     << data.at("test_class_histogram").dump() << "\n";
  return md.str();
}

// Bar chart of each metric with the seed CI as error bars and the best
// constant baseline as a line; loss curves of the seed-1 runs.
inline void write_plots(const std::filesystem::path& dir, const nlohmann::json& r,
                        const std::map<std::string, std::vector<nlohmann::json>>& runs,
                        const nlohmann::json& pretrain_history) {
  namespace fs = std::filesystem;
  const fs::path img = dir / "img";
  fs::create_directories(img);
  // Every data file and the script through a checked temporary + rename
  // (io::write_file_atomically): a failed write (disk full) leaves the previous
  // file whole and no temporary behind, and names the file.
  const auto put = [&](const std::string& name, const std::ostringstream& text) {
    hyperbolic::io::write_file_atomically(img / name, text.str());
  };
  {
    std::ostringstream o;
    const auto& h = pretrain_history;
    for (size_t i = 0; i < h["step"].size(); ++i)
      o << h["step"][i] << ' ' << h["loss"][i] << '\n';
    o << "\n\n";
    for (size_t i = 0; i < h["val_step"].size(); ++i)
      o << h["val_step"][i] << ' ' << h["val_loss"][i] << '\n';
    put("pretrain.dat", o);
  }
  std::ostringstream gp;
  gp << "set terminal pngcairo size 900,520 noenhanced\nset grid\n"
     << "set output 'finetune-pretrain.png'\nset title 'Stage 1: pretraining'\n"
     << "set xlabel 'step'\nset ylabel 'cross-entropy (nats/token)'\n"
     << "plot 'pretrain.dat' index 0 using 1:2 smooth bezier with lines lw 2 title 'train "
        "(smoothed)', 'pretrain.dat' index 1 using 1:2 with linespoints lw 2 pt 7 title "
        "'validation'\n";
  for (const auto& metric : metric_names()) {
    std::ostringstream o;
    int i = 0;
    o << i++ << " \"frozen\" " << 100 * r["frozen"]["test"][metric].get<double>() << " 0\n";
    for (const auto& [m, mj] : r["modes"].items()) {
      const auto& t = mj["test"][metric];
      o << i++ << " \"" << m << "\" " << 100 * t["mean"].get<double>() << ' '
        << (t["half_width"].is_number() ? 100 * t["half_width"].get<double>() : 0.0) << '\n';
    }
    put("accuracy-" + metric + ".dat", o);
    const auto& b = r["baselines"][metric];
    const double base = metric == "choice" ? std::max(b["most_frequent"].get<double>(),
                                                      b["frequency_weighted_guess"].get<double>())
                                           : std::max(b["majority"].get<double>(),
                                                      b["frequency_weighted_guess"].get<double>());
    gp << "set output 'finetune-" << metric << ".png'\nset title '" << metric_title(metric)
       << ", test sample (mean over seeds, 95% CI)'\n"
       << "set style fill solid 0.5\nset boxwidth 0.6\nset yrange [0:*]\nset xlabel ''\n"
       << "set ylabel 'accuracy (%)'\nset xtics rotate by -30\n"
       << "plot 'accuracy-" << metric << ".dat' using 1:3:xtic(2) with boxes notitle, '' using "
       << "1:3:4 with yerrorbars lc rgb 'black' pt 0 notitle, " << 100 * base
       << " with lines lw 2 dt 2 title 'best constant baseline'\nset xtics norotate\n";
  }
  std::string loss_plot;
  for (const auto& [m, rs] : runs) {
    const auto& cv = rs.front()["curve"];
    if (cv.is_null() || cv["step"].empty()) continue;
    std::string file = "loss-" + rs.front()["label"].get<std::string>() + ".dat";
    std::ostringstream o;
    for (size_t i = 0; i < cv["step"].size(); ++i)
      o << cv["step"][i] << ' ' << cv["loss"][i] << '\n';
    put(file, o);
    loss_plot += (loss_plot.empty() ? "" : ", ") +
                 ("'" + file + "' using 1:2 smooth bezier with lines lw 2 title '" + m + "'");
  }
  if (!loss_plot.empty())
    gp << "set output 'finetune-loss.png'\nset title 'Fine-tuning loss (seed 1, chosen lr)'\n"
       << "set xlabel 'step'\nset ylabel 'cross-entropy on answer tokens'\nset yrange [*:*]\nplot "
       << loss_plot << "\n";
  put("plots.gp", gp);
  const std::string cmd = "cd '" + img.string() + "' && gnuplot plots.gp 2> gnuplot.log";
  if (std::system(cmd.c_str()) != 0)
    std::fprintf(stderr,
                 "[report] gnuplot failed or is missing (see %s/gnuplot.log): no PNG plots\n",
                 img.c_str());
}

}  // namespace finetune
