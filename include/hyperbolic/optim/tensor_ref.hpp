#pragma once
// A named view of a weight the caller owns (a layer's matrix, a gain vector, a
// scalar): values and gradient in memory that stays put while the view is
// used, its shape, whether it is trained now and whether weight decay applies
// to it. Optimizers over many tensors (TensorAdamW) and checkpoints key the
// tensor by its name. Values and gradient share one layout; which one (row-
// or column-major) does not matter to an elementwise optimizer.
//
// The field order is part of the interface: callers aggregate-initialise
// {name, value, grad, rows, cols, trainable, decay}.

#include <string>
#include <vector>

namespace hyperbolic::optim {

template <class T>
struct TensorRef {
  std::string name;
  T* value = nullptr;
  T* grad = nullptr;
  long rows = 1, cols = 1;
  bool trainable = true;
  bool decay = true;  // usually: weight matrices yes; norm gains, biases and scalars no
  long size() const { return rows * cols; }
};

// Number of trained scalars.
template <class T>
long count_trainable(const std::vector<TensorRef<T>>& tensors) {
  long n = 0;
  for (const auto& t : tensors)
    if (t.trainable) n += t.size();
  return n;
}

}  // namespace hyperbolic::optim
