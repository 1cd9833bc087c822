#include "storage.h"

namespace nutshell::core {

Storage::Storage(Device device, size_t nbytes, Allocator* allocator)
    : device_(device), nbytes_(nbytes), allocator_(allocator) {
  data_ = allocator_->allocate(nbytes_);
  MemoryStats& stats = allocator_->stats();
  stats.live_storages.fetch_add(1);
  int64_t now = stats.live_bytes.fetch_add(static_cast<int64_t>(nbytes_)) + static_cast<int64_t>(nbytes_);
  int64_t peak = stats.peak_bytes.load();
  while (now > peak && !stats.peak_bytes.compare_exchange_weak(peak, now)) {
  }
}

Storage::~Storage() {
  allocator_->deallocate(data_, nbytes_);
  MemoryStats& stats = allocator_->stats();
  stats.live_storages.fetch_sub(1);
  stats.live_bytes.fetch_sub(static_cast<int64_t>(nbytes_));
}

}  // namespace nutshell::core
