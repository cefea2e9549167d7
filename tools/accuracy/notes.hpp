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
- **Two references and a baseline.** `max rel (intended)` compares with the
  exact function of the *unrounded* points (what the user meant): rounding
  the inputs costs what it costs, and far out it dominates (a float point at
  r = 30 is stored at r ~ 17-20). The `baseline` columns are the textbook
  formulas in the same type on the same inputs with geoopt's clamps
  (tools/accuracy/textbook.hpp); `tests/accuracy` asserts library <= baseline
  (max and median, slack 8 eps where both are at rounding level) and no
  non-finite output in every band of the rows that have one (dist, dist0).
- **Beyond the sampling limit (`far` bands).** Points out to where the ball's
  points stop being strictly inside as stored (float r < 32, double r < 72;
  draws that round onto or outside the boundary are drawn again) and the
  hyperboloid's coordinates stay finite (float r < 85, double r < 700).
  What made these work: the ball's boundary factor `1 - c|x|^2` compensated
  (poincare/boundary.hpp: float rows accumulate exactly in double, double rows
  in double-double, only for rows with c|x|^2 > 1/2), the asinh taken in
  logarithms once its argument squared would overflow, dist0 as
  `(1/s) log1p(2z(1+z)/(1 - c|x|^2))`, norms rescaled by a power of two when
  their squares overflow or underflow (core/robust_norm.hpp), and the
  hyperboloid's chord `sqrt(<x-y, x-y>_L)` chosen by regime
  (lorentz/chord.hpp), the points read through their space coordinates: from
  the differences with `x0 - y0 = <xs-ys, xs+ys>/(x0+y0)` while that loses at
  most a bit, else the radial-angular form
  `n^2 = (2/s sinh(s(r_y - r_x)/2))^2 + |xs||ys| |xs/|xs| - ys/|ys||^2` (two
  non-negative terms). The old chord form returned exactly 0 in float for a
  point far out and one near the origin 20-29 apart; the baseline acosh loses
  close pairs, returns 0 for them (clamp) and overflows `x0 y0` in float
  beyond r ~ 44. A baseline 0 for distinct points counts as an infinite error
  here ("zero for distinct points"): it is a silent wrong answer.
- **Lorentz dist, `far close` (double).** Beyond r ~ 17 a "close" pair of
  doubles is no longer close once rounded: the two directions differ by about
  one rounding (the pairs end up 20-1000 apart, and the distance hangs on the
  last bits of every coordinate). The radial-angular form normalizes each
  direction (one rounding per coordinate), so where the stored directions
  differ by less than ~eps it is `max ULP/kappa` ~ 20 (float) / ~100 (double) from the stored-input
  reference; against the unrounded points the library's error is the
  rounding's own, where the baseline returns 0 or non-finite. Resolving such
  angles below eps would need double-word arithmetic in every pass. The band
  stops at r = 60: the 256-bit reference of a pair further out cancels
  ~e^(2r) and has no digits left by r ~ 90.
- **Far-out close pairs in the ball** (`close, r in [5,limit)`, float): the
  library is within a few ULP of the stored pair, but rounding has moved the
  points by more than their distance, so against the unrounded points its
  error exceeds 1 (the stored pair is further apart than the intended one);
  the baseline's "better" max is its clamp returning 0 (counted as such).
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
  (double, r in [5,15)). Not the boundary factor (expmap and mobius_add now
  take the compensated one; no change here) nor sech^2 in `tanhc_sq_slope`:
  the gradient is assembled from partials with respect to |x|^2 that grow
  like 1/(1 - c|x|^2)^2 and cancel against the other terms, each rounded
  relative to its own size. A fix differentiates with respect to the
  boundary factor instead of |x|^2; left for the single-definition redesign,
  which rewrites every backward pass.
- **Lorentz primitives read the redundant time coordinate.** A rounded
  hyperboloid point carries x0 with an absolute error ~ulp(e^r/2); formulas
  that subtract time coordinates (`y0 - x0` in logmap, `<y,v>_L` in transp,
  `(x0 - y0)^2` in dist and its gradient) turn that into error beyond kappa:
  e.g. logmap near the origin, where the time component of the result is
  O(r^2) but `y0 - x0` is rounded at 1e-16 (double) / 6e-8 (float). Fixed
  for dist, logmap, dist_backward and logmap_backward: they take the chord
  and `x0 - y0 = <xs - ys, xs + ys>/(x0 + y0)` from lorentz/chord.hpp (logmap
  near the origin went from 1.4e7 to ~6 `max ULP/kappa` in double). Still
  open: dist_backward for close pairs far out (its ambient gradient's
  components are ~e^r times its tangent part, so their rounding alone is
  ~e^r ULP of the compared part: ~1e4 float, ~5e11 double, at kappa ~ 1);
  logmap / logmap_backward far out at ~20-300 ULP/kappa (the output's time
  component is a sum of like magnitudes with opposite signs); transp of
  close pairs at ~20-50 ULP/kappa (`<y, v>_L` of a tangent vector at x).
- **Rows just above 16 ULP/kappa**: Lorentz dist2plane in double near the
  origin (~19; a signed distance to a plane through the origin is
  ill-conditioned near the plane and kappa's few random directions
  underestimate it), Lorentz dist_backward at r >= 5 (~16; the gradient's
  ambient components again) and Lorentz logmap_backward in float at r in
  [1, 5) (~20, as logmap's time component).
- **Lorentz mobius_add (fixed).** It went through the ball and formed
  `1 - c|r|^2` of the ball sum by cancellation (2e7 ULP/kappa in double far
  out, although the hyperboloid inputs are well-conditioned). Now the ball
  factors come exactly from the time coordinates, `1 - c|p|^2 = 2/(1 + s x0)`
  for `p = xs/(1 + s x0)`, and with `D = bp bq + c|p + q|^2`,
  `out_s = ((c|p+q|^2 + bp)/bq) xs + ys`, `out_0 = (1 + 2c|p+q|^2/(bp bq))/s`:
  sums of positive terms (lorentz/coefficients.hpp).

)";
}

}  // namespace hyperbolic::accuracy
