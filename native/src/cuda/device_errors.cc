// Device-side error checks without stalling the stream (Note [device-side errors] in common.cuh):
// the pinned slot pool, the per-GPU device slot and the queue that marks outputs once the host
// sees a fetch has run.
#include "device_errors.h"

#include "../core/error.h"
#include "check.h"

namespace nutshell::cuda {

namespace {

// Slots live in pinned host memory mapped into every device's address space (portable), in
// chunks that are never freed (a slot is 32 bytes; a few hundred ops are in flight at most). Each
// slot is kept with its device address, asked for once per chunk.
class SlotPool {
 public:
  static SlotPool& instance() {
    static SlotPool* pool = new SlotPool();  // leaked: checks may still be pending at exit
    return *pool;
  }

  HostSlot take() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!free_.empty()) return pop();
    }
    void* p = nullptr;  // outside the lock: a pinned allocation may wait for the device
    NS_CUDA_CHECK(cudaHostAlloc(&p, kChunk * sizeof(ErrorSlot), cudaHostAllocMapped | cudaHostAllocPortable));
    // With unified addressing (every 64-bit process) pinned host memory is reachable from every
    // device through its host pointer; ask for the mapping anyway and fall back to that.
    void* mapped = nullptr;
    if (cudaHostGetDevicePointer(&mapped, p, 0) != cudaSuccess) {
      (void)cudaGetLastError();
      mapped = p;
    }
    auto* host = static_cast<ErrorSlot*>(p);
    auto* device = static_cast<ErrorSlot*>(mapped);
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t i = 0; i < kChunk; ++i) free_.push_back({host + i, device + i});
    return pop();
  }

  void give_back(HostSlot s) {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(s);
  }

 private:
  static constexpr size_t kChunk = 1024;
  HostSlot pop() {
    HostSlot s = free_.back();
    free_.pop_back();
    return s;
  }
  std::mutex mutex_;
  std::vector<HostSlot> free_;
};

bool fetched(const ErrorSlot* s) { return __atomic_load_n(&s->done, __ATOMIC_ACQUIRE) != 0; }

// Marks the outputs that are still alive with "op: message" when the fetch found an error; an
// output marked already keeps its mark (an op with two checks reports the first, as on cpu).
void conclude(const PendingCheck& p) {
  const ErrorSlot& s = *p.slot.host;
  if (s.first == kNoError) return;
  std::string message;
  try {
    message = p.format(static_cast<int64_t>(s.first), s.ivalue, s.fvalue);
  } catch (...) {
    message = "invalid value at position " + std::to_string(s.first);
  }
  auto err = std::make_shared<const core::KernelError>(core::KernelError{core::ErrorKind::value, p.op + ": " + message});
  for (const auto& weak : p.outputs) {
    if (auto o = weak.lock(); o && !o->error()) o->set_error(err);
  }
}

}  // namespace

DeviceErrors::~DeviceErrors() {
  if (device_) (void)cudaFree(device_);  // may fail at process exit, after the driver has gone
}

ErrorSlot* DeviceErrors::device_slot() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!device_) NS_CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&device_), sizeof(ErrorSlot)));
  if (dirty_) {
    // All bits set: first = kNoError. Stream-ordered before every kernel enqueued after it.
    NS_CUDA_CHECK(cudaMemsetAsync(device_, 0xff, sizeof(ErrorSlot), stream_));
    dirty_ = false;
  }
  return device_;
}

void DeviceErrors::mark_dirty() {
  std::lock_guard<std::mutex> lock(mutex_);
  dirty_ = true;
}

HostSlot DeviceErrors::take_host_slot() {
  const HostSlot slot = SlotPool::instance().take();
  slot.host->first = kNoError;
  slot.host->ivalue = 0;
  slot.host->fvalue = 0;
  __atomic_store_n(&slot.host->done, 0ull, __ATOMIC_RELEASE);
  return slot;
}

void DeviceErrors::give_back_host_slot(HostSlot slot) { SlotPool::instance().give_back(slot); }

void DeviceErrors::add(PendingCheck check) {
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.push_back(std::move(check));
  pending_count_.store(pending_.size(), std::memory_order_release);
}

void DeviceErrors::resolve_ready() {
  if (pending_count_.load(std::memory_order_acquire) == 0) return;
  std::vector<PendingCheck> ready;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Fetches run in stream order, so the filled slots are a prefix of the queue.
    while (!pending_.empty() && fetched(pending_.front().slot.host)) {
      ready.push_back(std::move(pending_.front()));
      pending_.pop_front();
    }
    pending_count_.store(pending_.size(), std::memory_order_release);
  }
  for (const PendingCheck& p : ready) {
    conclude(p);
    SlotPool::instance().give_back(p.slot);
  }
}

}  // namespace nutshell::cuda
