#pragma once
// What a kernel sees: its inputs and outputs as dense tensors, its attributes, and its device.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dtype.h"
#include "error.h"
#include "op_profile.h"
#include "shape.h"
#include "storage.h"
#include "../gen/ops.gen.h"

namespace nutshell::core {

struct TensorRef {
  StoragePtr storage;
  DType dtype = DType::float32;
  Shape shape;

  int64_t numel() const { return core::numel(shape); }
  int64_t dim(int i) const { return shape[i < 0 ? static_cast<int>(shape.size()) + i : i]; }
  int rank() const { return static_cast<int>(shape.size()); }
  template <typename T>
  T* data() const { return static_cast<T*>(storage->data()); }
  void* raw() const { return storage->data(); }
};

struct OpCall {
  OpId op;
  Device device;
  std::vector<TensorRef> inputs;
  std::vector<TensorRef> outputs;
  std::vector<double> attrs;
  void* backend_context = nullptr;  // the backend's per-device state (streams, handles)

  const TensorRef& in(size_t i) const { return inputs.at(i); }
  const TensorRef& out(size_t i) const { return outputs.at(i); }
  AttrReader reader() const { return AttrReader(attrs); }
};

using Kernel = void (*)(OpCall&);

// Note [marked inputs]: runs one op. A kernel that throws marks its outputs with "op: message"
// when `rethrow` is false (queued work, reported at the next read), and throws to the caller when
// true (work run on the calling thread). An input marked by an earlier failure marks the outputs
// without running (and throws when `rethrow`), except as the op's declaration says
// (marked_inputs, generated from OpDecl.markedInputs): copyInto's destination is written whole,
// so its mark is not taken and a successful copy clears it (reloading weights recovers a model);
// the optimiser steps skip, leaving parameter and state as they were and unmarked (a failed
// backward makes no step, as in PyTorch, instead of poisoning the model for every later step).
// `profile`, when given and switched on, receives the kernel's time.
void run_op(Kernel kernel, OpCall& call, bool rethrow, OpProfile* profile = nullptr);

}  // namespace nutshell::core
