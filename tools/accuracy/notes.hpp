#pragma once
// The hand-written part of docs/accuracy.md: where the error is large and
// why. Kept next to the generator so that it changes with the measurements.

#include <ostream>

namespace hyperbolic::accuracy {

inline void write_notes(std::ostream& o) {
  o << R"(## Notes: where the error is large, and why

Read each row with its condition number: `max ULP` large with `max ULP/kappa`
near 1 is the problem, not the code; `max ULP/kappa` well above ~10 is the
library's own error.

- **Well-conditioned bands.** Near the origin (r < 1) and for the radial maps
  (expmap0, logmap0, conversions between ball and Klein, projx) the library is
  within a few ULPs in float and double. Up to ~10 ULP at d = 768 comes from
  the plain (recursive) summation of the row reductions: a dot product of 768
  terms carries up to ~sqrt(d) rounding errors.
- **Poincaré ball far out.** A point at distance r has `1 - c|x|^2 ~ 4 e^-r`,
  so a relative input error eps moves it by ~eps e^r: kappa grows like e^r / r
  (dist, dist0, logmap0, dist2plane, transp) and the error follows it
  (`max ULP/kappa` stays O(10-100); the random-sign part of kappa
  underestimates the worst direction by up to ~sqrt(d)).
- **Close pairs far out** are ill-conditioned in both models (kappa up to
  e^r / distance): the coordinates cannot resolve the pair.
- **Poincaré logmap for distant pairs (fixed).** logmap used to evaluate
  `artanh(s|w|)` with `|w| = tanh(s d(x,y)/2)`, which rounds to inf once the
  points are ~18 (float) / ~37 (double) apart. It now uses the asinh form of
  the distance: with `q2 = c|x-y|^2/((1-c|x|^2)(1-c|y|^2))`,
  `artanh(z)/z = asinhc(q2) sqrt(1+q2)` for `z^2 = q2/(1+q2)`; the far bands
  are finite with `max ULP/kappa` ~5 (logmap and logmap_backward).
- **Poincaré transp for close pairs (fixed).** The denominator
  `1 - 2c<x,y> + c^2|x|^2|y|^2` cancels for x ~ y near the boundary; the
  library now forms it as `(1-c|x|^2)(1-c|y|^2) + c|x-y|^2` and the numerators
  from `<y-x, v>` (poincare::transp in coefficients.hpp): `max ULP/kappa`
  went from 3.4e3 (float) / 2.4e7 (double) to 2.3 / 6.9 in the far close band.
- **Poincaré expmap_backward far out (open).** `max ULP/kappa` reaches ~1.7e4
  (double, r in [5,15)). Forming sech^2 as `1/cosh^2` instead of
  `(1 - t)(1 + t)` in `tanhc_sq_slope` did not change it, so the loss is in
  the chain through `mobius_add` on dual numbers, not in that derivative.
- **Lorentz primitives read the redundant time coordinate.** A rounded
  hyperboloid point carries x0 with an absolute error ~ulp(e^r/2); formulas
  that subtract time coordinates (`y0 - x0` in logmap, `<y,v>_L` in transp,
  `(x0 - y0)^2` in dist and its gradient) turn that into error beyond kappa:
  e.g. logmap near the origin, where the time component of the result is
  O(r^2) but `y0 - x0` is rounded at 1e-16 (double) / 6e-8 (float). Computing
  `x0 - y0 = (|xs|^2 - |ys|^2)/(x0 + y0)` (exact on the hyperboloid) would
  remove most of it.
- **Lorentz mobius_add/mobius_scalar_mul go through the ball** and inherit its
  e^r loss: `1 - c|r|^2` of the ball sum is formed by cancellation, although
  the hyperboloid inputs are well-conditioned (kappa ~ 1). The ball factors
  are available exactly: `1 - c|p|^2 = 2/(1 + s x0)` for `p = xs/(1 + s x0)`,
  and `1 - c|p (+) q|^2 = (1-c|p|^2)(1-c|q|^2)/D`.

)";
}

}  // namespace hyperbolic::accuracy
