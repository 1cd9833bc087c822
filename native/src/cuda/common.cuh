#pragma once
// What every kernel family of ours shares: launch shapes for grid-stride loops, temporary device
// memory from the caching allocator, vector loads, deterministic block sums, and the reporting of
// errors that only the device can see (Note [device-side errors]).
//
// Kernels (__global__) see raw pointers, sizes and plain structs passed by value; the host-side
// wrappers that decode an OpCall live in each family's .cu file.
#include <cuda_runtime.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <functional>
#include <string>

#include "../core/op_call.h"
#include "allocator.h"
#include "check.h"
#include "context.h"
#include "error_reporter.h"

namespace nutshell::cuda {

constexpr int kThreads = 256;
// Grid-stride loops cover any element count; more blocks than this only add scheduling overhead.
constexpr int64_t kMaxBlocks = int64_t{1} << 16;

__host__ __device__ inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Blocks for n work items at `threads` per block (at least 1, at most kMaxBlocks).
inline unsigned blocks_for(int64_t n, int threads = kThreads) {
  return static_cast<unsigned>(std::clamp<int64_t>(ceil_div(n, threads), 1, kMaxBlocks));
}

// The number of streaming multiprocessors of a device (cached; sizes the splits of reductions).
int sm_count(int device);

// Our own launches report configuration errors at once (with the launch's name); faults inside
// a kernel surface at the next synchronisation.
#define NS_LAUNCH_CHECK() NS_CUDA_CHECK(cudaGetLastError())

// Grid-stride loop over [0, n) with 64-bit indices.
#define NS_GRID_LOOP(i, n)                                                                        \
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x, _ns_step =        \
           static_cast<int64_t>(gridDim.x) * blockDim.x;                                          \
       i < (n); i += _ns_step)

// Temporary device memory for one op (a workspace, partial results), from the caching allocator.
// Given back at scope exit, before the kernels that use it have run: safe because every op of a
// device is enqueued on its one stream (Note [stream-ordered reuse] in allocator.cc).
class Workspace {
 public:
  Workspace(DeviceContext& ctx, size_t nbytes) : allocator_(ctx.allocator), nbytes_(nbytes) {
    if (nbytes_) ptr_ = allocator_->allocate(nbytes_);
  }
  ~Workspace() {
    if (ptr_) allocator_->deallocate(ptr_, nbytes_);
  }
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  template <typename T>
  T* as() const { return static_cast<T*>(ptr_); }

 private:
  CachingAllocator* allocator_;
  size_t nbytes_;
  void* ptr_ = nullptr;
};

// V elements of T loaded or stored as one access (storage pointers come from whole cudaMalloc
// blocks, 256-byte aligned, so dense tensors may be read this way from their first element).
template <int V, typename T>
struct alignas(sizeof(T) * V) Vec {
  T v[V];
};

inline bool aligned_for(const void* p, size_t bytes) { return reinterpret_cast<uintptr_t>(p) % bytes == 0; }

// Sums one value per thread over a block in a fixed tree (deterministic: the same inputs give the
// same bits on every run). `scratch` holds blockDim.x values; the result is valid in thread 0.
// blockDim.x must be a power of two.
template <typename T>
__device__ __forceinline__ T block_sum(T v, T* scratch) {
  scratch[threadIdx.x] = v;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) scratch[threadIdx.x] += scratch[threadIdx.x + s];
    __syncthreads();
  }
  T r = scratch[0];
  __syncthreads();
  return r;
}

// Note [device-side errors]: some preconditions depend on values that live on the device (class
// targets, indices, probabilities). The cpu kernels refuse them before writing; a cuda kernel
// cannot throw, so it records the first offending position in the GPU's one device slot
// (atomicMin, so "first" is the smallest position, as on cpu) and skips the unsafe write. After
// its kernels the op enqueues a one-thread fetch kernel that copies that position and the
// offending value into a slot of pinned host memory mapped into the device (plain stores: no
// atomics on host memory), resets the device slot for the next op, and then, after a system fence,
// sets the host slot's `done` flag. The op's check waits in a queue (DeviceErrors,
// device_errors.h) that is looked at, without waiting, before every launch on that GPU and after
// every read and synchronisation: a check whose flag is set formats the same message the cpu
// kernel throws and marks the op's outputs with "op: message" (an op with two checks, binomial's
// count and then its prob, marks with the first that fails). Reading an output (await t.data(),
// dataSync) then rejects with that error, as a queued cpu op's would, and a launch that takes a
// marked tensor refuses at the call. Nothing on the stream waits for the host (a host function per
// check would stall the GPU at every such op, twice per cross-entropy training step). Deviation
// from cpu: an op enqueued on an output before its check was seen does not inherit the mark (its
// own outputs read without error).
__device__ __forceinline__ void report_position(ErrorSlot* slot, int64_t pos) {
  atomicMin(&slot->first, static_cast<unsigned long long>(pos));
}

// Calls fn(T{}) with the C++ type of an index tensor (int32 or int64).
template <typename Fn>
void dispatch_index(core::DType t, Fn&& fn) {
  if (t == core::DType::int64) return fn(int64_t{});
  if (t == core::DType::int32) return fn(int32_t{});
  NS_THROW(dtype, std::string("index expected int32 or int64, got ") + core::dtype_name(t));
}

}  // namespace nutshell::cuda
