#pragma once
// The catalogue of measured primitives: for each, how its inputs are drawn in
// each band, how the library computes it in T, and its 256-bit reference.

#include <hyperbolic/hyperbolic.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "measurement.hpp"
#include "reference_lorentz.hpp"
#include "reference_poincare.hpp"
#include "textbook.hpp"

namespace hyperbolic::accuracy {

// Largest distance from the origin at which inputs are drawn, per model
// (the measured representable radius minus a margin, so that outputs such as
// expmap(x, u) stay representable too).
struct SamplingLimits {
  double poincare, lorentz, klein;
};

inline std::vector<Band> radius_bands(double limit) {
  std::vector<Band> b = {{"r in [1e-8,1e-3)", BandKind::radius, 1e-8, 1e-3},
                         {"r in [1e-3,1)", BandKind::radius, 1e-3, 1.0},
                         {"r in [1,5)", BandKind::radius, 1.0, 5.0}};
  if (limit > 15) {
    b.push_back({"r in [5,15)", BandKind::radius, 5.0, 15.0});
    b.push_back({"r in [15,limit)", BandKind::radius, 15.0, limit});
  } else {
    b.push_back({"r in [5,limit)", BandKind::radius, 5.0, limit});
  }
  return b;
}
inline std::vector<Band> close_bands(double limit) {
  return {{"close, r in [1e-3,5)", BandKind::close, 1e-3, 5.0},
          {"close, r in [5,limit)", BandKind::close, 5.0, limit}};
}
inline std::vector<Band> pair_bands(double limit) {
  auto b = radius_bands(limit);
  for (auto& c : close_bands(limit))
    b.push_back(c);
  return b;
}

// Beyond the sampling limit, out to where the coordinates stop being finite
// (hyperboloid: cosh(r) overflows the type) or the rounded points stop being
// strictly inside the ball (points that round onto or outside it are drawn
// again): what trained float embeddings near the boundary look like.
template <class T>
double far_limit(bool lorentz) {
  if (lorentz) return sizeof(T) == 4 ? 85.0 : 700.0;
  return sizeof(T) == 4 ? 32.0 : 72.0;
}
template <class T>
std::vector<Band> far_bands(double limit, bool lorentz) {
  const double top = far_limit<T>(lorentz);
  std::vector<Band> b;
  if (lorentz) {
    const double mid = sizeof(T) == 4 ? 30.0 : 60.0;
    b.push_back(
        {"far, r in [limit," + std::to_string(int(mid)) + ")", BandKind::radius, limit, mid});
    b.push_back({"far, r in [" + std::to_string(int(mid)) + "," + std::to_string(int(top)) + ")",
                 BandKind::radius, mid, top});
  } else {
    b.push_back(
        {"far, r in [limit," + std::to_string(int(top)) + ")", BandKind::radius, limit, top});
  }
  return b;
}
// Pairs beyond the limit: both far, one near the origin with one far out,
// and on the hyperboloid a close pair far out (in the ball a close pair that
// far out rounds onto one point or onto the boundary in nearly every draw).
template <class T>
std::vector<Band> far_pair_bands(double limit, bool lorentz) {
  auto b = far_bands<T>(limit, lorentz);
  const double top = far_limit<T>(lorentz);
  // Close pairs only out to r = 60: the 256-bit reference of such a pair
  // cancels ~e^(2r) (x0 y0 against <xs, ys>), which leaves > 20 digits there
  // and none by r ~ 90.
  if (lorentz) b.push_back({"far close, r in [limit,60)", BandKind::close, limit, 60.0});
  b.push_back(
      {"one near 0, one in [1," + std::to_string(int(top)) + ")", BandKind::mixed, 1.0, top});
  return b;
}
template <class T>
std::vector<Band> with(std::vector<Band> a, const std::vector<Band>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

inline const std::vector<int> forward_dims = {2, 16, 64, 768};
// Backward references are central differences (2 reference evaluations per
// input coordinate), so they use small dimensions.
inline const std::vector<int> backward_dims = {2, 8, 16};

template <class T>
ConstRow<T> view(const std::vector<T>& v) {
  return ConstRow<T>(v.data(), static_cast<index_t>(v.size()));
}
template <class T>
Row<T> view_mut(std::vector<T>& v) {
  return Row<T>(v.data(), static_cast<index_t>(v.size()));
}

// d(<g, f(in)>)/d(in[k]) for k in `which`, concatenated, by central
// differences in 256 bits (step 2^-100 relative: truncation and rounding
// errors both far below the T rounding being measured).
inline RVec central_gradient(const std::function<RVec(const ExactInputs&)>& f,
                             const ExactInputs& in, const RVec& g, const std::vector<int>& which) {
  RVec grad;
  ExactInputs moved = in;
  for (const int k : which) {
    for (std::size_t i = 0; i < in[k].size(); ++i) {
      const Real h = ldexp(std::max(Real(fabs(in[k][i])), ldexp(Real(1), -30)), -100);
      moved[k][i] = in[k][i] + h;
      const Real up = dot(g, f(moved));
      moved[k][i] = in[k][i] - h;
      const Real down = dot(g, f(moved));
      moved[k][i] = in[k][i];
      grad.push_back((up - down) / (Real(2) * h));
    }
  }
  return grad;
}

// Removes from a gradient block its Euclidean component along eta x (the
// normal of the hyperboloid's tangent space at x): the remainder is what the
// gradient says about moves along the manifold, where ambient extensions of
// the same function agree.
inline void remove_normal(RVec& block, std::size_t offset, const RVec& x_on) {
  RVec n = x_on;
  n[0] = -n[0];
  Real gn = 0;
  for (std::size_t i = 0; i < n.size(); ++i)
    gn += block[offset + i] * n[i];
  const Real k = gn / norm2(n);
  for (std::size_t i = 0; i < n.size(); ++i)
    block[offset + i] -= k * n[i];
}

template <class T>
class Catalogue {
 public:
  Catalogue(double c, SamplingLimits limits)
      : c_t_(static_cast<T>(c)), c_(Real(c_t_)), lim_(limits) {}

  std::vector<Primitive<T>> all() const {
    std::vector<Primitive<T>> p;
    add_poincare(p);
    add_lorentz(p);
    add_conversions(p);
    add_backward(p);
    return p;
  }

 private:
  using Opt = std::optional<Inputs<T>>;
  using Pr = Primitive<T>;

  T c_t_;
  Real c_;
  SamplingLimits lim_;

  // ---- drawing inputs --------------------------------------------------------
  static double radius_in(Rng& rng, const Band& b) { return rng.log_uniform(b.lo, b.hi); }
  // How much further out than r an output of a sample in band b may lie:
  // within the sampling limit (+1) in its bands, within the far limit in the
  // far ones.
  static double room(const Band& b, double r, double limit, bool lorentz) {
    const double top = b.lo >= limit ? far_limit<T>(lorentz) : limit + 1.0;
    return std::max(2e-8, top - r);
  }

  std::optional<std::vector<T>> poincare_at(Rng& rng, double r, int d) const {
    auto x = round_input<T>(poincare_point(c_, Real(r), random_direction(rng, d)));
    if (!(c_ * norm2(exact(x)) < 1)) return std::nullopt;
    return x;
  }
  std::optional<std::vector<T>> klein_at(Rng& rng, double r, int d) const {
    auto x = round_input<T>(klein_point(c_, Real(r), random_direction(rng, d)));
    if (!(c_ * norm2(exact(x)) < 1)) return std::nullopt;
    return x;
  }
  std::vector<T> lorentz_at(Rng& rng, double r, int d) const {
    return round_input<T>(lorentz_point(c_, Real(r), random_direction(rng, d)));
  }
  // A unit tangent vector at the (renormalized) Lorentz point x, exact.
  RVec lorentz_unit_tangent(Rng& rng, const RVec& x_on, int d) const {
    RVec w = tangent_at(c_, x_on, with_time(Real(0), random_direction(rng, d)));
    return scaled(Real(1) / sqrt(minkowski(w, w)), w);
  }
  static RVec tangent_at(const Real& c, const RVec& x, const RVec& u) {
    return ref::lorentz::tangent_at(c, x, u);
  }

  // Two Poincare points: both in the band, or a close pair.
  Opt poincare_pair(Rng& rng, const Band& b, int d) const {
    auto x = poincare_at(
        rng, b.kind == BandKind::mixed ? rng.log_uniform(1e-3, 1.0) : radius_in(rng, b), d);
    if (!x) return std::nullopt;
    std::optional<std::vector<T>> y;
    if (b.kind == BandKind::close) {
      const Real s = sqrt(c_), delta = Real(rng.log_uniform(1e-12, 1e-3));
      const RVec step = scaled(tanh(s * delta / Real(2)) / s, random_direction(rng, d));
      y = round_input<T>(ref::poincare::mobius_add(c_, exact(*x), step));
      if (!(c_ * norm2(exact(*y)) < 1) || *y == *x) return std::nullopt;
    } else {
      y = poincare_at(rng, radius_in(rng, b), d);
      if (!y) return std::nullopt;
    }
    return Inputs<T>{*x, *y};
  }
  Opt lorentz_pair(Rng& rng, const Band& b, int d) const {
    auto x = lorentz_at(
        rng, b.kind == BandKind::mixed ? rng.log_uniform(1e-3, 1.0) : radius_in(rng, b), d);
    std::vector<T> y;
    if (b.kind == BandKind::close) {
      const Real s = sqrt(c_), delta = Real(rng.log_uniform(1e-12, 1e-3));
      const RVec xo = ref::lorentz::on_hyperboloid(c_, exact(x));
      const RVec w = lorentz_unit_tangent(rng, xo, d);
      y = round_input<T>(combine(cosh(s * delta), xo, sinh(s * delta) / s, w));
      if (y == x) return std::nullopt;
    } else {
      y = lorentz_at(rng, radius_in(rng, b), d);
    }
    return Inputs<T>{x, y};
  }

  // ---- Poincare ball -------------------------------------------------------
  void add_poincare(std::vector<Pr>& out) const {
    const PoincareBall<T> m(c_t_);
    const Real c = c_;
    const double L = lim_.poincare;
    const auto pts = [this](Rng& rng, const Band& b, int d) { return poincare_pair(rng, b, d); };
    const auto one = [this](Rng& rng, const Band& b, int d) -> Opt {
      auto x = poincare_at(rng, radius_in(rng, b), d);
      if (!x) return std::nullopt;
      return Inputs<T>{*x};
    };

    {
      Pr dist{"Poincare",
              "dist",
              with<T>(pair_bands(L), far_pair_bands<T>(L, false)),
              forward_dims,
              pts,
              [m](const Inputs<T>& in) { return std::vector<T>{m.dist(view(in[0]), view(in[1]))}; },
              [c](const ExactInputs& e) { return RVec{ref::poincare::dist(c, e[0], e[1])}; }};
      dist.baseline = [ct = c_t_](const Inputs<T>& in) {
        return std::vector<T>{textbook::poincare_dist(ct, in[0], in[1])};
      };
      out.push_back(dist);
      Pr dist0{"Poincare",
               "dist0",
               with<T>(radius_bands(L), far_bands<T>(L, false)),
               forward_dims,
               one,
               [m](const Inputs<T>& in) { return std::vector<T>{m.dist0(view(in[0]))}; },
               [c](const ExactInputs& e) { return RVec{ref::poincare::dist0(c, e[0])}; }};
      dist0.baseline = [ct = c_t_](const Inputs<T>& in) {
        return std::vector<T>{textbook::poincare_dist0(ct, in[0])};
      };
      out.push_back(dist0);
    }
    const auto far = far_bands<T>(L, false);
    const auto far_pairs = far_pair_bands<T>(L, false);
    const T ct = c_t_;
    out.push_back(
        {"Poincare",
         "expmap",
         with<T>(radius_bands(L), far),
         forward_dims,
         [this, L](Rng& rng, const Band& b, int d) -> Opt {
           const double r = radius_in(rng, b);
           auto x = poincare_at(rng, r, d);
           if (!x) return std::nullopt;
           // Riemannian norm rho: the result stays within the representable radius.
           const double rho = rng.log_uniform(1e-8, std::min(5.0, room(b, r, L, false)));
           const Real lam = ref::poincare::lambda(c_, exact(*x));
           return Inputs<T>{*x, round_input<T>(scaled(Real(rho) / lam, random_direction(rng, d)))};
         },
         [m](const Inputs<T>& in) {
           std::vector<T> o(in[0].size());
           m.expmap(view(in[0]), view(in[1]), view_mut(o));
           return o;
         },
         [c](const ExactInputs& e) { return ref::poincare::expmap(c, e[0], e[1]); },
         {},
         2,
         [ct](const Inputs<T>& in) { return textbook::poincare_expmap(ct, in[0], in[1]); }});
    out.push_back({"Poincare",
                   "expmap0",
                   with<T>(radius_bands(L), far),
                   forward_dims,
                   [](Rng& rng, const Band& b, int d) -> Opt {
                     // |expmap0(u)| is at distance 2|u| from the origin.
                     return Inputs<T>{round_input<T>(
                         scaled(Real(radius_in(rng, b) / 2), random_direction(rng, d)))};
                   },
                   [m](const Inputs<T>& in) {
                     std::vector<T> o(in[0].size());
                     m.expmap0(view(in[0]), view_mut(o));
                     return o;
                   },
                   [c](const ExactInputs& e) { return ref::poincare::expmap0(c, e[0]); },
                   {},
                   2,
                   [ct](const Inputs<T>& in) { return textbook::poincare_expmap0(ct, in[0]); }});
    out.push_back(
        {"Poincare",
         "logmap",
         with<T>(pair_bands(L), far_pairs),
         forward_dims,
         pts,
         [m](const Inputs<T>& in) {
           std::vector<T> o(in[0].size());
           m.logmap(view(in[0]), view(in[1]), view_mut(o));
           return o;
         },
         [c](const ExactInputs& e) { return ref::poincare::logmap(c, e[0], e[1]); },
         {},
         2,
         [ct](const Inputs<T>& in) { return textbook::poincare_logmap(ct, in[0], in[1]); }});
    out.push_back({"Poincare",
                   "logmap0",
                   with<T>(radius_bands(L), far),
                   forward_dims,
                   one,
                   [m](const Inputs<T>& in) {
                     std::vector<T> o(in[0].size());
                     m.logmap0(view(in[0]), view_mut(o));
                     return o;
                   },
                   [c](const ExactInputs& e) { return ref::poincare::logmap0(c, e[0]); },
                   {},
                   2,
                   [ct](const Inputs<T>& in) { return textbook::poincare_logmap0(ct, in[0]); }});
    out.push_back(
        {"Poincare", "mobius_add", with<T>(radius_bands(L), far), forward_dims,
         [this, L](Rng& rng, const Band& b, int d) -> Opt {
           const double r = radius_in(rng, b);
           auto x = poincare_at(rng, r, d);
           // |x (+) y| <= r + r_y: keep the sum representable.
           auto y = poincare_at(
               rng, rng.log_uniform(1e-8, std::max(2e-8, std::min(r, room(b, r, L, false) - 1.0))),
               d);
           if (!x || !y) return std::nullopt;
           return Inputs<T>{*x, *y};
         },
         [m](const Inputs<T>& in) {
           std::vector<T> o(in[0].size());
           m.mobius_add(view(in[0]), view(in[1]), view_mut(o));
           return o;
         },
         [c](const ExactInputs& e) { return ref::poincare::mobius_add(c, e[0], e[1]); }});
    out.push_back(
        {"Poincare", "mobius_scalar_mul", radius_bands(L), forward_dims,
         [this, L](Rng& rng, const Band& b, int d) -> Opt {
           const double r = radius_in(rng, b);
           auto x = poincare_at(rng, r, d);
           if (!x) return std::nullopt;
           const double top = std::min(3.0, L / r);  // r (x) x is at distance |r| d(0, x)
           return Inputs<T>{*x, {static_cast<T>(rng.uniform(-top, top))}};
         },
         [m](const Inputs<T>& in) {
           std::vector<T> o(in[0].size());
           m.mobius_scalar_mul(in[1][0], view(in[0]), view_mut(o));
           return o;
         },
         [c](const ExactInputs& e) { return ref::poincare::mobius_scalar_mul(c, e[1][0], e[0]); }});
    out.push_back(
        {"Poincare",
         "transp",
         with<T>(pair_bands(L), far_pairs),
         forward_dims,
         [this](Rng& rng, const Band& b, int d) -> Opt {
           auto xy = poincare_pair(rng, b, d);
           if (!xy) return std::nullopt;
           xy->push_back(round_input<T>(random_vector(rng, d)));
           return xy;
         },
         [m](const Inputs<T>& in) {
           std::vector<T> o(in[0].size());
           m.transp(view(in[0]), view(in[1]), view(in[2]), view_mut(o));
           return o;
         },
         [c](const ExactInputs& e) { return ref::poincare::transp(c, e[0], e[1], e[2]); },
         {},
         2,
         [ct](const Inputs<T>& in) { return textbook::poincare_transp(ct, in[0], in[1], in[2]); }});
    out.push_back({"Poincare",
                   "projx",
                   {{"outside, |x| in (1,4)/sqrt(c)", BandKind::outside, 1.001, 4.0}},
                   forward_dims,
                   [this](Rng& rng, const Band& b, int d) -> Opt {
                     return Inputs<T>{round_input<T>(scaled(
                         Real(rng.uniform(b.lo, b.hi)) / sqrt(c_), random_direction(rng, d)))};
                   },
                   [m](const Inputs<T>& in) {
                     std::vector<T> o(in[0].size());
                     m.projx(view(in[0]), view_mut(o));
                     return o;
                   },
                   [c](const ExactInputs& e) {
                     return ref::poincare::projx(c, e[0], Real(scalar_traits<T>::epsilon));
                   }});
    out.push_back({"Poincare", "dist2plane", radius_bands(L), forward_dims,
                   [this](Rng& rng, const Band& b, int d) -> Opt {
                     auto x = poincare_at(rng, radius_in(rng, b), d);
                     auto p = poincare_at(rng, radius_in(rng, b), d);
                     if (!x || !p) return std::nullopt;
                     return Inputs<T>{*x, *p, round_input<T>(random_vector(rng, d))};
                   },
                   [m](const Inputs<T>& in) {
                     return std::vector<T>{m.dist2plane(view(in[0]), view(in[1]), view(in[2]))};
                   },
                   [c](const ExactInputs& e) {
                     return RVec{ref::poincare::dist2plane(c, e[0], e[1], e[2])};
                   }});
  }

  // ---- Lorentz -------------------------------------------------------------
  void add_lorentz(std::vector<Pr>& out) const {
    const Lorentz<T> m(c_t_);
    const Real c = c_;
    const double L = lim_.lorentz;
    const auto pts = [this](Rng& rng, const Band& b, int d) { return lorentz_pair(rng, b, d); };
    const auto one = [this](Rng& rng, const Band& b, int d) -> Opt {
      return Inputs<T>{lorentz_at(rng, radius_in(rng, b), d)};
    };
    const auto vec_out = [](const Inputs<T>& in) { return std::vector<T>(in[0].size()); };

    {
      Pr dist{"Lorentz",
              "dist",
              with<T>(pair_bands(L), far_pair_bands<T>(L, true)),
              forward_dims,
              pts,
              [m](const Inputs<T>& in) { return std::vector<T>{m.dist(view(in[0]), view(in[1]))}; },
              [c](const ExactInputs& e) { return RVec{ref::lorentz::dist(c, e[0], e[1])}; }};
      dist.baseline = [ct = c_t_](const Inputs<T>& in) {
        return std::vector<T>{textbook::lorentz_dist(ct, in[0], in[1])};
      };
      out.push_back(dist);
    }
    {
      Pr dist0{"Lorentz",
               "dist0",
               with<T>(radius_bands(L), far_bands<T>(L, true)),
               forward_dims,
               one,
               [m](const Inputs<T>& in) { return std::vector<T>{m.dist0(view(in[0]))}; },
               [c](const ExactInputs& e) { return RVec{ref::lorentz::dist0(c, e[0])}; }};
      dist0.baseline = [ct = c_t_](const Inputs<T>& in) {
        return std::vector<T>{textbook::lorentz_dist0(ct, in[0])};
      };
      out.push_back(dist0);
    }
    const auto far = far_bands<T>(L, true);
    const auto far_pairs = far_pair_bands<T>(L, true);
    const T ct = c_t_;
    out.push_back(
        {"Lorentz",
         "expmap",
         with<T>(radius_bands(L), far),
         forward_dims,
         [this, L](Rng& rng, const Band& b, int d) -> Opt {
           const double r = radius_in(rng, b);
           const auto x = lorentz_at(rng, r, d);
           const double rho = rng.log_uniform(1e-8, std::min(5.0, room(b, r, L, true)));
           const RVec xo = ref::lorentz::on_hyperboloid(c_, exact(x));
           return Inputs<T>{x, round_input<T>(scaled(Real(rho), lorentz_unit_tangent(rng, xo, d)))};
         },
         [m, vec_out](const Inputs<T>& in) {
           auto o = vec_out(in);
           m.expmap(view(in[0]), view(in[1]), view_mut(o));
           return o;
         },
         [c](const ExactInputs& e) { return ref::lorentz::expmap(c, e[0], e[1]); },
         {},
         2,
         [ct](const Inputs<T>& in) { return textbook::lorentz_expmap(ct, in[0], in[1]); }});
    out.push_back(
        {"Lorentz",
         "expmap0",
         with<T>(radius_bands(L), far),
         forward_dims,
         [this](Rng& rng, const Band& b, int d) -> Opt {
           return Inputs<T>{round_input<T>(with_time(
               Real(0), scaled(Real(radius_in(rng, b)) / sqrt(c_), random_direction(rng, d))))};
         },
         [m, vec_out](const Inputs<T>& in) {
           auto o = vec_out(in);
           m.expmap0(view(in[0]), view_mut(o));
           return o;
         },
         [c](const ExactInputs& e) { return ref::lorentz::expmap0(c, e[0]); },
         {},
         2,
         [ct](const Inputs<T>& in) { return textbook::lorentz_expmap0(ct, in[0]); }});
    out.push_back(
        {"Lorentz",
         "logmap",
         with<T>(pair_bands(L), far_pairs),
         forward_dims,
         pts,
         [m, vec_out](const Inputs<T>& in) {
           auto o = vec_out(in);
           m.logmap(view(in[0]), view(in[1]), view_mut(o));
           return o;
         },
         [c](const ExactInputs& e) { return ref::lorentz::logmap(c, e[0], e[1]); },
         {},
         2,
         [ct](const Inputs<T>& in) { return textbook::lorentz_logmap(ct, in[0], in[1]); }});
    out.push_back({"Lorentz",
                   "logmap0",
                   with<T>(radius_bands(L), far),
                   forward_dims,
                   one,
                   [m, vec_out](const Inputs<T>& in) {
                     auto o = vec_out(in);
                     m.logmap0(view(in[0]), view_mut(o));
                     return o;
                   },
                   [c](const ExactInputs& e) { return ref::lorentz::logmap0(c, e[0]); },
                   {},
                   2,
                   [ct](const Inputs<T>& in) { return textbook::lorentz_logmap0(ct, in[0]); }});
    // The 256-bit reference goes through the ball, whose boundary factor
    // e^-r it cannot resolve beyond r ~ 130: mobius_add's far bands stop at 100.
    std::vector<Band> far_to_100;
    for (const auto& b : far)
      if (b.hi <= 100) far_to_100.push_back(b);
    out.push_back(
        {"Lorentz", "mobius_add", with<T>(radius_bands(L), far_to_100), forward_dims,
         [this, L](Rng& rng, const Band& b, int d) -> Opt {
           const double r = radius_in(rng, b);
           auto x = lorentz_at(rng, r, d);
           auto y = lorentz_at(
               rng, rng.log_uniform(1e-8, std::max(2e-8, std::min(r, room(b, r, L, true) - 1.0))),
               d);
           return Inputs<T>{x, y};
         },
         [m, vec_out](const Inputs<T>& in) {
           auto o = vec_out(in);
           m.mobius_add(view(in[0]), view(in[1]), view_mut(o));
           return o;
         },
         [c](const ExactInputs& e) { return ref::lorentz::mobius_add(c, e[0], e[1]); }});
    out.push_back(
        {"Lorentz", "mobius_scalar_mul", radius_bands(L), forward_dims,
         [this, L](Rng& rng, const Band& b, int d) -> Opt {
           const double r = radius_in(rng, b);
           const double top = std::min(3.0, L / r);
           return Inputs<T>{lorentz_at(rng, r, d), {static_cast<T>(rng.uniform(-top, top))}};
         },
         [m, vec_out](const Inputs<T>& in) {
           auto o = vec_out(in);
           m.mobius_scalar_mul(in[1][0], view(in[0]), view_mut(o));
           return o;
         },
         [c](const ExactInputs& e) { return ref::lorentz::mobius_scalar_mul(c, e[1][0], e[0]); }});
    out.push_back(
        {"Lorentz",
         "transp",
         with<T>(pair_bands(L), far_pairs),
         forward_dims,
         [this](Rng& rng, const Band& b, int d) -> Opt {
           auto xy = lorentz_pair(rng, b, d);
           if (!xy) return std::nullopt;
           const RVec xo = ref::lorentz::on_hyperboloid(c_, exact((*xy)[0]));
           xy->push_back(round_input<T>(lorentz_unit_tangent(rng, xo, d)));
           return xy;
         },
         [m, vec_out](const Inputs<T>& in) {
           auto o = vec_out(in);
           m.transp(view(in[0]), view(in[1]), view(in[2]), view_mut(o));
           return o;
         },
         [c](const ExactInputs& e) { return ref::lorentz::transp(c, e[0], e[1], e[2]); },
         {},
         2,
         [ct](const Inputs<T>& in) { return textbook::lorentz_transp(ct, in[0], in[1], in[2]); }});
    out.push_back({"Lorentz", "projx", radius_bands(L), forward_dims,
                   [this](Rng& rng, const Band& b, int d) -> Opt {
                     auto x = lorentz_at(rng, radius_in(rng, b), d);
                     x[0] *= static_cast<T>(rng.uniform(0.5, 2.0));  // off the hyperboloid
                     return Inputs<T>{x};
                   },
                   [m, vec_out](const Inputs<T>& in) {
                     auto o = vec_out(in);
                     m.projx(view(in[0]), view_mut(o));
                     return o;
                   },
                   [c](const ExactInputs& e) { return ref::lorentz::projx(c, e[0]); }});
    out.push_back(
        {"Lorentz", "dist2plane", radius_bands(L), forward_dims,
         [this](Rng& rng, const Band& b, int d) -> Opt {
           auto x = lorentz_at(rng, radius_in(rng, b), d);
           const RVec p =
               ref::lorentz::on_hyperboloid(c_, exact(lorentz_at(rng, radius_in(rng, b), d)));
           return Inputs<T>{x, round_input<T>(lorentz_unit_tangent(rng, p, d))};
         },
         [m](const Inputs<T>& in) {
           return std::vector<T>{m.dist2plane(view(in[0]), view(in[1]))};
         },
         [c](const ExactInputs& e) { return RVec{ref::lorentz::dist2plane(c, e[0], e[1])}; }});
  }

  // ---- conversions ---------------------------------------------------------
  void add_conversions(std::vector<Pr>& out) const {
    const T ct = c_t_;
    const Real c = c_;
    const double LL = std::min(lim_.lorentz, lim_.poincare),
                 LK = std::min(lim_.klein, lim_.poincare), LLK = std::min(lim_.lorentz, lim_.klein);
    const auto from_poincare = [this](Rng& rng, const Band& b, int d) -> Opt {
      auto x = poincare_at(rng, radius_in(rng, b), d);
      if (!x) return std::nullopt;
      return Inputs<T>{*x};
    };
    const auto from_klein = [this](Rng& rng, const Band& b, int d) -> Opt {
      auto x = klein_at(rng, radius_in(rng, b), d);
      if (!x) return std::nullopt;
      return Inputs<T>{*x};
    };
    const auto from_lorentz = [this](Rng& rng, const Band& b, int d) -> Opt {
      return Inputs<T>{lorentz_at(rng, radius_in(rng, b), d)};
    };
    out.push_back({"conversions", "poincare_to_lorentz", radius_bands(LL), forward_dims,
                   from_poincare,
                   [ct](const Inputs<T>& in) {
                     std::vector<T> o(in[0].size() + 1);
                     poincare_to_lorentz(ct, view(in[0]), view_mut(o));
                     return o;
                   },
                   [c](const ExactInputs& e) { return ref::lorentz::from_poincare(c, e[0]); }});
    out.push_back({"conversions", "lorentz_to_poincare", radius_bands(LL), forward_dims,
                   from_lorentz,
                   [ct](const Inputs<T>& in) {
                     std::vector<T> o(in[0].size() - 1);
                     lorentz_to_poincare(ct, view(in[0]), view_mut(o));
                     return o;
                   },
                   [c](const ExactInputs& e) { return ref::lorentz::to_poincare(c, e[0]); }});
    out.push_back({"conversions", "poincare_to_klein", radius_bands(LK), forward_dims,
                   from_poincare,
                   [ct](const Inputs<T>& in) {
                     std::vector<T> o(in[0].size());
                     poincare_to_klein(ct, view(in[0]), view_mut(o));
                     return o;
                   },
                   [c](const ExactInputs& e) { return ref::poincare::to_klein(c, e[0]); }});
    out.push_back({"conversions", "klein_to_poincare", radius_bands(LK), forward_dims, from_klein,
                   [ct](const Inputs<T>& in) {
                     std::vector<T> o(in[0].size());
                     klein_to_poincare(ct, view(in[0]), view_mut(o));
                     return o;
                   },
                   [c](const ExactInputs& e) { return ref::poincare::from_klein(c, e[0]); }});
    out.push_back({"conversions", "lorentz_to_klein", radius_bands(LLK), forward_dims, from_lorentz,
                   [ct](const Inputs<T>& in) {
                     std::vector<T> o(in[0].size() - 1);
                     lorentz_to_klein(ct, view(in[0]), view_mut(o));
                     return o;
                   },
                   [c](const ExactInputs& e) { return ref::lorentz::to_klein(c, e[0]); }});
    out.push_back({"conversions", "klein_to_lorentz", radius_bands(LLK), forward_dims, from_klein,
                   [ct](const Inputs<T>& in) {
                     std::vector<T> o(in[0].size() + 1);
                     klein_to_lorentz(ct, view(in[0]), view_mut(o));
                     return o;
                   },
                   [c](const ExactInputs& e) { return ref::lorentz::from_klein(c, e[0]); }});
  }

  // ---- backward passes -----------------------------------------------------
  // Compared with central differences of the 256-bit forward reference.
  void add_backward(std::vector<Pr>& out) const {
    const PoincareBall<T> pm(c_t_);
    const Lorentz<T> lm(c_t_);
    const Real c = c_;
    const double LP = lim_.poincare, LL = lim_.lorentz;
    const auto with_upstream = [](Opt in, Rng& rng, int size) -> Opt {
      if (!in) return in;
      in->push_back(round_input<T>(random_vector(rng, static_cast<std::size_t>(size))));
      return in;
    };
    const auto concat = [](std::vector<T> a, const std::vector<T>& b) {
      a.insert(a.end(), b.begin(), b.end());
      return a;
    };

    // Poincare
    out.push_back(
        {"Poincare",
         "dist_backward",
         with<T>(pair_bands(LP), far_pair_bands<T>(LP, false)),
         backward_dims,
         [this](Rng& rng, const Band& b, int d) { return poincare_pair(rng, b, d); },
         [pm, concat](const Inputs<T>& in) {
           std::vector<T> gx(in[0].size()), gy(in[0].size());
           pm.dist_backward(view(in[0]), view(in[1]), T(1), view_mut(gx), view_mut(gy));
           return concat(gx, gy);
         },
         [c](const ExactInputs& e) {
           return central_gradient(
               [c](const ExactInputs& z) { return RVec{ref::poincare::dist(c, z[0], z[1])}; }, e,
               RVec{Real(1)}, {0, 1});
         },
         {},
         1});
    out.push_back(
        {"Poincare",
         "expmap_backward",
         with<T>(radius_bands(LP), far_bands<T>(LP, false)),
         backward_dims,
         [this, LP, with_upstream](Rng& rng, const Band& b, int d) -> Opt {
           const double r = radius_in(rng, b);
           auto x = poincare_at(rng, r, d);
           if (!x) return std::nullopt;
           const double rho = rng.log_uniform(1e-8, std::min(5.0, room(b, r, LP, false)));
           const Real lam = ref::poincare::lambda(c_, exact(*x));
           return with_upstream(
               Inputs<T>{*x, round_input<T>(scaled(Real(rho) / lam, random_direction(rng, d)))},
               rng, d);
         },
         [pm, concat](const Inputs<T>& in) {
           std::vector<T> gx(in[0].size()), gu(in[0].size());
           pm.expmap_backward(view(in[0]), view(in[1]), view(in[2]), view_mut(gx), view_mut(gu));
           return concat(gx, gu);
         },
         [c](const ExactInputs& e) {
           return central_gradient(
               [c](const ExactInputs& z) { return ref::poincare::expmap(c, z[0], z[1]); }, e, e[2],
               {0, 1});
         },
         {},
         1});
    out.push_back({"Poincare",
                   "logmap_backward",
                   with<T>(pair_bands(LP), far_pair_bands<T>(LP, false)),
                   backward_dims,
                   [this, with_upstream](Rng& rng, const Band& b, int d) {
                     return with_upstream(poincare_pair(rng, b, d), rng, d);
                   },
                   [pm, concat](const Inputs<T>& in) {
                     std::vector<T> gx(in[0].size()), gy(in[0].size());
                     pm.logmap_backward(view(in[0]), view(in[1]), view(in[2]), view_mut(gx),
                                        view_mut(gy));
                     return concat(gx, gy);
                   },
                   [c](const ExactInputs& e) {
                     return central_gradient(
                         [c](const ExactInputs& z) { return ref::poincare::logmap(c, z[0], z[1]); },
                         e, e[2], {0, 1});
                   },
                   {},
                   1});

    // Lorentz: compared along the manifold (normal components removed).
    const auto tangent_parts = [c](const ExactInputs& e, const RVec& g) {
      RVec r = g;
      const std::size_t n = e[0].size();
      remove_normal(r, 0, ref::lorentz::on_hyperboloid(c, e[0]));
      if (r.size() == 2 * n) remove_normal(r, n, ref::lorentz::on_hyperboloid(c, e[1]));
      return r;
    };
    // Far bands without "far close": central differences of such pairs in 256
    // bits cancel ~e^(2r) and keep too few digits for a step of 2^-100.
    std::vector<Band> lorentz_far_pairs;
    for (const auto& b : far_pair_bands<T>(LL, true))
      if (b.kind != BandKind::close) lorentz_far_pairs.push_back(b);
    out.push_back(
        {"Lorentz", "dist_backward", with<T>(pair_bands(LL), lorentz_far_pairs), backward_dims,
         [this](Rng& rng, const Band& b, int d) { return lorentz_pair(rng, b, d); },
         [lm, concat](const Inputs<T>& in) {
           std::vector<T> gx(in[0].size()), gy(in[0].size());
           lm.dist_backward(view(in[0]), view(in[1]), T(1), view_mut(gx), view_mut(gy));
           return concat(gx, gy);
         },
         [c](const ExactInputs& e) {
           return central_gradient(
               [c](const ExactInputs& z) { return RVec{ref::lorentz::dist(c, z[0], z[1])}; }, e,
               RVec{Real(1)}, {0, 1});
         },
         tangent_parts, 1});
    out.push_back(
        {"Lorentz", "expmap_backward (grad u)", with<T>(radius_bands(LL), far_bands<T>(LL, true)),
         backward_dims,
         [this, LL, with_upstream](Rng& rng, const Band& b, int d) -> Opt {
           const double r = radius_in(rng, b);
           const auto x = lorentz_at(rng, r, d);
           const double rho = rng.log_uniform(1e-8, std::min(5.0, room(b, r, LL, true)));
           const RVec xo = ref::lorentz::on_hyperboloid(c_, exact(x));
           return with_upstream(
               Inputs<T>{x, round_input<T>(scaled(Real(rho), lorentz_unit_tangent(rng, xo, d)))},
               rng, d + 1);
         },
         [lm](const Inputs<T>& in) {
           std::vector<T> gx(in[0].size()), gu(in[0].size());
           lm.expmap_backward(view(in[0]), view(in[1]), view(in[2]), view_mut(gx), view_mut(gu));
           return gu;
         },
         [c](const ExactInputs& e) {
           return central_gradient(
               [c](const ExactInputs& z) { return ref::lorentz::expmap(c, z[0], z[1]); }, e, e[2],
               {1});
         },
         tangent_parts, 1});
    out.push_back(
        {"Lorentz", "logmap_backward", with<T>(pair_bands(LL), lorentz_far_pairs), backward_dims,
         [this, with_upstream](Rng& rng, const Band& b, int d) {
           return with_upstream(lorentz_pair(rng, b, d), rng, d + 1);
         },
         [lm, concat](const Inputs<T>& in) {
           std::vector<T> gx(in[0].size()), gy(in[0].size());
           lm.logmap_backward(view(in[0]), view(in[1]), view(in[2]), view_mut(gx), view_mut(gy));
           return concat(gx, gy);
         },
         [c](const ExactInputs& e) {
           return central_gradient(
               [c](const ExactInputs& z) { return ref::lorentz::logmap(c, z[0], z[1]); }, e, e[2],
               {0, 1});
         },
         tangent_parts, 1});
  }
};

}  // namespace hyperbolic::accuracy
