#pragma once
// The batched CPU backend: every primitive and backward pass over row
// batches (SIMD + threads), all-pairs distances and k nearest neighbours.
// Needs xsimd and Eigen; link OpenMP for threads.

#include "batched.hpp"
#include "batched_backward.hpp"
#include "distance_fan.hpp"
#include "knn.hpp"
#include "pairwise.hpp"
