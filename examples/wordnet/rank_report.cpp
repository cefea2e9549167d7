// hyperbolic-wordnet-ranks: where the mean rank of a trained embedding comes from.
//
//   hyperbolic-wordnet-ranks --embedding runs/nouns.emb --data nouns -o runs/nouns_ranks
//
// Reads a trainer embedding (.emb) and the graph it was trained on, ranks every (child,
// ancestor) pair by the evaluation protocol (docs/wordnet.md) and splits the mean rank by the
// pair's hop distance along the hierarchy (1 = direct parent) and by the child's depth, next to
// the mean distance from the origin of each depth. Writes PREFIX.json and, with gnuplot,
// PREFIX.png (mean rank by hop, radius by depth).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "../common/cli_contract.hpp"
#include "checkpoint_io.hpp"
#include "datasets.hpp"
#include "hyperbolic/graph/rank_breakdown.hpp"
#include "hyperbolic/io/output_paths.hpp"
#include "hyperbolic/io/output_set.hpp"
#include "trainer.hpp"

namespace graph = hyperbolic::graph;
namespace wt = hyperbolic::wordnet_train;
using json = nlohmann::json;

namespace {

struct Options {
  std::string embedding;
  std::string data = "nouns";
  std::string dict = graph::wordnet::default_dictionary_dir;
  std::string out;
  unsigned threads = 0;
  unsigned max_hop = 12;  // hop distances above this are reported together
};

// Distance from the origin of row r (the library's dist0 at the embedding's curvature): what
// separates the levels of a hierarchy.
double radius(wt::Model model, double c, std::span<const double> row) {
  const hyperbolic::ConstRow<double> x(row.data(), hyperbolic::index_t(row.size()));
  switch (model) {
    case wt::Model::poincare:
      return hyperbolic::PoincareBall<double>(c).dist0(x);
    case wt::Model::lorentz:
      return hyperbolic::Lorentz<double>(c).dist0(x);
    case wt::Model::euclidean:
      return hyperbolic::Euclidean<double>().dist0(x);
  }
  return NAN;
}

// Returns whether gnuplot drew it.
bool plot(const std::string& png, const json& report) {
  const std::string base = png + ".plotdata";
  {
    std::ofstream hops(base + ".hops"), depths(base + ".depths");
    for (const json& h : report["by_hop"])
      hops << h["hop"].get<int>() << ' ' << h["mean_rank"].get<double>() << ' '
           << h["share_of_excess"].get<double>() << '\n';
    for (const json& d : report["by_depth"])
      depths << d["depth"].get<int>() << ' ' << d["mean_radius"].get<double>() << ' '
             << d["mean_rank"].get<double>() << '\n';
  }
  std::ofstream gp(base + ".gp");
  gp << "set terminal pngcairo size 1300,520 font 'sans,11'\n"
     << "set output '" << png << "'\n"
     << "set multiplot layout 1,2 title '" << report["data"].get<std::string>() << ", "
     << report["model"].get<std::string>() << " dim " << report["dim"].get<int>() << ": mean rank "
     << report["mean_rank"].get<double>() << "'\n"
     << "set grid\nset key top right\n"
     << "set xlabel 'hop distance child -> ancestor (1 = direct parent)'\n"
     << "set ylabel 'mean rank'\nset logscale y\nset y2label 'share of the excess rank (%)'\n"
     << "set y2tics\nset ytics nomirror\nset style fill solid 0.35\nset boxwidth 0.6\n"
     << "plot '" << base << ".hops' using 1:($3*100) axes x1y2 with boxes lc rgb '#9ab0d0' "
     << "title 'share of (mean rank - 1)', '' using 1:2 with linespoints pt 7 lc rgb '#203060' "
     << "title 'mean rank'\n"
     << "unset logscale y\nunset y2tics\nunset y2label\nset ytics mirror\n"
     << "set xlabel 'depth of the node (largest hop distance to an ancestor)'\n"
     << "set ylabel 'mean distance from the origin'\n"
     << "plot '" << base << ".depths' using 1:2 with linespoints pt 7 lc rgb '#b00000' "
     << "title 'radius'\n"
     << "unset multiplot\n";
  gp.close();
  const std::string command = "gnuplot '" + base + ".gp' 2>&1";
  const bool drawn = std::system(command.c_str()) == 0;
  if (!drawn) std::fprintf(stderr, "warning: gnuplot failed; no picture\n");
  for (const char* ext : {".hops", ".depths", ".gp"})
    std::filesystem::remove(base + ext);
  return drawn;
}

int run(const Options& o) {
  const auto start = std::chrono::steady_clock::now();
  if (!o.out.empty()) {  // before the ranking: a bad -o must not cost it
    std::vector<hyperbolic::io::NamedPath> inputs{{"--embedding", o.embedding}};
    if (std::filesystem::is_regular_file(o.data)) inputs.push_back({"--data", o.data});
    const std::vector<hyperbolic::io::NamedPath> outputs{{"--out (.json)", o.out + ".json"},
                                                         {"--out (.png)", o.out + ".png"}};
    hyperbolic::io::check_output_paths(inputs, outputs);
  }
  const wt::EmbeddingFile emb = wt::read_embedding_binary(o.embedding);
  const graph::EdgeList g = wt::load_graph(o.data, o.dict);
  if (emb.names.size() != g.node_count())
    throw std::runtime_error("--embedding '" + o.embedding + "' has " +
                             std::to_string(emb.names.size()) + " nodes, --data '" + o.data + "' " +
                             std::to_string(g.node_count()));
  // Rows in the graph's node order, matched by name.
  std::unordered_map<std::string, std::size_t> row_of;
  for (std::size_t i = 0; i < emb.names.size(); ++i)
    row_of.emplace(emb.names[i], i);
  const std::size_t a = emb.row_size;
  std::vector<double> x(g.node_count() * a);
  for (std::size_t u = 0; u < g.node_count(); ++u) {
    const auto it = row_of.find(g.names[u]);
    if (it == row_of.end())
      throw std::runtime_error("--embedding '" + o.embedding + "' has no row for '" + g.names[u] +
                               "' of --data '" + o.data + "'");
    std::copy_n(emb.x.begin() + static_cast<std::ptrdiff_t>(it->second * a), a,
                x.begin() + static_cast<std::ptrdiff_t>(u * a));
  }

  const graph::Adjacency closure(g.node_count(), g.edges);
  const wt::RankingSurrogate surrogate(emb.model, emb.curvature, g.node_count(), a, x);
  const std::vector<std::uint64_t> ranks =
      graph::neighbour_ranks(closure, surrogate, {.threads = o.threads});
  const std::vector<std::uint32_t> hops = graph::hop_distances(closure);
  const std::vector<std::uint32_t> depth = graph::reduction_depths(closure, hops);

  std::uint64_t rank_sum = 0;
  for (std::uint64_t r : ranks)
    rank_sum += r;
  const double pairs = static_cast<double>(ranks.size());
  const double excess = static_cast<double>(rank_sum) - pairs;
  const auto share = [&](double part) { return excess > 0 ? part / excess : 0.0; };

  static const char* model_names[] = {"poincare", "lorentz", "euclidean"};
  json report = {{"embedding", o.embedding},
                 {"data", o.data},
                 {"model", model_names[static_cast<int>(emb.model)]},
                 {"dim", static_cast<int>(emb.model == wt::Model::lorentz ? a - 1 : a)},
                 {"curvature", emb.curvature},
                 {"nodes", g.node_count()},
                 {"pairs", ranks.size()},
                 {"mean_rank", static_cast<double>(rank_sum) / pairs}};

  json by_hop = json::array();
  const auto hop_groups = graph::group_ranks(ranks, hops, o.max_hop + 1);
  for (std::size_t h = 1; h < hop_groups.size(); ++h)
    if (hop_groups[h].pairs > 0)
      by_hop.push_back({{"hop", h},
                        {"and_more", h == o.max_hop},
                        {"pairs", hop_groups[h].pairs},
                        {"mean_rank", hop_groups[h].mean_rank()},
                        {"share_of_excess", share(static_cast<double>(hop_groups[h].excess()))}});
  report["by_hop"] = by_hop;

  // Per child depth: its pairs' ranks, and every node's distance from the origin.
  std::vector<std::uint32_t> child_depth(ranks.size());
  for (std::size_t u = 0, k = 0; u < g.node_count(); ++u)
    for (std::size_t j = 0; j < closure.degree(u); ++j)
      child_depth[k++] = depth[u];
  const std::uint32_t deepest = *std::max_element(depth.begin(), depth.end());
  const auto depth_groups = graph::group_ranks(ranks, child_depth, deepest + 1);
  std::vector<double> radius_sum(deepest + 1, 0.0);
  std::vector<std::size_t> nodes_at(deepest + 1, 0);
  for (std::size_t u = 0; u < g.node_count(); ++u) {
    radius_sum[depth[u]] +=
        radius(emb.model, emb.curvature, std::span<const double>(x).subspan(u * a, a));
    ++nodes_at[depth[u]];
  }
  json by_depth = json::array();
  for (std::uint32_t d = 0; d <= deepest; ++d)
    by_depth.push_back({{"depth", d},
                        {"nodes", nodes_at[d]},
                        {"mean_radius", nodes_at[d] ? radius_sum[d] / nodes_at[d] : 0.0},
                        {"pairs", depth_groups[d].pairs},
                        {"mean_rank", depth_groups[d].mean_rank()},
                        {"share_of_excess", share(static_cast<double>(depth_groups[d].excess()))}});
  report["by_depth"] = by_depth;

  // Direct-parent pairs by the parent's number of children (in the reduction) and by whether
  // the child is a leaf: which parents an embedding ranks badly.
  std::vector<std::uint32_t> children(g.node_count(), 0);
  for (std::size_t u = 0, k = 0; u < g.node_count(); ++u)
    for (const graph::NodeId v : closure.neighbours(u))
      if (hops[k++] == 1) ++children[v];
  static constexpr std::uint32_t child_bounds[] = {1, 5, 20, 100};  // buckets 1, 2-5, ..., >100
  const auto bucket = [](std::uint32_t c) {
    std::uint32_t b = 0;
    while (b < std::size(child_bounds) && c > child_bounds[b])
      ++b;
    return b;
  };
  std::vector<std::uint64_t> parent_ranks;
  std::vector<std::uint32_t> parent_bucket, child_is_leaf;
  for (std::size_t u = 0, k = 0; u < g.node_count(); ++u)
    for (const graph::NodeId v : closure.neighbours(u))
      if (hops[k++] == 1) {
        parent_ranks.push_back(ranks[k - 1]);
        parent_bucket.push_back(bucket(children[v]));
        child_is_leaf.push_back(children[u] == 0 ? 1 : 0);
      }
  const char* bucket_names[] = {"1", "2-5", "6-20", "21-100", ">100"};
  json by_children = json::array();
  const auto bucket_groups =
      graph::group_ranks(parent_ranks, parent_bucket, std::size(bucket_names));
  for (std::size_t b = 0; b < bucket_groups.size(); ++b)
    by_children.push_back(
        {{"children", bucket_names[b]},
         {"pairs", bucket_groups[b].pairs},
         {"mean_rank", bucket_groups[b].mean_rank()},
         {"share_of_excess", share(static_cast<double>(bucket_groups[b].excess()))}});
  const auto leaf_groups = graph::group_ranks(parent_ranks, child_is_leaf, 2);
  json by_leaf = json::array();
  for (std::size_t b = 0; b < 2; ++b)
    by_leaf.push_back({{"child", b ? "leaf" : "inner"},
                       {"pairs", leaf_groups[b].pairs},
                       {"mean_rank", leaf_groups[b].mean_rank()},
                       {"share_of_excess", share(static_cast<double>(leaf_groups[b].excess()))}});
  report["direct_parents"] = {{"by_parent_children", by_children}, {"by_child", by_leaf}};

  // How concentrated the excess is: the worst 0.1% / 1% / 10% of the pairs.
  std::vector<std::uint64_t> sorted(ranks);
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  json worst = json::object();
  for (const auto& [label, fraction] : {std::pair{"0.1%", 0.001}, {"1%", 0.01}, {"10%", 0.1}}) {
    double part = 0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(fraction * pairs); ++i)
      part += static_cast<double>(sorted[i] - 1);
    worst[label] = share(part);
  }
  report["excess_in_worst_pairs"] = worst;
  report["wall_seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::printf("%s, %s dim %d: mean rank %.4f over %zu pairs\n", o.data.c_str(),
              report["model"].get<std::string>().c_str(), report["dim"].get<int>(),
              report["mean_rank"].get<double>(), ranks.size());
  std::printf("mean rank by hop distance (child -> ancestor; 1 = direct parent):\n");
  for (const json& h : by_hop)
    std::printf("  hop %2d%s %9llu pairs  mean rank %9.3f  share of the excess %5.1f%%\n",
                h["hop"].get<int>(), h["and_more"].get<bool>() ? "+" : " ",
                static_cast<unsigned long long>(h["pairs"].get<std::uint64_t>()),
                h["mean_rank"].get<double>(), 100 * h["share_of_excess"].get<double>());
  std::printf("by depth of the node (the child, for ranks):\n");
  for (const json& d : by_depth)
    std::printf(
        "  depth %2d %8zu nodes  radius %7.3f %9llu pairs  mean rank %9.3f  share %5.1f%%\n",
        d["depth"].get<int>(), d["nodes"].get<std::size_t>(), d["mean_radius"].get<double>(),
        static_cast<unsigned long long>(d["pairs"].get<std::uint64_t>()),
        d["mean_rank"].get<double>(), 100 * d["share_of_excess"].get<double>());
  std::printf("direct parents (hop 1) by the parent's number of children:\n");
  for (const json& b : by_children)
    std::printf("  %-7s %9llu pairs  mean rank %9.3f  share of the excess %5.1f%%\n",
                b["children"].get<std::string>().c_str(),
                static_cast<unsigned long long>(b["pairs"].get<std::uint64_t>()),
                b["mean_rank"].get<double>(), 100 * b["share_of_excess"].get<double>());
  for (const json& b : by_leaf)
    std::printf("  %s children: %llu pairs  mean rank %.3f  share of the excess %.1f%%\n",
                b["child"].get<std::string>().c_str(),
                static_cast<unsigned long long>(b["pairs"].get<std::uint64_t>()),
                b["mean_rank"].get<double>(), 100 * b["share_of_excess"].get<double>());
  std::printf("worst pairs' share of the excess: 0.1%% %.1f%%, 1%% %.1f%%, 10%% %.1f%%\n",
              100 * worst["0.1%"].get<double>(), 100 * worst["1%"].get<double>(),
              100 * worst["10%"].get<double>());

  if (!o.out.empty()) {
    hyperbolic::io::OutputSet files;  // the report and its picture replaced together
    files.write(o.out + ".json", report.dump(2) + "\n");
    const bool drawn = plot(files.external(o.out + ".png").string(), report);
    if (!drawn) files.discard(o.out + ".png");
    files.commit();
    std::printf("wrote %s.json%s\n", o.out.c_str(), drawn ? (", " + o.out + ".png").c_str() : "");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"Mean rank of a hierarchy embedding, split by hop distance and depth"};
  app.add_option("--embedding", o.embedding, "trainer embedding (.emb)")->required();
  app.add_option("--data", o.data,
                 "the graph it was trained on: mammals | nouns | path of a child<TAB>parent TSV")
      ->capture_default_str();
  app.add_option("--dict", o.dict, "WordNet dictionary folder")->capture_default_str();
  app.add_option("-o,--out", o.out, "output prefix (.json, .png); none: print only");
  app.add_option("--threads", o.threads, "ranking threads (0 = all cores)")->capture_default_str();
  app.add_option("--max-hop", o.max_hop, "hop distances above this are reported together")
      ->check(CLI::Range(1u, 1000u))
      ->capture_default_str();
  return hyperbolic::cli::run_main("hyperbolic-wordnet-ranks", app, argc, argv,
                                   [&] { return run(o); });
}
