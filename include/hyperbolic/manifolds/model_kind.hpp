#pragma once
// Which model a manifold type is: the one trait the backends branch on
// (`if constexpr (model_kind_v<M> == ModelKind::poincare)`) instead of testing
// for each class by name. The library's models declare `static constexpr
// ModelKind kind`; any other type modelling the Manifold concept is `other`
// and takes the generic paths.

#include <cstdint>

namespace hyperbolic {

enum class ModelKind : std::uint8_t { other, euclidean, poincare, lorentz, sphere };

template <class M>
constexpr ModelKind model_kind_of() {
  if constexpr (requires { M::kind; })
    return M::kind;
  else
    return ModelKind::other;
}
template <class M>
inline constexpr ModelKind model_kind_v = model_kind_of<M>();

// The first stored coordinate of a point's space part: the hyperboloid
// stores the time coordinate first.
template <class M>
inline constexpr int first_space_coordinate_v = model_kind_v<M> == ModelKind::lorentz ? 1 : 0;

}  // namespace hyperbolic
