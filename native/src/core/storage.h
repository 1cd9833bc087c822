#pragma once
// Reference-counted device memory. A Storage remembers the allocator that made it and gives its
// bytes back to that allocator when the last reference goes: a JS tensor holds one reference, and
// every queued kernel holds one for each tensor it touches, so memory outlives pending work.
#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

#include "device.h"
#include "error.h"

namespace nutshell::core {

// Live counts for memory() and leak tests. Each allocator keeps its own (no globals in core: the
// cuda backend is a separate shared library with its own copy of this code).
struct MemoryStats {
  std::atomic<int64_t> live_storages{0};
  std::atomic<int64_t> live_bytes{0};
  std::atomic<int64_t> peak_bytes{0};
  std::atomic<int64_t> reserved_bytes{0};  // held by a caching allocator, live or cached
};

class Allocator {
 public:
  virtual ~Allocator() = default;
  virtual void* allocate(size_t nbytes) = 0;
  virtual void deallocate(void* ptr, size_t nbytes) = 0;
  MemoryStats& stats() { return stats_; }

 private:
  MemoryStats stats_;
};

// What a failed kernel leaves on its outputs: the error's kind and "op: message".
struct KernelError {
  ErrorKind kind;
  std::string message;
  [[noreturn]] void raise() const { throw Error(kind, message); }
};

// Note [deferred host memory]: a cpu op's outputs are made when it is called but written when the
// worker reaches it, up to 1024 ops later. Taking their bytes at the call held a block for every
// queued op (a chain of 1M-element ops peaked at 128 × 4 MB, all fresh pages: 1.3 ms per relu
// instead of 0.23 ms) while the blocks that queued ops free return only as they run. A deferred
// Storage takes its bytes on first data(), on the thread that runs the op, so it reuses the block
// the op before it just freed, still in cache. live_bytes counts bytes taken, as PyTorch's
// memory_allocated does.
class Storage {
 public:
  Storage(Device device, size_t nbytes, Allocator* allocator, bool deferred = false);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const {
    void* p = data_.load(std::memory_order_acquire);
    return p ? p : materialize();
  }
  size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }

  // A kernel that failed marks its outputs: reading them (or using them) reports the op's error.
  void set_error(std::shared_ptr<const KernelError> error) { std::atomic_store(&error_, std::move(error)); }
  std::shared_ptr<const KernelError> error() const { return std::atomic_load(&error_); }

 private:
  Device device_;
  size_t nbytes_;
  Allocator* allocator_;
  void* materialize() const;
  mutable std::atomic<void*> data_{nullptr};
  std::shared_ptr<const KernelError> error_;
};

using StoragePtr = std::shared_ptr<Storage>;

}  // namespace nutshell::core
