// The pool of error slots (Note [device-side errors] in common.cuh), the fetch kernel and the
// host function that marks an op's outputs, and the cached multiprocessor counts.
#include <memory>
#include <mutex>
#include <vector>

#include "common.cuh"

namespace nutshell::cuda {

int sm_count(int device) {
  static std::mutex mutex;
  static std::vector<int> counts;
  std::lock_guard<std::mutex> lock(mutex);
  if (device >= static_cast<int>(counts.size())) counts.resize(static_cast<size_t>(device) + 1, 0);
  int& c = counts[static_cast<size_t>(device)];
  if (c == 0) {
    int v = 0;
    NS_CUDA_CHECK(cudaDeviceGetAttribute(&v, cudaDevAttrMultiProcessorCount, device));
    c = std::max(v, 1);
  }
  return c;
}

namespace {

// Slots live in pinned host memory mapped into every device's address space (portable), in
// chunks that are never freed (a slot is 24 bytes; a few hundred ops are in flight at most).
class SlotPool {
 public:
  static SlotPool& instance() {
    static SlotPool* pool = new SlotPool();  // leaked: host functions may still run at exit
    return *pool;
  }

  ErrorSlot* take() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!free_.empty()) return pop();
    }
    // Outside the lock: a pinned allocation may wait for queued work, and the host functions in
    // that work give slots back (taking the lock).
    void* p = nullptr;
    NS_CUDA_CHECK(cudaHostAlloc(&p, kChunk * sizeof(ErrorSlot), cudaHostAllocMapped | cudaHostAllocPortable));
    auto* slots = static_cast<ErrorSlot*>(p);
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t i = 0; i < kChunk; ++i) free_.push_back(slots + i);
    return pop();
  }

  void give_back(ErrorSlot* s) {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(s);
  }

 private:
  static constexpr size_t kChunk = 1024;
  ErrorSlot* pop() {
    ErrorSlot* s = free_.back();
    free_.pop_back();
    return s;
  }
  std::mutex mutex_;
  std::vector<ErrorSlot*> free_;
};

// Copies the first offending position (from the device buffer) and the value there into the host
// slot. Plain stores to mapped host memory, fenced so that the host function that runs next on
// the stream sees them.
__global__ void fetch_value_kernel(const ErrorSlot* dev, ErrorSlot* host, const void* values, int kind) {
  const unsigned long long pos = dev->first;
  host->first = pos;
  if (pos != kNoError) {
    switch (kind) {
      case kFetchI32: {
        const int32_t v = static_cast<const int32_t*>(values)[pos];
        host->ivalue = v;
        host->fvalue = v;
        break;
      }
      case kFetchI64: {
        const int64_t v = static_cast<const int64_t*>(values)[pos];
        host->ivalue = v;
        host->fvalue = static_cast<double>(v);
        break;
      }
      default: {
        const float v = static_cast<const float*>(values)[pos];
        host->ivalue = 0;
        host->fvalue = v;
        break;
      }
    }
  }
  __threadfence_system();
}

// What the host function needs: the slot, the outputs to mark and how to word the error.
struct PendingCheck {
  ErrorSlot* host_slot;
  std::vector<core::StoragePtr> outputs;
  std::string op;
  ErrorFormatter format;
};

// Runs on a CUDA-owned thread once the stream reaches it: no CUDA calls here. Dropping the
// storage references may free blocks into the caching allocator, which makes no CUDA call either.
void CUDART_CB check_slot(void* data) {
  std::unique_ptr<PendingCheck> p(static_cast<PendingCheck*>(data));
  const ErrorSlot s = *p->host_slot;
  SlotPool::instance().give_back(p->host_slot);
  if (s.first == kNoError) return;
  std::string message;
  try {
    message = p->format(static_cast<int64_t>(s.first), s.ivalue, s.fvalue);
  } catch (...) {
    message = "invalid value at position " + std::to_string(s.first);
  }
  auto err = std::make_shared<const core::KernelError>(core::KernelError{core::ErrorKind::value, p->op + ": " + message});
  for (const auto& o : p->outputs) o->set_error(err);
}

void CUDART_CB release_slot(void* data) { SlotPool::instance().give_back(static_cast<ErrorSlot*>(data)); }

}  // namespace

ErrorReporter::ErrorReporter(DeviceContext& ctx, const core::OpCall& call)
    : ctx_(ctx), call_(call), device_(ctx, sizeof(ErrorSlot)) {
  // All bits set: first = kNoError.
  NS_CUDA_CHECK(cudaMemsetAsync(device_.as<void>(), 0xff, sizeof(ErrorSlot), ctx.stream));
  host_slot_ = SlotPool::instance().take();
  host_slot_->first = kNoError;
  host_slot_->ivalue = 0;
  host_slot_->fvalue = 0;
  // With unified addressing (every 64-bit process) pinned host memory is reachable from every
  // device through its host pointer; ask for the mapping anyway and fall back to that.
  void* mapped = nullptr;
  if (cudaHostGetDevicePointer(&mapped, host_slot_, 0) != cudaSuccess) {
    (void)cudaGetLastError();
    mapped = host_slot_;
  }
  mapped_slot_ = static_cast<ErrorSlot*>(mapped);
}

ErrorReporter::~ErrorReporter() {
  if (handed_off_ || !host_slot_) return;
  // A launch threw after kernels that use the slot may have been queued: give it back only when
  // the stream gets there (if even that cannot be queued, the slot is leaked, never reused early).
  (void)cudaLaunchHostFunc(ctx_.stream, release_slot, host_slot_);
  (void)cudaGetLastError();
}

void ErrorReporter::enqueue_fetch(const void* values, int kind) {
  fetch_value_kernel<<<1, 1, 0, ctx_.stream>>>(device_.as<ErrorSlot>(), mapped_slot_, values, kind);
  NS_LAUNCH_CHECK();
}

void ErrorReporter::enqueue_check(ErrorFormatter format) {
  auto* p = new PendingCheck{host_slot_, {}, core::op_name(call_.op), std::move(format)};
  for (const auto& o : call_.outputs) p->outputs.push_back(o.storage);
  cudaError_t e = cudaLaunchHostFunc(ctx_.stream, check_slot, p);
  if (e != cudaSuccess) {
    delete p;
    NS_CUDA_CHECK(e);
  }
  handed_off_ = true;
}

}  // namespace nutshell::cuda
