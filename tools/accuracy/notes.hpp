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
- **Lorentz `far close` bands (dist, logmap, transp).** Beyond r ~ 17 a "close" pair of
  doubles is no longer close once rounded: the two directions differ by about
  one rounding (the pairs end up 20-1000 apart, and the distance hangs on the
  last bits of every coordinate). The radial-angular form normalizes each
  direction (one rounding per coordinate), so where the stored directions
  differ by less than ~eps it is `max ULP/kappa` ~ 20 (float) / ~100 (double) from the stored-input
  reference; against the unrounded points the library's error is the
  rounding's own, where the baseline returns 0 or non-finite. Resolving such
  angles below eps would need double-word arithmetic in every pass. logmap
  and transp of such pairs (75 / 0.5 in float, 1.9e3 / 1.5e6 in double) are
  as unresolved, with kappa estimates up to 1e47 that no random
  perturbation measures reliably; the baseline is worse in every one of
  these rows (non-finite or ~1e21-1e43 relative). The band
  stops at r = 60: the 256-bit reference of a pair further out cancels
  ~e^(2r) and has no digits left by r ~ 90 (for the same reason the backward
  passes leave it out: central differences with a step of 2^-100 need more).
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
- **Poincaré expmap_backward far out (fixed).** It reached 1.75e4
  `max ULP/kappa` (double, r in [5,15)) and a non-finite gradient in float
  beyond the limit: dL/dx was assembled from partials with respect to |x|^2
  that grow like lambda_x and cancel to O(1), and the Möbius x factor
  `(1 + 2c<x,v> + c|v|^2)/den` lost its difference from 1 (exactly
  `c|v|^2 bx/den`), ~1/bx amplified in its derivatives. Now the pass is
  differentiated in `w = lambda_x u` (|w| the Riemannian norm; expmap as a
  function of (x, w) has no 1/(1 - c|x|^2) factor) with the chain through
  lambda_x added in closed form, and the x factor is `1 + c|v|^2 bx/den`
  (poincare::expmap_backward, poincare::mobius_add): 3.25 / 5.9 ULP
  (`max ULP/kappa` 1.0 / 1.7) at r in [5, limit), float / double.
- **Ball logmap0 and mobius_scalar_mul far out (fixed).** `artanh(s|y|)/(s|y|)`
  from |y|^2 rounds to artanh(1) = inf for points whose s|y| rounds to 1
  (float r > ~17) and lost ~e^r ULP before: now `dist0(y) / (2|y|)` with the
  compensated boundary factor (logmap0 float [5,limit) 2.4e4 -> 1.5 ULP,
  double [15,limit) 9.6e11 -> 1.3; mobius_scalar_mul 4.2e3 -> 2.0 and 3.5e10
  -> 2.8).
- **Lorentz primitives read the redundant time coordinate.** A rounded
  hyperboloid point carries x0 with an absolute error ~ulp(e^r/2); formulas
  that subtract time coordinates (`y0 - x0` in logmap, `<y,v>_L` in transp,
  `(x0 - y0)^2` in dist and its gradient) turn that into error beyond kappa:
  e.g. logmap near the origin, where the time component of the result is
  O(r^2) but `y0 - x0` is rounded at 1e-16 (double) / 6e-8 (float). Fixed
  for dist, logmap, transp, dist_backward and logmap_backward: they take the
  chord and `x0 - y0 = <xs - ys, xs + ys>/(x0 + y0)` from lorentz/chord.hpp
  (logmap near the origin went from 1.4e7 to ~6 `max ULP/kappa` in double).
- **Lorentz transp (fixed).** v is read through its space coordinates
  (`v0 = <xs,vs>/x0`) and `<y, v>_L` is taken in one of two exact forms
  (lorentz/transport.hpp): `<ys - xs, vs> + (gap/x0)<xs, vs>` for close
  pairs (the plain `-y0 v0 + <ys, vs>` cancels to the pair's distance), and
  `<ys, vs> - (y0/x0)<xs, vs>` once `|xs - ys| >= y0` (the close form's
  error grows like e^(r_x - r_y) there: 6e7 ULP in float beyond the limit);
  where the products overflow (float r_x + r_y > 88) the sums are taken again
  scaled by powers of two. Close pairs went from 20-50 to < 1 `max
  ULP/kappa`; every band except *far close* is within ~20.
- **Lorentz logmap and its gradient far out (fixed).** The coefficients took
  `q = n^2`, which overflows in float for pairs ~88 apart (NaN), and the
  gradient's dual-number derivative in n (~1/n^3) underflowed for a point
  near the origin with one beyond r ~ 40 (3.6e6 ULP in float, 2.6e15 in
  double). Both now take the chord n, with the far regime written out
  (lorentz::logmap, lorentz::logmap_backward). dist_backward and
  dist0_backward returned a zero gradient once `(dd/dn)/n` fell below the
  smallest float (n > ~1e19): the direction `(x - y)/n` is formed first now
  (per_norm_split). Lorentz logmap0 takes the rescaled norm (`|y_s|^2`
  overflowed beyond float r ~ 44).
- **Lorentz rows still above 16 `max ULP/kappa`.** *Far close* pairs (above);
  dist_backward for close pairs far out (its ambient gradient's components
  are ~e^r times its tangent part, so their rounding alone is ~e^r ULP of
  the compared part: ~1e4 float, ~5e11 double, at kappa ~ 1 -- the library
  returns the Euclidean gradient of the ambient extension, as the optimizers
  expect); logmap / logmap_backward at r in [5, limit) (30 / 180 in double:
  the output's time component is a sum of like magnitudes with opposite
  signs); expmap far out in double (780: `cosh(rho) x + sinhc(rho) u` for a
  u pointing back towards the origin cancels ~e^(2 rho), exactly as the
  textbook formula, which it equals there); dist2plane near the origin in
  double (~19; a signed distance to a plane through the origin is
  ill-conditioned near the plane and kappa's few random directions
  underestimate it).
- **Lorentz mobius_add (fixed).** It went through the ball and formed
  `1 - c|r|^2` of the ball sum by cancellation (2e7 ULP/kappa in double far
  out, although the hyperboloid inputs are well-conditioned). Now the ball
  factors come exactly from the time coordinates, `1 - c|p|^2 = 2/(1 + s x0)`
  for `p = xs/(1 + s x0)`, and with `D = bp bq + c|p + q|^2`,
  `out_s = ((c|p+q|^2 + bp)/bq) xs + ys`, `out_0 = (1 + 2c|p+q|^2/(bp bq))/s`:
  sums of positive terms (lorentz/coefficients.hpp). The forward kernels sum
  the ball coordinates `p = xs/(1 + s x0)` directly (|xs|^2 overflowed in
  float beyond r ~ 44: 41 of 128 far samples non-finite).
- **Backends.** Every fix above is one definition in the model's folder
  (coefficients.hpp, chord.hpp, transport.hpp) called by the scalar class,
  the CPU kernels and the CUDA kernels; tests/cuda/emulated_far.cpp checks
  that the three agree out to the edge of the float range (dist, dist0,
  logmap, logmap0, transp, mobius_add, logmap_backward). The GPU itself has
  not run these kernels (no GPU was lent; docs/cuda.md).

)";
}

}  // namespace hyperbolic::accuracy
