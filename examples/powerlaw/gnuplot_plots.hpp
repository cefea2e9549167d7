#pragma once
// Log-log rank-frequency and CCDF plots with the fitted power law, drawn by
// gnuplot (pngcairo + svg). Data and script go to a temporary folder; the
// images go to the caller's io::OutputSet, which puts them in place together
// with the rest of the run's outputs.

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "hyperbolic/io/output_set.hpp"
#include "hyperbolic/text/discrete_power_law.hpp"
#include "hyperbolic/text/hurwitz_zeta.hpp"

namespace powerlaw_cli {

struct PlotRequest {
  std::vector<std::int64_t> frequencies_descending;  // rank order
  hyperbolic::text::DiscretePowerLawFit fit;
  std::string title;
  std::filesystem::path output_stem;  // e.g. out/moby-words -> out/moby-words-rank.png ...
};

inline std::string quote_for_gnuplot(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Adds the four images to `outputs` and returns their paths; they are in place once
// outputs.commit() succeeds.
inline std::vector<std::filesystem::path> draw_plots(const PlotRequest& request,
                                                     hyperbolic::io::OutputSet& outputs) {
  namespace fs = std::filesystem;
  using hyperbolic::text::log_hurwitz_zeta;
  const auto& freq = request.frequencies_descending;
  const auto& fit = request.fit;
  const fs::path work =
      fs::temp_directory_path() / ("hyperbolic-powerlaw-" + std::to_string(::getpid()));
  fs::create_directories(work);
  const double n = static_cast<double>(freq.size());
  const double tail_share = static_cast<double>(fit.n_tail) / n;
  const double log_zeta_min = log_hurwitz_zeta(fit.alpha, static_cast<double>(fit.x_min));

  {  // rank-frequency data: rank, frequency. Thinned so figures stay small:
     // on a log axis only ranks 1% apart and the ends of equal-count plateaus show.
    std::ofstream out(work / "rank.dat");
    double last_kept = 0;
    for (std::size_t r = 0; r < freq.size(); ++r) {
      const double rank = static_cast<double>(r + 1);
      const bool plateau_end =
          r + 1 == freq.size() || freq[r + 1] != freq[r] || r == 0 || freq[r - 1] != freq[r];
      if (r >= 100 && rank < last_kept * 1.01 && !plateau_end) continue;
      out << (r + 1) << ' ' << freq[r] << '\n';
      last_kept = rank;
    }
  }
  {  // empirical CCDF P(X >= x) at each distinct x
    std::ofstream out(work / "ccdf.dat");
    for (std::size_t i = freq.size(); i-- > 0;) {
      if (i > 0 && freq[i - 1] == freq[i]) continue;
      out << freq[i] << ' ' << static_cast<double>(i + 1) / n << '\n';
    }
  }
  {  // fitted model on a geometric grid of x >= x_min: CCDF and rank(x) = n * CCDF
    std::ofstream out(work / "model.dat");
    const double x_max = static_cast<double>(freq.front());
    for (double x = static_cast<double>(fit.x_min); x <= x_max * 1.0001;
         x = std::max(x + 1.0, std::floor(x * 1.05))) {
      const double ccdf = tail_share * std::exp(log_hurwitz_zeta(fit.alpha, x) - log_zeta_min);
      out << x << ' ' << ccdf << ' ' << ccdf * n << '\n';
    }
  }
  std::ostringstream label;
  label.precision(3);
  label << "power law alpha = " << fit.alpha << " +/- " << fit.sigma << ", xmin = " << fit.x_min;

  std::vector<fs::path> written;
  std::ostringstream script;
  script << "set logscale xy\nset grid\nset key top right\nset format y '10^{%L}'\n"
         << "set format x '10^{%L}'\n";
  struct Terminal {
    const char* extension;
    const char* terminal;
  };
  const Terminal terminals[] = {{"png", "pngcairo size 640,480 font ',10'"},
                                {"svg", "svg size 640,480 dynamic font ',10'"}};
  for (const auto& term : terminals) {
    for (const char* kind : {"rank", "ccdf"}) {
      const fs::path target = request.output_stem.string() + "-" + kind + "." + term.extension;
      const fs::path temporary = outputs.external(target);
      script << "set terminal " << term.terminal << "\n";
      script << "set output " << quote_for_gnuplot(temporary.string()) << "\n";
      if (std::string(kind) == "rank") {
        script << "set title " << quote_for_gnuplot(request.title + ": rank-frequency") << "\n"
               << "set xlabel 'rank'\nset ylabel 'frequency'\n"
               << "plot " << quote_for_gnuplot((work / "rank.dat").string())
               << " using 1:2 with points pt 7 ps 0.4 lc rgb '#1f77b4' title 'tokens', "
               << quote_for_gnuplot((work / "model.dat").string())
               << " using 3:1 with lines lw 2 lc rgb '#d62728' title "
               << quote_for_gnuplot(label.str()) << "\n";
      } else {
        script << "set title " << quote_for_gnuplot(request.title + ": CCDF") << "\n"
               << "set xlabel 'frequency x'\nset ylabel 'P(X >= x)'\n"
               << "plot " << quote_for_gnuplot((work / "ccdf.dat").string())
               << " using 1:2 with points pt 7 ps 0.4 lc rgb '#1f77b4' title 'empirical', "
               << quote_for_gnuplot((work / "model.dat").string())
               << " using 1:2 with lines lw 2 lc rgb '#d62728' title "
               << quote_for_gnuplot(label.str()) << "\n";
      }
      script << "unset output\n";
      written.push_back(target);
    }
  }
  std::ofstream(work / "plot.gp") << script.str();
  const std::string command = "gnuplot " + quote_for_gnuplot((work / "plot.gp").string()) + " 2>" +
                              quote_for_gnuplot((work / "gnuplot.log").string());
  const int rc = std::system(command.c_str());
  if (rc != 0) {
    std::ifstream log(work / "gnuplot.log");
    std::stringstream text;
    text << log.rdbuf();
    fs::remove_all(work);  // the images' temporaries go with `outputs`
    throw std::runtime_error("gnuplot failed (is gnuplot installed?): " + text.str());
  }
  fs::remove_all(work);
  return written;
}

}  // namespace powerlaw_cli
