#include "storage.h"

namespace nutshell::core {

namespace {

void count_taken(MemoryStats& stats, size_t nbytes) {
  int64_t now = stats.live_bytes.fetch_add(static_cast<int64_t>(nbytes)) + static_cast<int64_t>(nbytes);
  int64_t peak = stats.peak_bytes.load();
  while (now > peak && !stats.peak_bytes.compare_exchange_weak(peak, now)) {
  }
}

}  // namespace

Storage::Storage(Device device, size_t nbytes, Allocator* allocator, bool deferred)
    : device_(device), nbytes_(nbytes), allocator_(allocator) {
  if (!deferred) materialize();  // first: a failed allocation throws before anything is counted
  allocator_->stats().live_storages.fetch_add(1);
}

// Two threads may both find no bytes (a worker's kernel and a read on the JS thread after a
// failed op skipped it): the first to publish wins and the other gives its block back.
void* Storage::materialize() const {
  void* mine = allocator_->allocate(nbytes_);
  void* expected = nullptr;
  if (data_.compare_exchange_strong(expected, mine, std::memory_order_acq_rel)) {
    count_taken(allocator_->stats(), nbytes_);
    return mine;
  }
  allocator_->deallocate(mine, nbytes_);
  return expected;
}

Storage::~Storage() {
  MemoryStats& stats = allocator_->stats();
  stats.live_storages.fetch_sub(1);
  if (void* p = data_.load(std::memory_order_acquire)) {
    allocator_->deallocate(p, nbytes_);
    stats.live_bytes.fetch_sub(static_cast<int64_t>(nbytes_));
  }
}

}  // namespace nutshell::core
