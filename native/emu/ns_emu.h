#pragma once
// Note [cuda emulation]: our .cu kernels compiled as plain C++ and run on the cpu, so that the
// cuda backend (kernels, launches, copies, the allocator, device-side error reporting) can be
// tested on a machine without a GPU (NUTSHELL_CUDA=EMULATE, scripts/cuda-emu-test).
//
// This header is force-included into every kernel file after emu/cu2cc.py has rewritten its
// launches (`k<<<grid, block, shmem, stream>>>(args)` becomes ns_emu::launch(...)). A launch
// evaluates its arguments then, as CUDA does, and runs the grid block after block, each thread of
// a block a fiber: __syncthreads and warp shuffles switch fibers until every live thread of the
// block (or warp) has arrived, so shared memory and barriers mean what they mean on a GPU, and a
// barrier that some threads never reach is reported as a failed launch instead of hanging.
// Shared memory is `static` per thread (blocks of one stream never run at once); atomics are plain
// operations (fibers only switch at barriers).
//
// Streams are asynchronous, as on a GPU: each stream the backend creates has a worker thread that
// runs its launches, copies, memsets, event records and host functions in order, while the
// calling thread goes on; cudaStreamSynchronize, cudaEventSynchronize/Query, cudaDeviceSynchronize
// and cudaFree wait for them, and the blocking cudaMemcpy and cudaMemset do not (the backend's
// streams are non-blocking). So a host read of memory a queued kernel writes, without waiting for
// it, sees stale data here as it would on a GPU. The null stream and NUTSHELL_EMU_SYNC=1 run
// everything at the call. cuDNN and cuBLAS (emu/dnn.cc, rnn.cc, libs.cc) check their arguments at
// the call and compute on their handle's stream (streams.h); they are not emulated beyond what
// emu/libs.cc says.
#include <cuda_runtime.h>
#include <math.h>  // the float overloads of exp, log … in the global namespace, as device code has them

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>

#undef __global__
#undef __device__
#undef __host__
#undef __shared__
#define __global__
#define __device__
#define __host__
#define __shared__ static

namespace ns_emu {

struct Cfg {
  dim3 grid, block;
  size_t shmem;
  cudaStream_t stream;
  Cfg(dim3 g, dim3 b, size_t s = 0, cudaStream_t st = nullptr) : grid(g), block(b), shmem(s), stream(st) {}
};

// Where each fiber is: the launch's shape, this block, this thread.
struct Place {
  dim3 grid, block;
  uint3 block_idx;
  uint3 thread_idx;
};
extern thread_local const Place* current_place;

// Checks the launch shape (a bad one fails at the call, as on a GPU) and runs `body` on every
// thread of the grid, at once or on cfg.stream's worker.
void run_grid(const Cfg& cfg, const char* name, std::function<void()> body);

// `kernel` is a callable that forwards to the kernel; `args` are copied now.
template <typename K, typename... A>
void launch(const Cfg& cfg, const char* name, K kernel, A&&... args) {
  auto values = std::make_shared<std::tuple<std::decay_t<A>...>>(std::forward<A>(args)...);
  run_grid(cfg, name, [kernel, values] { std::apply(kernel, *values); });
}

void sync_block();
void* dynamic_shared();
// Writes this lane's value, waits for the warp, and returns the value lane `src` wrote.
void warp_exchange(const void* mine, void* out, size_t bytes, int src_lane);
int lane_id();

}  // namespace ns_emu

#define threadIdx (::ns_emu::current_place->thread_idx)
#define blockIdx (::ns_emu::current_place->block_idx)
#define blockDim (::ns_emu::current_place->block)
#define gridDim (::ns_emu::current_place->grid)
#define __syncthreads() ::ns_emu::sync_block()

template <typename T>
inline T __shfl_down_sync(unsigned, T v, unsigned delta, int width = 32) {
  const int lane = ::ns_emu::lane_id();
  const int in_group = lane % width;
  const int src = in_group + static_cast<int>(delta) < width ? lane + static_cast<int>(delta) : lane;
  T out;
  ::ns_emu::warp_exchange(&v, &out, sizeof(T), src);
  return out;
}

template <typename T>
inline T __shfl_sync(unsigned, T v, int src_lane, int width = 32) {
  const int lane = ::ns_emu::lane_id();
  T out;
  ::ns_emu::warp_exchange(&v, &out, sizeof(T), lane - lane % width + ((src_lane % width) + width) % width);
  return out;
}

// Kernels now run on stream workers while the host reads what they write (a mapped flag).
inline void __threadfence_system() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
inline void __threadfence() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

template <typename T>
inline T atomicAdd(T* p, T v) {
  T old = *p;
  *p = old + v;
  return old;
}
template <typename T>
inline T atomicMin(T* p, T v) {
  T old = *p;
  if (v < old) *p = v;
  return old;
}
template <typename T>
inline T atomicMax(T* p, T v) {
  T old = *p;
  if (v > old) *p = v;
  return old;
}

// Explicitly rounded arithmetic: separate statements on the host are never fused (no -ffast-math,
// -ffp-contract=off for these files).
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline double __dadd_rn(double a, double b) { return a + b; }
inline double __dsub_rn(double a, double b) { return a - b; }
inline double __dmul_rn(double a, double b) { return a * b; }
inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
inline double rsqrt(double x) { return 1.0 / std::sqrt(x); }

// CUDA's device code has min and max for every arithmetic pair in the global namespace.
template <typename A, typename B, typename = std::enable_if_t<std::is_arithmetic_v<A> && std::is_arithmetic_v<B>>>
inline std::common_type_t<A, B> min(A a, B b) {
  return b < a ? b : a;
}
template <typename A, typename B, typename = std::enable_if_t<std::is_arithmetic_v<A> && std::is_arithmetic_v<B>>>
inline std::common_type_t<A, B> max(A a, B b) {
  return a < b ? b : a;
}
using std::isfinite;
using std::isinf;
using std::isnan;
