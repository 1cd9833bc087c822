#pragma once
// Per-GPU state: the stream every op of that device is enqueued on, the cuDNN/cuBLAS handles
// bound to it, and its device-side error checks. Kernels reach it through OpCall::backend_context.
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <memory>

#include "../core/op_call.h"
#include "device_errors.h"

namespace nutshell::cuda {

class CachingAllocator;

struct DeviceContext {
  int index = 0;
  cudaStream_t stream = nullptr;
  cudnnHandle_t cudnn = nullptr;
  cublasHandle_t cublas = nullptr;
  CachingAllocator* allocator = nullptr;
  std::unique_ptr<DeviceErrors> errors;  // Note [device-side errors] in common.cuh
};

inline DeviceContext& context_of(const core::OpCall& call) { return *static_cast<DeviceContext*>(call.backend_context); }

}  // namespace nutshell::cuda
