#pragma once
// A graph as node names plus directed edges u -> v (for hierarchies: child -> parent), and its
// TSV form: one edge per line, `child<TAB>parent`; `#` starts a comment line; blank lines are
// skipped. Node ids are dense (0..n-1) in order of first appearance.

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace hyperbolic::graph {

using NodeId = std::uint32_t;

struct Edge {
  NodeId from;  // child (hyponym)
  NodeId to;    // parent (hypernym)
  friend bool operator==(const Edge&, const Edge&) = default;
  friend auto operator<=>(const Edge&, const Edge&) = default;
};

struct EdgeList {
  std::vector<std::string> names;  // names[id]
  std::vector<Edge> edges;

  std::size_t node_count() const { return names.size(); }
  std::size_t edge_count() const { return edges.size(); }
};

// Interns names to dense ids while edges are added.
class EdgeListBuilder {
 public:
  NodeId node(std::string_view name) {
    auto found = ids_.find(std::string(name));
    if (found != ids_.end()) return found->second;
    if (graph_.names.size() >= static_cast<std::size_t>(UINT32_MAX))
      throw std::length_error("EdgeListBuilder: more than 2^32-1 nodes");
    const auto id = static_cast<NodeId>(graph_.names.size());
    graph_.names.emplace_back(name);
    ids_.emplace(graph_.names.back(), id);
    return id;
  }
  void add_edge(std::string_view from, std::string_view to) {
    const NodeId u = node(from);
    const NodeId v = node(to);
    graph_.edges.push_back({u, v});
  }
  EdgeList build() && {
    ids_.clear();
    return std::move(graph_);
  }

 private:
  EdgeList graph_;
  std::unordered_map<std::string, NodeId> ids_;
};

namespace detail {

inline std::string quote_line(std::string_view line) {
  constexpr std::size_t max_shown = 200;
  std::string shown(line.substr(0, max_shown));
  if (line.size() > max_shown) shown += "...";
  return "\"" + shown + "\"";
}

inline std::string read_whole_file(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string(what) + ": cannot open file '" + path + "'");
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) throw std::runtime_error(std::string(what) + ": error reading '" + path + "'");
  return std::move(contents).str();
}

// Calls on_line(line_number, line) for each line, without the newline (and a trailing '\r').
template <class OnLine>
void for_each_line(std::string_view text, OnLine&& on_line) {
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    on_line(line_number, line);
  }
}

inline bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

}  // namespace detail

// Parses TSV text; `source` names the input in error messages.
inline EdgeList parse_edge_list_tsv(std::string_view text, const std::string& source) {
  EdgeListBuilder builder;
  detail::for_each_line(text, [&](std::size_t line_number, std::string_view line) {
    if (detail::is_blank(line) || line.front() == '#') return;
    const std::size_t tab = line.find('\t');
    const bool two_columns = tab != std::string_view::npos && tab > 0 && tab + 1 < line.size() &&
                             line.find('\t', tab + 1) == std::string_view::npos;
    if (!two_columns) {
      throw std::runtime_error(source + ":" + std::to_string(line_number) +
                               ": expected two tab-separated columns 'child<TAB>parent', got " +
                               detail::quote_line(line));
    }
    builder.add_edge(line.substr(0, tab), line.substr(tab + 1));
  });
  return std::move(builder).build();
}

inline EdgeList read_edge_list_tsv(const std::string& path) {
  return parse_edge_list_tsv(detail::read_whole_file(path, "edge list"), path);
}

inline void write_edge_list_tsv(const EdgeList& graph, std::ostream& out) {
  for (const Edge& e : graph.edges)
    out << graph.names[e.from] << '\t' << graph.names[e.to] << '\n';
}

inline void write_edge_list_tsv(const EdgeList& graph, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error("edge list: cannot create file '" + path + "'");
  write_edge_list_tsv(graph, out);
  out.flush();
  if (!out) throw std::runtime_error("edge list: error writing '" + path + "'");
}

}  // namespace hyperbolic::graph
