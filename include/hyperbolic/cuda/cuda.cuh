#pragma once
// Umbrella header of the CUDA backend (compile with nvcc; link CUDA::cudart
// and, for pairwise distances and k-nearest, CUDA::cublas).

#include "batched.cuh"
#include "device_buffer.cuh"
#include "error.cuh"
#include "knn.cuh"
#include "optimizers.cuh"
#include "pairwise.cuh"
