#pragma once
// A named tensor the optimizer and the checkpoint see: the library's
// TensorRef (values and gradient in memory the layer owns, shape, whether it
// is trained in the current mode and whether AdamW decays it). Layers
// aggregate-initialise it as {name, value, grad, rows, cols, trainable, decay}.

#include "hyperbolic/optim/tensor_ref.hpp"

namespace finetune {

template <class T>
using Parameter = hyperbolic::optim::TensorRef<T>;

using hyperbolic::optim::count_trainable;

}  // namespace finetune
