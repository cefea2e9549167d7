// The model trait the backends branch on, and the clamp shared by the
// scalar, CPU and CUDA paths.

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include <hyperbolic/manifolds/model_kind.hpp>

#include "manifold_fixtures.hpp"

using namespace hyperbolic;

namespace {
// A user manifold: Euclidean geometry under another name, no `kind`.
struct PlainUserSpace : Euclidean<double> {
  static constexpr const char* name = "PlainUserSpace";
};
struct UntaggedSpace {
  using scalar = double;
};
}  // namespace

TEST_CASE("model_kind_v names each library model; other types are `other`") {
  static_assert(model_kind_v<PoincareBall<float>> == ModelKind::poincare);
  static_assert(model_kind_v<PoincareBall<double>> == ModelKind::poincare);
  static_assert(model_kind_v<Lorentz<double>> == ModelKind::lorentz);
  static_assert(model_kind_v<Euclidean<float>> == ModelKind::euclidean);
  static_assert(model_kind_v<UntaggedSpace> == ModelKind::other);
  static_assert(first_space_coordinate_v<Lorentz<float>> == 1);
  static_assert(first_space_coordinate_v<PoincareBall<float>> == 0);
  static_assert(first_space_coordinate_v<UntaggedSpace> == 0);
  // A derived type inherits the tag: it promises the model's formulas.
  CHECK(model_kind_v<PlainUserSpace> == ModelKind::euclidean);
}

TEST_CASE_TEMPLATE("math::nonnegative clamps rounding below 0 and keeps NaN", T, float, double) {
  CHECK(math::nonnegative(T(-1e-30)) == T(0));
  CHECK(math::nonnegative(-std::numeric_limits<T>::infinity()) == T(0));
  CHECK(math::nonnegative(T(3)) == T(3));
  CHECK(math::nonnegative(std::numeric_limits<T>::denorm_min()) ==
        std::numeric_limits<T>::denorm_min());
  CHECK(std::isnan(math::nonnegative(std::numeric_limits<T>::quiet_NaN())));
}
