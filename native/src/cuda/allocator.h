#pragma once
// A caching allocator: freed blocks go to per-size-class free lists instead of cudaFree, so a
// training loop that allocates the same shapes every step stops calling the driver after step one.
#include <cstddef>
#include <map>
#include <mutex>
#include <vector>

#include "../core/storage.h"

namespace nutshell::cuda {

class CachingAllocator final : public core::Allocator {
 public:
  explicit CachingAllocator(int device) : device_(device) {}
  ~CachingAllocator() override;
  void* allocate(size_t nbytes) override;
  void deallocate(void* ptr, size_t nbytes) override;
  // Returns every cached block to the driver.
  void empty_cache();
  // Size classes: 512-byte multiples below 1 MiB, then 2 MiB multiples.
  static size_t round_size(size_t nbytes);

 private:
  void* cuda_malloc_or_throw(size_t rounded, size_t asked);
  int device_;
  std::mutex mutex_;
  std::map<size_t, std::vector<void*>> free_;  // rounded size → cached blocks
  size_t cached_bytes_ = 0;
};

}  // namespace nutshell::cuda
