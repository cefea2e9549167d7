#pragma once
// Shape of Adam's second moment on a manifold.
//
// On a curved manifold coordinates carry no intrinsic meaning, so a
// per-coordinate second moment is not invariant (it changes with the model
// and with the point). Following Becigneul & Ganea (ICLR 2019) and geoopt,
// RiemannianAdam keeps ONE scalar per point: an average of <g, g>_x, the
// squared Riemannian norm of the Riemannian gradient. It is a scalar, so it
// needs no transport when the point moves. On Euclidean space the coordinates
// are meaningful and we keep one entry per coordinate (textbook Adam).
//
// A user-defined manifold gets one scalar per point unless it specializes
// second_moment_per_coordinate<M> to true.

#include <type_traits>

#include "../core/config.hpp"
#include "../manifolds/euclidean.hpp"

namespace hyperbolic::optim {

template <class M>
struct second_moment_per_coordinate : std::false_type {};

template <class T>
struct second_moment_per_coordinate<Euclidean<T>> : std::true_type {};

template <class M>
inline constexpr bool second_moment_per_coordinate_v = second_moment_per_coordinate<M>::value;

// Entries of the second moment stored per row of `dim` stored coordinates.
template <class M>
HYP_HD constexpr index_t second_moment_width(index_t dim) {
  return second_moment_per_coordinate_v<M> ? dim : 1;
}

}  // namespace hyperbolic::optim
