#pragma once
// Umbrella header: the geometry core (manifolds, conversions, random points).

#include "core/config.hpp"
#include "core/dual.hpp"
#include "core/row_view.hpp"
#include "core/scalar_traits.hpp"
#include "core/special_functions.hpp"
#include "manifolds/concepts.hpp"
#include "manifolds/conversions.hpp"
#include "manifolds/euclidean.hpp"
#include "manifolds/lorentz/lorentz.hpp"
#include "manifolds/poincare/poincare_ball.hpp"
#include "manifolds/random.hpp"
#include "manifolds/sphere/sphere.hpp"
