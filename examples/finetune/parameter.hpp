#pragma once
// A named tensor the optimizer and the checkpoint see: values and gradient in
// memory the layer owns (stable while the model lives), its shape, whether it
// is trained in the current mode and whether AdamW decays it.

#include <string>
#include <vector>

namespace finetune {

template <class T>
struct Parameter {
  std::string name;
  T* value = nullptr;
  T* grad = nullptr;
  long rows = 1, cols = 1;
  bool trainable = true;
  bool decay = true;  // weight decay: matrices yes; norm gains and curvature no
  long size() const { return rows * cols; }
};

template <class T>
long count_trainable(const std::vector<Parameter<T>>& ps) {
  long n = 0;
  for (const auto& p : ps)
    if (p.trainable) n += p.size();
  return n;
}

}  // namespace finetune
