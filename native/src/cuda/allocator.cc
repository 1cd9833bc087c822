#include "allocator.h"

#include <cuda_runtime.h>

#include <string>

#include "check.h"

namespace nutshell::cuda {

size_t CachingAllocator::round_size(size_t nbytes) {
  if (nbytes == 0) nbytes = 1;
#if NS_EMU_ASAN
  // The cuda emulator under AddressSanitizer (emu/, NUTSHELL_EMU_ASAN): blocks of the exact size,
  // so a kernel that runs past its tensor is caught instead of landing in the rounding.
  return nbytes;
#endif
  constexpr size_t kSmall = 512, kLarge = 2u << 20, kSmallLimit = 1u << 20;
  if (nbytes < kSmallLimit) return (nbytes + kSmall - 1) / kSmall * kSmall;
  return (nbytes + kLarge - 1) / kLarge * kLarge;
}

CachingAllocator::~CachingAllocator() { empty_cache(); }

void* CachingAllocator::cuda_malloc_or_throw(size_t rounded, size_t asked) {
  void* p = nullptr;
  cudaError_t e = cudaMalloc(&p, rounded);
  if (e == cudaErrorMemoryAllocation) {
    (void)cudaGetLastError();
    empty_cache();  // one retry with the cache flushed
    e = cudaMalloc(&p, rounded);
  }
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    size_t free_b = 0, total_b = 0;
    cudaMemGetInfo(&free_b, &total_b);
    NS_THROW(backend, std::string(cudaGetErrorName(e)) + ": cuda:" + std::to_string(device_) + " out of memory allocating " +
                          std::to_string(asked) + " bytes; nutshell holds " + std::to_string(stats().reserved_bytes.load()) +
                          " bytes (" + std::to_string(stats().live_bytes.load()) + " live), the device has " + std::to_string(free_b) +
                          " of " + std::to_string(total_b) + " bytes free");
  }
  return p;
}

void* CachingAllocator::allocate(size_t nbytes) {
  size_t rounded = round_size(nbytes);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = free_.find(rounded);
    if (it != free_.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      cached_bytes_ -= rounded;
      return p;
    }
  }
  NS_CUDA_CHECK(cudaSetDevice(device_));
  void* p = cuda_malloc_or_throw(rounded, nbytes);
  stats().reserved_bytes.fetch_add(static_cast<int64_t>(rounded));
  return p;
}

// Note [stream-ordered reuse]: every op, copy and workspace of a device is enqueued on that
// device's one stream, so a block given back while queued kernels still use it can only be
// handed out again to work enqueued after them: reuse needs no synchronisation. This holds as
// long as nothing touches device memory outside that stream (no cudaMemset/cudaMemcpy without
// Async, no other streams). Blocks may be given back from any thread, including CUDA's host-
// function thread (a kernel error check dropping its references): deallocate makes no CUDA call.
void CachingAllocator::deallocate(void* ptr, size_t nbytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  free_[round_size(nbytes)].push_back(ptr);
  cached_bytes_ += round_size(nbytes);
}

// Cached blocks may still be read or written by queued kernels (see above): returning them to
// the driver waits for the device first. The lists are taken out under the lock and the wait
// happens outside it, since the work being waited for may itself give blocks back.
void CachingAllocator::empty_cache() {
  std::map<size_t, std::vector<void*>> taken;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    taken.swap(free_);
    cached_bytes_ = 0;
  }
  if (taken.empty()) return;
  cudaSetDevice(device_);
  cudaDeviceSynchronize();
  (void)cudaGetLastError();
  for (auto& [size, blocks] : taken) {
    for (void* p : blocks) {
      cudaFree(p);
      stats().reserved_bytes.fetch_sub(static_cast<int64_t>(size));
    }
  }
  (void)cudaGetLastError();
}

}  // namespace nutshell::cuda
