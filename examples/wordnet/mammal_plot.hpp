#pragma once
// PNG of a 2-D Poincare embedding: the unit disk, the hierarchy's direct edges (transitive
// reduction of the closure) and the nodes, with a few labels, drawn by gnuplot. When the graph
// contains mammal.n.01 only the mammal subtree is drawn. Returns whether gnuplot drew it.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "hyperbolic/graph/edge_list.hpp"
#include "hyperbolic/graph/link_prediction.hpp"

namespace hyperbolic::wordnet_train {

// `curvature`: the ball's c; points are drawn in units of its radius 1/sqrt(c), so the disk
// is always the unit disk.
inline bool plot_poincare_disk(const std::string& png_path, const graph::EdgeList& g,
                               std::span<const double> rows, const std::string& title,
                               double curvature = 1.0) {
  std::vector<double> x(rows.begin(), rows.end());
  if (curvature != 1.0)
    for (double& v : x)
      v *= std::sqrt(curvature);
  std::unordered_map<std::string, graph::NodeId> id;
  for (std::size_t i = 0; i < g.names.size(); ++i)
    id.emplace(g.names[i], static_cast<graph::NodeId>(i));
  // Which nodes to draw: the mammal subtree if present, else everything.
  std::vector<char> keep(g.node_count(), 1);
  if (const auto m = id.find("mammal.n.01"); m != id.end() && g.node_count() > 2000) {
    std::fill(keep.begin(), keep.end(), 0);
    keep[m->second] = 1;
    for (const graph::Edge& e : g.edges)
      if (e.to == m->second) keep[e.from] = 1;
  }
  std::vector<graph::Edge> edges;
  for (const graph::Edge& e : g.edges)
    if (keep[e.from] && keep[e.to] && e.from != e.to) edges.push_back(e);
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  const std::vector<char> implied = graph::implied_by_two_step_paths(g.node_count(), edges);

  const std::string base = png_path + ".plotdata";
  {
    std::ofstream points(base + ".points"), lines(base + ".edges"), labels(base + ".labels");
    for (std::size_t i = 0; i < g.node_count(); ++i)
      if (keep[i]) points << x[2 * i] << ' ' << x[2 * i + 1] << '\n';
    for (std::size_t i = 0; i < edges.size(); ++i) {
      if (implied[i]) continue;
      const auto u = edges[i].from, v = edges[i].to;
      lines << x[2 * u] << ' ' << x[2 * u + 1] << "\n" << x[2 * v] << ' ' << x[2 * v + 1] << "\n\n";
    }
    const char* wanted[] = {"mammal.n.01",    "placental.n.01", "carnivore.n.01", "canine.n.02",
                            "dog.n.01",       "feline.n.01",    "primate.n.02",   "ungulate.n.01",
                            "rodent.n.01",    "whale.n.02",     "horse.n.01",     "marsupial.n.01",
                            "monotreme.n.01", "bat.n.01",       "homo.n.02"};
    for (const char* name : wanted)
      if (const auto it = id.find(name); it != id.end() && keep[it->second])
        labels << x[2 * it->second] << ' ' << x[2 * it->second + 1] << " \""
               << std::string(name).substr(0, std::string(name).find('.')) << "\"\n";
  }
  const std::string script = base + ".gp";
  {
    std::ofstream gp(script);
    gp << "set terminal pngcairo size 1000,1000 font 'sans,11'\n"
       << "set output '" << png_path << "'\n"
       << "set size ratio -1\nunset key\nunset border\nunset xtics\nunset ytics\n"
       << "set xrange [-1.05:1.05]\nset yrange [-1.05:1.05]\n"
       << "set title '" << title << ": 2-D Poincare embedding (direct edges)'\n"
       << "set object 1 circle at 0,0 size 1 fc rgb '#f4f4f4' fs solid border lc rgb 'black' back\n"
       << "plot '" << base << ".edges' with lines lc rgb '#9ab0d0' lw 0.6, \\\n"
       << "     '" << base << ".points' with points pt 7 ps 0.35 lc rgb '#203060', \\\n"
       << "     '" << base << ".labels' using 1:2:3 with labels offset 0.6,0.6 left "
       << "font 'sans,12' tc rgb '#b00000', \\\n"
       << "     '" << base << ".labels' using 1:2 with points pt 7 ps 0.9 lc rgb '#b00000'\n";
  }
  const std::string command = "gnuplot '" + script + "' 2>&1";
  const bool drawn = std::system(command.c_str()) == 0;
  if (!drawn) std::fprintf(stderr, "warning: gnuplot failed; no picture\n");
  for (const char* ext : {".points", ".edges", ".labels", ".gp"})
    std::filesystem::remove(base + ext);
  return drawn;
}

}  // namespace hyperbolic::wordnet_train
