#pragma once
// The whole measurement: representable radii per model and type, then every
// catalogued primitive in every band, for float and double. Shared by the
// table generator and the regression test (which runs a prefix of the same
// samples, so its maxima never exceed the table's).

#include <cmath>
#include <vector>

#include "measurement.hpp"
#include "primitives.hpp"
#include "representable_radius.hpp"

namespace hyperbolic::accuracy {

inline constexpr double curvature = 1.0;
inline const std::vector<int> radius_dims = {2, 16, 768};
inline constexpr int radius_directions = 16;

struct AccuracyRun {
  std::vector<RadiusStats> radii;
  std::vector<RowResult> rows;
  SamplingLimits float_limits{}, double_limits{};
};

template <class T>
SamplingLimits limits_from(const std::vector<RadiusStats>& radii) {
  const auto smallest = [&](ModelKind m) {
    double r = 1e300;
    for (const auto& s : radii)
      if (s.model == m && s.type == type_name<T>()) r = std::min(r, s.min);
    // A margin of 1.5 so outputs at distance up to limit + 1 stay
    // representable; rounded down to 0.5 so band edges do not jitter.
    return std::floor((r - 1.5) * 2) / 2;
  };
  // The ball is also limited by the library's documented domain: projx keeps
  // |x| <= (1 - 4 eps) / sqrt(c), i.e. r <= 2 artanh(1 - 4 eps).
  const double eps = static_cast<double>(scalar_traits<T>::epsilon);
  const double domain = std::floor(2 * std::atanh(1 - 4 * eps) * 2) / 2;
  return {std::min(smallest(ModelKind::poincare), domain), smallest(ModelKind::lorentz),
          smallest(ModelKind::klein)};
}

template <class T>
void measure_type(AccuracyRun& run, const MeasureOptions& opt) {
  for (const ModelKind m : {ModelKind::poincare, ModelKind::lorentz, ModelKind::klein})
    for (const int d : radius_dims)
      run.radii.push_back(representable_radius<T>(m, curvature, d, radius_directions));
  const SamplingLimits lim = limits_from<T>(run.radii);
  (sizeof(T) == 4 ? run.float_limits : run.double_limits) = lim;
  const auto rows = measure_all(Catalogue<T>(curvature, lim).all(), opt);
  run.rows.insert(run.rows.end(), rows.begin(), rows.end());
}

inline AccuracyRun run_accuracy(const MeasureOptions& opt) {
  AccuracyRun run;
  measure_type<float>(run, opt);
  measure_type<double>(run, opt);
  return run;
}

}  // namespace hyperbolic::accuracy
