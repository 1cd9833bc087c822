// Creation ops with no inputs: arange, linspace, eye, with PyTorch's arithmetic as cpu/creation.cc
// does it. The float expressions use explicitly rounded operations (__dmul_rn, __fadd_rn …) so
// that nvcc cannot contract them into fused multiply-adds: the values are then bit-identical to
// cpu's (which has no FMA at its x86-64-v2 baseline).
#include <type_traits>

#include "../gen/cuda_kernels.gen.h"
#include "common.cuh"

namespace nutshell::cuda {

namespace {

template <typename T>
__global__ void arange_float(int64_t n, T* __restrict__ out, double start, double step) {
  NS_GRID_LOOP(i, n) out[i] = static_cast<T>(__dadd_rn(start, __dmul_rn(step, static_cast<double>(i))));
}

template <typename T>
__global__ void arange_int(int64_t n, T* __restrict__ out, int64_t start, int64_t step) {
  NS_GRID_LOOP(i, n) out[i] = static_cast<T>(static_cast<int64_t>(static_cast<uint64_t>(start) + static_cast<uint64_t>(step) * static_cast<uint64_t>(i)));
}

// The first half counts up from start, the second down from end (both ends exact).
__global__ void linspace_float(int64_t steps, float* __restrict__ out, float start, float end, float step, int64_t halfway) {
  NS_GRID_LOOP(i, steps) {
    out[i] = steps == 1 ? start
             : i < halfway ? __fadd_rn(start, __fmul_rn(step, static_cast<float>(i)))
                           : __fsub_rn(end, __fmul_rn(step, static_cast<float>(steps - i - 1)));
  }
}

template <typename T>
__global__ void linspace_int(int64_t steps, T* __restrict__ out, T start, T end, double step, int64_t halfway) {
  NS_GRID_LOOP(i, steps) {
    out[i] = steps == 1 ? start
             : i < halfway ? static_cast<T>(__dadd_rn(static_cast<double>(start), __dmul_rn(step, static_cast<double>(i))))
                         : static_cast<T>(__dsub_rn(static_cast<double>(end), __dmul_rn(step, static_cast<double>(steps - i - 1))));
  }
}

template <typename T>
__global__ void eye_kernel(int64_t n, int64_t m, T* __restrict__ out) {
  const int64_t k = n < m ? n : m;
  NS_GRID_LOOP(i, k) out[i * m + i] = T(1);
}

}  // namespace

// start + i·step: in double for float32, in int64 after truncating start and step for integer
// dtypes. The length was fixed by the declaration.
void arange(core::OpCall& call) {
  auto a = core::ArangeAttrs::decode(call.reader());
  const auto& out = call.out(0);
  const int64_t n = out.numel();
  if (n == 0) return;
  cudaStream_t stream = context_of(call).stream;
  core::dispatch_dtype(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      arange_float<T><<<blocks_for(n), kThreads, 0, stream>>>(n, out.data<T>(), a.start, a.step);
    } else {
      arange_int<T><<<blocks_for(n), kThreads, 0, stream>>>(n, out.data<T>(), static_cast<int64_t>(a.start), static_cast<int64_t>(a.step));
    }
    NS_LAUNCH_CHECK();
  });
}

// PyTorch's linspace: float32 computes in float, integers through a double step, truncating.
void linspace(core::OpCall& call) {
  auto a = core::LinspaceAttrs::decode(call.reader());
  const auto& out = call.out(0);
  const int64_t steps = out.numel();
  if (steps == 0) return;
  cudaStream_t stream = context_of(call).stream;
  core::dispatch_dtype(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    using Step = std::conditional_t<std::is_floating_point_v<T>, T, double>;
    // The host computes exactly what cpu/creation.cc computes before its loop.
    const T start = static_cast<T>(a.start), end = static_cast<T>(a.end);
    const Step step = steps == 1 ? Step(0) : (static_cast<Step>(end) - static_cast<Step>(start)) / static_cast<Step>(steps - 1);
    const int64_t halfway = steps == 1 ? 1 : steps / 2;  // one step: just start
    if constexpr (std::is_floating_point_v<T>) {
      linspace_float<<<blocks_for(steps), kThreads, 0, stream>>>(steps, out.data<float>(), start, end, step, halfway);
    } else {
      linspace_int<T><<<blocks_for(steps), kThreads, 0, stream>>>(steps, out.data<T>(), start, end, step, halfway);
    }
    NS_LAUNCH_CHECK();
  });
}

void eye(core::OpCall& call) {
  const auto& out = call.out(0);
  const int64_t n = out.rank() == 2 ? out.dim(0) : 0, m = out.rank() == 2 ? out.dim(1) : 0;
  const size_t nbytes = static_cast<size_t>(out.numel()) * core::dtype_size(out.dtype);
  if (nbytes == 0) return;
  cudaStream_t stream = context_of(call).stream;
  NS_CUDA_CHECK(cudaMemsetAsync(out.raw(), 0, nbytes, stream));
  core::dispatch_dtype(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    eye_kernel<T><<<blocks_for(std::min(n, m)), kThreads, 0, stream>>>(n, m, out.data<T>());
    NS_LAUNCH_CHECK();
  });
}

}  // namespace nutshell::cuda
