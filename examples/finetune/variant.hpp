#pragma once
// A fine-tuning mode as the command line and the reports name it:
//   frozen                    the pretrained model, no training
//   full                      every weight trained
//   lora                      LoRA on the adapter targets, base frozen
//   hyplora[:opt[:opt...]]    HypLoRA, base frozen; options:
//       c=<c0> (or a bare number)  curvature at initialisation (default: adapter.curvature)
//       fixed                      curvature not learned
//       scale                      the reference code's learnable input scale x / s,
//                                  s initialised to sqrt(d_in)
// e.g. "hyplora:c=0.1", "hyplora:0.01", "hyplora:c=1:scale", "hyplora:c=0.1:fixed".

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

#include "model.hpp"

namespace finetune {

struct Variant {
  std::string name;  // as given (canonical form for hyplora: see canonical())
  AdapterKind kind = AdapterKind::none;
  bool full = false, frozen = false;
  double curvature = 0;  // 0: the config's adapter.curvature
  bool learn_curvature = true, input_scale = false;

  bool trained() const { return !frozen; }
  bool hyplora() const { return kind == AdapterKind::hyplora; }
  // Learning-rate family: full fine-tuning sweeps its own grid.
  bool uses_full_lr() const { return full; }
  // File-name safe label, e.g. hyplora-c0.1-fixed.
  std::string label() const {
    std::string s = name;
    for (char& ch : s)
      if (ch == ':' || ch == '=') ch = '-';
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s.compare(i, 3, "-c-") == 0) {  // "c=" became "-c-": shorten to "-c"
        out += "-c";
        i += 2;
        continue;
      }
      out += s[i];
    }
    return out;
  }
};

inline Variant parse_variant(const std::string& text) {
  const auto bad = [&](const std::string& why) {
    return std::invalid_argument("mode '" + text + "': " + why +
                                 " (frozen, full, lora, hyplora[:c=<c0>][:fixed][:scale])");
  };
  Variant v;
  v.name = text;
  if (text == "frozen") {
    v.frozen = true;
    return v;
  }
  if (text == "full") {
    v.full = true;
    return v;
  }
  if (text == "lora") {
    v.kind = AdapterKind::lora;
    return v;
  }
  std::stringstream ss(text);
  std::string head;
  std::getline(ss, head, ':');
  if (head != "hyplora") throw bad("unknown mode");
  v.kind = AdapterKind::hyplora;
  for (std::string opt; std::getline(ss, opt, ':');) {
    if (opt == "fixed") {
      v.learn_curvature = false;
    } else if (opt == "scale") {
      v.input_scale = true;
    } else {
      const std::string number = opt.rfind("c=", 0) == 0 ? opt.substr(2) : opt;
      std::size_t used = 0;
      double c = 0;
      try {
        c = std::stod(number, &used);
      } catch (const std::exception&) {
        throw bad("unknown option '" + opt + "'");
      }
      if (used != number.size() || !std::isfinite(c) || !(c > 0))
        throw std::invalid_argument("--modes: the curvature of '" + text +
                                    "' is not a positive number, '" + number +
                                    "', c=<c0> with a finite c0 > 0, e.g. hyplora:c=0.1");
      v.curvature = c;
    }
  }
  return v;
}

}  // namespace finetune
