#pragma once
// The representable radius of a model in type T: the largest hyperbolic
// distance r from the origin at which the point at distance r, rounded to T
// coordinate by coordinate, still stands for that point:
//   Poincare ball, Klein disk: the rounded point lies strictly inside the
//     ball and within hyperbolic distance 1/2 of the exact point (beyond, the
//     spacing of T near the boundary is more than half a unit of distance);
//   hyperboloid: the rounded point keeps its constraint to within one half,
//     |c <x~, x~>_L + 1| < 1/2 (the time coordinate no longer agrees with the
//     space coordinates).
// All evaluated exactly (256 bits). Found by bisection along random
// directions; the criterion is monotone in r up to the rounding pattern near
// the threshold, so min/median/max over directions are reported.

#include <algorithm>
#include <string>
#include <vector>

#include "high_precision.hpp"
#include "reference_poincare.hpp"
#include "sampling.hpp"

namespace hyperbolic::accuracy {

enum class ModelKind { poincare, lorentz, klein };

inline const char* model_label(ModelKind m) {
  switch (m) {
    case ModelKind::poincare:
      return "Poincare ball";
    case ModelKind::lorentz:
      return "Lorentz (hyperboloid)";
    case ModelKind::klein:
      return "Klein disk";
  }
  return "";
}

template <class T>
bool still_represented(ModelKind model, const Real& c, const Real& r, const RVec& dir) {
  switch (model) {
    case ModelKind::poincare: {
      const RVec x = poincare_point(c, r, dir), xr = exact(rounded<T>(x));
      return c * norm2(xr) < 1 && ref::poincare::dist(c, x, xr) < Real(0.5);
    }
    case ModelKind::klein: {
      const RVec k = klein_point(c, r, dir), kr = exact(rounded<T>(k));
      return c * norm2(kr) < 1 && ref::poincare::dist(c, ref::poincare::from_klein(c, k),
                                                      ref::poincare::from_klein(c, kr)) < Real(0.5);
    }
    case ModelKind::lorentz: {
      const RVec x = exact(rounded<T>(lorentz_point(c, r, dir)));
      return fabs(c * minkowski(x, x) + Real(1)) < Real(0.5);
    }
  }
  return false;
}

struct RadiusStats {
  ModelKind model;
  std::string type;
  int dim = 0, directions = 0;
  double min = 0, median = 0, max = 0;
};

template <class T>
RadiusStats representable_radius(ModelKind model, double c, int dim, int directions) {
  Rng rng(seed_of(std::string("radius/") + model_label(model) + (sizeof(T) == 4 ? "f" : "d"),
                  static_cast<std::uint64_t>(dim)));
  std::vector<double> radii;
  for (int k = 0; k < directions; ++k) {
    const RVec dir = random_direction(rng, static_cast<std::size_t>(dim));
    double lo = 0.5, hi = 80.0;  // represented at lo, not at hi, for float and double
    for (int it = 0; it < 48; ++it) {
      const double mid = 0.5 * (lo + hi);
      (still_represented<T>(model, Real(c), Real(mid), dir) ? lo : hi) = mid;
    }
    radii.push_back(lo);
  }
  std::sort(radii.begin(), radii.end());
  RadiusStats s{model, sizeof(T) == 4 ? "float" : "double", dim, directions};
  s.min = radii.front();
  s.max = radii.back();
  s.median = radii[radii.size() / 2];
  return s;
}

}  // namespace hyperbolic::accuracy
