// Accuracy regression: the first samples of every row of docs/accuracy.md,
// against the committed bounds. The samples are a prefix of the generator's
// (same seeds, same order), so a row's maximum here can never exceed the
// maximum the table was built from; the bounds are twice that, rounded up to
// a power of two, which absorbs libm differences between machines. A change
// that makes a primitive less accurate beyond that fails here.

#include <doctest/doctest.h>

#include <limits>

#include <cmath>
#include <string>

#include "accuracy_bounds.hpp"
#include "accuracy_run.hpp"

namespace acc = hyperbolic::accuracy;

namespace {

// Enough samples to reach every dimension of every row several times while
// the whole suite stays at a few seconds (no condition numbers needed here).
constexpr int prefix_samples = 24;

const acc::AccuracyRun& shared_run() {
  static const acc::AccuracyRun run = acc::run_accuracy({prefix_samples, false});
  return run;
}

}  // namespace

TEST_CASE_TEMPLATE("accuracy stays within the committed bounds", T, float, double) {
  const auto& run = shared_run();
  int rows = 0;
  for (const auto& r : run.rows) {
    if (r.type != acc::type_name<T>()) continue;
    ++rows;
    const auto bound = acc::find_bound(acc::accuracy_bounds, r.model, r.primitive, r.type, r.band);
    INFO(r.model << " " << r.primitive << " " << r.type << " '" << r.band << "': max " << r.max_ulps
                 << " ULP");
    REQUIRE_MESSAGE(bound.has_value(),
                    "row has no committed bound: regenerate accuracy_bounds.hpp");
    CHECK(r.samples == prefix_samples);
    if (std::isfinite(*bound)) {
      CHECK(r.nonfinite == 0);
      CHECK(r.max_ulps <= *bound);
    }
  }
  CHECK(rows > 100);
}

TEST_CASE_TEMPLATE("well-conditioned rows are accurate to a few ULPs", T, float, double) {
  // Independent of the generated bounds: near the origin every primitive is
  // well conditioned, so the error must be rounding-level. 32 ULP allows the
  // ~sqrt(d) summation error of d = 768 reductions plus a few operations.
  for (const auto& r : shared_run().rows) {
    if (r.type != acc::type_name<T>() || r.band != "r in [1e-3,1)") continue;
    // Known exceptions (docs/accuracy.md): Lorentz logmap reads the rounded time
    // coordinates; a signed distance to a plane is ill-conditioned near the plane.
    if (r.model == "Lorentz" && r.primitive == "logmap") continue;
    if (r.primitive == "dist2plane") continue;
    INFO(r.model << " " << r.primitive << ": max " << r.max_ulps << " ULP");
    CHECK(r.max_ulps <= 32);
  }
}

TEST_CASE_TEMPLATE("rows with a textbook baseline: finite, and never worse than it", T, float,
                   double) {
  // Against the exact function of the unrounded points (what the user meant):
  // the library's error must not exceed the textbook formula's, max and
  // median. Where both are at rounding level the order is noise, hence the
  // slack of 8 units of the type's epsilon; where the inputs' rounding
  // dominates both (kappa in the hundreds and beyond: close pairs, the maps
  // far out) their errors are kappa eps times chance, hence a factor 2; where
  // the baseline has no correct digit left (max relative error >= 1: float
  // points far out no longer stand for the intended ones) there is nothing to
  // compare the max with. Beyond the sampling limit the library must stay
  // finite where the baseline is not.
  const double slack = 8 * std::numeric_limits<T>::epsilon();
  int rows = 0;
  for (const auto& r : shared_run().rows) {
    if (r.type != acc::type_name<T>() || !r.has_baseline) continue;
    ++rows;
    INFO(r.model << " " << r.primitive << " '" << r.band << "': library " << r.max_rel_intended
                 << " / " << r.median_rel_intended << ", baseline " << r.baseline_max_rel_intended
                 << " / " << r.baseline_median_rel_intended);
    CHECK(r.nonfinite == 0);
    if (r.baseline_max_rel_intended < 1)
      CHECK(r.max_rel_intended <= 2 * r.baseline_max_rel_intended + slack);
    CHECK(r.median_rel_intended <= 2 * r.baseline_median_rel_intended + slack);
  }
  // dist, dist0, expmap, expmap0, logmap, logmap0, transp of both models, every
  // band including the far ones
  CHECK(rows >= 90);
}

TEST_CASE_TEMPLATE("representable radius matches the documented values", T, float, double) {
  // DESIGN.md / REFERENCES.md: about 38 / 18 (ball) and 19 / 8.5 (hyperboloid)
  // in double / float.
  const bool is_double = std::is_same_v<T, double>;
  for (const auto& s : shared_run().radii) {
    if (s.type != acc::type_name<T>()) continue;
    INFO(acc::model_label(s.model) << " d=" << s.dim << " median " << s.median);
    if (s.model == acc::ModelKind::poincare)
      CHECK(std::abs(s.median - (is_double ? 37.7 : 17.6)) < 1.5);
    if (s.model == acc::ModelKind::lorentz)
      CHECK(std::abs(s.median - (is_double ? 18.9 : 8.9)) < 1.0);
  }
}
