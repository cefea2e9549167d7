#pragma once
// One table row = one primitive x scalar type x input band. For each sample:
// draw inputs (rounded to T), run the library in T, run the reference on the
// same inputs converted exactly, and record the normwise error
//   ulps = max_i |out_i - ref_i| / ulp_T(|ref|_2),  rel = max_i |out_i - ref_i| / |ref|_2
// and an estimate of the relative condition number
//   kappa = max over perturbations z_i -> z_i (1 + eps sigma_i) of
//           |ref(z') - ref(z)|_inf / (eps |ref(z)|_2),  eps = 2^-100,
// with sigma random signs (twice) and sigma = 1 on one input at a time,
// i.e. how many relative units of output error a relative input error of one
// unit causes. Rounding the inputs alone costs about kappa ULPs, so
// ulps / max(1, kappa) near 1 means "as accurate as the problem allows".

#include <algorithm>
#include <atomic>
#include <thread>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "high_precision.hpp"
#include "sampling.hpp"

namespace hyperbolic::accuracy {

template <class T>
using Inputs = std::vector<std::vector<T>>;
using ExactInputs = std::vector<RVec>;

template <class T>
struct Primitive {
  std::string model, name;
  std::vector<Band> bands;
  std::vector<int> dims;
  // Draw one input set in dimension d; nullopt rejects (drawn again).
  std::function<std::optional<Inputs<T>>(Rng&, const Band&, int)> sample;
  std::function<std::vector<T>(const Inputs<T>&)> compute;
  std::function<RVec(const ExactInputs&)> reference;
  // Optional: maps an output (library or reference) to the part that is
  // compared, e.g. a gradient without its component normal to the manifold.
  std::function<RVec(const ExactInputs&, const RVec&)> compared_part;
  int perturbations = 2;  // for kappa
  // Optional: the same-precision textbook formula on the same inputs (the
  // baseline column: what a user gets from the usual closed forms).
  std::function<std::vector<T>(const Inputs<T>&)> baseline;
};

// The unrounded points behind the inputs of one sample: sampling rounds its
// exact points through round_input, which remembers them (per thread), and
// measure_row pairs every input vector with the exact point it came from
// (inputs drawn directly in T are their own exact value).
template <class T>
std::vector<std::pair<std::vector<T>, RVec>>& recorded_inputs() {
  thread_local std::vector<std::pair<std::vector<T>, RVec>> recorded;
  return recorded;
}
template <class T>
std::vector<T> round_input(const RVec& v) {
  std::vector<T> r = rounded<T>(v);
  recorded_inputs<T>().emplace_back(r, v);
  return r;
}
template <class T>
RVec intended_input(const std::vector<T>& stored) {
  const auto& rec = recorded_inputs<T>();
  for (auto it = rec.rbegin(); it != rec.rend(); ++it)
    if (it->first == stored) return it->second;
  return exact(stored);
}

struct RowResult {
  std::string model, primitive, type, band;
  int samples = 0, nonfinite = 0;
  double max_ulps = 0, median_ulps = 0, max_rel = 0, median_rel = 0;
  double median_kappa = 0, max_kappa = 0, max_ulps_per_kappa = 0;
  bool has_kappa = false;
  int worst_dim = 0;
  double worst_kappa = 0;
  // Relative error against the exact function of the unrounded points, for
  // the library and for the textbook baseline (when the row has one).
  double max_rel_intended = 0, median_rel_intended = 0;
  bool has_baseline = false;
  int baseline_nonfinite = 0, baseline_collapsed = 0;
  double baseline_max_rel_intended = 0, baseline_median_rel_intended = 0;
};

struct MeasureOptions {
  int samples = 256;
  bool condition = true;
  unsigned threads = 64;  // at most this many, and at most the hardware's
  // Measure only rows whose "model primitive" contains this (empty: all);
  // for iterating on one primitive, never for the committed table.
  std::string only;
};

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

template <class T>
bool representable(const RVec& v) {
  const Real top = Real(std::numeric_limits<T>::max());
  for (const auto& x : v)
    if (!(fabs(x) <= top)) return false;
  return true;
}

inline Real max_abs_difference(const RVec& a, const RVec& b) {
  Real m = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    m = std::max(m, Real(fabs(a[i] - b[i])));
  return m;
}

template <class T>
constexpr const char* type_name() {
  return sizeof(T) == 4 ? "float" : "double";
}

// Relative change of the reference under one perturbation: random signs on
// every input coordinate (which = -1), or a uniform scaling of input `which`
// alone (the radial direction, where the ill-conditioning near the boundary
// lives and where random signs would underestimate it by ~sqrt(d)).
// With alternate set, input `which` alone gets alternating signs instead (a
// rotation-like move: in low dimensions the random signs can all come out
// radial, and a pair's angle is what the distance of nearly collinear points
// far out depends on).
inline double perturbation_ratio(const std::function<RVec(const ExactInputs&)>& reference,
                                 const ExactInputs& in, const RVec& ref, Rng& rng, int which,
                                 bool alternate = false) {
  const Real eps = ldexp(Real(1), -100);
  ExactInputs moved = in;
  for (std::size_t k = 0; k < moved.size(); ++k)
    for (std::size_t i = 0; i < moved[k].size(); ++i) {
      auto& z = moved[k][i];
      if (which < 0)
        z *= Real(1) + eps * Real(rng.sign());
      else if (static_cast<int>(k) == which)
        z *= Real(1) + (alternate && i % 2 ? -eps : eps);
    }
  const RVec r = reference(moved);
  const Real n = norm(ref);
  if (n == 0) return std::numeric_limits<double>::infinity();
  return (max_abs_difference(r, ref) / (eps * n)).template convert_to<double>();
}

template <class T>
RowResult measure_row(const Primitive<T>& p, const Band& band, const MeasureOptions& opt) {
  RowResult row{p.model, p.name, type_name<T>(), band.name};
  const std::uint64_t seed =
      seed_of(p.model + "/" + p.name + "/" + type_name<T>() + "/" + band.name);
  Rng rng(seed);
  std::vector<double> ulps, rels, kappas, rels_intended, baseline_rels;
  row.has_baseline = static_cast<bool>(p.baseline);
  for (int i = 0; i < opt.samples; ++i) {
    const int d = p.dims[static_cast<std::size_t>(i) % p.dims.size()];
    const std::function<RVec(const ExactInputs&)> effective = [&p](const ExactInputs& e) {
      RVec r = p.reference(e);
      return p.compared_part ? p.compared_part(e, r) : r;
    };
    // Draws whose exact result the type cannot hold (the hyperboloid's logmap
    // of float points ~90 apart: coordinates beyond FLT_MAX) are drawn again.
    std::optional<Inputs<T>> in;
    ExactInputs ex, intended;
    RVec ref;
    for (int attempt = 0; attempt < 1000 && !in; ++attempt) {
      recorded_inputs<T>().clear();
      in = p.sample(rng, band, d);
      if (!in) continue;
      ex.clear();
      intended.clear();
      for (const auto& v : *in) {
        ex.push_back(exact(v));
        intended.push_back(intended_input(v));
      }
      ref = effective(ex);
      if (!representable<T>(ref)) in.reset();
    }
    recorded_inputs<T>().clear();
    if (!in) continue;
    const std::vector<T> out_t = p.compute(*in);
    RVec out = exact(out_t);
    if (p.compared_part) out = p.compared_part(ex, out);
    // Against what the user meant: the exact function of the unrounded points.
    const RVec ref_intended = effective(intended);
    const auto rel_to = [&](const std::vector<T>& o) {
      RVec oe = exact(o);
      if (p.compared_part) oe = p.compared_part(intended, oe);
      const Real ni = norm(ref_intended), ei = max_abs_difference(oe, ref_intended);
      return ni == 0 ? (ei == 0 ? 0.0 : std::numeric_limits<double>::infinity())
                     : (ei / ni).template convert_to<double>();
    };
    // The baseline on every sample, including those where the library fails.
    if (p.baseline) {
      const std::vector<T> b = p.baseline(*in);
      bool b_finite = true, b_zero = true;
      for (const T v : b) {
        b_finite = b_finite && std::isfinite(v);
        b_zero = b_zero && v == T(0);
      }
      // A zero distance (or map) between distinct points is a silent wrong
      // answer, not a small error (the baseline's clamps return it for close pairs).
      const bool collapsed =
          b_zero && norm(ref_intended) > 0 && in->size() > 1 && (*in)[0] != (*in)[1];
      if (!b_finite) ++row.baseline_nonfinite;
      if (collapsed) ++row.baseline_collapsed;
      baseline_rels.push_back(b_finite && !collapsed ? rel_to(b)
                                                     : std::numeric_limits<double>::infinity());
    }
    bool finite = true;
    for (const T v : out_t)
      finite = finite && std::isfinite(v);
    ++row.samples;
    if (!finite) {
      ++row.nonfinite;
      row.max_ulps = std::numeric_limits<double>::infinity();
      rels_intended.push_back(std::numeric_limits<double>::infinity());
      continue;
    }
    const Real n = norm(ref), e = max_abs_difference(out, ref);
    const double u = n == 0 ? (e == 0 ? 0.0 : std::numeric_limits<double>::infinity())
                            : (e / ulp_of<T>(n)).template convert_to<double>();
    const double r = n == 0 ? u : (e / n).template convert_to<double>();
    ulps.push_back(u);
    rels.push_back(r);
    rels_intended.push_back(rel_to(out_t));
    double kappa = 0;
    if (opt.condition && p.perturbations > 0) {
      // Its own stream, so that switching kappa off leaves the samples alone.
      Rng prng(seed_of("kappa", seed + static_cast<std::uint64_t>(i)));
      for (int k = 0; k < p.perturbations; ++k)
        kappa = std::max(kappa, perturbation_ratio(effective, ex, ref, prng, -1));
      for (std::size_t k = 0; k < ex.size(); ++k) {
        kappa = std::max(kappa, perturbation_ratio(effective, ex, ref, prng, static_cast<int>(k)));
        kappa = std::max(kappa,
                         perturbation_ratio(effective, ex, ref, prng, static_cast<int>(k), true));
      }
      kappas.push_back(kappa);
      row.has_kappa = true;
      row.max_ulps_per_kappa = std::max(row.max_ulps_per_kappa, u / std::max(1.0, kappa));
    }
    if (u > row.max_ulps || (u == row.max_ulps && row.worst_dim == 0)) {
      row.worst_dim = d;
      row.worst_kappa = kappa;
    }
    row.max_ulps = std::max(row.max_ulps, u);
    row.max_rel = std::max(row.max_rel, r);
  }
  row.median_ulps = median(ulps);
  row.median_rel = median(rels);
  const auto max_of = [](const std::vector<double>& v) {
    return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end());
  };
  row.max_rel_intended = max_of(rels_intended);
  row.median_rel_intended = median(rels_intended);
  row.baseline_max_rel_intended = max_of(baseline_rels);
  row.baseline_median_rel_intended = median(baseline_rels);
  if (!kappas.empty()) {
    row.median_kappa = median(kappas);
    row.max_kappa = *std::max_element(kappas.begin(), kappas.end());
  }
  return row;
}

template <class T>
std::vector<RowResult> measure_all(const std::vector<Primitive<T>>& primitives,
                                   const MeasureOptions& opt) {
  // Rows are independent (own seeds): measure them on all cores.
  std::vector<std::pair<const Primitive<T>*, const Band*>> work;
  for (const auto& p : primitives)
    if (opt.only.empty() || (p.model + " " + p.name).find(opt.only) != std::string::npos)
      for (const auto& b : p.bands)
        work.emplace_back(&p, &b);
  std::vector<RowResult> rows(work.size());
  std::atomic<std::size_t> next{0};
  const unsigned n_threads =
      std::max(1u, std::min(opt.threads, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < n_threads; ++t)
    pool.emplace_back([&] {
      for (std::size_t i; (i = next.fetch_add(1)) < work.size();)
        rows[i] = measure_row(*work[i].first, *work[i].second, opt);
      // MPFR keeps per-thread caches (constants, exp tables) that outlive
      // the thread unless freed here; LeakSanitizer reports them otherwise.
      mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);
    });
  for (auto& th : pool)
    th.join();
  return rows;
}

}  // namespace hyperbolic::accuracy
