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

class Storage {
 public:
  Storage(Device device, size_t nbytes, Allocator* allocator);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }

  // A kernel that failed marks its outputs: reading them (or using them) reports the op's error.
  void set_error(std::shared_ptr<const KernelError> error) { std::atomic_store(&error_, std::move(error)); }
  std::shared_ptr<const KernelError> error() const { return std::atomic_load(&error_); }

 private:
  Device device_;
  size_t nbytes_;
  Allocator* allocator_;
  void* data_ = nullptr;
  std::shared_ptr<const KernelError> error_;
};

using StoragePtr = std::shared_ptr<Storage>;

}  // namespace nutshell::core
